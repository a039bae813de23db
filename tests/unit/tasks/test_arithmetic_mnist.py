"""The arithmetic MNIST task (nalm/tasks/arithmetic_mnist.py) against `bmistry4/nalm-division`,
`experiments/two_digit_mnist.py` and `lfs_batch_jobs/two_digit_mnist/parallel_run.sh`."""

import math

import numpy as np
import pytest
import torch

from nalm.core.errors import UserError
from nalm.tasks import arithmetic_mnist as am
from nalm.tasks.mnist_data import MnistDigits

#: test pairs of every fold: sklearn KFold(10, shuffle=True, random_state=RandomState(0)) over the
#: 81 pairs "11".."99", as the script splits them
FOLD_TEST_PAIRS = {
    0: "25 35 41 44 69 72 78 89 93",
    1: "13 39 47 57 64 66 74 92",
    2: "14 18 55 56 84 87 95 99",
    3: "15 17 19 29 58 76 81 91",
    4: "22 23 36 42 48 53 71 73",
    5: "12 26 45 46 61 68 86 97",
    6: "11 31 32 37 43 49 65 77",
    7: "16 27 28 33 67 79 94 98",
    8: "24 38 52 54 62 75 83 88",
    9: "21 34 51 59 63 82 85 96",
}


def names(pairs):
    return " ".join(f"{a}{b}" for a, b in pairs)


def constant_digits(per_digit=3):
    """Images whose every pixel is the digit's value: a fake encoder can read the digit back."""
    labels = np.repeat(np.arange(10), per_digit)
    images = np.repeat(labels[:, None, None], 28, 1).repeat(28, 2).astype(np.uint8)
    return MnistDigits(images, labels, images.copy(), labels.copy(), source="constant test digits")


class ReadingNetwork:
    """Reads the digits back from constant images and divides: a perfect network."""

    def digits(self, images):
        mean, std = 0.1307, 0.3081
        value = images[:, :, 0, 0, :] * std + mean  # first pixel row: [R, n, 56]
        return torch.stack([(value[..., 0] * 255).round(), (value[..., 28] * 255).round()], -1)

    def head_output(self, z, log=None):
        return (z[..., 0] / z[..., 1]).unsqueeze(-1)


def test_the_81_pairs_in_the_scripts_order():
    pairs = am.digit_pairs()
    assert len(pairs) == 81 and pairs[:3] == [(1, 1), (1, 2), (1, 3)] and pairs[-1] == (9, 9)


@pytest.mark.parametrize("fold", range(10))
def test_folds_are_the_scripts(fold):
    train, test = am.fold_pairs(fold)
    assert names(test) == FOLD_TEST_PAIRS[fold]
    # the script's sanity check: 9/72 for fold 0, else 8/73, and no test pair in training
    assert (len(test), len(train)) == ((9, 72) if fold == 0 else (8, 73))
    assert not set(test) & set(train) and len(set(train) | set(test)) == 81


def test_paper_settings_are_the_scripts():
    task = am.paper()["task"]
    # parallel_run.sh: --max-epochs 1000; script defaults: 1000 samples per permutation, batch 128,
    # lr 1e-3, 10 folds; transforms.Normalize((0.1307,), (0.3081,))
    assert (task["epochs"], task["samples_per_pair"], task["batch_size"], task["learning_rate"]) == (1000, 1000, 128, 1e-3)
    assert (task["folds"], task["fold_random_state"], task["digits"]) == (10, 0, list(range(1, 10)))
    assert task["normalize"] == {"mean": 0.1307, "std": 0.3081}
    # plot_train_test.r: best train 5-d.p. accuracy among the last 10 logged epochs
    assert am.paper()["selection"] == {"metric": "train_output_rounded_5dp_acc", "last": 10}
    assert am.head_names() == ["DIV", "MLP", "RealNPU-mod", "NRU", "NMRU"]


