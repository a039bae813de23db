"""What the `nalm nalu-*` verbs share: the paper package's facts, argument checks, training a
block, CSV output and the job's provenance sidecar (the NALU paper's experiments,
`nalm/papers/nalu/`)."""

import math
import sys
import time

from nalm.core.errors import UserError

SETTINGS = ("reproduction", "paper")


def experiment(name: str) -> dict:
    from nalm.papers import read_yaml

    return read_yaml("nalu", "experiments.yaml")[name]


def setting_models(setting: str, experiment_name: str) -> dict:
    """Model id -> definition of one experiment in one setting (`settings.yaml`)."""
    from nalm.papers import read_yaml

    if setting not in SETTINGS:
        raise UserError(f"unknown setting {setting!r}: expected one of {', '.join(SETTINGS)}")
    return read_yaml("nalu", "settings.yaml")[setting][experiment_name]


def model_definition(setting: str, experiment_name: str, model: str) -> dict:
    models = setting_models(setting, experiment_name)["models"]
    if model not in models:
        raise UserError(f"unknown {experiment_name} model {model!r}: expected one of {', '.join(models)}")
    return models[model]


def positive(value: int, flag: str, minimum: int = 1) -> int:
    if value < minimum:
        raise UserError(f"bad {flag} {value}: expected a number >= {minimum}")
    return value


def hyperparameters(name: str, section: dict):
    """Adam (or the section's optimiser) at the section's learning rate; nothing else."""
    from nalm.core.hyperparameters import Hyperparameters

    return Hyperparameters(preset=f"nalu-{name}", optimizer=section["optimizer"], learning_rate=section["learning_rate"])


def train(hyper, task, network, iterations: int, log_interval: int, device: str, threads: int, label: str):
    """Train one block; returns (logs, seconds) and prints one summary line."""
    import torch

    from nalm.core.engine import train_block

    positive(threads, "--threads")
    if device == "cuda" and not torch.cuda.is_available():
        raise UserError("--device cuda: no CUDA device is available to this torch build")
    torch.set_num_threads(threads)
    started = time.perf_counter()
    logs = train_block(hyper, task, network, iterations, log_interval, device)
    seconds = time.perf_counter() - started
    diverged = sum(1 for log in logs if log.diverged and log.diverged[-1])
    runs = len(logs)
    print(
        f"nalm {label}: {runs} runs x {iterations + 1} iterations in {seconds:.1f} s "
        f"({runs * (iterations + 1) / max(seconds, 1e-9):,.0f} run-iterations/s), {diverged} diverged",
        file=sys.stderr,
    )
    return logs, seconds


def number(value) -> str:
    """Fixed float formatting of every CSV here: shortest round-trip repr, `nan`, `inf`."""
    value = float(value)
    if math.isnan(value):
        return "nan"
    return repr(value)


def write_csv(path, header: list, rows: list) -> None:
    """Rows (already in their final order) to `path`, atomically; floats through `number`."""
    import os

    from nalm.core.atomic import write_text_atomic

    def cell(value):
        return number(value) if isinstance(value, float) else str(value)

    directory = os.path.dirname(os.fspath(path))
    if directory:
        os.makedirs(directory, exist_ok=True)
    lines = [",".join(header)] + [",".join(cell(value) for value in row) for row in rows]
    write_text_atomic(path, "\n".join(lines) + "\n")


def write_provenance(out, job: dict, runs: int, device: str, outputs=None) -> str:
    """The job's provenance sidecar beside its table `out` (`nalm.runs.provenance.sidecar_path`),
    written atomically after the tables: which code and software trained its `runs` runs. The
    tables themselves carry no provenance, so the same config and seeds give them the same bytes."""
    from nalm.core.atomic import write_text_atomic
    from nalm.runs.provenance import sidecar_path, sidecar_text

    path = sidecar_path(out)
    try:
        write_text_atomic(path, sidecar_text(job, runs, outputs or [out], device))
    except OSError as error:
        raise UserError(f"cannot write {path}: {error.strerror}") from None
    return path
