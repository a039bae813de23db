"""Tables and figures of the NALU paper's experiments (Trask et al., "Neural Arithmetic Logic
Units", NeurIPS 2018, arXiv 1808.00508), each cell next to the published number of the PyTorch
reproduction `nkarasovd/Neural_Arithmetic_Logic_Units` (README.md, `src/results/`).

Every table cell is the median and the 95% interval of one value over the seeds: the 2.5% and
97.5% quantiles (linear interpolation between order statistics, numpy's default), i.e. the
range that holds 95% of single runs. A published number is one unseeded run, so that is the
range it should fall in. A diverged run (NaN) counts as +∞, worse than any finite value. A
published number printed with d decimals stands for any value within half a unit of its last
digit, so it is *inside* when [p − ½·10⁻ᵈ, p + ½·10⁻ᵈ] meets [lower, upper].

Labels come from `nalm/papers/nalu/figures.yaml`, `settings.yaml` and `experiments.yaml`.
"""

import math
import warnings

import numpy as np
import pandas as pd

from nalm.core.errors import UserError

# The PDF info dictionary is fixed so that the same inputs give the same bytes.
PDF_METADATA = {"Creator": "nalm", "Producer": "nalm", "CreationDate": None, "ModDate": None}
QUANTILES = (0.025, 0.5, 0.975)


def _paper(filename):
    from nalm.papers import read_yaml

    return read_yaml("nalu", filename)


def quantile(sorted_values, q: float) -> float:
    """numpy's linear quantile of sorted values that may hold +∞ (∞ wherever it is involved)."""
    position = q * (len(sorted_values) - 1)
    low, high = math.floor(position), math.ceil(position)
    a, b = sorted_values[low], sorted_values[high]
    if a == b or math.isinf(b):
        return float(b) if math.isinf(b) else float(a)
    return float(a + (b - a) * (position - low))


def cell(values) -> dict:
    """Median, 95% interval, run count and diverged count of one cell (NaN counted as +∞)."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return {"median": math.nan, "lower": math.nan, "upper": math.nan, "runs": 0, "diverged": 0}
    diverged = int(np.isnan(values).sum())
    ordered = np.sort(np.where(np.isnan(values), np.inf, values))
    lower, median, upper = (quantile(ordered, q) for q in QUANTILES)
    return {"median": median, "lower": lower, "upper": upper, "runs": int(values.size), "diverged": diverged}


def inside(published: float, lower: float, upper: float, decimals: int) -> bool:
    """Does the printed number (± half a unit of its last digit) meet [lower, upper]?"""
    half = 0.5 * 10.0**-decimals
    return bool(upper >= published - half and lower <= published + half)


def final_rows(runs: pd.DataFrame, keys: list) -> pd.DataFrame:
    """Each run's row at its last logged step."""
    last = runs.groupby(keys)["step"].transform("max")
    return runs[runs["step"] == last]