def test_head_hyperparameters_are_parallel_run_sh():
    npu = am.head_hyperparameters("RealNPU-mod")
    assert (npu.module, npu.module_options) == ("RealNPU", {"init": "xavier-uniform-constrained", "clip": "wg"})
    assert (npu.regularizer_npu_w, npu.regularizer_gate, npu.regularizer_ramp) == (2, 2, (30, 40))
    assert (npu.reg_scale_type, npu.l1, npu.learning_rate, npu.clip_grad_norm) == ("madsen", False, 1e-3, None)
    nru = am.head_hyperparameters("NRU")
    assert (nru.module, nru.regularizer, nru.regularizer_ramp, nru.clip_grad_norm, nru.learning_rate) == (
        "NRU", 2, (30, 40), 1.0, 1e-3)
    nmru = am.head_hyperparameters("NMRU")
    assert (nmru.module, nmru.regularizer, nmru.regularizer_ramp, nmru.clip_grad_norm, nmru.learning_rate) == (
        "NMRU", 2, (30, 40), None, 1e-3)
    mlp = am.head_hyperparameters("MLP")  # --weight-decay 0.001 on the MLP's parameter group
    assert (mlp.module, mlp.module_options, mlp.regularizer, mlp.learning_rate) == (None, {"weight_decay": 1e-3}, 0.0, 1e-3)
    div = am.head_hyperparameters("DIV")
    assert (div.module, div.learning_rate, div.batch_size, div.optimizer) == (None, 1e-3, 128, "adam")
    assert am.head_hyperparameters("NRU", {"learning_rate": 0.5}).learning_rate == 0.5
    with pytest.raises(UserError, match="unknown head 'NAU'"):
        am.head_hyperparameters("NAU")


def test_samples_come_from_their_split_with_quotient_targets():
    digits = constant_digits()
    samples = am.draw_samples(digits, "test", [(3, 5), (8, 2)], 4, np.random.default_rng(0))
    assert len(samples) == 8
    assert np.array_equal(samples.labels[:4], [[3, 5]] * 4) and np.array_equal(samples.labels[4:], [[8, 2]] * 4)
    assert np.all(digits.test_labels[samples.left] == samples.labels[:, 0])
    assert np.all(digits.test_labels[samples.right] == samples.labels[:, 1])
    assert samples.targets.dtype == np.float32 and samples.targets[0] == np.float32(3 / 5)


def test_images_are_side_by_side_and_normalised():
    digits = constant_digits()
    samples = am.draw_samples(digits, "train", [(7, 4)], 2, np.random.default_rng(0))
    x = am.compose(digits, "train", [samples], [np.array([0, 1])])
    assert x.shape == (1, 2, 1, 28, 56) and x.dtype == torch.float32
    left = (torch.tensor(7.0) / 255 - 0.1307) / 0.3081
    assert torch.equal(x[0, 0, 0, :, :28], torch.full((28, 28), float(left)))
    assert torch.allclose(x[0, 0, 0, :, 28:], torch.full((28, 28), (4 / 255 - 0.1307) / 0.3081))


def test_rounding_is_the_scripts_round_n_dp():
    values = torch.tensor([0.123456, 0.333333343, 2.0 / 3.0], dtype=torch.float32)
    expected = (values * 10**5).round() / 10**5
    assert torch.equal(am.round_dp(values, 5), expected)
    assert am.round_dp(torch.tensor([0.55555]), 4).item() == pytest.approx(0.5556, abs=1e-7)


def test_epochs_iterations_and_the_ramp_clock():
    digits = constant_digits()
    block = am.ArithmeticMnistBlock(digits, [am.MnistRun(1, 1), am.MnistRun(2, 2)], samples_per_pair=3, batch_size=128)
    assert block.train_size == 219 and block.iterations_per_epoch == 2  # 73 pairs × 3; ⌈219/128⌉
    assert block.iterations(epochs=4) == 9  # epochs 0..4: t = 0..9
    assert [block.schedule_step(t) for t in range(6)] == [0, 0, 1, 1, 2, 2]
    seen = [[], []]
    for t in range(4):
        x, y = block.next_batch()
        assert x.shape == (2, 128 if t % 2 == 0 else 91, 1, 28, 56) and y.shape == x.shape[:2]
        for r in range(2):
            seen[r].append(y[r].numpy())
    for r in range(2):  # every epoch visits every training sample once, in a new order
        first, second = np.concatenate(seen[r][:2]), np.concatenate(seen[r][2:])
        assert np.array_equal(np.sort(first), np.sort(block.samples["train"][r].targets))
        assert np.array_equal(np.sort(first), np.sort(second)) and not np.array_equal(first, second)


