"""The training engine: one *block* of runs trained as one vectorised tensor program.

A block is a set of runs sharing module preset, op and input size; each run has its own
range pair and seed. Every parameter has a leading runs dimension, the loss is the sum of
the per-run losses (so each run's gradient is its own), Adam works element-wise, and
gradient clipping, regulariser gating and re-initialisation are decided per run. A run's
numbers therefore do not depend on which block it was trained in.

The per-iteration order is the original's (`single-module-benchmark.md` §3.1), for
t = 0 .. iterations inclusive:

1. zero the gradients;
2. at log steps (t % L == 0): MSE on the fixed validation and test sets (eval mode, no grad);
3. forward pass on a fresh training batch (logging sparsity errors at log steps);
4. regularisers: λ·s(t)·R_W, β(t)·L1 (every parameter), λ_npu·(β or s)·R_npu terms and
   iNALU's 0.05·R when the last logged validation MSE < 1 and t > 10,000;
5. backward, clip (norm per run, then value), Adam step, the module's clamp;
6. iNALU's re-initialisation test (`nalm.core.reinit`).

Metrics at step t describe the parameters after t updates. A run whose parameters become
non-finite is *diverged*: its metrics are NaN from the first log step that sees it, and
nothing of it reaches the other runs (all cross-run operations are sums whose gradient is 1).
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np
import torch

from nalm import modules
from nalm.core.presets import Hyperparameters
from nalm.core.ranges import UniformRange
from nalm.core.reinit import ReinitTest
from nalm.core.schedules import beta as beta_schedule
from nalm.core.schedules import ramp
from nalm.tasks.single_module import TEST_SEED, VALIDATION_SEED, Task, TrainingStream, evaluation_inputs, init_generator

#: samples per evaluation chunk; fixed so that the summation order never depends on the block
EVALUATION_CHUNK = 1000

TAG_INTERPOLATION = "metric/valid/interpolation"
TAG_EXTRAPOLATION = "metric/test/extrapolation"
TAG_CRITERION = "loss/train/critation"
TAG_REGULARIZER = "loss/train/regualizer"
TAG_TOTAL = "loss/train/total"
TAG_BETA = "L1/train/beta"
TAG_REINIT = "reinit"


@dataclass(frozen=True)
class RunSpec:
    """One run of a block: its range pair (with an id) and its seed."""

    interpolation: UniformRange
    extrapolation: UniformRange
    range_id: str
    seed: int


@dataclass
class RunLog:
    """Everything one run logged: metric rows, event scalars and texts."""

    spec: RunSpec
    operand_offset: int
    steps: list = field(default_factory=list)
    interpolation_mse: list = field(default_factory=list)
    extrapolation_mse: list = field(default_factory=list)
    sparsity_error: list = field(default_factory=list)
    diverged: list = field(default_factory=list)
    scalars: list = field(default_factory=list)  # (step, tag, value)
    texts: list = field(default_factory=list)  # (step, tag, text)
    reinits: int = 0


class _EvaluationSet:
    """The fixed validation or test inputs of every distinct range of the block, with per-run targets."""

    def __init__(self, task: Task, ranges: list, offsets: list, fixed_seed: int):
        distinct = sorted({r.text: r for r in ranges}.items())
        index = {text: k for k, (text, _) in enumerate(distinct)}
        inputs = [evaluation_inputs(r, task.input_size, fixed_seed) for _, r in distinct]
        # [K, N, I] stored I-major, like the training batches
        self.inputs = torch.from_numpy(np.stack(inputs).astype(np.float32).transpose(0, 2, 1).copy()).transpose(1, 2)
        self.range_index = torch.tensor([index[r.text] for r in ranges])
        self.shared = len(distinct) == 1
        targets = [task.targets_float64(inputs[index[r.text]], offset) for r, offset in zip(ranges, offsets)]
        self.targets = torch.from_numpy(np.stack(targets).astype(np.float32))  # [R, N]

    def to(self, device) -> None:
        self.inputs = self.inputs.transpose(1, 2).to(device).transpose(1, 2)
        self.targets = self.targets.to(device)
        self.range_index = self.range_index.to(device)

    @torch.no_grad()
    def mse(self, module) -> torch.Tensor:
        """Per-run MSE over the whole set, accumulated in float64 over fixed-size chunks."""
        runs, samples = self.targets.shape
        total = torch.zeros(runs, dtype=torch.float64, device=self.targets.device)
        for begin in range(0, samples, EVALUATION_CHUNK):
            end = min(begin + EVALUATION_CHUNK, samples)
            if self.shared:
                # an explicit [R, n, I] view: a [1, n, I] batch would let matmul fold the runs
                # into one gemm whose rounding depends on R
                x = self.inputs[:, begin:end].expand(runs, -1, -1)
            else:
                x = self.inputs[self.range_index, begin:end]
            error = module(x)[..., 0] - self.targets[:, begin:end]
            total += error.double().square().sum(dim=1)
        return (total / samples).float()


def _per_run_l1(parameters) -> torch.Tensor:
    return sum(p.abs().reshape(p.shape[0], -1).sum(dim=1) for p in parameters)


def _clip_grad_norm_per_run(parameters, max_norm: float) -> None:
    """torch's clip_grad_norm_ (coefficient max_norm / (norm + 1e-6), at most 1), per run."""
    grads = [p.grad for p in parameters if p.grad is not None]
    norms = torch.sqrt(sum(g.reshape(g.shape[0], -1).square().sum(dim=1) for g in grads))
    coefficient = (max_norm / (norms + 1e-6)).clamp(max=1.0)
    for g in grads:
        g.mul_(coefficient.view(-1, *([1] * (g.dim() - 1))))


