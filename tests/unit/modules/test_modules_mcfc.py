"""MCFC, MulMCFC and its sign variants (Hoedt et al., "MC-LSTM: Mass-Conserving LSTM", ICML 2021,
arXiv 2101.05186; the sign variants are `bmistry4/nalm-benchmark`'s).

Pinned against `bmistry4/nalm-benchmark`: `stable_nalu/layer/mcfc.py` (forward, init, regulariser,
logged tags and their order; its junction and out gate are `LinearRedistribution` and `Gate` of
`stable_nalu/layer/mclstm.py`) and `stable_nalu/reader/tensorboard_metric_reader.py` (the sparsity
error it actually computes). The ideal weights follow from the formulas: σ(w + b) → 1 and, for
MulMCFC, bias → 0.
"""

import pytest
import torch
from _module_inputs import BENCHMARK_RANGES, POSITIVE_RANGES, fill, generators, inputs

from nalm.modules import build

OPEN = 20.0  # σ(20) = 1 in float32: the ideal out gate needs w + b ≳ 16.7
MUL_NAMES = ["MulMCFC", "MulMCFCSignINALU", "MulMCFCSignRealNPU"]
JUNCTION_TAG = "network/layer_1/MCFC/mcfc_junction/sparsity_error"
OUT_GATE_TAG = "network/layer_1/MCFC/mcfc_out_gate/sparsity_error"
BIAS_TAG = "network/layer_1/MulMCFC/mulmcfc_bias/sparsity_error"
G_HAT_TAG = "network/layer_1/MulMCFC/mulmcfcsignrealnpu_g_hat/sparsity_error"


def ideal(name, runs):
    module = build(name, input_size=2, runs=runs)
    module.reset_parameters(generators(range(runs)))  # the junction is ≡ 1 whatever r is
    fill(module.out_gate_weight, OPEN)
    if name == "MulMCFCSignRealNPU":
        fill(module.g, 1.0)
    return module


