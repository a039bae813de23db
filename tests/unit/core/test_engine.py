"""The block training engine (the training loop of `bmistry4/nalm-benchmark`'s
`experiments/single_layer_benchmark.py`; issue: block independence, divergence).
"""

import math

import numpy as np
import pytest
import torch

from nalm.core.engine import TAG_BETA, TAG_CRITERION
from nalm.core.presets import resolve
from nalm.core.ranges import parse_range
from nalm.tasks.single_module import (
    TAG_EXTRAPOLATION,
    TAG_INTERPOLATION,
    RunSpec,
    SingleModuleTask,
    make_block,
)

R7 = (parse_range("[1,2]"), parse_range("[2,6]"))
R5 = (parse_range("[-2,2]"), parse_range("[[-6,-2],[2,6]]"))


def specs(seeds, pair=R7, range_id="r7"):
    return [RunSpec(pair[0], pair[1], range_id, seed) for seed in seeds]


def train(preset, op, runs, iterations, log_interval=100, input_size=2, **overrides):
    block = make_block(resolve(preset, op, overrides), SingleModuleTask(op, input_size), runs, iterations, log_interval)
    return block, block.train()


def metrics(log):
    return np.array([log.metrics["interpolation_mse"], log.metrics["extrapolation_mse"], log.metrics["sparsity_error"]])


BLOCK_PRESETS = [
    ("NAU", "add"), ("NMU", "mul"), ("NAC+", "sub"), ("NAC*", "div"), ("NALU", "mul"), ("G-NALU", "add"),
    ("iNALU", "add"), ("NPU", "mul"), ("RealNPU", "div"), ("MCFC", "add"), ("MulMCFCSignRealNPU", "mul"),
    ("NRU-in2", "div"), ("NMRU-in2", "div"),
]


@pytest.mark.parametrize("preset, op", BLOCK_PRESETS)
def test_a_run_alone_and_in_a_block_of_25_logs_identical_metrics(preset, op):
    # Exact, bit for bit: parameter-sized transcendental functions go through `exact_tanh`,
    # `exact_sigmoid`, `exact_exp`; Adam is the foreach one (the fused one rounds by position).
    # The ramp is moved into the short run so that the regulariser path is exercised too.
    _, alone = train(preset, op, specs([11], R5, "r5"), 400, regularizer_ramp=[100, 300])
    mixed = specs(range(12), R7) + specs(range(11, 24), R5, "r5")  # 25 runs, two range pairs
    _, block = train(preset, op, mixed, 400, regularizer_ramp=[100, 300])
    assert np.array_equal(metrics(alone[0]), metrics(block[12]), equal_nan=True)
    assert alone[0].scalars == block[12].scalars


def test_same_seed_same_numbers_and_different_seeds_differ():
    _, first = train("NALU", "add", specs([0, 1]), 300)
    _, second = train("NALU", "add", specs([0, 1]), 300)
    assert first[0].scalars == second[0].scalars and first[1].scalars == second[1].scalars
    assert first[0].scalars != first[1].scalars


def test_log_steps_are_0_to_iterations_inclusive():
    # single_layer_benchmark.py: t = 0 .. N inclusive, 51 evaluations for 50,000 iterations at 1000
    _, logs = train("NAU", "add", specs([0]), 500, log_interval=100)
    assert logs[0].steps == [0, 100, 200, 300, 400, 500]
    tags = {tag for _, tag, _ in logs[0].scalars}
    assert {TAG_INTERPOLATION, TAG_EXTRAPOLATION, TAG_CRITERION, "network/layer_1/nac/W/sparsity_error"} <= tags


def test_npu_logs_beta_at_log_steps():
    # single_layer_benchmark.py with the NPU-mul flags: β is 1e-7 then 1e-6 from t = 10000
    _, logs = train("NPU", "mul", specs([0]), 10_000, log_interval=5000)
    beta = [(step, value) for step, tag, value in logs[0].scalars if tag == TAG_BETA]
    assert beta == [(0, 1e-7), (5000, 1e-7), (10000, 1e-6)]


def test_a_diverging_run_is_recorded_and_does_not_disturb_its_block():
    _, clean = train("NALU", "mul", specs([0, 2]), 300)
    block = make_block(resolve("NALU", "mul"), SingleModuleTask("mul"), specs([0, 1, 2]), 300, 100)
    with torch.no_grad():
        for parameter in block.module.parameters():
            parameter[1] = math.inf  # run 1 diverges before the first step
    logs = block.train()
    assert logs[1].diverged == [1, 1, 1, 1] and all(math.isnan(v) for v in logs[1].metrics["extrapolation_mse"])
    assert logs[0].scalars == clean[0].scalars and logs[2].scalars == clean[1].scalars
    assert logs[0].diverged == [0, 0, 0, 0]


def test_nau_learns_addition():
    # A learning check: NAU add on U[1,2) finds W = [1, 1] within a few thousand iterations
    # (the ramp moved forward so that the sparsity regulariser acts within the run).
    _, logs = train("NAU", "add", specs(range(4)), 5000, log_interval=1000, regularizer_ramp=[1000, 3000])
    for log in logs:
        assert log.metrics["extrapolation_mse"][-1] < 6.66667e-07  # the closed-form add threshold for U[2,6]
        assert log.metrics["sparsity_error"][-1] < 1e-4


def test_gradient_norm_clipping_is_per_run():
    block = make_block(resolve("NAU", "add", {"clip_grad_norm": 1.0}), SingleModuleTask("add"), specs([0, 1]), 0, 1)
    w = block.module.W
    w.grad = torch.tensor([[[3.0, 4.0]], [[0.3, 0.4]]])
    from nalm.core.optim import clip_grad_norm_per_run as _clip_grad_norm_per_run

    _clip_grad_norm_per_run([w], 1.0)
    assert torch.allclose(w.grad[0], torch.tensor([[0.6, 0.8]]), atol=1e-6)  # norm 5 -> 1
    assert torch.equal(w.grad[1], torch.tensor([[0.3, 0.4]]))  # norm 0.5 stays


def test_inalu_reinitialisation_keeps_adam_state_and_logs_the_counter():
    # lr 0 keeps the validation MSE flat, so mean(first) <= mean(last) + std(last) holds
    hyper = resolve("iNALU", "add", {"learning_rate": 0.0,
                                     "reinit": {"interval": 10, "max_stored_losses": 50, "loss_threshold": -1.0}})
    block = make_block(hyper,
                  SingleModuleTask("add"), specs([0]), 120, 20)
    logs = block.train()
    texts = logs[0].texts
    # more than 50 stored values first at t = 50; the list restarts at 51 and is long enough
    # again at the check of t = 110; the counter logged starts at 0 (as the original's `reinit_counter`)
    assert texts == [(50, "reinit", "0"), (110, "reinit", "1")]
    assert block.optimizer.state[block.parameters[0]]["step"] > 100  # Adam state was kept
