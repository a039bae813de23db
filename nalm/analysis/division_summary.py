"""Run tables → per-run outcomes → per-cell summary for the division-module paper's figures.

Mistry, Farrahi & Hare, "Exploring the Learning Mechanisms of Neural Division Modules", TMLR 2022
(arXiv 2110.05177); the R scripts of `bmistry4/nalm-division`, `export/single_layer_task/
neurips_range.r`, `neurips_range_distributions.r`, `neurips_range_divBy0.r` (with
`export/_compute_summary.r`):

* each series (an experiment's run table) is one model, named by the figure's label;
* a run's threshold is the row of the series' threshold set (`thresholds.tsv`, the R scripts'
  `exp_setups.csv`) matching its operation and extrapolation range; runs without one are left
  out (the R `inner_join`);
* per run (rows in step order): the best row is the first of minimum interpolation-validation MSE
  among the last 5000 rows (all of the 51 or 101 logged rows; NaN ignored, all NaN → the last
  row); *solved* = extrapolation MSE there < threshold (`at_most`: ≤; NaN is not solved);
  *solved at* = the step of the first row whose extrapolation MSE < (≤) threshold, whatever the
  best row; the sparsity error is the value at the best row;
* per (model, operation, x value) cell over its seeds: the Wilson success rate, the Gamma
  solved-at and the Beta sparsity error of the solved runs with their fall-backs to a t interval
  (`nalm.analysis.stats.compute_summary`, the same `compute.summary` as the Primer's).

The x value is the interpolation range (`U[1,2)`, `]` shown as `)`) or, for the distributions
figures, the family and range (`B:[10,100)`, `TN(-1,3):[-5,10)`, `U:[-50,50)`), from the run name.
"""

import math
import sys

import numpy as np
import pandas as pd

from nalm.analysis.stats import compute_summary
from nalm.analysis.summary import BEST_RANGE, METRIC_COLUMNS, NUMERIC_COLUMNS, SETTING_COLUMNS
from nalm.core.errors import UserError
from nalm.core.rcsv import read_checked_csv

SOLVED_RULES = ("below", "at_most")
THRESHOLD_COLUMNS = ("set", "operation", "extrapolation.range", "threshold")
CELL_KEYS = ["model", "operation", "parameter"]


def read_thresholds(path=None) -> pd.DataFrame:
    """The threshold table: the paper package's `thresholds.tsv`, or a CSV/TSV with its columns."""
    if path is None:
        from nalm import papers

        rows = papers.read_table("division", "thresholds.tsv")
        table = pd.DataFrame(rows, columns=list(THRESHOLD_COLUMNS))
    else:
        table = read_checked_csv(path, "thresholds", THRESHOLD_COLUMNS)
    table["threshold"] = pd.to_numeric(table["threshold"], errors="coerce")
    if table["threshold"].isna().any():
        raise UserError(f"{path or 'thresholds.tsv'}: a threshold is empty or not a number")
    table["operation"] = table["operation"].astype(str).str.removeprefix("op-")
    return table


def read_series_table(path) -> pd.DataFrame:
    """One experiment's run table (`nalm export`), its numeric columns parsed."""
    table = read_checked_csv(path, "run table", METRIC_COLUMNS + SETTING_COLUMNS)
    for column in NUMERIC_COLUMNS:
        table[column] = pd.to_numeric(table[column], errors="coerce")
    if table["step"].isna().any():
        raise UserError(f"{path}: column 'step' has empty or non-numeric values")
    table["operation"] = table["operation"].astype(str).str.removeprefix("op-")
    return table


def distribution_label(name: str, interpolation_range: str) -> str:
    """`B:[10,100]`-style label of a run (its name's `D-` field), before `]` becomes `)`."""
    from nalm.runs.division_names import parse_division_run_name

    distribution = parse_division_run_name(name)["distribution"]
    return f"{distribution.axis_prefix}:{interpolation_range.replace('U[', '[')}"


def _first_step(steps, values, threshold, at_most):
    hits = np.flatnonzero(values <= threshold if at_most else values < threshold)  # NaN compares False
    return float(steps[hits[0]]) if hits.size else math.nan


