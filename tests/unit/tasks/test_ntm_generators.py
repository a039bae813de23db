"""The NTM tasks' sequences (kdexd/ntm-pytorch, ntm/datasets/*.py and ntm/tasks/*.json; Graves,
Wayne & Danihelka, "Neural Turing Machines", arXiv 1410.5401, §4)."""

import math

import numpy as np
import pytest

from nalm.tasks.ntm_associative_recall import AssociativeRecallTask
from nalm.tasks.ntm_copy import CopyTask
from nalm.tasks.ntm_priority_sort import PrioritySortTask
from nalm.tasks.ntm_repeat_copy import RepeatCopyTask
from nalm.tasks.ntm_sequences import draw_integer
from nalm.tasks.ntm_tasks import TASKS, build_task, task_facts


def rng(seed=0):
    return np.random.default_rng(seed)


def drawn(task, name, samples=3000):
    """The values of setting `name` over many sequences, read back from their shapes."""
    generator, values = rng(), []
    for _ in range(samples):
        inputs, targets = task.sample(generator)
        if name == "length":
            values.append(inputs.shape[0] - 2)
        elif name == "repeats":
            values.append((targets.shape[0] - 1) // (inputs.shape[0] - 2))
        elif name == "items":
            values.append((inputs.shape[0] - 1) // 4 - 1)
    return set(values)


def test_randint_excludes_its_upper_bound_in_the_repository_variant():
    generator = rng()
    assert {draw_integer(generator, 1, 4, "repository") for _ in range(500)} == {1, 2, 3}
    assert {draw_integer(generator, 1, 4, "paper") for _ in range(500)} == {1, 2, 3, 4}


@pytest.mark.parametrize(
    "task, name, repository, paper",
    [
        (CopyTask, "length", range(1, 20), range(1, 21)),  # copy.json 1-20; randint -> 1-19
        (RepeatCopyTask, "length", range(1, 10), range(1, 11)),  # repeatcopy.json 1-10 -> 1-9
        (RepeatCopyTask, "repeats", range(1, 10), range(1, 11)),
        (AssociativeRecallTask, "items", range(2, 6), range(2, 7)),  # associative.json 2-6 -> 2-5
    ],
)
def test_realised_training_ranges(task, name, repository, paper):
    assert drawn(task(variant="repository"), name) == set(repository)
    assert drawn(task(variant="paper"), name) == set(paper)
    assert task(variant="repository").training_ranges()[name] == (repository[0], repository[-1])


def test_generators_use_the_repositorys_json_values():
    assert task_facts("copy")["json"]["max_seq_len"] == 20 and build_task("copy").max_length == 20
    assert build_task("repeatcopy").max_repeats == 10
    assert build_task("associative").max_items == 6 and build_task("associative").item_length == 3
    assert (build_task("prioritysort").input_length, build_task("prioritysort").target_length) == (20, 16)
    assert sorted(TASKS) == ["associative", "copy", "prioritysort", "repeatcopy"]


def test_copy_layout():
    inputs, targets = CopyTask().sample(rng(), length=5)
    assert inputs.shape == (7, 10) and targets.shape == (5, 8)
    assert inputs[0].tolist() == [0] * 8 + [1, 0]  # start delimiter, channel W
    assert inputs[6].tolist() == [0] * 9 + [1]  # end delimiter, channel W + 1
    assert np.array_equal(inputs[1:6, :8], targets) and not inputs[1:6, 8:].any()
    assert set(np.unique(targets)) <= {0.0, 1.0}


def test_bits_are_fair_coins():
    _, targets = CopyTask().sample(rng(), length=2000)
    assert abs(targets.mean() - 0.5) < 0.01


def test_repeat_copy_layout_and_end_marker():
    inputs, targets = RepeatCopyTask().sample(rng(), length=3, repeats=4)
    assert inputs.shape == (5, 10) and targets.shape == (13, 9)
    assert inputs[0, 8] == 1 and np.array_equal(np.tile(inputs[1:4, :8], (4, 1)), targets[:12, :8])
    assert targets[12].tolist() == [0] * 8 + [1] and not targets[:12, 8].any()


def test_repeat_count_normalisation_of_the_repository():
    """repeatcopy.py `normalise`: mean (max − min)/2 = 4.5, std √(((max − min + 1)² − 1)/12) = √8.25."""
    task = RepeatCopyTask()
    assert task.repeat_encoding() == (4.5, math.sqrt(8.25))
    inputs, _ = task.sample(rng(), length=2, repeats=7)
    assert math.isclose(inputs[3, 9], (7 - 4.5) / math.sqrt(8.25), rel_tol=1e-6)


def test_repeat_count_normalisation_of_the_paper_has_mean_zero_variance_one():
    task = RepeatCopyTask(variant="paper")
    mu, sigma = task.repeat_encoding()
    codes = np.array([(r - mu) / sigma for r in range(1, 11)])
    assert abs(codes.mean()) < 1e-12 and math.isclose(codes.var(), 1.0)


def test_associative_recall_layout():
    inputs, target = AssociativeRecallTask().sample(rng(3), items=4)
    assert inputs.shape == (4 * 5 + 1, 8) and target.shape == (3, 6)
    items = [inputs[4 * i + 1 : 4 * i + 4, :6] for i in range(4)]
    assert all(inputs[4 * i, 6] == 1 for i in range(4))
    assert inputs[16, 7] == 1 and inputs[20, 7] == 1  # query delimiters
    query = inputs[17:20, :6]
    position = next(i for i, item in enumerate(items) if np.array_equal(item, query))
    assert np.array_equal(target, items[position + 1])


def test_associative_query_is_never_the_last_item():
    """`torch.randint(0, num_item - 1)`: q in 0 … n − 2, so the zero-target branch never triggers."""
    generator, positions = rng(), set()
    for _ in range(600):
        inputs, target = AssociativeRecallTask().sample(generator, items=3)
        query = inputs[13:16, :6]
        items = [inputs[4 * i + 1 : 4 * i + 4, :6] for i in range(3)]
        positions.add(next(i for i, item in enumerate(items) if np.array_equal(item, query)))
        assert target.any() or not items[-1].any()
    assert positions == {0, 1}


def test_priority_sort_paper_target_sorts_by_priority():
    inputs, target = PrioritySortTask(variant="paper").sample(rng())
    assert inputs.shape == (20, 9) and target.shape == (16, 8)
    priorities = inputs[:, 8]
    assert priorities.min() >= -1 and priorities.max() < 1
    order = np.argsort(-priorities)[:16]
    assert np.array_equal(target, inputs[order, :8])


def test_priority_sort_repository_target_sorts_each_column():
    """prioritysort.py: torch.sort(input, 0, descending=True) sorts every column on its own."""
    inputs, target = PrioritySortTask(variant="repository").sample(rng(1))
    ones = inputs[:, :8].sum(axis=0)
    for column in range(8):
        expected = [1.0] * int(min(ones[column], 16)) + [0.0] * int(16 - min(ones[column], 16))
        assert target[:, column].tolist() == expected


def test_bad_ranges_are_one_clear_error():
    with pytest.raises(ValueError, match="bad copy lengths 5..5"):
        CopyTask(min_length=5, max_length=5)
    with pytest.raises(ValueError, match="bad task variant 'both'"):
        CopyTask(variant="both")
