"""The NPU paper's statistics over trained runs, beside the published numbers.

*Neural Power Units* (Heim, Pevný & Šmídl, NeurIPS 2020, arXiv 2006.01681); the rules are those
of `nmheim/NeuralPowerUnits`:

* layer comparison (`scripts/simple/results_table.jl`, Table A2): per model and output, the
  mean of the 20 runs' mean absolute errors ± std/√n (`measurement(μ, σ ./ sqrt(nr))`; the
  caption's median ± MAD is computed too); the best run of a model is the one of smallest
  `val` = add_val + mult_val + div_val + sqrt_val (`find_best`).
* 100-input task (`scripts/arithmetic/collect.jl`, `results_table.jl`): runs with a NaN metric
  are dropped, the 10 of smallest testing MSE kept per (model, task), and the median ± MAD
  (unscaled: median |x - median x|) of their testing and training MSE reported.

"Agree" compares ours with the published number: for the layer table, |Δmean| ≤ 2·√(sem² +
spread²) (both ± are standard errors of a mean); for the 100-input table, the intervals
median ± MAD overlap. NaN on either side is never agreement.
"""

import json
import math
from pathlib import Path

import numpy as np

from nalm.core.errors import UserError

OUTPUTS = ("add", "mult", "div", "sqrt")
LAYER_MODELS = ("NPU", "RealNPU", "NMU", "NALU", "iNALU", "Dense")


def read_runs(directories) -> list:
    """One record per run directory: run.json's setup, final.json's metrics and counts."""
    runs = []
    for directory in directories:
        directory = Path(directory)
        try:
            config = json.loads((directory / "run.json").read_text())
            final = json.loads((directory / "final.json").read_text())
        except FileNotFoundError as error:
            raise UserError(f"{directory}: not a complete nalm npu-train run ({Path(error.filename).name} is missing)") from None
        except (OSError, ValueError) as error:  # not a directory, unreadable, not JSON
            raise UserError(f"{directory}: not a readable nalm npu-train run ({error})") from None
        try:
            metrics = {name: float(value) for name, value in final["metrics"].items()}
            runs.append({
                "directory": str(directory), "experiment": config["experiment"], "model": config["model"],
                "task": config["task"], "seed": int(config["seed"]), "settings": config["settings"],
                "updates": config["updates"], "diverged": final["diverged"], "metrics": metrics,
                "active_parameters": {float(k): v for k, v in final.get("active_parameters", {}).items()},
            })
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise UserError(f"{directory}: run.json or final.json lacks or garbles a field ({error!r})") from None
    return runs


def mad(values) -> float:
    """median(|x - median(x)|), unscaled (results_table.jl's `mad`)."""
    values = np.asarray(values, dtype=np.float64)
    median = np.median(values)
    return float(np.median(np.abs(values - median)))


def mean_sem(values) -> tuple:
    """Mean and std/√n (sample std, n - 1), NaN-propagating as Julia's `mean` and `std`."""
    values = np.asarray(values, dtype=np.float64)
    if values.size < 2:
        return float(values.mean()) if values.size else math.nan, math.nan
    return float(values.mean()), float(values.std(ddof=1) / math.sqrt(values.size))


def _nan_last(value: float) -> float:
    return math.inf if math.isnan(value) else value


def best_run(runs: list, key: str = "val") -> dict:
    """The run of smallest `key` (NaN last; ties: smallest seed)."""
    if not runs:
        raise UserError("no runs to choose the best one from")
    return min(runs, key=lambda run: (_nan_last(run["metrics"][key]), run["seed"]))


def published_layers() -> dict:
    """(op, model) -> (value, spread) of Table A2 (`nalm/papers/npu/layers_table_a2.tsv`)."""
    from nalm.papers import read_table

    return {(row["op"], row["model"]): (float(row["value"]), float(row["spread"])) for row in read_table("npu", "layers_table_a2.tsv")}


def published_arithmetic100() -> dict:
    """(mse, op, model) -> (median, mad), mse ∈ {test, train} (`arithmetic100_published.tsv`)."""
    from nalm.papers import read_table

    return {(row["mse"], row["op"], row["model"]): (float(row["median"]), float(row["mad"]))
            for row in read_table("npu", "arithmetic100_published.tsv")}


def layers_table(runs: list) -> list:
    """One row per (output, model): our statistics of `<output>_val` and Table A2's number."""
    published = published_layers()
    models = [m for m in LAYER_MODELS if any(run["model"] == m for run in runs)]
    rows = []
    for output in OUTPUTS:
        for model in models:
            values = [run["metrics"][f"{output}_val"] for run in runs if run["model"] == model]
            mean, sem = mean_sem(values)
            finite = [v for v in values if math.isfinite(v)]
            median, spread = (float(np.median(finite)), mad(finite)) if finite else (math.nan, math.nan)
            value, paper_spread = published.get((output, model), (math.nan, math.nan))
            agree = bool(abs(mean - value) <= 2 * math.hypot(sem, paper_spread)) if all(
                math.isfinite(v) for v in (mean, sem, value, paper_spread)) else False
            rows.append({
                "op": output, "model": model, "runs": len(values), "finite": len(finite),
                "mean": mean, "sem": sem, "median": median, "mad": spread,
                "paper_value": value, "paper_spread": paper_spread, "agree": agree,
            })
    return rows


