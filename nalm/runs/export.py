"""TensorBoard runs → one tidy CSV, as `bmistry4/nalm-benchmark`'s `export/simple_function_static.py`
(with `stable_nalu/reader/tensorboard_reader.py` and `tensorboard_metric_reader.py`).

A run directory is one that holds event files (`events.out.tfevents.*`); like the original
reader (`tensorboard_reader.py`) it must hold exactly one. Hidden files are ignored, which also
hides the temporary files of writers that are still running. The run's settings come from its
`run.json` (this project's runs, docs/run-format.md) or else from its directory name read as an
original run name (`nalm.runs.names`), so runs of the original code export too.

The columns are the original's, in its order, then the settings the original R code parses out
of the name (`expand.name` in `export/single_layer_task/_single_layer_task_expand_name.r`), so
later stages need not parse names:

    name, metric.valid.interpolation, step, wall.time, metric.test.extrapolation, sparse.error.max,
    module, operation, input.size, interpolation.range, extrapolation.range, seed

Unlike the original, whose process pool emits runs in arbitrary order, rows are sorted by
name (then directory) and step, so the same runs give the same bytes. Floats are written with
`repr`, exact for the float32 values; NaN and missing values are empty fields, as pandas
writes them.
"""

import csv
import functools
import json
import os
import sys
from dataclasses import dataclass
from multiprocessing import get_context

from nalm.core.atomic import atomic_output
from nalm.core.errors import UserError
from nalm.core.ranges import parse_range
from nalm.runs.events import EVENT_FILE_PREFIX, event_file_name, read_event_file
from nalm.runs.division_names import parse_division_run_name
from nalm.runs.names import parse_run_name
from nalm.runs.table import run_rows

COLUMNS = (
    "name",
    "metric.valid.interpolation",
    "step",
    "wall.time",
    "metric.test.extrapolation",
    "sparse.error.max",
    "module",
    "operation",
    "input.size",
    "interpolation.range",
    "extrapolation.range",
    "seed",
)
RUN_JSON = "run.json"
_RUN_JSON_KEYS = ("original_run_name", "module", "op", "input_size", "interpolation_range", "extrapolation_range", "seed")


@dataclass(frozen=True)
class Run:
    directory: str
    event_file: str
    name: str
    settings: tuple  # module, operation, input.size, interpolation.range, extrapolation.range, seed


def find_run_directories(paths):
    """[(directory, event_file)] below `paths`, each directory once, in sorted order."""
    found = {}
    for top in paths:
        top = os.fspath(top)
        if not os.path.isdir(top):
            raise UserError(f"{top} is not a directory")
        for directory, subdirectories, files in os.walk(top):
            subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
            event_files = sorted(f for f in files if f.startswith(EVENT_FILE_PREFIX))
            if not event_files:
                continue
            if len(event_files) > 1:
                raise UserError(
                    f"{directory} holds {len(event_files)} event files ({', '.join(event_files)}); "
                    "a run directory must hold exactly one"
                )
            found.setdefault(os.path.realpath(directory), (directory, os.path.join(directory, event_files[0])))
    return sorted(found.values())


def _label(value) -> str:
    return "" if value is None else str(value)


def _settings(module, op, input_size, interpolation_range, extrapolation_range, seed) -> tuple:
    return (
        _label(module),
        _label(op),
        _label(input_size),
        parse_range(interpolation_range).threshold_label,
        parse_range(extrapolation_range).threshold_label,
        _label(seed),
    )


def describe_run(directory, event_file) -> Run:
    """The run's name and settings, from `run.json` if there is one, else from the directory name."""
    run_json = os.path.join(directory, RUN_JSON)
    if os.path.exists(run_json):
        try:
            with open(run_json, encoding="utf-8") as handle:
                config = json.load(handle)
            values = [config[key] for key in _RUN_JSON_KEYS]
        except (OSError, ValueError) as error:
            raise UserError(f"cannot read {run_json}: {error}") from None
        except (KeyError, TypeError) as error:
            raise UserError(f"{run_json} lacks the field {error}") from None
        name, *settings = values
        return Run(directory, event_file, str(name), _settings(*settings))
    name = os.path.basename(os.path.normpath(directory))
    try:
        parsed = parse_run_name(name)
    except UserError as error:
        try:  # the division-module paper's code names its runs with its own fields
            parsed = parse_division_run_name(name)
        except UserError:
            raise UserError(f"{directory}: no {RUN_JSON}, and the directory name is not an original run name ({error})")
    return Run(
        directory,
        event_file,
        name,
        _settings(
            parsed["module"] or parsed["layer"],
            parsed["op"],
            parsed["input_size"],
            parsed["interpolation_range"],
            parsed["extrapolation_range"],
            parsed["seed"],
        ),
    )


