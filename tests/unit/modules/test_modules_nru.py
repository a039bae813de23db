"""NRU (Mistry, Farrahi & Hare, "Exploring the Learning Mechanisms of Neural Division Modules",
TMLR 2022, earlier version arXiv 2110.05177).

Pinned against `ReciprocalNMULayer` in `bmistry4/nalm-division`,
`stable_nalu/layer/reciprocal_nmu.py`.
"""

import pytest
import torch
from _module_inputs import BENCHMARK_RANGES, OPS, fill, generators, inputs

from nalm.core.errors import UserError
from nalm.modules import build


@pytest.mark.parametrize("div_mode", ["div", "div-sepSign"])
@pytest.mark.parametrize("training", [False, True])
@pytest.mark.parametrize("op, weights", [("div", [1.0, -1.0]), ("mul", [1.0, 1.0])])
def test_ideal_weights_compute_the_op_on_every_range(div_mode, training, op, weights):  # reciprocal_nmu.py
    module = build("NRU", input_size=2, runs=len(BENCHMARK_RANGES), div_mode=div_mode)
    fill(module.W, [weights])
    module.train(training)
    x = inputs(BENCHMARK_RANGES)
    torch.testing.assert_close(module(x)[..., 0], OPS[op](x[..., 0], x[..., 1]), rtol=1e-5, atol=1e-6)


def test_zero_weight_ignores_its_input_among_ten():  # reciprocal_nmu.py: W = 0 gives a factor 1
    module = build("NRU", input_size=10, runs=2).eval()
    fill(module.W, [[0, 0, 0, 0, 0, 1, -1, 0, 0, 0]])
    x = inputs(BENCHMARK_RANGES[:2], input_size=10)
    torch.testing.assert_close(module(x)[..., 0], x[..., 5] / x[..., 6], rtol=1e-5, atol=0)


def test_training_and_evaluation_forward_differ():  # reciprocal_nmu.py: a = tanh(1000·W)² vs |W|
    module = build("NRU", input_size=2, runs=1)
    fill(module.W, [[0.5, 0.5]])
    x = torch.tensor([[[4.0, 9.0]]])
    torch.testing.assert_close(module.train()(x)[0, 0, 0], torch.tensor(6.0))  # (2·1 + 0)(3·1 + 0)
    torch.testing.assert_close(module.eval()(x)[0, 0, 0], torch.tensor(3.0))  # (2·½ + ½)(3·½ + ½)


def test_separate_sign_mode_rounds_the_weight_for_the_sign():  # reciprocal_nmu.py, div-sepSign
    x = torch.tensor([[[-4.0, 9.0]]])
    magnitude_factor = 4.0**0.6 * 0.6 + 0.4
    expected = {"div": -(4.0**0.6) * 0.6 + 0.4, "div-sepSign": -magnitude_factor}
    for div_mode, value in expected.items():
        module = build("NRU", input_size=2, runs=1, div_mode=div_mode).eval()
        fill(module.W, [[0.6, 0.0]])
        torch.testing.assert_close(module(x)[0, 0, 0], torch.tensor(value))


def test_zero_input_under_a_negative_weight_is_not_finite():  # reciprocal_nmu.py: no ε
    module = build("NRU", input_size=2, runs=1).eval()
    fill(module.W, [[1.0, -1.0]])
    assert not torch.isfinite(module(torch.tensor([[[1.0, 0.0]]]))).all()


def test_init_is_the_nau_uniform():  # reciprocal_nmu.py: U(-0.5, 0.5) for I = 2 and 10
    for input_size in (2, 10):
        module = build("NRU", input_size=input_size, runs=200)
        module.reset_parameters(generators(range(200)))
        assert module.W.shape == (200, 1, input_size)
        assert 0.49 < module.W.abs().max() <= 0.5


def test_regulariser_clamp_sparsity_error_and_tag():  # reciprocal_nmu.py
    module = build("NRU", input_size=2, runs=2)
    fill(module.W, [[0.25, -1.5]])
    torch.testing.assert_close(module.regularizers()["W"], torch.full((2,), (0.25 + 0.5) / 2))
    assert list(module.regularizers()) == ["W"]
    log = {}
    module(torch.ones(1, 1, 2), log)  # the forward pass uses (and logs) the raw W
    assert list(log) == ["network/layer_1/nru/W/sparsity_error"]
    torch.testing.assert_close(log["network/layer_1/nru/W/sparsity_error"], torch.full((2,), 0.5))
    module.project_()
    assert torch.equal(module.W, torch.tensor([[[0.25, -1.0]], [[0.25, -1.0]]]))
    torch.testing.assert_close(module.sparsity_error(), torch.full((2,), 0.25))


def test_unknown_div_mode_is_refused():
    with pytest.raises(UserError):
        build("NRU", input_size=2, div_mode="exp-log")
