"""`nalm mnist-summarize`: the selected epoch of every arithmetic MNIST run, and the statistics
over folds (`bmistry4/nalm-division`, `export/two_digit_mnist/plot_train_test.r`)."""

from nalm.core.errors import UserError


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "mnist-summarize",
        help="arithmetic MNIST: each run's selected epoch and the mean/sd/se/CI over folds",
        description=(
            "For every run directory: the epoch with the highest training 5-d.p. accuracy among "
            "the last 10 logged epochs, with every metric there (--out); per head and metric type: "
            "n, mean, sd, se and the t-based 95%% interval (--summary). Example: nalm mnist-summarize "
            "results/runs/division/mnist/*/fold*/seed* --out selected.csv --summary summary.csv"
        ),
    )
    parser.add_argument("runs", nargs="+", metavar="RUN_DIR", help="run directories of nalm mnist-train")
    parser.add_argument("--out", required=True, help="CSV: one row per run at its selected epoch")
    parser.add_argument("--summary", required=True, help="CSV: statistics per head and metric type")
    parser.set_defaults(func=run)


def write_frame(rows: list, path) -> None:
    """An R-style CSV (`nalm.core.rcsv`), written to a temporary file and renamed into place."""
    import os

    import pandas as pd

    from nalm.core.rcsv import write_r_csv

    temporary = f"{path}.tmp"
    try:
        write_r_csv(pd.DataFrame(rows), temporary)
        os.replace(temporary, path)
    except OSError as error:
        raise UserError(f"cannot write {path}: {error.strerror}") from None


def run(args) -> int:
    from nalm.analysis.arithmetic_mnist import select, summarize
    from nalm.tasks.arithmetic_mnist import head_names, paper

    selection = paper()["selection"]
    rows = select(args.runs, selection["metric"], selection["last"])
    order = {head: k for k, head in enumerate(head_names())}
    unknown = sorted({row["head"] for row in rows} - set(order))
    if unknown:
        raise UserError(f"runs of unknown head {unknown[0]!r}: expected one of {', '.join(order)}")
    rows.sort(key=lambda row: (order[row["head"]], row["fold"], row["seed"]))
    heads = [head for head in head_names() if any(row["head"] == head for row in rows)]
    summary = summarize(rows, heads, [tuple(pair) for pair in paper()["summary_metrics"]])
    write_frame(rows, args.out)
    write_frame(summary, args.summary)
    return 0
