"""The block training engine (the training loop of `bmistry4/nalm-benchmark`'s
`experiments/single_layer_benchmark.py`; issue: block independence, divergence).
"""

import math

import numpy as np
import pytest
import torch

from nalm.core.engine import TAG_BETA, TAG_CRITERION
from nalm.core.hyperparameters import Hyperparameters
from nalm.core.presets import OPS, load_presets, resolve
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


#: Every schedule event of a preset, moved into a run of EVENT_ITERATIONS (as
#: tests/regression/primer_bytes.py does): the regulariser ramp, β × growth at 80, 160 and 240,
#: iNALU's regulariser after 120 and its re-initialisation test over 60 stored losses.
EVENT_ITERATIONS, EVENT_LOG_INTERVAL = 240, 40
EVENT_RAMP, EVENT_BETA_STEP, EVENT_INALU_AFTER, EVENT_STORED_LOSSES = [40, 160], 80, 120, 60
DIVISION_PAIRS = [(parse_range("[0.1,0.2]"), parse_range("[0.2,2]"), "r6"), (*R7, "r7")]


def every_preset_op():
    """(preset, op, stalled) for every registered preset and op; presets with a re-initialisation
    test also stalled (a learning rate too small to move float32 weights), so that it fires for
    some runs of a block and not for others."""
    cases = []
    for name, preset in load_presets().items():
        for op in preset.get("ops", OPS):
            cases.append((name, op, False))
            if resolve(name, op).reinit is not None:
                cases.append((name, op, True))
    return cases


def event_overrides(preset, op, stalled):
    hyper, defaults = resolve(preset, op), Hyperparameters(preset="defaults")
    overrides = {"beta_step": EVENT_BETA_STEP}  # used only by blocks with β (checked below)
    if hyper.regularizer_ramp != defaults.regularizer_ramp:
        overrides["regularizer_ramp"] = EVENT_RAMP
    if hyper.inalu_regularizer is not None:  # and every run below its MSE gate
        overrides["inalu_regularizer"] = {**hyper.inalu_regularizer, "after_iteration": EVENT_INALU_AFTER,
                                          "mse_below": 1e30}
    if hyper.reinit is not None:
        overrides["reinit"] = {**hyper.reinit, "max_stored_losses": EVENT_STORED_LOSSES}
    if stalled:
        overrides["learning_rate"] = 1e-12
    return overrides


def logged(log):
    """A run's event scalars and texts, NaN made comparable."""
    return [(step, tag, "nan" if math.isnan(value) else value) for step, tag, value in log.scalars], log.texts


@pytest.mark.parametrize("preset, op, stalled", every_preset_op())
def test_every_preset_alone_equals_in_a_block_of_4_across_its_schedule_events(preset, op, stalled):
    overrides = event_overrides(preset, op, stalled)
    division = op in ("div", "reciprocal") and not stalled
    (a, b, tag_a), (c, d, tag_b) = DIVISION_PAIRS if division else [(*R7, "r7"), (*R5, "r5")]
    runs = [RunSpec(a, b, tag_a, 3), RunSpec(c, d, tag_b, 11), RunSpec(a, b, tag_a, 5), RunSpec(c, d, tag_b, 12)]
    hyper = resolve(preset, op, overrides)
    block = make_block(hyper, SingleModuleTask(op, 2), runs, EVENT_ITERATIONS, EVENT_LOG_INTERVAL)
    weighted = []  # iterations at which a regulariser term had a non-zero weight
    terms = block.network.regularizers
    block.network.regularizers = lambda: weighted.append(len(weighted)) or terms()
    logs = block.train()
    # every event of the preset happened inside the run
    if block.uses_beta:
        assert len({v for _, tag, v in logs[1].scalars if tag == TAG_BETA}) >= 2, "β never stepped"
    if "regularizer_ramp" in overrides or hyper.inalu_regularizer is not None:
        assert weighted, "no regulariser term was ever weighted"
    if stalled:
        histories = [[step for step, _, _ in log.texts] for log in logs]
        assert any(histories) and len({tuple(h) for h in histories}) > 1, histories
    # the run with the most re-initialisations (else the second) alone: the same bits
    chosen = max(range(len(runs)), key=lambda r: (len(logs[r].texts), r == 1))
    _, alone = train(preset, op, [runs[chosen]], EVENT_ITERATIONS, EVENT_LOG_INTERVAL, **overrides)
    assert np.array_equal(metrics(alone[0]), metrics(logs[chosen]), equal_nan=True)
    assert logged(alone[0]) == logged(logs[chosen])
    assert alone[0].diverged == logs[chosen].diverged


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
