"""The language-to-number task (nalm/tasks/language_to_number.py) with the data and loop of
`nkarasovd/Neural_Arithmetic_Logic_Units` `src/language_models/`: num2words English words with
hyphens split (`numbers_representation.py`), the 33-word vocabulary with end-of-sequence id 0, the
169/200/631 split holding 0-19, 20, 30, ..., 100 and 123 in training (`databuilder.py`), 30 passes
of one-at-a-time samples with one step per 30 (`train.py`), and its MAE denominators."""

import torch

from nalm.tasks.language_to_number import (
    SEQUENCE_LENGTH,
    LanguageBlock,
    LanguageConstants,
    LanguageRun,
    encode,
    split,
    token_table,
    words,
)

C = LanguageConstants.from_paper()


def test_num2words_conventions_the_vocabulary_relies_on():
    assert words(320) == ["three", "hundred", "and", "twenty"]
    assert words(25) == ["twenty", "five"]
    assert words(0) == ["zero"]
    assert words(999) == ["nine", "hundred", "and", "ninety", "nine"]
    assert encode(123, C.vocabulary) == [3, 32, 30, 22, 5, 0]  # one hundred and twenty three, EOS


def test_zero_to_999_use_thirty_words_and_one_to_five_words_each():
    used = {word for n in range(1000) for word in words(n)}
    assert len(C.vocabulary) == 33 and C.vocabulary[0] == ""
    assert len(used) == 30 and used == set(C.vocabulary) - {"", "minus", ","}
    assert {len(words(n)) for n in range(1000)} == {1, 2, 4, 5}  # 'one hundred' 2, 'one hundred and one' 4
    table = token_table(C)
    assert table.shape == (1000, SEQUENCE_LENGTH) and int((table == 0).sum()) == 1000  # one EOS each


def test_split_sizes_fixed_numbers_and_coverage():
    train, validation, test = split(C, seed=7)
    assert (len(train), len(validation), len(test)) == (169, 200, 631)
    assert train[:30] == list(range(20)) + list(range(20, 101, 10)) + [123]
    assert sorted(train + validation + test) == list(range(1000))
    assert {w for n in train for w in words(n)} == {w for n in range(1000) for w in words(n)}
    assert split(C, seed=7) == (train, validation, test) and split(C, seed=8) != (train, validation, test)


def test_steps_batches_and_passes():
    assert C.steps_per_evaluation == 169  # 30 passes x 169 numbers / 30 per step
    task = LanguageBlock([LanguageRun("lstm-linear", 0), LanguageRun("lstm-linear", 1)])
    seen = [[], []]
    for _ in range(169):
        tokens, values = task.next_batch()
        assert tokens.shape == (2, 30, SEQUENCE_LENGTH) and values.shape == (2, 30)
        for r in range(2):
            seen[r] += values[r].int().tolist()
    train = [split(C, 0)[0], split(C, 1)[0]]
    for r in range(2):
        for p in range(30):  # every pass is a permutation of the training numbers
            assert sorted(seen[r][169 * p : 169 * (p + 1)]) == sorted(train[r])


class Constant(torch.nn.Module):
    def __init__(self, value):
        super().__init__()
        self.value = value

    def forward(self, x, log=None):
        return torch.full((*x.shape[:2], 1), self.value)


def test_maes_and_their_denominators():
    task = LanguageBlock([LanguageRun("lstm-linear", 0)])
    metrics = task.evaluate(Constant(0.0))
    assert torch.isnan(metrics["train_mae"]).all()  # before any training
    validation = split(C, 0)[1]
    assert torch.allclose(metrics["validation_mae"], torch.tensor([sum(validation) / 200], dtype=torch.float64))
    total = 0.0
    for _ in range(169):
        tokens, values = task.next_batch()
        task.loss(torch.full((1, 30, 1), 2e9), values)  # above 1e9: out of the denominator, in the sum
        total += float((2e9 - values.double()).sum())
    metrics = task.evaluate(Constant(0.0))
    # train.py: N = 169, minus one for every such output of the 30 passes; MAE = Σ|ŷ − y| / (N·30)
    expected = total / ((169 - 169 * 30) * 30)
    assert torch.allclose(metrics["train_mae"], torch.tensor([expected], dtype=torch.float64))
    assert task.predictions.shape == (1, 1000)


def test_predictions_at_one_evaluation_only():
    task = LanguageBlock([LanguageRun("lstm-linear", 0)], predict_at=1)
    task.evaluate(Constant(1.0))
    assert task.predictions is None
    task.evaluate(Constant(2.0))
    assert torch.all(task.predictions == 2.0)
    task.evaluate(Constant(3.0))
    assert torch.all(task.predictions == 2.0)
