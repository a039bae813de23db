"""The LaTeX longtable written next to a figure (the original's `save.table`, `bmistry4/nalm-benchmark`
`export/single_layer_task/benchmark/_table.r`, called by `plot_results.r`).

Columns: Model | Range | Success Rate | Solved at Mean | Sparsity error Mean. Each entry is
the mean with its interval as offsets, `mean {~}^{+(upper−mean)}_{-(mean−lower)}`, or the
mean alone when the interval is undefined, or `---` when the mean is. Rates are whole
percent; steps and sparsity errors are `m.m \\cdot 10^{e}`. Per model the best range is
bold: the highest success rate, the lowest solved-at and sparsity error. Rows are sorted
by model and range, and the model name is printed once per block.
"""

import math

import numpy as np


def scientific(value):
    exponent = math.floor(math.log10(abs(value))) if value != 0 else 0
    return f"{value / 10**exponent:.1f} \\cdot 10^{{{exponent}}}"


def percent(value):
    return f"{value * 100:.0f}\\%"


def _entries(means, lowers, uppers, formatter, lower_is_better):
    finite = [m for m in means if math.isfinite(m)]
    best = (min(finite) if lower_is_better else max(finite)) if finite else math.nan
    cells = []
    for mean, lower, upper in zip(means, lowers, uppers):
        if not math.isfinite(mean):
            cells.append("---")
            continue
        text = formatter(mean)
        if mean == best:
            text = f"\\mathbf{{{text}}}"
        if not (math.isnan(lower) or math.isnan(upper)):
            text += f" {{~}}^{{+{formatter(upper - mean)}}}_{{-{formatter(mean - lower)}}}"
        cells.append(f"${text}$")
    return cells


def latex_table(cells, label, caption):
    """A booktabs longtable for the figure's cells (`model` categorical, `parameter` labels)."""
    header = (
        "\\multicolumn{1}{c}{Model} & \\multicolumn{1}{c}{Range} & \\multicolumn{1}{c}{Success}"
        " & \\multicolumn{1}{c}{Solved at} & \\multicolumn{1}{c}{Sparsity error}\\\\\n"
        " &  & Rate & Mean & Mean\\\\\n\\midrule\n"
    )
    lines = [
        "\\begin{longtable}[t]{rrlll}",
        f"\\caption{{{caption}}}",
        f"\\label{{tab:{label}}}\\\\",
        "\\toprule",
        header + "\\endfirsthead",
        "\\caption[]{(continued)}\\\\",
        "\\toprule",
        header + "\\endhead",
        "\\bottomrule",
        "\\endfoot",
    ]
    ordered = cells.sort_values(["model", "parameter"])
    for model, block in ordered.groupby("model", observed=True, sort=True):
        columns = {
            "rate": _entries(block["success.rate.mean"], block["success.rate.lower"],
                             block["success.rate.upper"], percent, lower_is_better=False),
            "at": _entries(block["converged.at.mean"], block["converged.at.lower"],
                           block["converged.at.upper"], scientific, lower_is_better=True),
            "sparse": _entries(block["sparse.error.mean"], block["sparse.error.lower"],
                               block["sparse.error.upper"], scientific, lower_is_better=True),
        }
        for index, parameter in enumerate(block["parameter"]):
            name = str(model) if index == 0 else ""
            ending = "\\\\" if index == len(block) - 1 else "\\\\\n\\nopagebreak"
            lines.append(
                f"{name} & {parameter} & {columns['rate'][index]} & {columns['at'][index]}"
                f" & {columns['sparse'][index]}{ending}"
            )
        lines.append("\\midrule")
    if lines[-1] == "\\midrule":
        lines.pop()
    lines.append("\\end{longtable}")
    return "\n".join(lines) + "\n"


def caption_for(operations, seeds):
    """Our own wording of the facts the original caption states (op, 95% CI, seeds per cell)."""
    from nalm.figures.style import OPERATION_LONG

    ops = " and ".join(OPERATION_LONG[op] for op in operations)
    counts = sorted(set(int(n) for n in seeds if np.isfinite(n)))
    per_cell = " or ".join(str(n) for n in counts) if counts else "the available"
    return (
        f"Single-module task, {ops}: success rate, iteration at which the run was first solved, "
        f"and sparsity error, each with a 95\\% confidence interval. Every entry summarises "
        f"{per_cell} seeds. Bold marks, for each module, the best range for that measure."
    )
