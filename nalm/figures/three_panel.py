"""Summary cells → the three-panel benchmark figure, its plot data and LaTeX table.

As `bmistry4/nalm-benchmark`'s `export/single_layer_task/benchmark/plot_results.r` and
`plot_results_multiop.r` (with `export/_plot_parameter.r`) draw figures 14-20 of the Primer.

Layout: one row of three facets (success rate, solved at, sparsity error) with free y
scales from 0; x = interpolation range with `]` shown as `)`, in R's string order; a point
at the mean and an error bar (alpha 0.5, width 0.9) from lower to upper, both dodged by
0.3 so that model k of n sits at 0.3·((k − 0.5)/n − 0.5); colour = model in legend order
with ggplot's hue palette; legend at the bottom titled "model"; grey theme; margins
(5.5, 10.5, 5.5, 5.5) pt; 1 line between panels; page 19.555 × 7.98 cm. A NaN mean (no
solved seed) draws nothing.
"""

import math
import os
import warnings

import pandas as pd

from nalm.core.errors import UserError
from nalm.core.rcsv import read_checked_csv
from nalm.figures.style import OPERATION_LATEX, hue_palette, legend_order

PAGE_CM = (19.555, 7.98)  # plot_results.r: ggsave 13.968 × 5.7 cm at scale 1.4
DODGE = 0.3
ERRORBAR_ALPHA = 0.5
ERRORBAR_WIDTH = 0.9
KEYS = ("success.rate", "converged.at", "sparse.error")
FACET_TITLES = {
    "success.rate": "Extrapolation range success rate",
    "converged.at": "Solved at iteration step",
    "sparse.error": "Sparsity error",
}
SUMMARY_COLUMNS = ("module", "operation", "input.size", "interpolation.range") + tuple(
    f"{key}.{stat}" for key in KEYS for stat in ("mean", "lower", "upper")
)
# The PDF info dictionary is fixed so that the same inputs give the same bytes.
PDF_METADATA = {"Creator": "nalm", "Producer": "nalm", "CreationDate": None, "ModDate": None}


def axis_label(label):
    """The range label with its closing `]` shown as `)` (`U[1,2)`), as plot_results.r's `gsub`."""
    return label.replace("]", ")")


def read_summaries(paths):
    frames = []
    for path in paths:
        frames.append(read_checked_csv(path, "summary", SUMMARY_COLUMNS))
    if not frames:
        raise UserError("no summary files given")
    summary = pd.concat(frames, ignore_index=True)
    summary["operation"] = summary["operation"].astype(str).str.removeprefix("op-")
    return summary


def select_cells(summary, figure, collation="icu"):
    """The figure's cells with `model` (ordered categorical of labels) and `parameter`."""
    ordered = legend_order(figure.series, collation)
    parts = []
    for series in ordered:
        cells = summary[
            (summary["module"] == series.module)
            & (summary["operation"] == series.operation)
            & (summary["input.size"] == figure.input_size)
        ].copy()
        if cells.empty:
            continue
        cells["model"] = series.label
        cells["plot.label"] = series.plot_label
        parts.append(cells)
    if not parts:
        wanted = ", ".join(f"{s.module} {s.operation}" for s in figure.series)
        raise UserError(
            f"the summary has no cells for {figure.figure_id} ({wanted}, input size {figure.input_size})"
        )
    cells = pd.concat(parts, ignore_index=True)
    present = [s for s in ordered if s.label in set(cells["model"])]
    cells["model"] = pd.Categorical(cells["model"], [s.label for s in present])
    # As in the original's figures, x is in the plain string order of the labels (not numeric).
    cells["parameter"] = cells["interpolation.range"].map(axis_label)
    return cells, present


def plot_data(cells):
    """Long form (plot_results.r's `_plot_data.csv`): three rows (keys) per (model, range)."""
    rows = []
    for _, cell in cells.sort_values(["model", "parameter"]).iterrows():
        for key in KEYS:
            rows.append({
                "model": cell["model"],
                "operation": OPERATION_LATEX[cell["operation"]],
                "parameter": cell["parameter"],
                "key": key,
                "mean.value": cell[f"{key}.mean"],
                "upper.value": cell[f"{key}.upper"],
                "lower.value": cell[f"{key}.lower"],
                "max.value": cell.get(f"{key}.max", math.nan),
                "our.model": cell["model"] in ("NMU", "NAU"),
            })
    data = pd.DataFrame(rows)
    data["model"] = pd.Categorical(data["model"], list(cells["model"].cat.categories))
    return data


def build_plot(data, present, facet_titles=None):
    """The plotnine figure for `data` (from `plot_data`), models `present` in legend order;
    `facet_titles` replaces the panels' titles (default `FACET_TITLES`)."""
    import plotnine as p9

    frame = data.copy()
    frame["key"] = pd.Categorical(frame["key"], list(KEYS))
    # ggplot's interaction(range, model) numbers groups model-major within a tick, so the
    # dodge puts the models side by side in legend order; an integer group does the same.
    ticks = sorted(frame["parameter"].unique())
    frame["group"] = frame["model"].cat.codes * len(ticks) + frame["parameter"].map(ticks.index)
    labels = [series.label for series in present]
    dodge = p9.position_dodge(width=DODGE)
    return (
        p9.ggplot(frame, p9.aes(x="parameter", colour="model", group="group"))
        + p9.geom_point(p9.aes(y="mean.value"), position=dodge, na_rm=True)
        + p9.geom_errorbar(
            p9.aes(ymin="lower.value", ymax="upper.value"),
            position=dodge, alpha=ERRORBAR_ALPHA, width=ERRORBAR_WIDTH, na_rm=True,
        )
        + p9.scale_colour_manual(
            values=dict(zip(labels, hue_palette(len(labels)))),
            breaks=labels, limits=labels,
            labels=[series.plot_label for series in present], name="model",
        )
        + p9.scale_x_discrete(name="Interpolation range", limits=ticks)
        + p9.scale_y_continuous(name="", limits=(0, None))
        + p9.facet_wrap("key", scales="free_y", nrow=1, labeller=p9.as_labeller(facet_titles or FACET_TITLES))
        + p9.theme_grey()
        + p9.theme(
            legend_position="bottom",
            plot_margin_top=5.5 / 72 / (PAGE_CM[1] / 2.54),
            plot_margin_right=10.5 / 72 / (PAGE_CM[0] / 2.54),
            plot_margin_bottom=5.5 / 72 / (PAGE_CM[1] / 2.54),
            plot_margin_left=5.5 / 72 / (PAGE_CM[0] / 2.54),
            panel_spacing_x=11 / 72 / (PAGE_CM[0] / 2.54),
            axis_text_x=p9.element_text(rotation=45, ha="right"),
        )
    )


def save_plot(plot, path, dpi=300):
    """Write `plot` to `path` (PDF or PNG); PDFs carry fixed metadata (byte-reproducible)."""
    kwargs = {"metadata": PDF_METADATA} if str(path).lower().endswith(".pdf") else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # plotnine's size/NaN notices are expected here
        plot.save(str(path), width=PAGE_CM[0], height=PAGE_CM[1], units="cm", dpi=dpi,
                  verbose=False, **kwargs)


def companion_paths(pdf_path):
    stem, _ = os.path.splitext(str(pdf_path))
    return f"{stem}_plot_data.csv", f"{stem}.tex"
