"""Figure definitions, read from the paper packages (`nalm/papers/<paper>/figures.yaml`).

A figure picks summary cells by (module, operation, input size) and names each selection
with its legend label. Its series are experiments of the paper's `experiments.tsv`; the
module of a series is its preset's module, its label the module's label in the original R
code (`nalm.runs.names.R_MODEL_LABEL`) unless the definition gives one.
"""

from dataclasses import dataclass
from functools import cache

from nalm.core.errors import UserError
from nalm.figures.style import PLOT_LABEL
from nalm.runs.names import R_MODEL_LABEL


@dataclass(frozen=True)
class Series:
    """One legend entry: the cells of `module` for `operation`, shown as `label`."""

    module: str
    operation: str
    label: str  # the original's model label (LaTeX for NAC), used in tables and plot data

    @property
    def plot_label(self):
        """The legend text: plotmath-like NAC subscripts unless the label was overridden."""
        if self.label == R_MODEL_LABEL.get(self.module):
            return PLOT_LABEL.get(self.module, self.label)
        return self.label


@dataclass(frozen=True)
class Figure:
    figure_id: str  # fig14
    name: str  # fig14_add, the workflow's target name
    input_size: int
    series: tuple
    experiments: tuple = ()
    paper: str = "primer"

    @property
    def operations(self):
        return tuple(dict.fromkeys(series.operation for series in self.series))


def _figure(paper: str, name: str, definition: dict, experiments: dict, presets: dict) -> Figure:
    series, ids = [], []
    for entry in definition["series"]:
        entry = entry if isinstance(entry, dict) else {"experiment": entry}
        experiment = experiments[entry["experiment"]]
        module = presets[experiment["preset"]].get("module", experiment["preset"])
        label = entry.get("label", R_MODEL_LABEL.get(module, module))
        series.append(Series(module, experiment["op"], label))
        ids.append(entry["experiment"])
    sizes = {experiments[i]["input_size"] for i in ids}
    if len(sizes) != 1:
        raise ValueError(f"figure {name} of papers/{paper} mixes input sizes {sorted(sizes)}")
    return Figure(definition["id"], name, sizes.pop(), tuple(series), tuple(ids), paper)


@cache
def paper_figures(paper: str = "primer") -> dict:
    """Figure id -> `Figure` for every figure of `paper`'s figures.yaml."""
    from nalm import papers
    from nalm.core.presets import load_presets

    experiments, presets = papers.experiments(paper), load_presets()
    return {
        definition["id"]: _figure(paper, name, definition, experiments, presets)
        for name, definition in papers.figures(paper).items()
    }


def get_figure(name, paper: str = "primer"):
    """A figure by id (`fig14`) or workflow name (`fig14_add`)."""
    for figure in paper_figures(paper).values():
        if name in (figure.figure_id, figure.name):
            return figure
    known = ", ".join(f"{f.figure_id} ({f.name})" for f in paper_figures(paper).values())
    raise UserError(f"unknown figure {name!r}: expected one of {known}")
