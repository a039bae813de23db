"""The single-module task's options for the division-module paper (Mistry, Farrahi & Hare, TMLR
2022; bmistry4/nalm-division, experiments/single_layer.py and stable_nalu/dataset/
_simple_function_abstact.py): reciprocal, halves ranges, distributions, training criteria."""

import numpy as np
import pytest
import torch

from nalm.core.errors import UserError
from nalm.core.ranges import parse_range
from nalm.tasks.distributions import parse_distribution
from nalm.tasks.single_module import RunSpec, SingleModuleBlock, SingleModuleTask


def _block(task, interpolation, extrapolation, distribution="uniform", seeds=(0, 1)):
    runs = [RunSpec(parse_range(interpolation), parse_range(extrapolation), "x", seed, parse_distribution(distribution))
            for seed in seeds]
    return SingleModuleBlock(task, runs, 128)


def test_reciprocal_is_one_over_the_first_operand():
    task = SingleModuleTask("reciprocal", 2, 0.5)
    x = np.array([[2.0, 5.0], [0.25, 3.0]])
    assert task.targets_float64(x, 0).tolist() == [0.5, 4.0]
    easy = SingleModuleTask("reciprocal", 1, 1.0, 0.0, 1)
    block = _block(easy, "[0,1e-3]", "[0,1e-3]")
    x, y = block.next_batch()
    assert x.shape == (2, 128, 1) and torch.allclose(y, 1 / x[..., 0], rtol=1e-6)
    with pytest.raises(UserError, match="subsets"):
        SingleModuleTask("div", 1, 1.0, 0.0, 1)


def test_halves_put_a_and_b_in_their_ranges_at_input_size_2():
    block = _block(SingleModuleTask("div", 2), "[[-2,-1],[1,2],[]]", "[[-6,-2],[2,6],[]]")
    x, _ = block.next_batch()
    assert bool((x[..., 0] < -1 + 1e-6).all() and (x[..., 1] > 1 - 1e-6).all())
    test = block.test.inputs
    assert bool((test[..., 0] <= -2).all() and (test[..., 1] >= 2).all())


def test_distribution_runs_draw_their_own_family_and_leave_uniform_runs_unchanged():
    task = SingleModuleTask("div", 2)
    uniform = _block(task, "[1,2]", "[2,6]", seeds=(3,))
    runs = [RunSpec(parse_range("[1,2]"), parse_range("[2,6]"), "u", 3),
            RunSpec(parse_range("[10,100]"), parse_range("[100,1000]"), "b", 3, parse_distribution("benford"))]
    mixed = SingleModuleBlock(task, runs, 128)
    for _ in range(3):
        alone, _ = uniform.next_batch()
        together, _ = mixed.next_batch()
        assert torch.equal(alone[0], together[0])  # the uniform run's batches do not depend on its block
        benford = together[1]
        assert bool((benford == benford.round()).all() and (benford >= 11).all() and (benford <= 99).all())


def _criterion(name, prediction, target):
    task = SingleModuleTask("div", 2, criterion=name)
    block = _block(task, "[1,2]", "[2,6]", seeds=(0,))
    return float(block.loss(torch.tensor(prediction).view(1, -1, 1), torch.tensor(target).view(1, -1))[0])


def test_training_criteria_follow_the_original_formulas():
    prediction, target = [1.0, 2.5, 2.0, 4.5], [1.0, 2.0, 3.0, 4.0]
    p, t = np.array(prediction), np.array(target)
    assert _criterion("mse", prediction, target) == pytest.approx(np.mean((p - t) ** 2))
    assert _criterion("mape", prediction, target) == pytest.approx(np.mean(np.abs((t - p) / t)))
    eps = np.finfo(np.float32).eps
    vx, vy = p - p.mean(), t - t.mean()
    sx, sy = np.sqrt(max((vx**2).sum() / 4, eps)), np.sqrt(max((vy**2).sum() / 4, eps))
    r = np.sum(vx / (sx + eps) * vy / (sy + eps)) / 4
    assert _criterion("pcc", prediction, target) == pytest.approx(1 - r, rel=1e-5)
    # a constant prediction: the ε guards keep PCC finite (loss 1)
    assert _criterion("pcc", [2.0] * 4, target) == pytest.approx(1.0)
    with pytest.raises(UserError, match="criterion"):
        SingleModuleTask("div", 2, criterion="huber")
