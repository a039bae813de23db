"""NPU and Real NPU (Heim, Pevný & Šmídl, "Neural Power Units", NeurIPS 2020, arXiv 2006.01681; the
Real NPU variants of Mistry, Farrahi & Hare, "Exploring the Learning Mechanisms of Neural Division
Modules", TMLR 2022, earlier version arXiv 2110.05177).

Pinned against `stable_nalu/layer/npu.py` and `npu_real.py` of `bmistry4/nalm-benchmark` (forward,
init, logged tags; sparsity error as its `stable_nalu/reader/tensorboard_metric_reader.py`) and of
`bmistry4/nalm-division` (init options, `--npu-clip` options, W and gate regularisers with
`stable_nalu/functional/regualizer.py`). The ideal weights follow from the formula: W_re = [1, ±1]
and gate 1 on the operands.
"""

import math

import pytest
import torch
from _module_inputs import BENCHMARK_RANGES, OPS, fill, generators, inputs

from nalm.core.errors import UserError
from nalm.modules import build

EPS = torch.finfo(torch.float32).eps


def ideal_npu(name, op, runs):
    module = build(name, input_size=2, runs=runs)
    fill(module.W_real, [[1.0], [1.0 if op == "mul" else -1.0]])
    fill(module.g, 1.0)
    return module


@pytest.mark.parametrize("name", ["NPU", "RealNPU"])
@pytest.mark.parametrize("op", ["mul", "div"])
def test_ideal_weights_compute_the_op_with_signs_on_every_range(name, op):
    module = ideal_npu(name, op, runs=len(BENCHMARK_RANGES))
    x = inputs(BENCHMARK_RANGES)
    y = module(x)[..., 0]
    # ĝ = 1 keeps ε in the magnitude: |a|+ε and |b|+ε, then the sign from cos(k·W)
    a, b = x[..., 0], x[..., 1]
    magnitude = OPS[op](a.abs() + EPS, b.abs() + EPS)
    torch.testing.assert_close(y, torch.sign(OPS[op](a, b)) * magnitude, rtol=1e-5, atol=1e-6)
    # ... which is the op itself up to that ε (relative error ≤ ε/|x| per operand)
    torch.testing.assert_close(y, OPS[op](a, b), rtol=2e-5, atol=1e-6)


def test_zero_input_gets_no_phase_and_a_closed_gate_ignores_the_input():  # npu.py
    module = build("RealNPU", input_size=2, runs=1)
    fill(module.W_real, [[1.0], [1.0]])
    fill(module.g, [1.0, 0.0])  # ĝ = 0 on the second input: r = 1, k = 0
    x = torch.tensor([[[0.0, -5.0], [-3.0, -5.0]]])
    torch.testing.assert_close(module(x)[0, :, 0], torch.tensor([EPS, -(3.0 + EPS)]))


def test_gate_is_clamped_in_the_forward_pass():  # npu.py: ĝ = clamp(g, 0, 1)
    module = build("RealNPU", input_size=2, runs=2)
    fill(module.W_real, [[1.0], [1.0]])
    with torch.no_grad():
        module.g[0] = torch.tensor([1.0, 1.0])
        module.g[1] = torch.tensor([3.0, 1.0])
    x = torch.tensor([[[-2.0, 4.0]]])
    y = module(x)[:, 0, 0]
    torch.testing.assert_close(y[0], y[1])


def test_complex_weights_rotate_the_phase():  # npu.py (W_im)
    module = build("NPU", input_size=1, runs=1)
    fill(module.W_real, [[1.0]])
    fill(module.W_im, [[0.5]])
    fill(module.g, 1.0)
    x = torch.tensor([[[-2.0]]])
    log_r, k = math.log(2.0 + EPS), math.pi
    expected = math.exp(log_r * 1.0 - k * 0.5) * math.cos(k * 1.0 + log_r * 0.5)
    torch.testing.assert_close(module(x)[0, 0, 0], torch.tensor(expected, dtype=torch.float32))


@pytest.mark.parametrize("name", ["NPU", "RealNPU"])
@pytest.mark.parametrize("input_size, init, bound", [
    (2, "xavier-uniform", 1.41421), (10, "xavier-uniform", 0.738549),
    (2, "xavier-uniform-constrained", 0.5), (10, "xavier-uniform-constrained", 0.5),
])
def test_init(name, input_size, init, bound):  # npu.py, npu_real.py (`--npu-Wr-init`)
    module = build(name, input_size=input_size, runs=100, init=init)
    module.reset_parameters(generators(range(100)))
    assert module.W_real.shape == (100, input_size, 1)
    assert 0.95 * bound < module.W_real.abs().max() <= bound + 1e-6
    assert module.W_real.mean().item() == pytest.approx(0.0, abs=0.05 * bound)
    assert torch.equal(module.g, torch.full((100, input_size), 0.5))
    if name == "NPU":
        assert torch.equal(module.W_im, torch.zeros(100, input_size, 1))