def _check_columns(frame: pd.DataFrame, columns, what: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise UserError(f"{what} lacks column {missing[0]!r}: expected a `nalm nalu-*` output")


def static_table(runs: pd.DataFrame, setting: str, column: str) -> pd.DataFrame:
    """One row per (function, model): published, median, lower, upper, runs, diverged, inside."""
    figures, published = _paper("figures.yaml")["static"], _paper("published.yaml")["static"]
    if column not in figures["columns"]:
        raise UserError(f"unknown test set {column!r}: expected one of {', '.join(figures['columns'])}")
    _check_columns(runs, ["setting", "model", "function", "seed", "step", f"{column}_score"], "the static runs")
    runs = runs[runs["setting"] == setting]
    final = final_rows(runs, ["model", "function", "seed"])
    functions = _paper("experiments.yaml")["static"]["functions"]
    models = _paper("settings.yaml")[setting]["static"]["models"]
    rows = []
    for function, definition in functions.items():
        for model, model_definition in models.items():
            values = final[(final["function"] == function) & (final["model"] == model)][f"{column}_score"]
            if values.empty:
                continue
            number = published[column][function][published["models"].index(model)]
            statistics = cell(values.to_numpy())
            rows.append({
                "function": function, "function_label": definition["label"], "model": model,
                "model_label": model_definition["label"], "published": number, **statistics,
                "inside": inside(number, statistics["lower"], statistics["upper"], figures["published_decimals"]),
            })  # fmt: skip
    if not rows:
        raise UserError(f"no {setting} runs in the static results")
    return pd.DataFrame(rows)


def language_table(runs: pd.DataFrame, setting: str) -> pd.DataFrame:
    """One row per (model, split): published, median, lower, upper, runs, diverged, inside."""
    figures, published = _paper("figures.yaml")["language"], _paper("published.yaml")["language"]
    _check_columns(runs, ["setting", "model", "seed", "step", "train_mae"], "the language runs")
    # no filter on the runs' setting: a model both settings define alike is trained once
    final = final_rows(runs, ["model", "seed"])
    models = _paper("settings.yaml")[setting]["language"]["models"]
    rows = []
    for model, definition in models.items():
        values = final[final["model"] == model]
        if values.empty:
            continue
        for split in figures["splits"]:
            number = published[model][split]
            statistics = cell(values[f"{split}_mae"].to_numpy())
            rows.append({
                "model": model, "model_label": definition["label"], "split": split, "published": number,
                **statistics,
                "inside": inside(number, statistics["lower"], statistics["upper"], figures["published_decimals"]),
            })  # fmt: skip
    if not rows:
        raise UserError(f"no runs of the {setting} setting's models in the language results")
    return pd.DataFrame(rows)


def _latex_number(value: float, decimals: int) -> str:
    if math.isnan(value):
        return "---"
    if math.isinf(value):
        return r"$\infty$"
    return f"{value:.{decimals}f}"


def _latex_cell(row, decimals: int) -> str:
    mark = "" if row["inside"] else r"$^\dagger$"
    return (f"{_latex_number(row['median'], decimals)} "
            f"[{_latex_number(row['lower'], decimals)}, {_latex_number(row['upper'], decimals)}] "
            f"({_latex_number(row['published'], decimals)}{mark})")


def _escape(text: str) -> str:
    return str(text).replace("&", r"\&").replace("_", r"\_").replace("%", r"\%")


def _tabular(header: list, body: list, caption: str) -> str:
    lines = [r"\begin{table}", r"\centering", r"\small", rf"\caption{{{_escape(caption)}}}",
             r"\begin{tabular}{l" + "l" * (len(header) - 1) + "}", r"\hline",
             " & ".join(_escape(h) for h in header) + r" \\", r"\hline"]
    lines += [" & ".join(row) + r" \\" for row in body]
    lines += [r"\hline", r"\end{tabular}", r"\end{table}"]
    return "\n".join(lines) + "\n"


NOTE = ("median [95% interval] over {runs} seeds (published single run); "
        "a dagger marks a published number outside the interval")


def static_latex(table: pd.DataFrame, column: str, setting: str) -> str:
    figures = _paper("figures.yaml")["static"]
    decimals = figures["published_decimals"]
    models = list(dict.fromkeys(table["model_label"]))
    body = []
    for label in dict.fromkeys(table["function_label"]):
        rows = table[table["function_label"] == label].set_index("model_label")
        body.append([_escape(label)] + [_latex_cell(rows.loc[m], decimals) if m in rows.index else "---" for m in models])
    caption = f"{figures['title'] % column} ({setting} setting): " + NOTE.format(runs=int(table["runs"].max()))
    return _tabular(["Function", *models], body, caption)


def language_latex(table: pd.DataFrame, setting: str) -> str:
    figures = _paper("figures.yaml")["language"]
    decimals = figures["published_decimals"]
    splits = figures["splits"]
    body = []
    for label in dict.fromkeys(table["model_label"]):
        rows = table[table["model_label"] == label].set_index("split")
        body.append([_escape(label)] + [_latex_cell(rows.loc[s], decimals) if s in rows.index else "---" for s in splits])
    caption = f"{figures['title']} ({setting} setting): " + NOTE.format(runs=int(table["runs"].max()))
    return _tabular(["Model", *[f"{split.capitalize()} MAE" for split in splits]], body, caption)


def table_csv(table: pd.DataFrame) -> str:
    """The table as CSV with fixed float formatting (shortest round-trip repr)."""
    def fmt(value):
        if isinstance(value, (bool, np.bool_)):
            return "true" if value else "false"
        if isinstance(value, (float, np.floating)):
            return "nan" if math.isnan(value) else repr(float(value))
        return str(value)

    lines = [",".join(table.columns)]
    lines += [",".join(fmt(value) for value in row) for row in table.itertuples(index=False)]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- figures


def identity_data(errors: pd.DataFrame) -> pd.DataFrame:
    """Mean absolute error per activation and input over the models (diverged models left out)."""
    _check_columns(errors, ["activation", "seed", "x", "abs_error"], "the identity runs")
    order = _paper("experiments.yaml")["identity"]["activations"]
    known = [a for a in order if a in set(errors["activation"])]
    grouped = errors.groupby(["activation", "x"])["abs_error"]
    data = pd.DataFrame({"mean_abs_error": grouped.mean(), "models": grouped.count()}).reset_index()
    data["activation"] = pd.Categorical(data["activation"], categories=known, ordered=True)
    return data.sort_values(["activation", "x"]).reset_index(drop=True)


def _save(plot, path, width_cm: float, height_cm: float) -> None:
    kwargs = {"metadata": PDF_METADATA} if str(path).lower().endswith(".pdf") else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # plotnine's size/NaN notices are expected here
        plot.save(str(path), width=width_cm, height=height_cm, units="cm", dpi=300, verbose=False, **kwargs)


def identity_figure(data: pd.DataFrame, path) -> None:
    """Mean absolute error against x, one line per activation, the training range shaded."""
    import plotnine as p9

    from nalm.figures.style import hue_palette

    labels = _paper("figures.yaml")["identity"]
    low, high = labels["training"]
    activations = list(data["activation"].cat.categories)
    plot = (
        p9.ggplot(data, p9.aes("x", "mean_abs_error", colour="activation"))
        + p9.annotate("rect", xmin=low, xmax=high, ymin=-math.inf, ymax=math.inf, alpha=0.15, fill="grey")
        + p9.geom_line()
        + p9.scale_colour_manual(values=hue_palette(len(activations)), limits=activations)
        + p9.labs(x=labels["x"], y=labels["y"], colour="Activation", title=labels["title"])
        + p9.theme_bw()
    )
    _save(plot, path, 18.0, 12.0)


def language_data(predictions: pd.DataFrame, setting: str) -> pd.DataFrame:
    """Per model and number: the median prediction and its 95% interval over the seeds."""
    _check_columns(predictions, ["setting", "model", "seed", "number", "prediction"], "the language predictions")
    models = _paper("settings.yaml")[setting]["language"]["models"]
    # no filter on the runs' setting: a model both settings define alike is trained once
    predictions = predictions[predictions["model"].isin(list(models))]
    if predictions.empty:
        raise UserError(f"no predictions of the {setting} setting's models")
    rows = []
    for (model, number), group in predictions.groupby(["model", "number"], sort=True):
        statistics = cell(group["prediction"].to_numpy())
        rows.append({"model": model, "model_label": models[model]["label"], "number": int(number), **statistics})
    data = pd.DataFrame(rows)
    order = [models[m]["label"] for m in models if m in set(data["model"])]
    data["model_label"] = pd.Categorical(data["model_label"], categories=order, ordered=True)
    return data


def language_figure(data: pd.DataFrame, path, setting: str) -> None:
    """Median prediction (line) and 95% interval (band) against the true value, one panel per model."""
    import plotnine as p9

    labels = _paper("figures.yaml")["language"]
    finite = data.replace([np.inf, -np.inf], np.nan)
    plot = (
        p9.ggplot(finite, p9.aes("number"))
        + p9.geom_abline(intercept=0, slope=1, linetype="dashed", colour="grey")
        + p9.geom_ribbon(p9.aes(ymin="lower", ymax="upper"), alpha=0.3, fill="#00BFC4")
        + p9.geom_line(p9.aes(y="median"), colour="#F8766D")
        + p9.facet_wrap("~model_label")
        + p9.coord_cartesian(ylim=(-100, 1100))
        + p9.labs(x=labels["x"], y=labels["y"], title=f"{labels['figure_title']} ({setting} setting)")
        + p9.theme_bw()
    )
    _save(plot, path, 18.0, 9.0)