def _number(value) -> str:
    # `value != value` is the NaN test; the original's pandas `to_csv` leaves NaN and None empty.
    return "" if value is None or value != value else repr(value)


def csv_rows(run: Run, reader: str = "benchmark"):
    """The run's CSV rows (lists of strings), sorted by step; raises `UserError` if its events are unreadable."""
    rows = run_rows(read_event_file(run.event_file), reader)
    rows.sort(key=lambda row: row[0])  # stable: repeated steps keep file order
    return [
        [run.name, _number(interpolation), str(step), _number(wall), _number(extrapolation), _number(sparse), *run.settings]
        for step, wall, interpolation, extrapolation, sparse in rows
    ]


def _csv_rows_or_error(run: Run, reader: str = "benchmark"):
    """`csv_rows` for a worker process: errors come back as values so the pool keeps going."""
    try:
        return csv_rows(run, reader), None
    except UserError as error:
        return None, str(error)


def _warn(message):
    print(f"nalm export: warning: {message}", file=sys.stderr)


def _is_unfinished_nalm_run(directory, event_file) -> bool:
    """This project writes `metrics.csv` last: a run of ours without it was interrupted."""
    ours = os.path.basename(event_file) == event_file_name() or os.path.exists(os.path.join(directory, RUN_JSON))
    return ours and not os.path.exists(os.path.join(directory, "metrics.csv"))


def export_runs(paths, out, skip_corrupt=False, jobs=1, warn=_warn, reader="benchmark") -> dict:
    """Export every run below `paths` to the CSV file `out` (written atomically).

    `reader` picks the original exporter whose sparsity rules apply (`nalm.runs.table`):
    `benchmark` (the Primer's) or `division` (the division-module paper's).

    Returns counts: runs found, runs written, runs skipped, rows written. A corrupt or
    truncated event file raises `UserError` (leaving `out` untouched) unless `skip_corrupt`,
    which skips that run with a warning.
    """
    locations = find_run_directories(paths)
    if not locations:
        raise UserError(f"no run directories (with an {EVENT_FILE_PREFIX}* file) below {', '.join(map(str, paths))}")
    complete = []
    for directory, event_file in locations:
        if _is_unfinished_nalm_run(directory, event_file):
            message = f"{directory} is an unfinished run (no metrics.csv, docs/run-format.md)"
            if not skip_corrupt:
                raise UserError(message + ": rerun it, or pass --skip-corrupt to leave it out")
            warn(f"skipped {message}")
            continue
        complete.append((directory, event_file))
    runs = sorted((describe_run(*location) for location in complete), key=lambda run: (run.name, run.directory))
    for previous, run in zip(runs, runs[1:]):
        if previous.name == run.name:
            warn(f"{previous.directory} and {run.directory} have the same run name {run.name}")
    counts = {"runs": len(runs), "written": 0, "skipped": 0, "rows": 0}
    with atomic_output(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        if jobs > 1:
            pool = get_context("fork").Pool(jobs)
            # imap keeps the sorted order
            results = pool.imap(functools.partial(_csv_rows_or_error, reader=reader), runs, chunksize=16)
        else:
            pool = None
            results = (_csv_rows_or_error(run, reader) for run in runs)
        try:
            for run, (rows, error) in zip(runs, results):
                if error is not None:
                    if not skip_corrupt:
                        raise UserError(error)
                    warn(f"skipped {run.directory}: {error}")
                    counts["skipped"] += 1
                elif not rows:
                    warn(f"no logged metrics in {run.event_file}; run left out")
                    counts["skipped"] += 1
                else:
                    writer.writerows(rows)
                    counts["written"] += 1
                    counts["rows"] += len(rows)
        finally:
            if pool is not None:
                pool.terminate()
    return counts
