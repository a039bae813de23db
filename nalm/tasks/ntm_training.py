"""Training NTM tasks: the repository's hyper-parameters, a block of seeds, what each run writes.

`kdexd/ntm-pytorch`, `train.py` and `ntm/args.py`: RMSprop(lr 1e-4, alpha 0.95, momentum 0.9,
eps 1e-8), gradients clipped element-wise to [−10, 10], one sequence per iteration, BCE loss;
the engine (`nalm.core.engine`) applies them per run. Each run writes its directory
(`nalm.runs.directory`: events with the repository's tags `train_loss` and
`bit_error_per_sequence`, `metrics.csv` with `step, bit_error, bce, diverged`, `run.json`) and
`checkpoint.npz`, its trained weights (`nalm.networks.ntm.checkpoint`), before `metrics.csv`.
"""

import dataclasses
import math
import os

from nalm.core.hyperparameters import FIELDS, Hyperparameters
from nalm.runs.directory import METRICS_FILE, run_directory, write_run
from nalm.tasks.ntm_sequences import NTMRun, SequenceBlock
from nalm.tasks.ntm_tasks import build_task, model_config, training_facts

CHECKPOINT_FILE = "checkpoint.npz"


def ntm_hyperparameters(task: str, overrides: dict | None = None) -> Hyperparameters:
    """The repository's training settings for `task`, with `overrides` (Hyperparameters fields)."""
    facts = training_facts()
    values = {
        "preset": f"ntm-{task}",
        "optimizer": facts["optimizer"],
        "optimizer_options": dict(facts["optimizer_options"]),
        "learning_rate": facts["learning_rate"],
        "batch_size": facts["batch_size"],
        "clip_grad_value": facts["clip_grad_value"],
        "regularizer": 0.0,
    }
    for key, value in (overrides or {}).items():
        if key not in FIELDS or key == "preset":
            raise ValueError(f"unknown hyper-parameter {key!r}: expected one of {', '.join(sorted(FIELDS - {'preset'}))}")
        values[key] = value
    return Hyperparameters(**values)


@dataclasses.dataclass(frozen=True)
class NTMExperiment:
    """Everything that decides an NTM run's numbers besides its seed."""

    task: str
    iterations: int
    log_interval: int = 200
    task_variant: str = "repository"
    network_variant: str = "repository"
    network_options: dict = dataclasses.field(default_factory=dict)
    hyperparameters: dict = dataclasses.field(default_factory=dict)

    def build(self, seeds: list):
        """(hyper-parameters, bound task, network) for a block of `seeds`."""
        from nalm.networks.ntm import NTM

        hyper = ntm_hyperparameters(self.task, self.hyperparameters)
        task = build_task(self.task, self.task_variant)
        config = model_config(self.task, self.network_variant, **self.network_options)
        runs = [NTMRun(seed, self.task) for seed in seeds]
        bound = SequenceBlock(task, runs, hyper.batch_size, config.heads, config.memory_unit_size,
                              random_initial_reads=config.initial_reads == "random")
        return hyper, bound, NTM(config, len(runs))


def run_config(experiment: NTMExperiment, hyper, network, log) -> dict:
    """A run's `run.json`."""
    return {
        "paper": "ntm",
        "task": experiment.task,
        "task_variant": experiment.task_variant,
        "network_variant": experiment.network_variant,
        "network": dataclasses.asdict(network.config),
        "seed": log.run.seed,
        "iterations": experiment.iterations,
        "log_interval": experiment.log_interval,
        "batch_size": hyper.batch_size,
        "hyperparameters": hyper.as_dict(),
        "parameters": network.parameter_count(),
    }


def write_ntm_run(out, experiment: NTMExperiment, hyper, network, run_index: int, log):
    """The checkpoint, then the run directory (`metrics.csv` last: its presence marks a complete run)."""
    from nalm.networks.ntm.checkpoint import save_checkpoint

    directory = run_directory(out, log.run.group, log.run.seed)
    os.makedirs(directory, exist_ok=True)
    metrics = directory / METRICS_FILE
    if metrics.exists():
        metrics.unlink()
    config = run_config(experiment, hyper, network, log)
    save_checkpoint(directory / CHECKPOINT_FILE, network, run_index, config)
    return write_run(out, log, config)


def read_ntm_runs(directories, task: str) -> tuple:
    """(steps, bit errors `[runs, steps]`, seeds, run.json dicts) of complete run directories of
    `task`, in seed order; steps are the first run's (every run must have them)."""
    import csv
    import json
    from pathlib import Path

    import numpy as np

    from nalm.core.errors import UserError

    found = []
    for directory in directories:
        directory = Path(directory)
        metrics, config = directory / METRICS_FILE, directory / "run.json"
        if not metrics.is_file() or not config.is_file():
            raise UserError(f"{directory}: not a complete run directory (no {METRICS_FILE} or run.json)")
        details = json.loads(config.read_text())
        if details.get("task") != task:
            raise UserError(f"{directory}: a run of task {details.get('task')!r}, expected {task!r}")
        with open(metrics, newline="") as handle:
            rows = list(csv.DictReader(handle))
        found.append((details["seed"], [int(row["step"]) for row in rows], [float(row["bit_error"]) for row in rows], details))
    found.sort(key=lambda item: item[0])
    steps = found[0][1]
    for seed, run_steps, _, _ in found:
        if run_steps != steps:
            raise UserError(f"seed {seed} logged other steps than seed {found[0][0]}: runs of one plot need the same iterations and log interval")
    return np.array(steps), np.array([item[2] for item in found]), [item[0] for item in found], [item[3] for item in found]


def median_final_run(directories, task: str) -> tuple:
    """(directory, seed) of the run whose last logged bit error is the median one (lower middle)."""
    _, errors, seeds, _ = read_ntm_runs(directories, task)
    finals = [(value if math.isfinite(value) else math.inf, seed) for value, seed in zip(errors[:, -1], seeds)]
    order = sorted(range(len(finals)), key=lambda k: finals[k])
    chosen = order[(len(order) - 1) // 2]
    by_seed = {}
    for directory in directories:
        import json
        from pathlib import Path

        by_seed[json.loads((Path(directory) / "run.json").read_text())["seed"]] = directory
    return by_seed[seeds[chosen]], seeds[chosen]
