"""Initial NAC weights drawn from the pool measured in the reproduction's own processes
(nalm/networks/measured_init.py, nalm/papers/nalu/initial_nac_weights.tsv): `NACCell` of
`nkarasovd/Neural_Arithmetic_Logic_Units` `src/models/nac.py` computes its W from uninitialised
tensors; the pool is what that gave."""

import math

import torch

from nalm.core.random import init_generator
from nalm.modules import build
from nalm.networks.measured_init import MeasuredPool, WithMeasuredInit, nac_weights
from nalm.networks.stack import Stack


def test_the_pool_holds_every_measured_model_with_its_shapes():
    nac, nalu = MeasuredPool.load("static", "nac"), MeasuredPool.load("static", "nalu")
    language = MeasuredPool.load("language", "lstm-nalu")
    assert len(nac.models) == len(nalu.models) == 252  # 21 processes x 6 functions x 2 evaluate() calls
    assert len(language.models) == 100
    assert [tuple(m.shape) for m in nac.models[0]] == [(2, 2), (1, 2)]
    assert [tuple(m.shape) for m in nalu.models[0]] == [(2, 2), (2, 2), (1, 2), (1, 2)]
    assert [tuple(m.shape) for m in language.models[0]] == [(1, 64), (1, 64)]


def test_the_pool_shows_the_quirk():
    """Mostly zeros and subnormals (fresh memory, pointer bit patterns), values tanh(±big)·σ(·) ∈
    {±1, ±0.5}, and in the language model's 64-wide cells NaN now and then."""
    values = torch.cat([m.flatten() for model in MeasuredPool.load("static", "nac").models for m in model])
    assert (values.abs() < 1e-30).float().mean() > 0.5
    assert ((values.abs() - 1).abs() < 1e-6).any() and ((values.abs() - 0.5).abs() < 1e-6).any()
    assert values.abs().max() <= 1
    language = MeasuredPool.load("language", "lstm-nalu").models
    assert sum(any(torch.isnan(m).any() for m in model) for model in language) == 19


def test_a_run_draws_one_whole_model_with_its_own_generator():
    pool = MeasuredPool.load("static", "nac")
    stack = Stack(build("NAC-nkarasovd", 2, 2, runs=3), build("NAC-nkarasovd", 2, 1, runs=3))
    network = WithMeasuredInit(stack, pool)
    network.reset_parameters([init_generator(s) for s in (0, 1, 2)])
    for run, seed in enumerate((0, 1, 2)):
        generator = init_generator(seed)
        build("NAC-nkarasovd", 2, 2).reset_parameters([generator])  # the network's own draws come first
        build("NAC-nkarasovd", 2, 1).reset_parameters([generator])
        model = pool.draw(generator)
        for weight, matrix in zip(nac_weights(stack), model):
            assert torch.equal(weight[run], matrix) or (torch.isnan(matrix).any() and math.isnan(weight[run].sum()))
