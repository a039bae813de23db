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

Unlike the original, which leaves out what it cannot read, no run is dropped silently: a
directory that looks like a run but has no event file (a `run.json`, `metrics.csv` or a writer's
hidden temporary), a path given that holds no run, an empty or truncated event file, and a run
of ours whose event file or `metrics.csv` lacks steps its `run.json` promises
(`nalm.runs.directory.check_complete`) are errors naming the run. `skip_corrupt` leaves such runs
out, with a warning each and a companion `<out>.skipped.csv` (run, reason) listing them.

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
from nalm.core.progress import progress
from nalm.core.ranges import parse_range
from nalm.core.outputs import check_output_file
from nalm.runs.directory import METRICS_FILE, check_complete
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
SKIPPED_COLUMNS = ("run", "reason")
_RUN_JSON_KEYS = ("original_run_name", "module", "op", "input_size", "interpolation_range", "extrapolation_range", "seed")


@dataclass(frozen=True)
class Run:
    directory: str
    event_file: str
    name: str
    settings: tuple  # module, operation, input.size, interpolation.range, extrapolation.range, seed


def _runless_reason(files) -> str | None:
    """Why a directory without an event file still looks like a run (None if it does not)."""
    if any(f.startswith("." + EVENT_FILE_PREFIX) for f in files):
        return "its event file was never completed (only a writer's hidden temporary is there)"
    present = [f for f in (RUN_JSON, METRICS_FILE) if f in files]
    if present:
        return f"it holds {' and '.join(present)} but no {EVENT_FILE_PREFIX}* file (deleted or moved?)"
    return None


def find_run_directories(paths, problems=None):
    """[(directory, event_file)] below `paths`, each directory once, in sorted order.

    When `problems` is a list, (directory, message) is appended to it for every directory that
    looks like a run without an event file, and for every path that holds no run at all.
    """
    found = {}
    for top in paths:
        top = os.fspath(top)
        if not os.path.isdir(top):
            raise UserError(f"{top or repr(top)} is not a directory")
        anything = False
        for directory, subdirectories, files in os.walk(top):
            subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
            event_files = sorted(f for f in files if f.startswith(EVENT_FILE_PREFIX))
            if not event_files:
                reason = _runless_reason(files)
                if reason is not None and problems is not None:
                    problems.append((directory, f"run {directory} is incomplete: {reason}"))
                anything = anything or reason is not None
                continue
            anything = True
            if len(event_files) > 1:
                raise UserError(
                    f"{directory} holds {len(event_files)} event files ({', '.join(event_files)}); "
                    "a run directory must hold exactly one"
                )
            found.setdefault(os.path.realpath(directory), (directory, os.path.join(directory, event_files[0])))
        if problems is not None and not anything:
            problems.append((top, f"no run directories (with an {EVENT_FILE_PREFIX}* file) below {top}"))
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


def _check_events(run: Run, records) -> None:
    """A `UserError` naming the run if its event file holds no metric, or (a run of ours) misses
    steps its run.json promises, or ends part-way through its last step."""
    steps, tags = [], {}
    for _, step, tag, _ in records:
        if not steps or steps[-1] != step:
            steps.append(step)
        tags.setdefault(step, set()).add(tag)
    if not steps:
        raise UserError(f"run {run.directory} is damaged: its event file {run.event_file} holds no logged value")
    check_complete(run.directory, steps)
    if os.path.exists(os.path.join(run.directory, RUN_JSON)):
        lacking = sorted(tags[steps[0]] - tags[steps[-1]])
        if lacking:
            raise UserError(
                f"run {run.directory} is incomplete or damaged: its last step {steps[-1]} lacks "
                f"{', '.join(lacking)}, logged at step {steps[0]}"
            )


def csv_rows(run: Run, reader: str = "benchmark"):
    """The run's CSV rows (lists of strings), sorted by step; raises `UserError` if its events are
    unreadable, hold no metric, or (a run of ours) are shorter than its run.json says."""
    records = list(read_event_file(run.event_file))
    _check_events(run, records)
    rows = run_rows(records, reader)
    if not rows:
        raise UserError(f"run {run.directory} is damaged: its event file {run.event_file} holds no logged metric")
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


def skipped_path(out) -> str:
    """The companion listing the runs `skip_corrupt` left out: `x.csv` -> `x.skipped.csv`."""
    out = os.fspath(out)
    stem = out[:-4] if out.endswith(".csv") else out
    return stem + ".skipped.csv"


def export_runs(paths, out, skip_corrupt=False, jobs=1, warn=_warn, reader="benchmark", unmark_damaged=False) -> dict:
    """Export every run below `paths` to the CSV file `out` (written atomically).

    `reader` picks the original exporter whose sparsity rules apply (`nalm.runs.table`):
    `benchmark` (the Primer's) or `division` (the division-module paper's).

    Returns counts: runs found, runs written, runs skipped, rows written. A damaged run (see the
    module's docstring) raises `UserError` naming it, leaving `out` untouched, unless
    `skip_corrupt`, which leaves it out with a warning and lists it in `skipped_path(out)`.
    `unmark_damaged` (the workflow's) first removes the failing run's metrics.csv, its mark of
    completeness, so that the workflow sees the run as unfinished and trains its block again.
    """
    check_output_file(out)
    skipped = []  # (directory, reason)

    def skip(directory, reason):
        if not skip_corrupt:
            mark = os.path.join(directory, METRICS_FILE)
            if unmark_damaged and os.path.isfile(mark):
                os.unlink(mark)
                raise UserError(f"{reason}: its {METRICS_FILE} was removed, so the workflow trains its block again")
            raise UserError(f"{reason}: rerun it, or pass --skip-corrupt to leave it out")
        warn(f"skipped {directory}: {reason}")
        skipped.append((os.fspath(directory), reason))

    problems = []
    locations = find_run_directories(paths, problems)
    if not locations and problems and len(problems) == len(paths):
        raise UserError(f"no run directories (with an {EVENT_FILE_PREFIX}* file) below {', '.join(map(str, paths))}")
    for directory, message in problems:
        skip(directory, message)
    runs = []
    for directory, event_file in locations:
        if _is_unfinished_nalm_run(directory, event_file):
            skip(directory, f"{directory} is an unfinished run (no metrics.csv, docs/run-format.md)")
            continue
        try:
            runs.append(describe_run(directory, event_file))
        except UserError as error:
            skip(directory, str(error))
    runs.sort(key=lambda run: (run.name, run.directory))
    for previous, run in zip(runs, runs[1:]):
        if previous.name == run.name:
            warn(f"{previous.directory} and {run.directory} have the same run name {run.name}")
    counts = {"runs": len(runs) + len(skipped), "written": 0, "skipped": 0, "rows": 0}
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
            for run, (rows, error) in progress(zip(runs, results), "nalm export", " runs", total=len(runs)):
                if error is not None:
                    skip(run.directory, error)
                else:
                    writer.writerows(rows)
                    counts["written"] += 1
                    counts["rows"] += len(rows)
        finally:
            if pool is not None:
                pool.terminate()
    counts["skipped"] = len(skipped)
    _write_skipped(out, skipped if skip_corrupt else None)
    return counts


def _write_skipped(out, skipped) -> None:
    """The companion of `out` listing the runs left out (None: no skipping asked, so a stale
    companion of an earlier export is removed)."""
    path = skipped_path(out)
    if skipped is None:
        if os.path.isfile(path):
            os.unlink(path)
        return
    with atomic_output(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(SKIPPED_COLUMNS)
        writer.writerows(sorted(skipped))