def test_only_epoch_starts_are_kept():
    """The engine also logs a run's last iteration; the script logs epoch starts only."""
    block = am.ArithmeticMnistBlock(constant_digits(), [am.MnistRun(1, 1)], samples_per_pair=3)
    block._iteration = 3  # mid-epoch (E = 2): NaN metrics, nothing evaluated
    assert math.isnan(float(block.evaluate(ReadingNetwork())["test_output_mse"][0]))
    log = type("Log", (), {})()
    log.steps, log.diverged, log.metrics = [0, 2, 4, 5], [0, 0, 0, 0], {"epoch": [0.0, 1.0, 2.0, 2.0]}
    log.scalars, log.texts = [(0, "a", 1.0), (5, "a", 2.0)], []
    am.epoch_rows(log, 2)
    assert (log.steps, log.metrics["epoch"], log.scalars) == ([0, 2, 4], [0.0, 1.0, 2.0], [(0, "a", 1.0)])


def test_folds_of_different_sizes_are_refused_in_one_block():
    with pytest.raises(UserError, match="separate blocks"):
        am.ArithmeticMnistBlock(constant_digits(), [am.MnistRun(0, 0), am.MnistRun(1, 1)], 2)
    assert am.size_classes([0, 3, 1, 2], 1000) == [[0], [3, 1, 2]]


def test_a_perfect_network_scores_full_marks():
    block = am.ArithmeticMnistBlock(constant_digits(), [am.MnistRun(1, 1), am.MnistRun(2, 2)], samples_per_pair=2)
    metrics = block.evaluate(ReadingNetwork())
    assert [m.name for m in block.metrics][:3] == ["epoch", "train_output_mse", "train_label1_mse"]
    assert len(block.metrics) == 23 and block.metrics[-1].tag == "metric/test/output_rounded_5dp/acc"
    for split in am.SPLITS:
        for name in ("output_rounded_4dp_acc", "output_rounded_5dp_acc", "label1_acc", "label2_rounded_acc"):
            assert torch.equal(metrics[f"{split}_{name}"], torch.full((2,), 100.0, dtype=torch.float64))
        assert float(metrics[f"{split}_label1_mse"].max()) == 0.0
        assert float(metrics[f"{split}_output_mse"].max()) < 1e-12
        # output rounded to an integer equals the (unrounded) target only for integer quotients
        rounded = metrics[f"{split}_output_rounded_acc"]
        samples = block.samples[split][0]
        integer = 100.0 * np.mean(samples.targets == np.round(samples.targets))
        assert math.isclose(float(rounded[0]), integer, rel_tol=1e-12)


def test_a_run_alone_equals_the_same_run_inside_a_block():
    """Loop execution, per-run data, order and dropout streams: bit-identical metrics."""
    digits = constant_digits(per_digit=4)
    hyper = am.head_hyperparameters("NRU")
    alone = am.make_block("NRU", hyper, digits, [am.MnistRun(2, 2)], epochs=1, samples_per_pair=1)
    pair = am.make_block("NRU", hyper, digits, [am.MnistRun(1, 1), am.MnistRun(2, 2)], epochs=1, samples_per_pair=1)
    log_alone, log_pair = alone.train()[0], pair.train()[1]
    assert log_alone.steps == log_pair.steps == [0, 1]
    for name in log_alone.metric_names:
        assert log_alone.metrics[name] == log_pair.metrics[name], name
    assert [s for s in log_alone.scalars] == [s for s in log_pair.scalars]
