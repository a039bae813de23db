"""One trained run's directory: the one place that names a run's files (docs/run-format.md).

    <out>/<group>/seed<k>/events.out.tfevents.0.nalm, run.json, metrics.csv

`group` is what the task varies within a block (a range id, a fold, …). Every file goes
through a temporary file and a rename; `metrics.csv` comes last, so a directory whose
`metrics.csv` exists is complete.
"""

import json
import os
from pathlib import Path

from nalm import __version__
from nalm.core.atomic import write_text_atomic
from nalm.runs.events import event_file_name, write_event_file

RUN_CONFIG_FILE = "run.json"
METRICS_FILE = "metrics.csv"


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
    """Write the run's directory (`config` is its `run.json`, plus `nalm_version`); returns it."""
    run = log.run
    directory = run_directory(out, run.group, run.seed)
    os.makedirs(directory, exist_ok=True)
    # A rerun replaces a complete run: drop the marker first so a crash in between leaves
    # a directory that does not look complete.
    metrics = directory / METRICS_FILE
    if metrics.exists():
        metrics.unlink()
    write_event_file(directory / event_file_name(), log.scalars, log.texts)
    config = {**config, "nalm_version": __version__}
    write_text_atomic(directory / RUN_CONFIG_FILE, json.dumps(config, indent=2, sort_keys=True) + "\n")
    write_text_atomic(metrics, metrics_csv(log))
    return directory