def per_run(table, label, thresholds, threshold_set, x="interpolation", solved="below", warn=None):
    """One row per run of one series with the per-run quantities (see the module docstring)."""
    if solved not in SOLVED_RULES:
        raise UserError(f"unknown solved rule {solved!r}: expected one of {', '.join(SOLVED_RULES)}")
    rows = thresholds[thresholds["set"] == threshold_set]
    if rows.empty:
        raise UserError(f"no threshold set {threshold_set!r} in the threshold table")
    lookup = {(r["operation"], r["extrapolation.range"]): float(r["threshold"]) for _, r in rows.iterrows()}
    at_most = solved == "at_most"
    out, dropped = [], 0
    for name, run in table.groupby("name", sort=True):
        run = run.sort_values("step", kind="stable")
        last = run.iloc[-1]
        threshold = lookup.get((last["operation"], last["extrapolation.range"]))
        if threshold is None:
            dropped += 1
            continue
        valid = run["metric.valid.interpolation"].to_numpy(dtype=float)
        test = run["metric.test.extrapolation"].to_numpy(dtype=float)
        steps = run["step"].to_numpy(dtype=float)
        sparse = run["sparse.error.max"].to_numpy(dtype=float)
        offset = max(len(valid) - BEST_RANGE, 0)
        window = valid[offset:]
        best = offset + int(np.nanargmin(window)) if np.any(~np.isnan(window)) else len(valid) - 1
        interpolation = str(last["interpolation.range"])
        parameter = distribution_label(str(name), interpolation) if x == "distribution" else interpolation
        out.append({
            "name": name,
            "model": label,
            "operation": last["operation"],
            "input.size": last["input.size"],
            "interpolation.range": interpolation,
            "extrapolation.range": last["extrapolation.range"],
            "parameter": parameter.replace("]", ")"),
            "seed": last["seed"],
            "threshold": threshold,
            "best.model.step": best + 1,
            "best.step": steps[best],
            "interpolation.last": valid[best],
            "extrapolation.last": test[best],
            "extrapolation.step.solved": _first_step(steps, test, threshold, at_most),
            "sparse.error.max": sparse[best],
            "solved": bool(test[best] <= threshold if at_most else test[best] < threshold),
            "size": len(run),
        })
    if dropped and warn is not None:
        warn(f"{label}: {dropped} run(s) have no threshold in set {threshold_set!r} and are left out")
    if not out:
        raise UserError(f"series {label!r}: no run has a threshold in set {threshold_set!r}")
    return pd.DataFrame(out)


def per_cell(runs):
    """One row per (model, operation, x value) cell, models in the runs' order of appearance."""
    rows = []
    for keys, cell in runs.groupby(CELL_KEYS, sort=False):
        statistics = compute_summary(
            cell["solved"].to_numpy(dtype=bool),
            cell["extrapolation.step.solved"].to_numpy(dtype=float),
            cell["sparse.error.max"].to_numpy(dtype=float),
        )
        rows.append({
            **dict(zip(CELL_KEYS, keys)),
            "input.size": cell["input.size"].iloc[0],
            "interpolation.range": cell["interpolation.range"].iloc[0],
            "extrapolation.range": cell["extrapolation.range"].iloc[0],
            "threshold": float(cell["threshold"].iloc[0]),
            "n": len(cell),
            "solved": int(cell["solved"].sum()),
            **statistics,
        })
    cells = pd.DataFrame(rows)
    order = list(dict.fromkeys(runs["model"]))
    cells["order"] = cells["model"].map(order.index)
    return cells.sort_values(["order", "parameter"], kind="stable").drop(columns="order").reset_index(drop=True)


def _warn(message):
    print(f"nalm division-summary: warning: {message}", file=sys.stderr)


def summarize_figure(figure, tables: dict, thresholds_path=None, warn=_warn):
    """(per-run frame, per-cell frame) of one figure (`nalm.figures.division.DivisionFigure`);
    `tables` maps each of its experiments to its run table's path."""
    thresholds = read_thresholds(thresholds_path)
    missing = [series.experiment for series in figure.series if series.experiment not in tables]
    if missing:
        raise UserError(f"figure {figure.name} needs the run table of experiment {missing[0]} (--table {missing[0]}=FILE)")
    extra = sorted(set(tables) - {series.experiment for series in figure.series})
    if extra:
        raise UserError(f"experiment {extra[0]} is not a series of figure {figure.name}")
    frames = []
    for series in figure.series:
        table = read_series_table(tables[series.experiment])
        if table.empty:
            raise UserError(f"{tables[series.experiment]}: the run table holds no rows")
        frames.append(per_run(table, series.label, thresholds, series.thresholds, figure.x, figure.solved, warn))
    runs = pd.concat(frames, ignore_index=True)
    return runs, per_cell(runs)
