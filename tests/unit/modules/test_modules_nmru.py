"""NMRU (sign retrieval, the paper's "NMRU") and plain NMRU.

Mistry, Farrahi & Hare, "Exploring the Learning Mechanisms of Neural Division Modules", TMLR 2022
(earlier version arXiv 2110.05177). Pinned against `bmistry4/nalm-division`:
`stable_nalu/layer/concat_reciprocal_nmu_sign_retrieval.py` (`SignNMRU`) and
`stable_nalu/layer/concat_reciprocal_nmu.py` (`NMRU`); the gold weights ([1, 0, 0, 1] for a/b) are
those of `export/single_layer_task/generate_divBy0_extrap_thresholds.py`.
"""

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

from nalm.modules import build, module_class

EPS = torch.finfo(torch.float32).eps


def test_names():  # the paper's NMRU is the original's SignNMRU; the original's NMRU is plain
    assert module_class("NMRU") is module_class("SignNMRU")
    assert module_class("NMRU-plain") is not module_class("NMRU")


@pytest.mark.parametrize("op, weights", [("div", [1, 0, 0, 1]), ("mul", [1, 1, 0, 0])])
def test_sign_nmru_ideal_weights_compute_the_op_on_every_range(op, weights):  # gold weights
    module = build("NMRU", input_size=2, runs=len(BENCHMARK_RANGES)).eval()
    fill(module.W, [weights])
    x = inputs(BENCHMARK_RANGES)
    torch.testing.assert_close(module(x)[..., 0], OPS[op](x[..., 0], x[..., 1]), rtol=1e-5, atol=1e-6)


def test_plain_nmru_ideal_weights_divide_any_sign():  # concat_reciprocal_nmu.py: the NMU keeps signs
    module = build("NMRU-plain", input_size=2, runs=len(BENCHMARK_RANGES)).eval()
    fill(module.W, [[1, 0, 0, 1]])
    x = inputs(BENCHMARK_RANGES)
    torch.testing.assert_close(module(x)[..., 0], x[..., 0] / x[..., 1], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["NMRU", "NMRU-plain"])
def test_training_adds_eps_before_the_reciprocal(name):  # 1/(x + ε) in training, 1/x in evaluation
    module = build(name, input_size=2, runs=1)
    fill(module.W, [[0, 0, 0, 1]])  # y = 1/b
    x = torch.tensor([[[3.0, 0.5]]])
    torch.testing.assert_close(module.eval()(x)[0, 0, 0], torch.tensor(2.0), rtol=0, atol=0)
    torch.testing.assert_close(module.train()(x)[0, 0, 0], 1 / (torch.tensor(0.5) + EPS), rtol=0, atol=0)
    assert module.train()(x)[0, 0, 0] != 2.0


def test_sign_uses_the_parity_of_selected_negative_entries():  # SignNMRU: cos(Σ_j k_j·W_oj)
    module = build("NMRU", input_size=2, runs=1).eval()
    fill(module.W, [[1, 1, 1, 0]])  # a · b · (1/a): two negatives when a < 0 count twice
    x = torch.tensor([[[-2.0, 3.0], [2.0, -3.0], [-2.0, -3.0]]])
    torch.testing.assert_close(module(x)[0, :, 0], torch.tensor([3.0, -3.0, -3.0]), rtol=1e-6, atol=0)


@pytest.mark.parametrize("name", ["NMRU", "NMRU-plain"])
def test_init_is_the_nmu_uniform_over_the_concatenation(name):  # U(0.25, 0.75), W ∈ ℝ^{O×2I}
    module = build(name, input_size=10, runs=100)
    module.reset_parameters(generators(range(100)))
    assert module.W.shape == (100, 1, 20)
    assert module.W.min() >= 0.25 and module.W.max() <= 0.75
    assert module.W.min() < 0.26 and module.W.max() > 0.74


@pytest.mark.parametrize("name, tag", [("NMRU", "nmru-sign"), ("NMRU-plain", "nmru")])
def test_regulariser_clamp_sparsity_error_and_tag(name, tag):  # `regualizer`, `optimize`
    module = build(name, input_size=2, runs=2)
    fill(module.W, [[0.25, 1.5, -0.5, 1.0]])
    torch.testing.assert_close(module.regularizers()["W"], torch.full((2,), (0.25 + 0.5 + 0.5 + 0.0) / 4))
    log = {}
    module(1 + torch.rand(1, 3, 2), log)
    assert list(log) == [f"network/layer_1/{tag}/W/sparsity_error"]
    torch.testing.assert_close(log[f"network/layer_1/{tag}/W/sparsity_error"], torch.full((2,), 0.5))
    module.project_()
    assert torch.equal(module.W, torch.tensor([[[0.25, 1.0, 0.0, 1.0]]] * 2))
    torch.testing.assert_close(module.sparsity_error(), torch.full((2,), 0.25))


def test_positive_inputs_give_the_same_output_with_and_without_sign_retrieval():
    sign, plain = build("NMRU", input_size=2, runs=3), build("NMRU-plain", input_size=2, runs=3)
    sign.reset_parameters(generators([0, 1, 2]))
    plain.reset_parameters(generators([0, 1, 2]))
    x = inputs(POSITIVE_RANGES[:3])
    torch.testing.assert_close(sign(x), plain(x))
