"""One trained run's directory: the one place that names a run's files (docs/run-format.md).

    <out>/<group>/seed<k>/events.out.tfevents.0.nalm, run.json, metrics.csv

`group` is what the task varies within a block (a range id, a fold, …). Every file goes
through a temporary file and a rename; `metrics.csv` comes last, so a directory whose
`metrics.csv` exists is complete. `check_complete` compares what a run logged with what its
`run.json` promises (steps 0, L, 2L, …, iterations); `write_manifest` lists a block's files with
their sizes (the workflow's block manifest, which it compares with the disk before planning).
"""

import json
import os
from pathlib import Path

from nalm.core.atomic import write_text_atomic
from nalm.core.errors import UserError
from nalm.runs.events import event_file_name, write_event_file
from nalm.runs.provenance import package_version, provenance

RUN_CONFIG_FILE = "run.json"
METRICS_FILE = "metrics.csv"
MANIFEST_HEADER = "# nalm block manifest: size<TAB>path of every file of the block's runs, written after all of them\n"


def run_directory(out, group: str, seed: int) -> Path:
    return Path(out) / group / f"seed{seed}"


def _number(value) -> str:
    return repr(float(value))


def metrics_csv(log) -> str:
    """`step`, the task's metric columns, `diverged`: one row per log step."""
    lines = [",".join(("step", *log.metric_names, "diverged"))]
    columns = [log.metrics[name] for name in log.metric_names]
    for k, step in enumerate(log.steps):
        values = ",".join(_number(column[k]) for column in columns)
        lines.append(f"{step},{values},{log.diverged[k]}")
    return "\n".join(lines) + "\n"


def write_run(out, log, config: dict) -> Path:
    """Write the run's directory (`config` is its `run.json`, plus `nalm_version` and `provenance`);
    returns it."""
    run = log.run
    directory = run_directory(out, run.group, run.seed)
    os.makedirs(directory, exist_ok=True)
    # A rerun replaces a complete run: drop the marker first so a crash in between leaves
    # a directory that does not look complete.
    metrics = directory / METRICS_FILE
    if metrics.exists():
        metrics.unlink()
    write_event_file(directory / event_file_name(), log.scalars, log.texts)
    # provenance (nalm/runs/provenance.py): which code, software, device and threads wrote it
    config = {**config, "nalm_version": package_version(), "provenance": provenance(getattr(log, "device", "cpu"))}
    write_text_atomic(directory / RUN_CONFIG_FILE, json.dumps(config, indent=2, sort_keys=True) + "\n")
    write_text_atomic(metrics, metrics_csv(log))
    return directory


def run_files(directory) -> list:
    """The files of a run, in the order `write_run` writes them (metrics.csv, the mark, last)."""
    return [Path(directory) / name for name in (event_file_name(), RUN_CONFIG_FILE, METRICS_FILE)]


def write_manifest(path, directories) -> None:
    """List every file of the runs in `directories` with its size, atomically."""
    lines = [MANIFEST_HEADER]
    for directory in directories:
        lines += [f"{os.path.getsize(file)}\t{file}\n" for file in run_files(directory)]
    write_text_atomic(path, "".join(lines))


def logged_steps(iterations: int, log_interval: int) -> list:
    """The steps a run logs: 0, L, 2L, …, and the last iteration (docs/run-format.md)."""
    steps = list(range(0, iterations + 1, log_interval))
    if steps[-1] != iterations:
        steps.append(iterations)
    return steps


def _describe(steps) -> str:
    return f"{len(steps)} steps, {steps[0]}..{steps[-1]}" if steps else "no steps"


def expected_steps(directory):
    """The steps `run.json` promises (None when it has no `iterations`/`log_interval`: another
    tool's run); a `UserError` naming the run when run.json is unreadable."""
    path = Path(directory) / RUN_CONFIG_FILE
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise UserError(f"run {directory}: cannot read {RUN_CONFIG_FILE} ({error})") from None
    if not isinstance(config, dict):
        raise UserError(f"run {directory}: {RUN_CONFIG_FILE} is not a JSON object")
    iterations, interval = config.get("iterations"), config.get("log_interval")
    if iterations is None and interval is None:
        return None
    ints = all(isinstance(v, int) and not isinstance(v, bool) for v in (iterations, interval))
    if not ints or iterations < 0 or interval < 1:
        raise UserError(
            f"run {directory}: {RUN_CONFIG_FILE} has iterations {iterations!r} and log_interval {interval!r}: "
            "expected integers >= 0 and >= 1"
        )
    return logged_steps(iterations, interval)


def metrics_steps(directory) -> list:
    """The `step` column of a run's metrics.csv; a `UserError` naming the run if unreadable."""
    path = Path(directory) / METRICS_FILE
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"run {directory}: cannot read {METRICS_FILE} ({getattr(error, 'strerror', None) or error})") from None
    if not lines or lines[0].split(",")[0] != "step":
        raise UserError(f"run {directory}: {METRICS_FILE} has no 'step' header")
    try:
        return [int(line.split(",", 1)[0]) for line in lines[1:]]
    except ValueError:
        raise UserError(f"run {directory}: {METRICS_FILE} has a row whose step is not an integer") from None


def check_complete(directory, event_steps=None) -> None:
    """A `UserError` naming the run unless metrics.csv (and `event_steps`, the distinct steps of its
    event file in file order, when given) hold exactly the steps its run.json promises.

    Runs without `iterations`/`log_interval` in run.json (another tool's) are not compared.
    """
    expected = expected_steps(directory)
    if expected is None:
        return
    promise = f"run.json promises {_describe(expected)}"
    found = metrics_steps(directory)
    if found != expected:
        raise UserError(f"run {directory} is incomplete or damaged: {METRICS_FILE} has {_describe(found)}, {promise}")
    if event_steps is not None and list(event_steps) != expected:
        raise UserError(
            f"run {directory} is incomplete or damaged: its event file has {_describe(list(event_steps))}, {promise}"
        )