def test_mcfc_ideal_weights_add_on_every_range():  # σ(w + b) → 1
    module = ideal("MCFC", runs=len(BENCHMARK_RANGES))
    x = inputs(BENCHMARK_RANGES)
    torch.testing.assert_close(module(x)[..., 0], x[..., 0] + x[..., 1], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", MUL_NAMES)
def test_mul_mcfc_ideal_weights_multiply_positive_inputs(name):  # o → 1, bias → 0
    module = ideal(name, runs=len(POSITIVE_RANGES))
    x = inputs(POSITIVE_RANGES)
    torch.testing.assert_close(module(x)[..., 0], x[..., 0] * x[..., 1], rtol=1e-5, atol=0)


@pytest.mark.parametrize("name", ["MulMCFCSignINALU", "MulMCFCSignRealNPU"])
def test_sign_variants_multiply_on_every_range(name):  # mcfc.py
    module = ideal(name, runs=len(BENCHMARK_RANGES))
    x = inputs(BENCHMARK_RANGES)
    torch.testing.assert_close(module(x)[..., 0], x[..., 0] * x[..., 1], rtol=1e-5, atol=1e-6)


def test_plain_mul_mcfc_cannot_take_negative_inputs():  # mcfc.py: log of a negative is NaN
    module = ideal("MulMCFC", runs=1)
    assert torch.isnan(module(torch.tensor([[[-2.0, 3.0]]]))).all()


def test_sign_inalu_is_the_product_of_input_signs():  # mcfc.py: s = softmax(r) ≡ 1
    module = ideal("MulMCFCSignINALU", runs=1)
    x = torch.tensor([[[-2.0, 3.0], [-2.0, -3.0], [0.0, 3.0]]])
    torch.testing.assert_close(module._sign(x, None)[0, :, 0], torch.tensor([-1.0, 1.0, 0.0]))


def test_sign_real_npu_gate_scales_the_phase():  # mcfc.py: cos(k·s), k = clamp(g, 0, 1)·π·[x < 0]
    module = ideal("MulMCFCSignRealNPU", runs=1)
    fill(module.g, [0.5, 2.0])
    x = torch.tensor([[[-2.0, 3.0], [2.0, -3.0]]])
    torch.testing.assert_close(module._sign(x, None)[0, :, 0], torch.tensor([0.0, -1.0]), rtol=0, atol=1e-6)


def test_junction_is_a_softmax_over_outputs():  # mcfc.py: identically 1 when O = 1
    module = build("MCFC", input_size=3, output_size=2, runs=1)
    module.reset_parameters(generators([0]))
    fill(module.out_gate_weight, OPEN)
    junction = torch.softmax(module.junction, dim=-1)
    torch.testing.assert_close(junction.sum(dim=-1), torch.ones(1, 3))
    x = torch.tensor([[[1.0, 2.0, 3.0]]])
    torch.testing.assert_close(module(x), torch.matmul(x, junction))


@pytest.mark.parametrize("name", ["MCFC"] + MUL_NAMES)
def test_init(name):  # mcfc.py: orthogonal r and w, zero biases, g = 0.5
    module = build(name, input_size=2, runs=50)
    module.reset_parameters(generators(range(50)))
    torch.testing.assert_close(module.junction.square().sum(dim=1), torch.ones(50, 1))  # unit column
    assert torch.equal(module.out_gate_weight.abs(), torch.ones(50, 1, 1))
    assert 0 < (module.out_gate_weight > 0).sum() < 50
    assert torch.equal(module.out_gate_bias, torch.zeros(50, 1))
    if name != "MCFC":
        assert torch.equal(module.bias, torch.zeros(50, 1))
    if name == "MulMCFCSignRealNPU":
        assert torch.equal(module.g, torch.full((50, 2), 0.5))


@pytest.mark.parametrize("name", ["MCFC"] + MUL_NAMES)
def test_negative_regulariser_on_hand_values(name):  # mcfc.py: -(mean(r²) + mean(w²) + mean(b²))
    module = build(name, input_size=2, runs=2)
    fill(module.junction, [[1.0], [2.0]])
    fill(module.out_gate_weight, 3.0)
    fill(module.out_gate_bias, -1.0)
    terms = module.regularizers()
    torch.testing.assert_close(terms["W"], torch.full((2,), -(2.5 + 9.0 + 1.0)))
    if name == "MulMCFCSignRealNPU":
        fill(module.g, [0.2, 1.3])
        torch.testing.assert_close(module.regularizers()["gate"], torch.full((2,), 0.25))
    else:
        assert list(terms) == ["W"]


@pytest.mark.parametrize("name", ["MCFC"] + MUL_NAMES)
def test_no_clamp(name):  # mcfc.py
    module = build(name, input_size=2, runs=1)
    fill(module.junction, 5.0)
    fill(module.out_gate_weight, -7.0)
    before = {key: value.clone() for key, value in module.state_dict().items()}
    module.project_()
    for key, value in module.state_dict().items():
        assert torch.equal(value, before[key])


EXPECTED_TAGS = {
    "MCFC": [JUNCTION_TAG, OUT_GATE_TAG],
    "MulMCFC": [BIAS_TAG, JUNCTION_TAG, OUT_GATE_TAG],
    "MulMCFCSignINALU": [BIAS_TAG, JUNCTION_TAG, OUT_GATE_TAG],
    "MulMCFCSignRealNPU": [BIAS_TAG, G_HAT_TAG, JUNCTION_TAG, OUT_GATE_TAG],
}


@pytest.mark.parametrize("name", list(EXPECTED_TAGS))
def test_logged_tags_in_the_original_order_and_the_actual_sparsity_error(name):  # mcfc.py, reader
    module = build(name, input_size=2, runs=2)
    module.reset_parameters(generators([0, 1]))
    fill(module.out_gate_weight, [[0.0]])  # o = σ(0 + b)
    with torch.no_grad():
        module.out_gate_bias[1] = 2.0
    o = torch.sigmoid(torch.tensor([0.0, 2.0]))
    expected = (0.0 + torch.minimum(o, 1 - o)) / 2  # (SE(junction ≡ 1) + SE(o)) / 2
    if name != "MCFC":
        fill(module.bias, 0.3)  # logged, but left out of sparse.error.max by the original export
    if name == "MulMCFCSignRealNPU":
        fill(module.g, 0.4)
    log = {}
    module(1 + torch.rand(1, 3, 2), log)
    assert list(log) == EXPECTED_TAGS[name]
    torch.testing.assert_close(log[JUNCTION_TAG], torch.zeros(2))
    torch.testing.assert_close(log[OUT_GATE_TAG], torch.minimum(o, 1 - o))
    if name != "MCFC":
        torch.testing.assert_close(log[BIAS_TAG], torch.full((2,), 0.3))
    if name == "MulMCFCSignRealNPU":
        torch.testing.assert_close(log[G_HAT_TAG], torch.full((2,), 0.4))
    torch.testing.assert_close(module.sparsity_error(), expected)
