"""NALU (Trask et al., NeurIPS 2018, arXiv 1808.00508) and G-NALU (Mistry, Farrahi & Hare, "A Primer
for Neural Arithmetic Logic Modules", JMLR 2022, arXiv 2101.09530).

Pinned against `bmistry4/nalm-benchmark`: `stable_nalu/layer/_abstract_nalu.py` (gate, init
order, logged values), `stable_nalu/functional/golden_ratio_base.py` (base-φ functions) and
`stable_nalu/reader/tensorboard_metric_reader.py` (sparsity error). The ideal weights follow
from the formula: W = [1, ±1], gate 1 for add/sub and 0 for mul/div.
"""

import math

import pytest
import torch
from _module_inputs import (
    NEGATIVE_RANGES,
    OPS,
    POSITIVE_RANGES,
    fill,
    generators,
    inputs,
)

from nalm.modules import build
from nalm.modules.nac import nac_init_bound
from nalm.modules.nalu import GoldenRatioNALU

SATURATED = 50.0  # saturates tanh, σ and their base-φ versions in float32
GATE = 1000.0  # |x·G| ≥ 200 on every range below: the gate is exactly 0 or 1
PHI = (1 + math.sqrt(5)) / 2


def ideal_nalu(name, op, negative, runs):
    """W = [1, ±1]; G saturates the gate to 1 (add/sub) or 0 (mul/div) on same-sign inputs."""
    module = build(name, input_size=2, runs=runs)
    fill(module.W_hat, SATURATED * torch.tensor([[1.0, 1.0 if op in ("add", "mul") else -1.0]]))
    fill(module.M_hat, SATURATED)
    towards_add = 1.0 if op in ("add", "sub") else -1.0
    fill(module.G, GATE * towards_add * (-1.0 if negative else 1.0))
    return module


@pytest.mark.parametrize("name", ["NALU", "G-NALU"])
@pytest.mark.parametrize("op", ["add", "sub", "mul", "div"])
@pytest.mark.parametrize("negative", [False, True])
def test_ideal_weights_compute_the_op(name, op, negative):
    # The gate g = σ(x·Gᵀ) depends on the input, so no single G saturates it on the mixed-sign
    # ranges; the ideal solution is checked on the same-sign ranges, each run its own range.
    ranges = NEGATIVE_RANGES if negative else POSITIVE_RANGES
    module = ideal_nalu(name, op, negative, runs=len(ranges))
    x = inputs(ranges)
    rtol = 1e-6 if op in ("add", "sub") else 1e-5
    torch.testing.assert_close(module(x)[..., 0], OPS[op](x[..., 0], x[..., 1]), rtol=rtol, atol=1e-6)


def test_golden_ratio_functions_are_base_phi_sigmoid_and_tanh():  # golden_ratio_base.py
    z = torch.linspace(-30, 30, 121)
    torch.testing.assert_close(GoldenRatioNALU._gate(z), torch.sigmoid(z * math.log(PHI)))
    ones = torch.zeros_like(z)  # σ_φ(0) = 1/2 isolates tanh_φ in the weight
    torch.testing.assert_close(GoldenRatioNALU._weight(z, ones), torch.tanh(z * math.log(PHI)) / 2)
    torch.testing.assert_close(GoldenRatioNALU._weight(torch.full_like(z, 20.0), z),
                               torch.sigmoid(z * math.log(PHI)), rtol=1e-6, atol=1e-6)  # tanh_φ(20) = 1


def test_golden_ratio_tanh_is_the_power_form_and_overflows_like_the_original():  # golden_ratio_base.py
    assert math.isnan(GoldenRatioNALU._weight(torch.tensor([100.0]), torch.tensor([0.0])).item())


def test_golden_ratio_gate_and_weight_differ_from_the_natural_ones():  # golden_ratio_base.py
    natural, golden = build("NALU", 2, runs=1), build("G-NALU", 2, runs=1)
    for module in (natural, golden):
        fill(module.W_hat, [[0.7, -0.4]])
        fill(module.M_hat, [[0.3, 0.2]])
        fill(module.G, [[0.5, 0.5]])
    x = torch.tensor([[[1.5, 2.5]]])
    assert not torch.allclose(natural(x), golden(x))
    torch.testing.assert_close(golden.weight(), torch.tanh(golden.W_hat * math.log(PHI))
                               * torch.sigmoid(golden.M_hat * math.log(PHI)))


@pytest.mark.parametrize("name", ["NALU", "G-NALU"])
def test_init_nac_bound_then_xavier_gate(name):  # _abstract_nalu.py: G ~ U(±1.41421) for I = 2
    module = build(name, input_size=2, runs=300)
    module.reset_parameters(generators(range(300)))
    r = nac_init_bound(2, 1)
    for parameter in (module.W_hat, module.M_hat):
        assert r * 0.95 < parameter.abs().max() <= r
    assert 1.41421 * 0.95 < module.G.abs().max() <= 1.41422
    assert module.G.mean().item() == pytest.approx(0.0, abs=0.1)


def test_init_draw_order_is_w_hat_m_hat_then_g():  # _abstract_nalu.py: the NAC part first, then G
    module = build("NALU", input_size=2, runs=1)
    module.reset_parameters(generators([3]))
    generator = torch.Generator().manual_seed(3)
    r, bound = nac_init_bound(2, 1), math.sqrt(6 / 3)
    for parameter, half_width in ((module.W_hat, r), (module.M_hat, r), (module.G, bound)):
        expected = -half_width + 2 * half_width * torch.rand(1, 2, generator=generator)
        torch.testing.assert_close(parameter[0], expected)


@pytest.mark.parametrize("name", ["NALU", "G-NALU"])
def test_logged_gate_mean_and_sparsity_error(name):  # _abstract_nalu.py, tensorboard_metric_reader.py
    module = build(name, input_size=2, runs=2)
    fill(module.M_hat, SATURATED)
    with torch.no_grad():
        module.W_hat[0] = torch.tensor([[SATURATED, 0.0]])  # W = [1, 0]
        module.W_hat[1] = torch.tensor([[SATURATED, -SATURATED]])
        module.G[0] = 0.0  # g = 0.5 everywhere
        module.G[1] = torch.tensor([[GATE, GATE]])  # g = 1 on positive inputs
    log = {}
    module(1 + torch.rand(1, 5, 2), log)
    assert list(log) == ["network/layer_1/nalu/gate/mean", "network/layer_1/nalu/nac/W/sparsity_error"]
    torch.testing.assert_close(log["network/layer_1/nalu/gate/mean"], torch.tensor([0.5, 1.0]))
    torch.testing.assert_close(log["network/layer_1/nalu/nac/W/sparsity_error"], torch.zeros(2))
    assert module.regularizers() == {}


def test_sparsity_error_is_that_of_the_shared_nac_weight():  # tensorboard_metric_reader.py
    module = build("NALU", input_size=2, runs=1)
    fill(module.W_hat, [[math.atanh(0.8), SATURATED]])
    fill(module.M_hat, SATURATED)
    torch.testing.assert_close(module.sparsity_error(), torch.tensor([0.2]))