def kept_runs(runs: list, keep: int) -> list:
    """collect.jl + results_table.jl: drop runs with a NaN metric, keep the `keep` of smallest testing MSE."""
    complete = [run for run in runs if not any(math.isnan(v) for v in run["metrics"].values())]
    return sorted(complete, key=lambda run: (run["metrics"]["test_mse"], run["seed"]))[:keep]


def published_active_parameters() -> dict:
    """(op, model) -> median number of active parameters of the published Pareto figure's points."""
    from nalm.papers import read_table

    points = {}
    for row in read_table("npu", "arithmetic100_pareto.tsv"):
        points.setdefault((row["op"], row["model"]), []).append(float(row["active_parameters"]))
    return {key: float(np.median(values)) for key, values in points.items()}


def arithmetic100_table(runs: list, keep: int, models: list, threshold: float = 1e-2) -> list:
    """One row per (mse, op, model): median ± MAD of the kept runs, beside the published table,
    and the median number of parameters above `threshold` beside the published figure's."""
    published = published_arithmetic100()
    active = published_active_parameters()
    rows = []
    for mse in ("test", "train"):
        for op in OUTPUTS:
            for model in models:
                group = [run for run in runs if run["task"] == op and run["model"] == model]
                if not group:
                    continue
                kept = kept_runs(group, keep)
                values = [run["metrics"][f"{mse}_mse"] for run in kept]
                median, spread = (float(np.median(values)), mad(values)) if values else (math.nan, math.nan)
                paper_median, paper_mad = published.get((mse, op, model), (math.nan, math.nan))
                numbers = (median, spread, paper_median, paper_mad)
                agree = bool(abs(median - paper_median) <= spread + paper_mad) if all(
                    not math.isnan(v) for v in numbers) and math.isfinite(median - paper_median) else False
                counts = [run["active_parameters"].get(threshold, math.nan) for run in kept]
                rows.append({
                    "mse": mse, "op": op, "model": model, "runs": len(group), "kept": len(kept),
                    "median": median, "mad": spread, "paper_median": paper_median, "paper_mad": paper_mad,
                    "agree": agree,
                    "active_median": float(np.median(counts)) if counts else math.nan,
                    "paper_active_median": active.get((op, model), math.nan),
                })
    return rows


def number(value: float) -> str:
    """Fixed formatting for the CSV files: 6 significant digits, nan/inf spelled out."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.6g}"


def write_csv(path, rows: list) -> None:
    from nalm.core.atomic import write_text_atomic

    if not rows:
        raise UserError(f"nothing to write to {path}: no runs")
    columns = list(rows[0])
    lines = [",".join(columns)] + [",".join(number(row[c]) if not isinstance(row[c], str) else row[c] for c in columns) for row in rows]
    write_text_atomic(path, "\n".join(lines) + "\n")


def short(value: float) -> str:
    """A table cell's number: 2 significant digits for the ±, 3 for values (as the originals print)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return r"$\infty$" if value > 0 else r"$-\infty$"
    if value != 0 and (abs(value) >= 1e4 or abs(value) < 1e-3):
        mantissa, exponent = f"{value:.2e}".split("e")
        return rf"${float(mantissa):g}\cdot 10^{{{int(exponent)}}}$"
    return f"{value:.3g}"


def layers_latex(rows: list) -> str:
    """Table A2's layout (rows +, ×, ÷, √; one column per model): ours (mean ± sem) above the paper's."""
    models = list(dict.fromkeys(row["model"] for row in rows))
    labels = {"add": "$+$", "mult": r"$\times$", "div": r"$\div$", "sqrt": r"$\sqrt{\cdot}$"}
    lines = [r"\begin{tabular}{l" + "c" * len(models) + "}", r"\toprule",
             "Task & " + " & ".join(models) + r" \\", r"\midrule"]
    for output in OUTPUTS:
        cells = {row["model"]: row for row in rows if row["op"] == output}
        ours = [f"{short(cells[m]['mean'])} $\\pm$ {short(cells[m]['sem'])}" for m in models]
        paper = [f"({short(cells[m]['paper_value'])} $\\pm$ {short(cells[m]['paper_spread'])})" for m in models]
        lines.append(f"{labels[output]} & " + " & ".join(ours) + r" \\")
        lines.append(" & " + " & ".join(paper) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", ""]
    return "\n".join(lines)


def arithmetic100_latex(rows: list, mse: str = "test") -> str:
    """The paper's table layout (rows +, ×, ÷, √): ours (median ± MAD) above the published one."""
    rows = [row for row in rows if row["mse"] == mse]
    models = list(dict.fromkeys(row["model"] for row in rows))
    labels = {"add": "$+$", "mult": r"$\times$", "div": r"$\div$", "sqrt": r"$\sqrt{\cdot}$"}
    lines = [r"\begin{tabular}{l" + "c" * len(models) + "}", r"\toprule",
             "Task & " + " & ".join(models) + r" \\", r"\midrule"]
    for output in OUTPUTS:
        cells = {row["model"]: row for row in rows if row["op"] == output}
        if not cells:
            continue
        ours = [f"{short(cells[m]['median'])} $\\pm$ {short(cells[m]['mad'])}" if m in cells else "--" for m in models]
        paper = [f"({short(cells[m]['paper_median'])} $\\pm$ {short(cells[m]['paper_mad'])})" if m in cells else "" for m in models]
        lines.append(f"{labels[output]} & " + " & ".join(ours) + r" \\")
        lines.append(" & " + " & ".join(paper) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", ""]
    return "\n".join(lines)