def _finite_per_run(parameters) -> torch.Tensor:
    return torch.stack([torch.isfinite(p.reshape(p.shape[0], -1)).all(dim=1) for p in parameters]).all(dim=0)


class Block:
    """A block ready to train: module, optimiser, data and evaluation sets for R runs."""

    def __init__(self, hyper: Hyperparameters, task: Task, runs: list, iterations: int,
                 log_interval: int = 1000, device: str = "cpu"):
        if iterations < 0 or log_interval < 1:
            raise ValueError("iterations must be >= 0 and log_interval >= 1")
        self.device = torch.device(device)
        self.hyper, self.task, self.runs = hyper, task, list(runs)
        self.iterations, self.log_interval = iterations, log_interval
        seeds = [run.seed for run in self.runs]
        offsets = [task.operand_offset(seed) for seed in seeds]
        self.logs = [RunLog(spec, offset) for spec, offset in zip(self.runs, offsets)]
        self.offsets = torch.tensor(offsets)
        R = len(self.runs)
        self.module = modules.build(hyper.module, task.input_size, 1, R, **hyper.module_options)
        self.generators = [init_generator(seed) for seed in seeds]
        self.module.reset_parameters(self.generators)  # drawn on the CPU: the same numbers on any device
        self.module.to(self.device)
        self.parameters = [p for p in self.module.parameters() if p.requires_grad]
        self.optimizer = torch.optim.Adam(self.parameters, lr=hyper.learning_rate, foreach=True)
        self.stream = TrainingStream(task, [r.interpolation for r in self.runs], seeds, self.offsets, hyper.batch_size)
        self.validation = _EvaluationSet(task, [r.interpolation for r in self.runs], offsets, VALIDATION_SEED)
        self.test = _EvaluationSet(task, [r.extrapolation for r in self.runs], offsets, TEST_SEED)
        self.reinit = (
            ReinitTest(R, iterations, log_interval, **hyper.reinit) if hyper.reinit is not None else None
        )
        self.validation.to(self.device)
        self.test.to(self.device)
        self.diverged = torch.zeros(R, dtype=torch.bool, device=self.device)
        self.uses_beta = hyper.l1 or (
            hyper.reg_scale_type == "heim" and (hyper.regularizer_npu_w or hyper.regularizer_gate)
        )

    def _log_step(self, t, validation, test, criterion, regularizer, total, extra, beta_value):
        self.diverged |= ~_finite_per_run(self.parameters)
        nan = torch.full_like(validation, math.nan)
        validation = torch.where(self.diverged, nan, validation)
        test = torch.where(self.diverged, nan, test)
        sparsity = torch.where(self.diverged, nan, self.module.sparsity_error().float())
        columns = {
            TAG_INTERPOLATION: validation, TAG_EXTRAPOLATION: test,
            TAG_CRITERION: criterion, TAG_REGULARIZER: regularizer, TAG_TOTAL: total, **extra,
        }
        values = {tag: value.detach().float().tolist() for tag, value in columns.items()}
        validation_list, test_list, sparsity_list = validation.tolist(), test.tolist(), sparsity.tolist()
        diverged = self.diverged.tolist()
        for r, log in enumerate(self.logs):
            log.steps.append(t)
            log.interpolation_mse.append(validation_list[r])
            log.extrapolation_mse.append(test_list[r])
            log.sparsity_error.append(sparsity_list[r])
            log.diverged.append(int(diverged[r]))
            log.scalars.extend((t, tag, value[r]) for tag, value in values.items())
            if beta_value is not None:
                log.scalars.append((t, TAG_BETA, beta_value))
        if self.reinit is not None:
            self.reinit.record(t, validation.double().cpu().numpy())
        return validation

    def train(self, progress=None) -> list:
        """Run iterations 0..N inclusive; returns one `RunLog` per run."""
        hyper, module = self.hyper, self.module
        ramp_start, ramp_end = hyper.regularizer_ramp
        inalu = hyper.inalu_regularizer
        last_validation = torch.full((len(self.runs),), math.inf, device=self.device)
        beta_value = hyper.beta[0] if self.uses_beta else None
        zero = torch.zeros(len(self.runs), device=self.device)
        for t in range(self.iterations + 1):
            self.optimizer.zero_grad(set_to_none=True)
            log_step = t % self.log_interval == 0
            if log_step:
                module.eval()
                validation, test = self.validation.mse(module), self.test.mse(module)
                module.train()
            x, target = self.stream.next()
            if self.device.type != "cpu":
                x, target = x.to(self.device, non_blocking=True), target.to(self.device, non_blocking=True)
            extra = {} if log_step else None
            y = module(x, extra)[..., 0]
            criterion = (y - target).square().mean(dim=1)

            regularizer = zero
            s = ramp(t, ramp_start, ramp_end)
            if self.uses_beta and t > 0 and t % hyper.beta_step == 0:
                beta_value = beta_schedule(t, *hyper.beta, hyper.beta_step, hyper.beta_growth)
            npu_scale = (beta_value or 0.0) if hyper.reg_scale_type == "heim" else s
            # weights of the module's regulariser terms at t; a term with weight 0 is not computed
            weights = {
                "W": hyper.regularizer * s,
                "W_npu": hyper.regularizer_npu_w * npu_scale,
                "gate": hyper.regularizer_gate * npu_scale,
                "inalu": inalu["weight"] if inalu is not None and t > inalu["after_iteration"] else 0.0,
            }
            if any(weights.values()):
                for name, term in module.regularizers().items():
                    weight = weights.get(name, 0.0)
                    if not weight:
                        continue
                    if name == "inalu":
                        # only runs whose last logged validation MSE is below the bound (§2.5)
                        weight = weight * (last_validation < inalu["mse_below"]).float()
                    regularizer = regularizer + weight * term
            if hyper.l1 and log_step:
                # its value is needed for the log only; its gradient is added after backward
                with torch.no_grad():
                    regularizer = regularizer + beta_value * _per_run_l1(self.parameters)
            loss = criterion + regularizer

            if log_step:
                regularizer_logged = regularizer.detach() if regularizer is not zero else zero
                last_validation = self._log_step(
                    t, validation, test, criterion.detach(), regularizer_logged, loss.detach(), extra,
                    beta_value if self.uses_beta else None,
                )

            loss.sum().backward()
            if hyper.l1:
                # d(β·Σ|p|)/dp = β·sign(p), as autograd's abs backward: cheaper than a graph
                grads = [p.grad for p in self.parameters]
                torch._foreach_add_(grads, torch._foreach_sign(self.parameters), alpha=beta_value)
            if hyper.clip_grad_norm is not None:
                _clip_grad_norm_per_run(self.parameters, hyper.clip_grad_norm)
            if hyper.clip_grad_value is not None:
                for p in self.parameters:
                    if p.grad is not None:
                        p.grad.clamp_(-hyper.clip_grad_value, hyper.clip_grad_value)
            self.optimizer.step()
            module.project_()

            if self.reinit is not None and self.reinit.due(t):
                chosen = self.reinit.check(t)
                if chosen.size:
                    module.reset_parameters([self.generators[r] for r in chosen], runs=chosen)
                    for r, count in zip(chosen, self.reinit.count(chosen)):
                        self.logs[r].texts.append((t, TAG_REINIT, str(int(count))))
                        self.logs[r].reinits += 1
            if progress is not None:
                progress(t)
        return self.logs


def train_block(hyper, task, runs, iterations, log_interval=1000, device="cpu", progress=None) -> list:
    """Train `runs` (a list of `RunSpec`) as one block; returns their `RunLog`s in order."""
    started = time.perf_counter()
    block = Block(hyper, task, runs, iterations, log_interval, device)
    logs = block.train(progress)
    for log in logs:
        log.seconds = time.perf_counter() - started
    return logs
