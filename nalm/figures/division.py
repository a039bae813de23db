"""The division-module paper's three-panel figures: definitions, plot data, PDF and LaTeX table.

Mistry, Farrahi & Hare, "Exploring the Learning Mechanisms of Neural Division Modules", TMLR 2022
(arXiv 2110.05177). The definitions are `nalm/papers/division/figures.yaml`; the look is that of
`bmistry4/nalm-division`'s `export/single_layer_task/neurips_range.r` (the Primer's layout,
`nalm.figures.three_panel`): one row of three facets with free y scales from 0, x the
interpolation range (or distribution) in string order, a point and an error bar per model dodged
by 0.3, ggplot's hue palette over the models in legend order (R's sorted factor levels, or the
script's explicit `limits=` for the distributions and division-by-small-numbers figures),
19.555 × 7.98 cm. The success panel is titled "Success rate" in the division-by-small-numbers
figures (`neurips_range_divBy0.r`).
"""

import math
from dataclasses import dataclass
from functools import cache

import pandas as pd

from nalm.core.errors import UserError
from nalm.figures.style import legend_order
from nalm.figures.three_panel import FACET_TITLES, KEYS

#: the operation column of the plot data, as the R code's `operation.full.to.short`
OPERATION_SHORT = {"div": r"$\bm{\mathbin{/}}$", "reciprocal": r"$1\bm{\mathbin{/}z}$"}
X_VALUES = ("interpolation", "distribution")
LEGENDS = ("sorted", "given")


@dataclass(frozen=True)
class DivisionSeries:
    experiment: str
    label: str
    thresholds: str

    @property
    def plot_label(self) -> str:
        return self.label


@dataclass(frozen=True)
class DivisionFigure:
    name: str
    title: str
    series: tuple
    original: str = ""
    x: str = "interpolation"
    solved: str = "below"
    legend: str = "sorted"
    success: str = FACET_TITLES["success.rate"]

    @property
    def experiments(self) -> tuple:
        return tuple(series.experiment for series in self.series)

    def legend_series(self) -> list:
        return list(self.series) if self.legend == "given" else legend_order(self.series)


def figure_from_definition(name: str, definition: dict) -> DivisionFigure:
    default_set = definition.get("thresholds", "extrapolation.range")
    series = tuple(
        DivisionSeries(entry["experiment"], str(entry["label"]), entry.get("thresholds", default_set))
        for entry in definition["series"]
    )
    figure = DivisionFigure(
        name, definition["title"], series, definition.get("original", ""),
        definition.get("x", "interpolation"), definition.get("solved", "below"),
        definition.get("legend", "sorted"), definition.get("success", FACET_TITLES["success.rate"]),
    )
    if figure.x not in X_VALUES or figure.legend not in LEGENDS or figure.solved not in ("below", "at_most"):
        raise ValueError(f"figure {name} of papers/division/figures.yaml: bad x, legend or solved value")
    return figure


@cache
def division_figures() -> dict:
    """Figure name -> `DivisionFigure`, in the order of `figures.yaml`."""
    from nalm import papers

    return {name: figure_from_definition(name, d) for name, d in papers.read_yaml("division", "figures.yaml").items()}


def get_division_figure(name: str) -> DivisionFigure:
    figures = division_figures()
    if name not in figures:
        raise UserError(f"unknown division figure {name!r}: expected one of {', '.join(figures)}")
    return figures[name]


def select_cells(summary: pd.DataFrame, figure: DivisionFigure):
    """The summary's cells of the figure's models, `model` an ordered categorical (legend order)."""
    present = [s for s in figure.legend_series() if s.label in set(summary["model"].astype(str))]
    if not present:
        raise UserError(f"the summary has no cells of figure {figure.name} ({', '.join(s.label for s in figure.series)})")
    cells = summary[summary["model"].astype(str).isin([s.label for s in present])].copy()
    cells["model"] = pd.Categorical(cells["model"].astype(str), [s.label for s in present])
    return cells, present


def plot_data(cells: pd.DataFrame) -> pd.DataFrame:
    """Long form, three rows (keys) per (model, x value): the R scripts' `_plot_data.csv`."""
    rows = []
    for _, cell in cells.sort_values(["model", "parameter"]).iterrows():
        for key in KEYS:
            rows.append({
                "model": cell["model"],
                "operation": OPERATION_SHORT.get(cell["operation"], cell["operation"]),
                "parameter": cell["parameter"],
                "key": key,
                "mean.value": cell[f"{key}.mean"],
                "upper.value": cell[f"{key}.upper"],
                "lower.value": cell[f"{key}.lower"],
                "max.value": cell.get(f"{key}.max", math.nan),
                "our.model": False,
            })
    data = pd.DataFrame(rows)
    data["model"] = pd.Categorical(data["model"], list(cells["model"].cat.categories))
    return data


def caption(figure: DivisionFigure, cells: pd.DataFrame) -> str:
    counts = sorted({int(n) for n in cells["n"]})
    per_cell = " or ".join(str(n) for n in counts)
    x = "distribution and range" if figure.x == "distribution" else "interpolation range"
    return (
        f"{figure.title}: success rate, iteration at which the run was first solved, and sparsity "
        f"error per model and {x}, each with a 95\\% confidence interval. Every entry summarises "
        f"{per_cell} seeds. Bold marks, for each model, the best value of that measure."
    )


def write_figure(summary_path, figure_name: str, out) -> None:
    """The figure's PDF, `<stem>_plot_data.csv` and `<stem>.tex` from a division summary."""
    import os

    from nalm.core.rcsv import read_checked_csv, write_r_csv
    from nalm.figures.latex_table import latex_table
    from nalm.figures.three_panel import build_plot, companion_paths, save_plot

    figure = get_division_figure(figure_name)
    columns = ("model", "operation", "parameter", "n") + tuple(
        f"{key}.{stat}" for key in KEYS for stat in ("mean", "lower", "upper")
    )
    summary = read_checked_csv(summary_path, "division summary", columns)
    cells, present = select_cells(summary, figure)
    data = plot_data(cells)
    data_path, table_path = companion_paths(out)
    titles = {**FACET_TITLES, "success.rate": figure.success}
    try:
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
        save_plot(build_plot(data, present, facet_titles=titles), out)
        frame = data.copy()
        frame.insert(0, "", [str(i) for i in range(1, len(frame) + 1)])  # R's row names
        write_r_csv(frame, data_path)
        with open(table_path, "w", encoding="utf-8") as handle:
            handle.write(latex_table(cells, f"division-{figure.name}", caption(figure, cells)))
    except OSError as error:
        raise UserError(f"cannot write next to {out}: {error.strerror}") from None
