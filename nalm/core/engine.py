"""The training engine: one *block* of runs trained as one vectorised tensor program.

The engine trains a `Network` (every parameter has a leading runs dimension R) on a
`BlockTask` (`nalm.core.protocol`): it knows no particular task. The loss is the sum of the
per-run losses, so each run's gradient is its own; the optimisers work element-wise; gradient
clipping, regulariser gating, re-initialisation and divergence are decided per run. A run's
numbers therefore do not depend on which block it was trained in (docs/architecture.md says
for which networks this holds bit for bit).

The per-iteration order is the one of the Primer's single-module benchmark (Mistry, Farrahi &
Hare, JMLR 2022; `bmistry4/nalm-benchmark`, `experiments/single_layer_benchmark.py`), for
t = 0 .. iterations inclusive:

1. zero the gradients;
2. at log steps (t % L == 0, and the last iteration): the task's evaluation metrics (eval
   mode, no grad);
3. forward pass on a fresh training batch (the network logs its own values at log steps);
4. regularisers: λ·s(t)·R_W, β(t)·L1 (every parameter), λ_npu·(β or s)·R_npu terms and
   iNALU's 0.05·R when the last logged selection metric < 1 and t > 10,000; the ramp s counts
   iterations, or the task's `schedule_step(t)` when it has one (an epoch-based task's epoch);
5. backward, clip (norm per run, then value), optimiser step, the network's clamp;
6. iNALU's re-initialisation test (`nalm.core.reinit`).

Metrics at step t describe the parameters after t updates. A run whose parameters become
non-finite is *diverged*: its metrics are NaN from the first log step that sees it, and
nothing of it reaches the other runs (all cross-run operations are sums whose gradient is 1).
"""

import math
import time
from dataclasses import dataclass, field

import torch

from nalm.core.hyperparameters import Hyperparameters
from nalm.core.optim import (
    build_optimizer,
    clip_grad_norm_per_run,
    finite_per_run,
    lp_gradient_per_run,
    lp_per_run,
)
from nalm.core.random import init_generator
from nalm.core.reinit import ReinitTest
from nalm.core.schedules import beta as beta_schedule
from nalm.core.schedules import ramp

#: Loss tags of the original's event files (their spelling, `loss/train/critation` included).
TAG_CRITERION = "loss/train/critation"
TAG_REGULARIZER = "loss/train/regualizer"
TAG_TOTAL = "loss/train/total"
TAG_BETA = "L1/train/beta"
TAG_REINIT = "reinit"


@dataclass
class RunLog:
    """Everything one run logged: metric rows, event scalars and texts."""

    run: object
    metric_names: tuple
    steps: list = field(default_factory=list)
    metrics: dict = field(default_factory=dict)  # metric name -> [value per log step]
    diverged: list = field(default_factory=list)
    scalars: list = field(default_factory=list)  # (step, tag, value)
    texts: list = field(default_factory=list)  # (step, tag, text)
    reinits: int = 0
    details: dict = field(default_factory=dict)  # task facts for run.json
    seconds: float = math.nan
    device: str = "cpu"  # where it trained (run.json's provenance)

    def __post_init__(self):
        for name in self.metric_names:
            self.metrics.setdefault(name, [])


def regularizer_weights(hyper: Hyperparameters, t: int, s: float, beta_value) -> dict:
    """The weight of each of the network's regulariser terms at iteration t, by term name:
    `W` λ·s(t); `W_npu` and `gate` λ_npu·β(t) under Heim's scaling, else λ_npu·s(t); `inalu`
    iNALU's weight after its first iteration (its per-run gate is `Block.weighted_regularizers`')."""
    npu_scale = (beta_value or 0.0) if hyper.reg_scale_type == "heim" else s
    inalu = hyper.inalu_regularizer
    return {
        "W": hyper.regularizer * s,
        "W_npu": hyper.regularizer_npu_w * npu_scale,
        "gate": hyper.regularizer_gate * npu_scale,
        "inalu": inalu["weight"] if inalu is not None and t > inalu["after_iteration"] else 0.0,
    }


