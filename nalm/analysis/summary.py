"""Run tables + thresholds → per-run quantities → per-cell summary.

As `bmistry4/nalm-benchmark`'s `export/single_layer_task/benchmark/plot_results.r` (per run:
`dat.last`) and `export/_compute_summary.r` (per cell: `compute.summary`).

Input tables are `nalm export` CSVs: the original columns plus the parsed settings. A table
holding only the original columns (a CSV made by the original exporter) is completed by
parsing each run name (`nalm.runs.names`).

Per run (rows in step order):
* best row = the first row of minimum validation MSE among the last 5000 rows (NaN ignored;
  all NaN → the last row); `best.model.step` is its 1-based row index, as in R.
* solved = extrapolation MSE at the best row < threshold (NaN counts as not solved).
* solved-at (`extrapolation.step.solved`) = the step of the first row whose extrapolation
  MSE < threshold, whatever the best row (the original's `first.solved.step`); NaN if none.
* sparse.error.max = the value at the best row.
"""

import math

import numpy as np
import pandas as pd

from nalm.analysis.stats import compute_summary
from nalm.analysis.thresholds import OPERATIONS
from nalm.core.errors import UserError
from nalm.core.rcsv import read_checked_csv
from nalm.runs.names import parse_run_name

BEST_RANGE = 5000  # plot_results.r's `best.range`: the best row is among the last 5000 rows
METRIC_COLUMNS = (
    "name", "metric.valid.interpolation", "step", "metric.test.extrapolation", "sparse.error.max",
)
SETTING_COLUMNS = (
    "module", "operation", "input.size", "interpolation.range", "extrapolation.range", "seed",
)
THRESHOLD_COLUMNS = ("operation", "parameter", "simple", "input.size", "threshold", "extrapolation.range")
CELL_KEYS = ["module", "operation", "input.size", "interpolation.range", "extrapolation.range"]
NUMERIC_COLUMNS = ("metric.valid.interpolation", "step", "metric.test.extrapolation", "sparse.error.max")


def _settings_from_names(table, path):
    """Fill the parsed setting columns from the original run names."""
    settings = {}
    for name in table["name"].unique():
        try:
            fields = parse_run_name(str(name))
        except UserError as error:
            raise UserError(f"{path}: no setting columns and {error}") from None
        settings[name] = (
            fields["module"], fields["op"], int(fields["input_size"]),
            fields["interpolation_range"].threshold_label,
            fields["extrapolation_range"].threshold_label, int(fields["seed"]),
        )
    values = table["name"].map(settings)
    for index, column in enumerate(SETTING_COLUMNS):
        table[column] = values.map(lambda row, index=index: row[index])
    return table


def read_run_table(path):
    """One run table, checked: metric columns present, settings present or parseable."""
    table = read_checked_csv(path, "run table", METRIC_COLUMNS)
    present = [column for column in SETTING_COLUMNS if column in table.columns]
    if not present:
        table = _settings_from_names(table, path)
    elif len(present) < len(SETTING_COLUMNS):
        absent = [column for column in SETTING_COLUMNS if column not in table.columns]
        raise UserError(f"{path}: missing column(s) {', '.join(absent)}")
    for column in NUMERIC_COLUMNS:
        table[column] = pd.to_numeric(table[column], errors="coerce")
    if table["step"].isna().any():
        raise UserError(f"{path}: column 'step' has empty or non-numeric values")
    table["operation"] = table["operation"].astype(str).str.removeprefix("op-")
    unknown = sorted(set(table["operation"].fillna("")) - set(OPERATIONS))  # pandas 3 keeps NaN through astype(str)
    if unknown:
        raise UserError(f"{path}: unknown operation(s) {', '.join(op or repr(op) for op in unknown)}: expected {', '.join(OPERATIONS)}")
    return table


