"""NAC+ and NAC• (Trask et al., "Neural Arithmetic Logic Units", NeurIPS 2018, arXiv 1808.00508).

Pinned against `bmistry4/nalm-benchmark`: `stable_nalu/layer/nac.py` (NAC+: weight, init bound,
logged tag) and `stable_nalu/network/single_layer.py` (NAC• = exp(NAC+(log(|x| + 1e-7)))).
The ideal weights follow from the formulas: [1, ±1] on the operands, 0 elsewhere.
"""

import math

import pytest
import torch
from _module_inputs import (
    BENCHMARK_RANGES,
    OPS,
    POSITIVE_RANGES,
    fill,
    generators,
    inputs,
)

from nalm.modules import build
from nalm.modules.nac import nac_init_bound

SATURATED = 50.0  # tanh(±50) = ±1 and σ(50) = 1 exactly in float32


def ideal_nac(name, weights, input_size=2, runs=2):
    """A module whose W = tanh(Ŵ)·σ(M̂) equals `weights` (entries in {-1, 0, 1}) exactly."""
    module = build(name, input_size=input_size, runs=runs)
    fill(module.W_hat, SATURATED * torch.tensor([weights]))
    fill(module.M_hat, SATURATED)
    return module


@pytest.mark.parametrize("op, weights", [("add", [1, 1]), ("sub", [1, -1])])
def test_nac_plus_ideal_weights_add_and_subtract_exactly(op, weights):
    module = ideal_nac("NAC+", weights, runs=len(BENCHMARK_RANGES))
    x = inputs(BENCHMARK_RANGES)
    torch.testing.assert_close(module(x)[..., 0], OPS[op](x[..., 0], x[..., 1]), rtol=1e-6, atol=1e-6)


def test_nac_plus_ideal_weights_select_the_operands_among_ten():  # W = 0 off the operands
    weights = [0, 0, 0, 1, -1, 0, 0, 0, 0, 0]
    module = ideal_nac("NAC+", weights, input_size=10, runs=len(BENCHMARK_RANGES))
    x = inputs(BENCHMARK_RANGES, input_size=10)
    torch.testing.assert_close(module(x)[..., 0], x[..., 3] - x[..., 4], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", ["NAC*", "NAC•"])
@pytest.mark.parametrize("op, weights", [("mul", [1, 1]), ("div", [1, -1])])
def test_nac_mul_ideal_weights_multiply_and_divide_positive_inputs(name, op, weights):  # single_layer.py
    module = ideal_nac(name, weights, runs=len(POSITIVE_RANGES))
    x = inputs(POSITIVE_RANGES)
    torch.testing.assert_close(module(x)[..., 0], OPS[op](x[..., 0], x[..., 1]), rtol=1e-5, atol=0)


def test_nac_mul_uses_log_of_magnitude_plus_1e_minus_7():  # single_layer.py: exp(log(|x| + 1e-7)·Wᵀ)
    module = ideal_nac("NAC*", [1, 1])
    x = torch.tensor([[[-2.0, 0.0]]])
    torch.testing.assert_close(module(x)[..., 0], torch.full((2, 1), 2.0 * 1e-7), rtol=1e-5, atol=0)


@pytest.mark.parametrize("input_size, r", [(2, 9.47141), (10, 2.26047), (100, 0.506593)])
def test_init_bound_solves_fan_times_variance_equal_two(input_size, r):  # nac.py nac_w_optimal_r
    assert nac_init_bound(input_size, 1) == pytest.approx(r, abs=1e-5)


@pytest.mark.parametrize("input_size", [2, 100])
def test_init_draws_both_matrices_from_u_minus_r_r(input_size):  # nac.py reset_parameters
    module = build("NAC+", input_size=input_size, runs=200)
    module.reset_parameters(generators(range(200)))
    r = nac_init_bound(input_size, 1)
    for parameter in (module.W_hat, module.M_hat):
        assert parameter.shape == (200, 1, input_size)
        assert parameter.abs().max() <= r
        assert parameter.abs().max() > 0.95 * r
        assert parameter.mean().item() == pytest.approx(0.0, abs=0.05 * r)
    assert not torch.equal(module.W_hat, module.M_hat)


def test_no_regulariser_and_no_clamp():  # nac.py (its z-regulariser is off in the benchmark)
    module = ideal_nac("NAC+", [3, -2])
    before = module.W_hat.clone()
    module.project_()
    assert torch.equal(module.W_hat, before)
    assert module.regularizers() == {}


@pytest.mark.parametrize("name", ["NAC+", "NAC*"])
def test_sparsity_error_and_logged_tag(name):  # nac.py's tag, read by tensorboard_metric_reader.py
    module = build(name, input_size=2, runs=2)
    fill(module.M_hat, SATURATED)
    with torch.no_grad():
        module.W_hat[0] = torch.tensor([[math.atanh(0.3), SATURATED]])  # W = [0.3, 1]
        module.W_hat[1] = torch.tensor([[-SATURATED, math.atanh(-0.9)]])  # W = [-1, -0.9]
    expected = torch.tensor([0.3, 0.1])
    torch.testing.assert_close(module.sparsity_error(), expected)
    log = {}
    module(torch.ones(1, 3, 2), log)
    assert list(log) == ["network/layer_1/nac/W/sparsity_error"]
    torch.testing.assert_close(log["network/layer_1/nac/W/sparsity_error"], expected)