class Block:
    """A block ready to train: network, optimiser and task for R runs."""

    def __init__(self, hyper: Hyperparameters, task, network, iterations: int,
                 log_interval: int = 1000, device: str = "cpu"):
        if iterations < 0 or log_interval < 1:
            raise ValueError("iterations must be >= 0 and log_interval >= 1")
        self.device = torch.device(device)
        self.hyper, self.task, self.network = hyper, task, network
        self.iterations, self.log_interval = iterations, log_interval
        self.runs = list(task.runs)
        details = getattr(task, "run_details", lambda r: {})
        names = tuple(metric.name for metric in task.metrics)
        self.logs = [RunLog(run, names, details=details(r), device=str(self.device)) for r, run in enumerate(self.runs)]
        R = len(self.runs)
        self.generators = [init_generator(run.seed) for run in self.runs]
        network.reset_parameters(self.generators)  # drawn on the CPU: the same numbers on any device
        network.to(self.device)
        task.to(self.device)
        self.parameters = [p for p in network.parameters() if p.requires_grad]
        self.optimizer = build_optimizer(hyper, self.parameters)
        self.reinit = (
            ReinitTest(R, iterations, log_interval, **hyper.reinit) if hyper.reinit is not None else None
        )
        self.diverged = torch.zeros(R, dtype=torch.bool, device=self.device)
        self.uses_beta = hyper.l1 or (
            hyper.reg_scale_type == "heim" and (hyper.regularizer_npu_w or hyper.regularizer_gate)
        )

    # kept as an attribute name of the single-module era: the network of a block of modules
    @property
    def module(self):
        return self.network

    def _log_step(self, t, evaluated, criterion, regularizer, total, extra, beta_value):
        self.diverged |= ~finite_per_run(self.parameters)
        columns = {}
        for metric in self.task.metrics:
            value = evaluated[metric.name].float()
            evaluated[metric.name] = torch.where(self.diverged, torch.full_like(value, math.nan), value)
        for metric in self.task.metrics:
            if metric.tag is not None:
                columns[metric.tag] = evaluated[metric.name]
        columns.update({TAG_CRITERION: criterion, TAG_REGULARIZER: regularizer, TAG_TOTAL: total, **extra})
        values = {tag: value.detach().float().tolist() for tag, value in columns.items()}
        metric_lists = {name: value.tolist() for name, value in evaluated.items()}
        diverged = self.diverged.tolist()
        for r, log in enumerate(self.logs):
            log.steps.append(t)
            for name in log.metric_names:
                log.metrics[name].append(metric_lists[name][r])
            log.diverged.append(int(diverged[r]))
            log.scalars.extend((t, tag, value[r]) for tag, value in values.items())
            if beta_value is not None:
                log.scalars.append((t, TAG_BETA, beta_value))
        selection = evaluated[self.task.selection_metric]
        if self.reinit is not None and t % self.log_interval == 0:
            # the test's history holds the values logged every L steps (the original's); a final
            # step between them is logged but not recorded
            self.reinit.record(t, selection.double().cpu().numpy())
        return selection

    def weighted_regularizers(self, weights: dict, last_selection: torch.Tensor) -> torch.Tensor:
        """Σ weight·term over the network's regulariser terms, `[R]` (None when no term has a
        weight); a term of weight 0 is not computed. iNALU's term counts only for runs whose last
        logged selection metric is below its bound."""
        regularizer = None
        for name, term in self.network.regularizers().items():
            weight = weights.get(name, 0.0)
            if not weight:
                continue
            if name == "inalu":
                weight = weight * (last_selection < self.hyper.inalu_regularizer["mse_below"]).float()
            regularizer = weight * term if regularizer is None else regularizer + weight * term
        return regularizer

    def finish_gradients(self, beta_value) -> None:
        """After backward: the L1 term's gradient (when the preset has one), then the per-run
        norm clip and the value clip."""
        hyper = self.hyper
        if hyper.l1:
            # d(β·Σ|p|)/dp = β·sign(p), as autograd's abs backward: cheaper than a graph
            # (lp_norm 2: β·p/‖p‖₂ per parameter tensor)
            grads = [p.grad for p in self.parameters]
            torch._foreach_add_(grads, lp_gradient_per_run(self.parameters, hyper.lp_norm), alpha=beta_value)
        if hyper.clip_grad_norm is not None:
            clip_grad_norm_per_run(self.parameters, hyper.clip_grad_norm)
        if hyper.clip_grad_value is not None:
            for p in self.parameters:
                if p.grad is not None:
                    p.grad.clamp_(-hyper.clip_grad_value, hyper.clip_grad_value)

    def train(self, progress=None) -> list:
        """Run iterations 0..N inclusive; returns one `RunLog` per run."""
        hyper, network, task = self.hyper, self.network, self.task
        ramp_start, ramp_end = hyper.regularizer_ramp
        last_selection = torch.full((len(self.runs),), math.inf, device=self.device)
        beta_value = hyper.beta[0] if self.uses_beta else None
        zero = torch.zeros(len(self.runs), device=self.device)
        ones = None  # the gradient of loss.sum(): 1 per run, in the loss's dtype
        # the step the regulariser ramp counts: the iteration, or what the task says (its epoch)
        schedule_step = getattr(task, "schedule_step", None) or (lambda t: t)
        for t in range(self.iterations + 1):
            self.optimizer.zero_grad(set_to_none=True)
            # the last iteration is logged too, so a run's log always ends at its iteration count
            log_step = t % self.log_interval == 0 or t == self.iterations
            if log_step:
                network.eval()
                with torch.no_grad():
                    evaluated = dict(task.evaluate(network))
                network.train()
            x, target = task.next_batch()
            if self.device.type != "cpu":
                x, target = x.to(self.device, non_blocking=True), target.to(self.device, non_blocking=True)
            extra = {} if log_step else None
            criterion = task.loss(network(x, extra), target)

            regularizer = zero
            s = ramp(schedule_step(t), ramp_start, ramp_end)
            if self.uses_beta and t > 0 and t % hyper.beta_step == 0:
                beta_value = beta_schedule(t, *hyper.beta, hyper.beta_step, hyper.beta_growth)
            weights = regularizer_weights(hyper, t, s, beta_value)
            if any(weights.values()):
                regularizer = self.weighted_regularizers(weights, last_selection)
                if regularizer is None:  # no term of the network has a weight now
                    regularizer = zero
            if hyper.l1 and log_step:
                # its value is needed for the log only; its gradient is added after backward
                with torch.no_grad():
                    regularizer = regularizer + beta_value * lp_per_run(self.parameters, hyper.lp_norm)
            loss = criterion + regularizer

            if log_step:
                regularizer_logged = regularizer.detach() if regularizer is not zero else zero
                last_selection = self._log_step(
                    t, evaluated, criterion.detach(), regularizer_logged, loss.detach(), extra,
                    beta_value if self.uses_beta else None,
                )

            # the gradient of loss.sum() is 1 for every run: passed directly, one graph node less
            if ones is None or ones.dtype != loss.dtype:
                ones = torch.ones_like(loss)
            loss.backward(ones)
            self.finish_gradients(beta_value)
            self.optimizer.step()
            network.project_()

            if self.reinit is not None and self.reinit.due(t):
                chosen = self.reinit.check(t)
                if chosen.size:
                    network.reset_parameters([self.generators[r] for r in chosen], runs=chosen)
                    for r, count in zip(chosen, self.reinit.count(chosen)):
                        self.logs[r].texts.append((t, TAG_REINIT, str(int(count))))
                        self.logs[r].reinits += 1
            if progress is not None:
                progress(t)
        return self.logs


def train_block(hyper, task, network, iterations, log_interval=1000, device="cpu", progress=None) -> list:
    """Train `network` on `task` (a `BlockTask`) as one block; returns their `RunLog`s in run order."""
    started = time.perf_counter()
    block = Block(hyper, task, network, iterations, log_interval, device)
    logs = block.train(progress)
    for log in logs:
        log.seconds = time.perf_counter() - started
    return logs
