"""The gold-error figure of division by small numbers (Mistry, Farrahi & Hare, TMLR 2022, appendix).

As `bmistry4/nalm-division`'s `export/single_layer_task/divBy0_gold_test_errors.r` draws it: log10
test error (y) against the range U[0, 10^k) (x, k = -8 … 0), a point and a line per module in the
legend order Real NPU, Real NPU (ε = 0), NRU, NMRU, one facet per task with free y scales, y
limited to [1e-13, 1e20], legend at the bottom, 19.555 × 7.98 cm. Data: `nalm.analysis.gold_errors`.
"""

import pandas as pd

from nalm.analysis.gold_errors import CURVES, FIGURE_EXPONENTS, figure_label
from nalm.figures.style import hue_palette
from nalm.figures.three_panel import PAGE_CM

FACETS = {
    "easy": "Input: [a]; Output: 1/a",
    "medium": "Input: [a,b]; Output: 1/a",
    "hard": "Input: [a,b]; Output: a/b",
}


def build_gold_plot(table: pd.DataFrame):
    import plotnine as p9

    frame = table.copy()
    frame["key"] = pd.Categorical(frame["parameter"], list(FACETS))
    frame["range"] = pd.Categorical(frame["range"], [figure_label(k) for k in FIGURE_EXPONENTS])
    frame["module"] = pd.Categorical(frame["module"], list(CURVES))
    return (
        p9.ggplot(frame, p9.aes(x="range", y="test.mse", colour="module", group="module"))
        + p9.scale_y_log10(name="log(Test error)")
        + p9.geom_point()
        + p9.geom_line()
        + p9.scale_x_discrete(name="Data sample range")
        + p9.scale_colour_manual(values=dict(zip(CURVES, hue_palette(len(CURVES)))), limits=list(CURVES), name="")
        + p9.facet_wrap("key", scales="free_y", labeller=p9.as_labeller(FACETS))
        + p9.theme_grey()
        + p9.theme(legend_position="bottom", axis_text_x=p9.element_text(rotation=45, ha="right"),
                   panel_spacing_x=11 / 72 / (PAGE_CM[0] / 2.54))
    )


def gold_latex_table(table: pd.DataFrame) -> str:
    """A booktabs table: one row per range, one column per task × module (test MSE, 3 digits)."""
    columns = [(task, module) for task in FACETS for module in CURVES]
    lines = [
        "\\begin{tabular}{l" + "r" * len(columns) + "}",
        "\\toprule",
        " & " + " & ".join(f"\\multicolumn{{{len(CURVES)}}}{{c}}{{{FACETS[task]}}}" for task in FACETS) + "\\\\",
        "Range & " + " & ".join(module.replace("eps", "$\\epsilon$") for _, module in columns) + "\\\\",
        "\\midrule",
    ]
    values = table.set_index(["range", "parameter", "module"])["test.mse"]
    for exponent in FIGURE_EXPONENTS:
        label = figure_label(exponent)
        cells = [f"{values[(label, task, module)]:.3g}" for task, module in columns]
        lines.append(f"{label} & " + " & ".join(cells) + "\\\\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    return "\n".join(lines) + "\n"
