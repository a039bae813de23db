"""The NPU paper's two-input tasks (nalm/tasks/npu_arithmetic.py): targets, Julia's Float32 grids and
the evaluation of `nmheim/NeuralPowerUnits` `scripts/simple/dataset.jl` and `run.jl` (`result_dict`),
and `nmheim/NeuralArithmetic.jl` `examples/npu.jl` (Heim, Pevný & Šmídl, "Neural Power Units",
NeurIPS 2020, arXiv 2006.01681)."""

import numpy as np
import pytest
import torch

from nalm.core.errors import UserError
from nalm.tasks.npu_arithmetic import (
    OUTPUTS,
    PowerTask,
    PowerTaskBlock,
    Run,
    absolute_errors,
    grid_points,
    julia_range,
)


def test_julia_float32_ranges():
    grid = julia_range(-4.1, 0.2, 4.0)  # -4.1f0:0.2f0:4f0
    assert len(grid) == 41 and grid[0] == np.float32(-4.1) and grid[-1] == np.float32(3.9)
    assert 0 not in grid and grid[20] == np.float32(-0.1)
    assert len(julia_range(0.1, 0.1, 4.0)) == 40 and len(julia_range(0.1, 0.1, 2.0)) == 20
    assert len(julia_range(0.1, 0.1, 5.0)) == 50  # plots.jl's √ axis
    with pytest.raises(UserError, match="bad range"):
        julia_range(1.0, 0.1, 0.0)


def test_grid_varies_x_fastest():  # Iterators.product(x, y)
    assert grid_points(np.array([1.0, 2.0]), np.array([5.0, 6.0])).tolist() == [[1, 5], [2, 5], [1, 6], [2, 6]]


def test_targets_and_the_square_root_input():
    x = np.array([[4.0, 9.0]])
    assert PowerTask((0.1, 2.1), (0.1, 2.1), sqrt_input=0).targets(x).tolist() == [[13.0, 36.0, 4 / 9, 2.0]]
    assert PowerTask((-2, 2), (0.01, 2), sqrt_input=1).targets(x)[0, 3] == 3.0  # examples/npu.jl: sqrt(b)
    with pytest.raises(UserError, match="bad x_range"):
        PowerTask((2.0, 1.0), (0.0, 1.0))


def test_training_batches_per_run_and_their_range():
    task = PowerTask((-2.0, 2.0), (0.01, 2.0), 1, batch_size=100)
    block = PowerTaskBlock(task, [Run(0, "m"), Run(1, "m")])
    x, t = block.next_batch()
    assert x.shape == (2, 100, 2) and t.shape == (2, 100, 4) and x.dtype == torch.float32
    assert not torch.equal(x[0], x[1])
    assert float(x[..., 0].min()) >= -2 and float(x[..., 1].min()) >= 0.01 and float(x.max()) < 2
    alone = PowerTaskBlock(task, [Run(1, "m")])  # a run's batches depend on its seed only
    assert torch.equal(alone.next_batch()[0][0], x[1])
    torch.testing.assert_close(t[0], torch.from_numpy(task.targets(x[0].numpy()).astype(np.float32)))


def test_evaluation_is_the_originals_mean_absolute_error():
    task = PowerTask((0.1, 2.1), (0.1, 2.1), 0)
    block = PowerTaskBlock(task, [Run(0, "m")])

    class Exact(torch.nn.Module):  # the perfect model, off by 0.5 on every output
        runs = 1

        def forward(self, x, log=None):
            return torch.from_numpy(task.targets(x.numpy()).astype(np.float32)) + 0.5

    metrics = block.evaluate(Exact())
    for output in OUTPUTS:
        assert float(metrics[f"{output}_val"]) == pytest.approx(0.5, abs=1e-5)
        assert float(metrics[f"{output}_trn"]) == pytest.approx(0.5, abs=1e-5)
    assert float(metrics["val"]) == pytest.approx(2.0, abs=1e-4)  # find_best's criterion: the sum
    assert float(metrics["train_mse"]) == pytest.approx(0.25, abs=1e-4)
    errors = absolute_errors(Exact(), task, "div", np.array([1.0, 2.0, 3.0], np.float32), np.array([1.0, 2.0], np.float32))
    assert errors.shape == (1, 2, 3)
    np.testing.assert_allclose(errors, 0.5, atol=1e-6)
