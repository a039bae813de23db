"""`nalm mnist-plot`: the arithmetic MNIST point plot or violin plot (`bmistry4/nalm-division`,
`export/two_digit_mnist/plot_train_test.r`), with its plot data next to it."""

from nalm.core.errors import UserError


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "mnist-plot",
        help="arithmetic MNIST figures: mnist_accuracy (points, mean ± s.e.) or mnist_violin",
        description=(
            "Draw a figure of nalm/papers/division/mnist.yaml from the tables of nalm mnist-summarize. "
            "Writes OUT.pdf, OUT_plot_data.csv and OUT.tex (the numbers as a LaTeX tabular). Example: nalm mnist-plot "
            "--figure mnist_violin --selected selected.csv --summary summary.csv --out mnist_violin.pdf"
        ),
    )
    parser.add_argument("--figure", required=True, help="mnist_accuracy or mnist_violin")
    parser.add_argument("--selected", required=True, help="per-run CSV of nalm mnist-summarize (--out)")
    parser.add_argument("--summary", required=True, help="statistics CSV of nalm mnist-summarize (--summary)")
    parser.add_argument("--out", required=True, help="PDF to write")
    parser.set_defaults(func=run)


def _latex_folds(rows: list, metric: str, order: list) -> str:
    """A tabular of the violin plot's numbers: one row per model, one column per fold."""
    folds = sorted({int(row["fold"]) for row in rows})
    lines = [r"\begin{tabular}{l" + "r" * len(folds) + "}", r"\hline",
             "Model & " + " & ".join(f"fold {fold}" for fold in folds) + r" \\", r"\hline"]
    for model in order:
        values = {int(row["fold"]): row[metric] for row in rows if row["label"] == model}
        cells = [f"{values[fold]:.2f}" if fold in values else "---" for fold in folds]
        lines.append(f"{model} & " + " & ".join(cells) + r" \\")
    lines += [r"\hline", r"\end{tabular}"]
    return "\n".join(lines) + "\n"


def _latex(summary: list) -> str:
    """A tabular of the point plot's numbers: model × metric type, mean ± 95% CI half-width."""
    lines = [r"\begin{tabular}{llrrr}", r"\hline", r"Model & Metric & $n$ & Mean (\%) & 95\% CI \\", r"\hline"]
    for row in summary:
        ci = "---" if row["ci"] != row["ci"] else f"{row['ci']:.2f}"
        lines.append(f"{row['model']} & {row['metric_type']} & {int(row['n'])} & {row['mean']:.2f} & {ci} \\\\")
    lines += [r"\hline", r"\end{tabular}"]
    return "\n".join(lines) + "\n"


def run(args) -> int:
    import os

    import pandas as pd
    import plotnine as p9

    from nalm.commands.mnist_summarize import write_frame
    from nalm.core.atomic import write_text_atomic
    from nalm.figures import arithmetic_mnist as figures
    from nalm.tasks.arithmetic_mnist import paper

    definitions, heads = paper()["figures"], paper()["heads"]
    if args.figure not in definitions:
        raise UserError(f"unknown figure {args.figure!r}: expected one of {', '.join(definitions)}")
    definition = definitions[args.figure]
    try:
        rows = pd.read_csv(args.selected).to_dict("records")
        summary = pd.read_csv(args.summary).to_dict("records")
    except (OSError, pd.errors.ParserError) as error:
        raise UserError(f"cannot read the tables of nalm mnist-summarize: {error}") from None
    order = [heads[head]["label"] for head in definition["heads"]]
    rows = [row for row in rows if row["head"] in definition["heads"]]
    if not rows:
        raise UserError(f"{args.selected}: no runs of the heads {', '.join(definition['heads'])}")
    caption = figures.budget_caption(rows)
    stem, _ = os.path.splitext(args.out)
    if definition["kind"] == "points":
        data = [row for row in summary if row["head"] in definition["heads"]]
        plot = figures.point_plot(data, order, caption)
        write_text_atomic(f"{stem}.tex", _latex(data))
    else:
        data = rows
        plot = figures.violin_plot(rows, definition["metric"], order, caption)
        write_text_atomic(f"{stem}.tex", _latex_folds(rows, definition["metric"], order))
    write_frame(data, f"{stem}_plot_data.csv")
    plot = plot + p9.ggtitle(definition["title"])
    temporary = f"{stem}.tmp.pdf"
    figures.save(plot, temporary, definition["kind"])
    os.replace(temporary, args.out)
    return 0
