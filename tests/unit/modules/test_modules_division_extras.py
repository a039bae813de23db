"""The division-module paper's module additions: the gated NMRU of its NMRU ablation and the NRU's
rounding order (bmistry4/nalm-division, stable_nalu/layer/ and stable_nalu/functional/mnac.py)."""

import torch


def test_gated_nmru_is_the_nmru_of_the_gated_inputs():
    """GatedSignNMRU (bmistry4/nalm-division, concat_reciprocal_nmu_gated_sign_retrieval.py):
    x̃ = [x, 1/x] ⊙ g, magnitude NMU(|x̃|), sign cos(π·[x̃ < 0]·Wᵀ); g starts at 0.5, clamped to [0, 1]."""
    import math

    from nalm import modules
    from nalm.core.random import init_generator

    module = modules.build("NMRU-gated", 2, 1, 1)
    module.reset_parameters([init_generator(0)])
    assert torch.equal(module.g, torch.full((1, 4), 0.5))
    with torch.no_grad():
        module.W.copy_(torch.tensor([[[1.0, 0.0, 0.0, 1.0]]]))
        module.g.copy_(torch.tensor([[1.0, 1.0, 1.0, 1.0]]))
    module.eval()
    x = torch.tensor([[[-3.0, 2.0], [4.0, -8.0]]])
    assert torch.allclose(module(x)[0, :, 0], torch.tensor([-1.5, -0.5]))
    with torch.no_grad():
        module.g.copy_(torch.tensor([[0.5, 1.0, 1.0, 2.0]]))
    assert torch.allclose(module(x)[0, :, 0], torch.tensor([-3.0, 4.0]) * 0.5 * 2 / torch.tensor([2.0, -8.0]))
    with torch.no_grad():
        module.g.fill_(1.7)
        module.project_()
    assert torch.equal(module.g, torch.ones(1, 4)) and not math.isnan(float(module.regularizers()["gate"].detach()))


def test_selected_small_inputs_pass_without_rounding():
    """The original adds (1 - |W|) as one term (`stable_nalu/functional/mnac.py`, mode div): a
    selected input passes exactly, where (x + 1) - 1 would drop its low bits near zero."""
    from nalm import modules

    module = modules.build("NRU", 2, 1, 1)
    with torch.no_grad():
        module.W.copy_(torch.tensor([[[1.0, -1.0]]]))
    module.eval()
    x = torch.tensor([[[3.0e-5, 0.5]]])
    assert module(x)[0, 0, 0].item() == (torch.tensor(3.0e-5) * (torch.tensor(0.5) ** -1.0)).item()
