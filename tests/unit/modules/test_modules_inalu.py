"""iNALU (Schlör, Ring & Hotho, "iNALU: Improved Neural Arithmetic Logic Unit", Frontiers in AI 2020,
doi:10.3389/frai.2020.00071).

Pinned against `bmistry4/nalm-benchmark`: `stable_nalu/layer/inalu.py` (forward pass, init, logged
values), `Regualizer._inalu_bias_linear` in `stable_nalu/functional/regualizer.py` and
`stable_nalu/reader/tensorboard_metric_reader.py` (sparsity error). The ideal weights follow from
the formula: W_a or W_m = [1, ±1] on the operands, gate 1 for add/sub and 0 for mul/div.
"""

import pytest
import torch
from _module_inputs import BENCHMARK_RANGES, OPS, fill, generators, inputs

from nalm.modules import build

SATURATED = 50.0
TAGS = [f"network/layer_1/inalu/{name}/sparsity_error" for name in ("W_a", "W_m", "W", "gate")]


def ideal_inalu(op, runs):
    """W_a = [1, ±1] and γ = 1 for add/sub; W_m = [1, ±1] and γ ≈ 0 for mul/div."""
    module = build("iNALU", input_size=2, runs=runs)
    second = 1.0 if op in ("add", "mul") else -1.0
    for W_hat, M_hat in ((module.W_a_hat, module.M_a_hat), (module.W_m_hat, module.M_m_hat)):
        fill(W_hat, SATURATED * torch.tensor([[1.0], [second]]))
        fill(M_hat, SATURATED)
    fill(module.g, SATURATED if op in ("add", "sub") else -SATURATED)
    return module


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div"])
def test_ideal_weights_compute_the_op_on_every_range_including_mixed_signs(op):
    module = ideal_inalu(op, runs=len(BENCHMARK_RANGES))
    x = inputs(BENCHMARK_RANGES)
    torch.testing.assert_close(module(x)[..., 0], OPS[op](x[..., 0], x[..., 1]), rtol=1e-5, atol=1e-6)


def test_multiplicative_path_clips_magnitude_at_eps_and_exponent_at_omega():  # inalu.py
    module = ideal_inalu("mul", runs=1)
    x = torch.tensor([[[1e-12, 3.0], [1e9, 1e9]]])
    y = module(x)[0, :, 0]
    torch.testing.assert_close(y[0], torch.tensor(1e-7 * 3.0), rtol=1e-5, atol=0)
    torch.testing.assert_close(y[1], torch.exp(torch.tensor(20.0)), rtol=1e-6, atol=0)


def test_sign_is_the_nmu_product_of_sign_x_with_weights_abs_w_m():  # inalu.py
    module = build("iNALU", input_size=2, runs=1)
    fill(module.W_m_hat, [[SATURATED], [-SATURATED]])  # |W_m| = [1, 1]
    fill(module.M_m_hat, SATURATED)
    fill(module.g, -SATURATED)
    x = torch.tensor([[[-2.0, 3.0], [-2.0, -4.0], [0.0, 5.0]]])
    torch.testing.assert_close(module(x)[0, :, 0], torch.tensor([-2.0 / 3.0, 0.5, 0.0]), rtol=1e-5, atol=1e-6)


def test_gate_does_not_depend_on_the_input():  # inalu.py
    module = build("iNALU", input_size=2, runs=1)
    fill(module.g, 0.0)  # γ = 0.5; W_a = W_m = 0 (Ŵ = 0): a = 0, m = 1, s = 1
    torch.testing.assert_close(module(torch.randn(1, 6, 2))[0, :, 0], torch.full((6,), 0.5))


def test_init_normal_means_and_stds_over_many_runs():  # inalu.py
    module = build("iNALU", input_size=2, runs=2000)
    module.reset_parameters(generators(range(2000)))
    for parameter, mean in ((module.W_a_hat, 0.88), (module.M_a_hat, 0.5), (module.W_m_hat, 0.88),
                            (module.M_m_hat, 0.5), (module.g, 0.0)):
        assert parameter.mean().item() == pytest.approx(mean, abs=0.015)
        assert parameter.std().item() == pytest.approx(0.2, abs=0.01)


def test_init_draw_order():  # inalu.py: Ŵ_a, M̂_a, Ŵ_m, M̂_m, g
    module = build("iNALU", input_size=2, runs=1)
    module.reset_parameters(generators([4]))
    generator = torch.Generator().manual_seed(4)
    for parameter, mean in ((module.W_a_hat, 0.88), (module.M_a_hat, 0.5), (module.W_m_hat, 0.88),
                            (module.M_m_hat, 0.5), (module.g, 0.0)):
        expected = mean + 0.2 * torch.randn(parameter.shape[1:], generator=generator)
        torch.testing.assert_close(parameter[0], expected)


def test_saturation_regulariser_on_hand_values():  # _inalu_bias_linear: Σ_p mean(max(20 - |p|, 0))
    module = build("iNALU", input_size=2, runs=2)
    for parameter in (module.W_a_hat, module.M_a_hat, module.W_m_hat, module.M_m_hat):
        fill(parameter, [[5.0], [-30.0]])  # mean(15, 0) = 7.5 each
    with torch.no_grad():
        module.g[0] = -4.0  # 16
        module.g[1] = 25.0  # 0
    torch.testing.assert_close(module.regularizers()["inalu"], torch.tensor([46.0, 30.0]))
    assert list(module.regularizers()) == ["inalu"]


def test_no_clamp():  # inalu.py
    module = ideal_inalu("add", runs=1)
    before = {key: value.clone() for key, value in module.state_dict().items()}
    module.project_()
    for key, value in module.state_dict().items():
        assert torch.equal(value, before[key])


def test_logged_tags_and_sparsity_error():  # inalu.py, tensorboard_metric_reader.py
    module = build("iNALU", input_size=2, runs=2)
    fill(module.M_a_hat, SATURATED)
    fill(module.M_m_hat, SATURATED)
    fill(module.W_a_hat, [[SATURATED], [0.0]])  # W_a = [1, 0]: SE 0
    with torch.no_grad():
        module.W_m_hat[0] = torch.tensor([[0.5493061], [SATURATED]])  # tanh = 0.5: SE 0.5
        module.W_m_hat[1] = torch.tensor([[0.1003353], [SATURATED]])  # tanh = 0.1: SE 0.1
        module.g[0] = 0.0  # γ = 0.5
        module.g[1] = SATURATED  # γ = 1
    log = {}
    module(torch.rand(1, 3, 2), log)
    assert list(log) == TAGS
    expected = {"W_a": [0.0, 0.0], "W_m": [0.5, 0.1], "W": [0.25, 0.05], "gate": [0.5, 0.0]}
    for tag, (name, values) in zip(TAGS, expected.items()):
        torch.testing.assert_close(log[tag], torch.tensor(values), rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(module.sparsity_error(), torch.tensor([0.25, 0.05]), rtol=1e-5, atol=1e-6)
