"""NAU and NMU (Madsen & Johansen, "Neural Arithmetic Units", ICLR 2020, arXiv 2001.05016).

Pinned against `bmistry4/nalm-benchmark`: `stable_nalu/layer/re_regualized_linear_nac.py` (NAU),
`stable_nalu/layer/re_regualized_linear_mnac.py` and `stable_nalu/functional/mnac.py` (NMU),
`stable_nalu/functional/regualizer.py` and `stable_nalu/functional/sparsity_error.py`.
"""

import pytest
import torch

from nalm.modules import build
from nalm.modules.nau import nau_init_bound


def generators(runs):
    return [torch.Generator().manual_seed(seed) for seed in range(runs)]


def set_weights(module, values):
    with torch.no_grad():
        module.W.copy_(torch.tensor(values, dtype=torch.float32).view_as(module.W))


@pytest.mark.parametrize("size, bound", [(2, 0.5), (10, 0.5), (100, 0.243733)])
def test_nau_init_bound(size, bound):
    # re_regualized_linear_nac.py: r = min(0.5, √3·√(2/(I+O))): 0.5 for I = 2 and 10,
    # 0.243733 for I = 100
    assert nau_init_bound(size, 1) == pytest.approx(bound, abs=5e-7)
    module = build("NAU", size, runs=200)
    module.reset_parameters(generators(200))
    assert module.W.abs().max() <= bound and module.W.abs().max() > 0.9 * bound


def test_nmu_init_is_uniform_025_075():
    # re_regualized_linear_mnac.py: U(0.5 - r, 0.5 + r) with r = min(0.25, √3·0.5) = 0.25
    module = build("NMU", 2, runs=500)
    module.reset_parameters(generators(500))
    assert 0.25 <= module.W.min() < 0.26 and 0.74 < module.W.max() <= 0.75
    assert module.W.mean().item() == pytest.approx(0.5, abs=0.02)


@pytest.mark.parametrize("op, weights", [("add", [1.0, 1.0]), ("sub", [1.0, -1.0])])
def test_nau_ideal_weights_compute_the_op(op, weights):
    # the exact solution: NAU W = [1, 1] (add) or [1, -1] (sub)
    module = build("NAU", 2, runs=2)
    set_weights(module, [weights, weights])
    x = torch.rand(2, 64, 2) * 40 - 20
    expected = x[..., 0] + x[..., 1] if op == "add" else x[..., 0] - x[..., 1]
    torch.testing.assert_close(module(x)[..., 0], expected)


def test_nmu_ideal_weights_compute_the_product_and_zero_weights_ignore_inputs():
    # the exact solution: NMU W = [1, 1] on the operands, 0 elsewhere; y = Π (W·x + 1 - W)
    module = build("NMU", 3, runs=2)
    set_weights(module, [[1.0, 1.0, 0.0], [1.0, 1.0, 0.0]])
    x = torch.rand(2, 64, 3) * 4 - 2
    torch.testing.assert_close(module(x)[..., 0], x[..., 0] * x[..., 1])


def test_nau_clamps_in_forward_and_after_steps_nmu_only_after_steps():
    # The originals' `forward` and `optimize`: the NAU clamps W to [-1, 1] in the forward pass,
    # the NMU uses the raw W; both clamp after every optimiser step (NAU [-1, 1], NMU [0, 1])
    nau, nmu = build("NAU", 2), build("NMU", 2)
    set_weights(nau, [1.5, -2.0])
    set_weights(nmu, [1.5, -0.5])
    x = torch.tensor([[[2.0, 3.0]]])
    assert nau(x).item() == pytest.approx(2.0 - 3.0)  # clamp(W) = [1, -1]
    assert nmu(x).item() == pytest.approx((1.5 * 2 + 1 - 1.5) * (-0.5 * 3 + 1 + 0.5))
    nau.project_()
    nmu.project_()
    assert nau.W.flatten().tolist() == [1.0, -1.0] and nmu.W.flatten().tolist() == [1.0, 0.0]


def test_sparsity_regularisers_on_hand_examples():
    # regualizer.py: NAU R_W = mean(min(|W|, |1 - |W||)) on the raw W; NMU mean(min(|W|, |1 - W|))
    nau, nmu = build("NAU", 2), build("NMU", 2)
    set_weights(nau, [0.25, -0.75])
    set_weights(nmu, [0.25, -0.5])
    assert nau.regularizers()["W"].item() == pytest.approx((0.25 + 0.25) / 2)
    assert nmu.regularizers()["W"].item() == pytest.approx((0.25 + 0.5) / 2)


def test_logged_sparsity_error_tag_and_value():
    # sparsity_error.py: SE = max min(|W|, |1 - |W||), logged as network/layer_1/nac/W/sparsity_error
    nau = build("NAU", 2)
    set_weights(nau, [0.9, -0.3])
    log = {}
    nau(torch.ones(1, 4, 2), log)
    assert list(log) == ["network/layer_1/nac/W/sparsity_error"]
    assert log["network/layer_1/nac/W/sparsity_error"].item() == pytest.approx(0.3)
    assert nau.sparsity_error().item() == pytest.approx(0.3)