def read_thresholds(path):
    """Threshold rows usable for a join (as plot_results.r): simple FALSE, extrapolation.range."""
    table = read_checked_csv(path, "thresholds", THRESHOLD_COLUMNS)
    simple = table["simple"].astype(str).str.upper().isin(["TRUE", "T"])
    table = table[~simple & (table["parameter"] == "extrapolation.range")].copy()
    table["operation"] = table["operation"].astype(str).str.removeprefix("op-")
    table["threshold"] = pd.to_numeric(table["threshold"], errors="coerce")
    return table[["operation", "input.size", "extrapolation.range", "threshold"]]


def join_thresholds(runs, thresholds, thresholds_path="thresholds"):
    """Attach each row's threshold on (operation, input size, extrapolation range)."""
    keys = ["operation", "input.size", "extrapolation.range"]
    if thresholds.duplicated(keys).any():
        raise UserError(f"{thresholds_path}: more than one threshold row for the same case")
    joined = runs.merge(thresholds, on=keys, how="left", validate="many_to_one")
    missing = joined[joined["threshold"].isna()][keys].drop_duplicates()
    if len(missing):
        first = missing.iloc[0]
        raise UserError(
            f"no threshold in {thresholds_path} for op-{first['operation']}, input size "
            f"{first['input.size']}, extrapolation range {first['extrapolation.range']} "
            f"({len(missing)} case(s) missing): run nalm thresholds for them"
        )
    return joined


def _first_step_below(steps, values, threshold):
    below = np.flatnonzero(values < threshold)  # NaN compares False
    return float(steps[below[0]]) if below.size else math.nan


def per_run(joined):
    """One row per run with plot_results.r's per-run quantities (`dat.last`)."""
    rows = []
    for name, run in joined.groupby("name", sort=True):
        run = run.sort_values("step", kind="stable")
        valid = run["metric.valid.interpolation"].to_numpy(dtype=float)
        test = run["metric.test.extrapolation"].to_numpy(dtype=float)
        steps = run["step"].to_numpy(dtype=float)
        sparse = run["sparse.error.max"].to_numpy(dtype=float)
        threshold = float(run["threshold"].iloc[-1])
        offset = max(len(valid) - BEST_RANGE, 0)
        window = valid[offset:]
        best = offset + int(np.nanargmin(window)) if np.any(~np.isnan(window)) else len(valid) - 1
        first = run.iloc[-1]
        rows.append({
            "name": name,
            **{key: first[key] for key in CELL_KEYS},
            "seed": first["seed"],
            "threshold": threshold,
            "best.model.step": best + 1,
            "best.step": steps[best],
            "interpolation.last": valid[best],
            "extrapolation.last": test[best],
            "interpolation.step.solved": _first_step_below(steps, valid, threshold),
            "extrapolation.step.solved": _first_step_below(steps, test, threshold),
            "sparse.error.max": sparse[best],
            "solved": bool(test[best] < threshold),
            "size": len(run),
        })
    return pd.DataFrame(rows)


def per_cell(runs, parameterisation="original"):
    """One row per (module, op, input size, ranges) cell with the `compute.summary` statistics."""
    rows = []
    for keys, cell in runs.groupby(CELL_KEYS, sort=True):
        statistics = compute_summary(
            cell["solved"].to_numpy(dtype=bool),
            cell["extrapolation.step.solved"].to_numpy(dtype=float),
            cell["sparse.error.max"].to_numpy(dtype=float),
            parameterisation,
        )
        rows.append({
            **dict(zip(CELL_KEYS, keys)),
            "threshold": float(cell["threshold"].iloc[0]),
            "n": len(cell),
            "solved": int(cell["solved"].sum()),
            **statistics,
        })
    return pd.DataFrame(rows)


def summarize(table_paths, thresholds_path, parameterisation="original"):
    """(per-run frame, per-cell frame) for the given run tables and threshold file."""
    if not table_paths:
        raise UserError("no run tables given")
    tables = [read_run_table(path) for path in table_paths]
    runs = pd.concat(tables, ignore_index=True)
    if runs.empty:
        raise UserError("the run tables hold no rows")
    joined = join_thresholds(runs, read_thresholds(thresholds_path), thresholds_path)
    run_rows = per_run(joined)
    return run_rows, per_cell(run_rows, parameterisation)
