"""The NPU paper's networks (nalm/networks/chain.py, dense.py) under the engine: a run alone and the
same run inside a block give the same bits, for every model of the three experiments; the
Chain's loss terms are Julia's `norm(params(model), 1)` (Σ of each array's 2-norm:
`LinearAlgebra.generic_norm1`, as `nmheim/NeuralArithmetic.jl` `examples/npu.jl` and
`nmheim/NeuralPowerUnits` `scripts/*/` use it) and run.jl's iNALU saturation term."""

import math

import pytest
import torch

from nalm import modules
from nalm.core.engine import train_block
from nalm.core.random import init_generator
from nalm.networks.chain import PAD_ROWS, Chain, frobenius_sum
from nalm.networks.dense import Dense
from nalm.networks.stack import Stack
from nalm.tasks.npu_experiments import models, setup

CASES = [("example", "NPU-NAU", None, 20)] + [("layers", m, None, 20) for m in models("layers")] + [
    ("arithmetic100", m, "div", 6) for m in models("arithmetic100") if m != "iNALU"
]


def _trained(experiment, model, task, seeds, updates):
    the_setup = setup(experiment, model, task, updates=updates)
    network = the_setup.network(len(seeds))
    logs = train_block(the_setup.hyper, the_setup.block(seeds), network, the_setup.engine_iterations, 5)
    return network, logs


@pytest.mark.parametrize("experiment, model, task, updates", CASES)
def test_a_run_alone_equals_the_same_run_inside_a_block(experiment, model, task, updates):
    alone, alone_logs = _trained(experiment, model, task, [7], updates)
    block, block_logs = _trained(experiment, model, task, [3, 7, 9], updates)
    for p_alone, p_block in zip(alone.parameters(), block.parameters()):
        assert torch.equal(p_alone[0], p_block[1])
    assert alone_logs[0].metrics == block_logs[1].metrics


def test_frobenius_sum_is_julias_norm_of_params():
    # norm(ps, 1) = Σ_A ‖A‖₂: for A = [3, 4] and B = [[1, 2], [2, 4]]: 5 + 5 = 10 (not Σ|p| = 16)
    a = torch.tensor([[3.0, 4.0]], requires_grad=True)
    b = torch.tensor([[[1.0, 2.0], [2.0, 4.0]]], requires_grad=True)
    zero = torch.zeros(1, 3, requires_grad=True)
    total = frobenius_sum([a, b, zero], runs=1)
    assert total.tolist() == [10.0]
    total.sum().backward()
    torch.testing.assert_close(a.grad, a.detach() / 5)  # A / ‖A‖
    assert zero.grad.abs().sum() == 0  # an all-zero array: gradient 0, not NaN


def test_chain_terms_replace_the_layers_own():
    layers = (modules.build("NPU", 2, 6, 2), modules.build("NAU", 6, 4, 2))
    chain = Chain(*layers, l1="frobenius-sum")
    chain.reset_parameters([init_generator(0), init_generator(1)])
    terms = chain.regularizers()
    assert list(terms) == ["W_npu"]  # no NAU "W", no NPU "gate"
    expected = frobenius_sum([p for p in chain.parameters()], 2)
    torch.testing.assert_close(terms["W_npu"], expected, rtol=0, atol=0)
    assert Chain(*layers, l1="elementwise").regularizers() == {}  # the engine's own L1
    saturated = Chain(modules.build("iNALU-jl", 2, 3, 2), modules.build("iNALU-jl", 3, 1, 2), saturation=True)
    saturated.reset_parameters([init_generator(0), init_generator(1)])
    first, second = saturated.layers
    torch.testing.assert_close(saturated.regularizers()["inalu"],
                               first.regularizers()["inalu"] + second.regularizers()["inalu"])


def test_padding_is_invisible():
    layers = (Dense(2, 5, 2, "sigmoid"), Dense(5, 3, 2))
    chain = Chain(*layers)
    chain.reset_parameters([init_generator(0), init_generator(1)])
    x = torch.rand(2, 100, 2)
    y = chain(x)
    assert y.shape == (2, 100, 3) and -100 % PAD_ROWS != 0
    torch.testing.assert_close(y, Stack(*layers)(x))


def test_engine_weights_the_frobenius_term_by_beta():
    the_setup = setup("example", "NPU-NAU", updates=10)
    hyper = the_setup.hyper
    # β·norm(ps, 1) with β = 1e-4 (examples/npu.jl): the engine's W_npu weight λ_npu·β(t), λ_npu = 1
    assert (hyper.regularizer_npu_w, hyper.reg_scale_type, hyper.beta, hyper.l1) == (1.0, "heim", (1e-4, 1e-4), False)
    elementwise = setup("example", "NPU-NAU", settings={"l1": "elementwise"}, updates=10).hyper
    assert (elementwise.l1, elementwise.regularizer_npu_w) == (True, 0.0)


def test_dense_is_fluxs_dense():  # Flux 0.10 Dense: W glorot_uniform(out, in), b zeros, σ(W·x .+ b)
    dense = Dense(50, 50, runs=100, activation="sigmoid")
    dense.reset_parameters([init_generator(s) for s in range(100)])
    bound = math.sqrt(6 / 100)
    W = dense.W.detach()
    assert -bound <= float(W.min()) < -0.99 * bound and 0.99 * bound < float(W.max()) <= bound
    assert dense.b.abs().sum() == 0
    with torch.no_grad():
        dense.b.fill_(0.5)
    x = torch.rand(100, 7, 50)
    expected = torch.sigmoid(x @ dense.W.transpose(1, 2) + 0.5)
    torch.testing.assert_close(dense(x), expected)


def test_on_positive_inputs_the_npu_is_the_real_npu():
    # With x > 0, k = 0 and ∂y/∂W_im = -exp(…)·sin(W_im·log r)·log r = 0 at W_im = 0, so W_im never
    # leaves 0 and NPU(2,6) → NAU(6,4) trains exactly as RealNPU(2,6) → NAU(6,4) from the same
    # seed: the layer comparison's NPU and RealNPU columns differ only by their runs' draws.
    npu, _ = _trained("layers", "NPU", None, [4, 5], 25)
    real, _ = _trained("layers", "RealNPU", None, [4, 5], 25)
    assert npu.layers[0].W_im.abs().sum() == 0
    assert torch.equal(npu.layers[0].W_real, real.layers[0].W_real) and torch.equal(npu.layers[0].g, real.layers[0].g)
    assert torch.equal(npu.layers[1].W, real.layers[1].W)