CLAMPED = {  # clip option -> (W_real, W_im, g) after project_ from W_real = 3, W_im = -2, g = [-1, 2]
    "none": (3.0, -2.0, [-1.0, 2.0]),
    "w": (1.0, -2.0, [-1.0, 2.0]),
    "g": (3.0, -2.0, [0.0, 1.0]),
    "wg": (1.0, -2.0, [0.0, 1.0]),
    "wig": (1.0, -1.0, [0.0, 1.0]),
}


@pytest.mark.parametrize("name", ["NPU", "RealNPU"])
@pytest.mark.parametrize("clip", list(CLAMPED))
def test_post_step_clip_options(name, clip):  # nalm-division npu.py, npu_real.py `optimize`
    if name == "RealNPU" and clip == "wig":
        with pytest.raises(UserError):
            build(name, input_size=2, clip=clip)
        return
    module = build(name, input_size=2, runs=2, clip=clip)
    fill(module.W_real, 3.0)
    fill(module.g, [-1.0, 2.0])
    if name == "NPU":
        fill(module.W_im, -2.0)
    module.project_()
    W_real, W_im, g = CLAMPED[clip]
    assert torch.equal(module.W_real, torch.full((2, 2, 1), W_real))
    assert torch.equal(module.g, torch.tensor([g, g]))
    if name == "NPU":
        assert torch.equal(module.W_im, torch.full((2, 2, 1), W_im))


def test_real_npu_regularisers_on_hand_values():  # nalm-division npu_real.py, regualizer.py
    W_real, g = [[0.25], [-1.5]], [0.2, 1.3]
    for w_regularizer, expected in (("W", (0.75 + 0.5) / 2), ("bias", (0.25 + 0.5) / 2)):
        module = build("RealNPU", input_size=2, runs=2, w_regularizer=w_regularizer)
        fill(module.W_real, W_real)
        fill(module.g, g)
        terms = module.regularizers()
        assert sorted(terms) == ["W_npu", "gate"]
        torch.testing.assert_close(terms["W_npu"], torch.full((2,), expected))
        torch.testing.assert_close(terms["gate"], torch.full((2,), 0.25))


@pytest.mark.parametrize("clip, W_im_term", [("wg", 0.0), ("wig", 0.75)])
def test_npu_w_regulariser_adds_the_sum_of_abs_w_im_only_with_wig(clip, W_im_term):  # nalm-division npu.py
    module = build("NPU", input_size=2, runs=1, clip=clip)
    fill(module.W_real, [[0.25], [-1.5]])
    fill(module.W_im, [[0.5], [-0.25]])
    fill(module.g, [0.2, 1.3])
    terms = module.regularizers()
    torch.testing.assert_close(terms["W_npu"], torch.tensor([0.625 + W_im_term]))
    torch.testing.assert_close(terms["gate"], torch.tensor([0.25]))


def test_npu_sparsity_error_and_logged_tags():  # npu.py, tensorboard_metric_reader.py
    module = build("NPU", input_size=2, runs=2)
    fill(module.W_real, [[1.7], [0.2]])  # raw: SE = max(0.7, 0.2) = 0.7, above 0.5
    fill(module.W_im, [[0.1], [0.0]])
    fill(module.g, [1.2, 0.3])  # ĝ = [1, 0.3]: SE 0.3
    log = {}
    module(torch.ones(1, 2, 2), log)
    scope = "network/layer_1/npu"
    assert list(log) == [f"{scope}/W_real/sparsity_error", f"{scope}/W_im/sparsity_error", f"{scope}/gate/sparsity_error"]
    torch.testing.assert_close(log[f"{scope}/W_real/sparsity_error"], torch.full((2,), 0.7))
    torch.testing.assert_close(log[f"{scope}/W_im/sparsity_error"], torch.full((2,), 0.1))
    torch.testing.assert_close(log[f"{scope}/gate/sparsity_error"], torch.full((2,), 0.3))
    torch.testing.assert_close(module.sparsity_error(), torch.full((2,), 0.4))


def test_real_npu_sparsity_error_and_logged_tags():  # npu_real.py, tensorboard_metric_reader.py
    module = build("RealNPU", input_size=2, runs=1)
    fill(module.W_real, [[1.7], [0.2]])
    fill(module.g, [0.5, -0.4])  # ĝ = [0.5, 0]: SE 0.5
    log = {}
    module(torch.ones(1, 2, 2), log)
    scope = "network/layer_1/real_npu"
    assert list(log) == [f"{scope}/W_real/sparsity_error", f"{scope}/gate/sparsity_error"]
    torch.testing.assert_close(log[f"{scope}/W_real/sparsity_error"], torch.tensor([0.7]))
    torch.testing.assert_close(log[f"{scope}/gate/sparsity_error"], torch.tensor([0.5]))
    torch.testing.assert_close(module.sparsity_error(), torch.tensor([0.7]))


def test_unknown_options_are_refused():
    for options in ({"init": "normal"}, {"clip": "all"}, {"w_regularizer": "l2"}):
        with pytest.raises(UserError):
            build("RealNPU", input_size=2, **options)
