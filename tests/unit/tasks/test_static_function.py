"""The static task (nalm/tasks/static_function.py) with the data rules of
`nkarasovd/Neural_Arithmetic_Logic_Units` `src/simple_function_learning.py`: a = Σ x[0:10],
b = Σ x[60:100] of x ~ U(0, 0.5)^100; interpolation test samples below every training maximum,
extrapolation test samples drawn at 5 × the bound with some value at or above one; scores
100 × RMSE / the mean RMSE of 20 untrained ReLU MLPs (`random_baseline`)."""

import numpy as np
import pytest
import torch

from nalm.core.errors import UserError
from nalm.modules import build
from nalm.networks.mlp import RunsMLP
from nalm.networks.stack import Stack
from nalm.core.random import init_generator
from nalm.tasks.static_function import (
    FUNCTIONS,
    RunData,
    StaticBlock,
    StaticConstants,
    StaticRun,
    moment_points,
    random_baseline,
)

CONSTANTS = StaticConstants.from_paper()


def test_the_six_functions():
    a, b = np.array([4.0]), np.array([2.0])
    values = {name: float(f(a, b)[0]) for name, f in FUNCTIONS.items()}
    assert values == {"add": 6.0, "sub": 2.0, "mul": 8.0, "div": 2.0, "square": 16.0, "sqrt": 2.0}


@pytest.mark.parametrize("function", ["mul", "sqrt"])
def test_test_sets_follow_the_reproductions_rules(function):
    data = RunData(CONSTANTS, function, seed=3, train_samples=500, input_kind="vector")
    a_max, b_max, y_max = data.maxima
    x, y = data.train_inputs.double(), data.train_targets.double()
    assert x.shape == (500, 100) and float(x.max()) < 0.5
    a, b = x[:, 0:10].sum(1), x[:, 60:100].sum(1)
    assert np.isclose(float(a.max()), a_max, rtol=1e-6) and np.isclose(float(b.max()), b_max, rtol=1e-6)
    xi, yi = data.interpolation
    xe, ye = data.extrapolation
    assert xi.shape == xe.shape == (5000, 100)
    ai, bi = xi.double()[:, 0:10].sum(1), xi.double()[:, 60:100].sum(1)
    assert bool(((ai < a_max + 1e-5) & (bi < b_max + 1e-5) & (yi.double() < y_max + 1e-5)).all())
    ae, be = xe.double()[:, 0:10].sum(1), xe.double()[:, 60:100].sum(1)
    assert bool(((ae >= a_max - 1e-5) | (be >= b_max - 1e-5) | (ye.double() >= y_max - 1e-5)).all())
    assert float(xe.max()) > 0.5 and float(xe.max()) < 2.5  # drawn at 5 x the training bound


def test_the_pair_input_is_a_and_b():
    pair = RunData(CONSTANTS, "add", seed=0, train_samples=50, input_kind="pair")
    vector = RunData(CONSTANTS, "add", seed=0, train_samples=50, input_kind="vector")
    x = vector.train_inputs.double()
    assert torch.allclose(pair.train_inputs.double(), torch.stack([x[:, :10].sum(1), x[:, 60:].sum(1)], 1), atol=1e-5)
    assert torch.equal(pair.train_targets, vector.train_targets)


def test_random_baseline_is_the_mean_rmse_of_twenty_untrained_relu_mlps():
    data = RunData(CONSTANTS, "sub", seed=1, train_samples=100, input_kind="pair")
    interpolation, extrapolation = random_baseline(data)
    rmses = []
    for seed in data.baseline_seeds:
        network = RunsMLP(2, 2, 1, 1, "relu", 1)
        network.reset_parameters([torch.Generator().manual_seed(seed)])
        x, y = data.interpolation
        with torch.no_grad():
            rmses.append(float((network(x.unsqueeze(0))[0, :, 0] - y).double().square().mean().sqrt()))
    assert len(data.baseline_seeds) == 20
    assert np.isclose(interpolation, np.mean(rmses), rtol=1e-6) and extrapolation > interpolation


def test_a_runs_data_depend_on_its_seed_and_function_only():
    block = StaticBlock([StaticRun("add", 0), StaticRun("mul", 4), StaticRun("add", 4)], 64, "pair")
    alone = StaticBlock([StaticRun("mul", 4)], 64, "pair")
    assert torch.equal(block.train_inputs[1], alone.train_inputs[0])
    assert torch.equal(block.tests["extrapolation"][0][1], alone.tests["extrapolation"][0][0])
    assert not torch.equal(block.train_inputs[0], block.train_inputs[2])


@pytest.mark.parametrize("width", [2, 7])
def test_moment_points_give_every_affine_map_the_samples_loss_and_gradient(width):
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (400, width))
    y = x[:, 0] * x[:, -1] + rng.normal(0, 0.1, 400)
    px, py = moment_points(x, y)
    assert px.shape == (2 * (width + 1), width)
    for _ in range(3):
        A = torch.tensor(rng.normal(size=width), requires_grad=True)
        c = torch.tensor(rng.normal(), requires_grad=True)
        losses = []
        for inputs, targets in ((x, y), (px, py)):
            loss = ((torch.from_numpy(inputs) @ A + c - torch.from_numpy(targets)) ** 2).mean()
            gradient = torch.autograd.grad(loss, (A, c))
            losses.append((loss.item(), torch.cat([gradient[0], gradient[1].view(1)])))
        assert np.isclose(losses[0][0], losses[1][0], rtol=1e-9)
        assert torch.allclose(losses[0][1], losses[1][1], rtol=1e-9, atol=1e-12)


def test_affine_models_train_on_moment_points_with_the_same_scores():
    """The NAC stack (linear) on moment points and on the samples: the same training MSE."""
    runs = [StaticRun("add", 0), StaticRun("div", 1)]
    samples = StaticBlock(runs, 300, "pair")
    moments = StaticBlock(runs, 300, "pair", affine=True)
    assert moments.train_inputs.shape == (2, 6, 2)
    network = Stack(build("NAC-nkarasovd", 2, 2, runs=2), build("NAC-nkarasovd", 2, 1, runs=2))
    network.reset_parameters([init_generator(0), init_generator(1)])
    a, b = samples.evaluate(network), moments.evaluate(network)
    assert torch.allclose(a["train_mse"], b["train_mse"], rtol=1e-4)
    assert torch.equal(a["extrapolation_score"], b["extrapolation_score"])


def test_scores_are_percent_of_the_baseline():
    block = StaticBlock([StaticRun("add", 2)], 64, "pair")

    class Zero(torch.nn.Module):
        def forward(self, x, log=None):
            return torch.zeros(*x.shape[:-1], 1)

    metrics = block.evaluate(Zero())
    x, y = block.tests["interpolation"]
    rmse = float(y.double().square().mean().sqrt())
    assert np.isclose(float(metrics["interpolation_rmse"][0]), rmse, rtol=1e-6)
    assert np.isclose(float(metrics["interpolation_score"][0]), 100 * rmse / block.baselines[0][0], rtol=1e-5)


def test_bad_inputs_are_one_line_errors():
    with pytest.raises(UserError, match="unknown function 'pow'"):
        StaticBlock([StaticRun("pow", 0)], 10, "pair")
    with pytest.raises(UserError, match="bad training set size 0"):
        StaticBlock([StaticRun("add", 0)], 0, "pair")
