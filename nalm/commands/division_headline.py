"""`nalm division-headline`: the mean success over all training sets of some series of a
division-paper figure, with a Wilson interval, next to the paper's published headline rate.

Mistry, Farrahi & Hare, "Exploring the Learning Mechanisms of Neural Division Modules", TMLR 2022;
the headline rates are the abstract of its earlier version, arXiv 2110.05177 v2 (85.3% for the
modified Real NPU and 91.6% for the NMRU over the 225 training sets with redundancy; the paper
package's `headlines.tsv`). A training set is one run (range pair x seed); the mean success over
n of them is solved/n, and its interval is the Wilson 95% interval (R `binom.confint`), the
interval the paper uses for its per-range rates. Each run is judged by the figure's own selection
rule and thresholds (`nalm.analysis.division_summary.per_run`).
"""

from nalm.commands.division_summary import _table  # the same EXPERIMENT=FILE.csv option
from nalm.core.errors import UserError

COLUMNS = ["figure", "experiment", "model", "runs", "ranges", "seeds", "solved", "success", "lower", "upper",
           "published", "published.training.sets"]


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "division-headline",
        help="mean success over all training sets of division-paper series, with the paper's headline rates",
        description=(
            "Judge every run of the given series of one figure of nalm/papers/division/figures.yaml "
            "by the figure's selection rule and thresholds, and write one row per series: runs, "
            "solved, mean success with its Wilson 95%% interval, and the paper's published rate where "
            "headlines.tsv has one. Any subset of the figure's series may be given. Example: nalm "
            "division-headline --figure main_in10 --table in10_NMRU=results/tables/division/in10_NMRU.csv "
            "--out headline.csv"
        ),
    )
    parser.add_argument("--figure", required=True, help="figure name, e.g. main_in10")
    parser.add_argument("--table", action="append", required=True, metavar="EXPERIMENT=FILE.csv",
                        help="the run table (nalm export) of one series' experiment; repeat per series")
    parser.add_argument("--thresholds", help="threshold table (default: the paper package's thresholds.tsv)")
    parser.add_argument("--out", required=True, help="CSV to write (one row per series)")
    parser.set_defaults(func=run)


def headline_rows(figure, tables: dict, thresholds_path=None):
    """One dict per given series of `figure` (figure order): pooled success over its runs."""
    from nalm import papers
    from nalm.analysis.division_summary import (
        per_run,
        read_series_table,
        read_thresholds,
    )
    from nalm.analysis.stats import wilson

    series_of = {series.experiment: series for series in figure.series}
    unknown = sorted(set(tables) - set(series_of))
    if unknown:
        raise UserError(f"experiment {unknown[0]} is not a series of figure {figure.name} "
                        f"(its series: {', '.join(series_of)})")
    published = {(row["figure"], row["experiment"]): row for row in papers.read_table("division", "headlines.tsv")}
    thresholds = read_thresholds(thresholds_path)
    rows = []
    for experiment, series in series_of.items():
        if experiment not in tables:
            continue
        table = read_series_table(tables[experiment])
        if table.empty:
            raise UserError(f"{tables[experiment]}: the run table holds no rows")
        runs = per_run(table, series.label, thresholds, series.thresholds, figure.x, figure.solved)
        solved = int(runs["solved"].sum())
        rate, lower, upper = wilson(solved, len(runs))
        paper = published.get((figure.name, experiment))
        rows.append({
            "figure": figure.name,
            "experiment": experiment,
            "model": series.label,
            "runs": len(runs),
            "ranges": runs["interpolation.range"].nunique(),
            "seeds": runs["seed"].nunique(),
            "solved": solved,
            "success": rate,
            "lower": lower,
            "upper": upper,
            "published": float(paper["published"]) if paper else float("nan"),
            "published.training.sets": int(paper["training_sets"]) if paper else float("nan"),
        })
    return rows


def run(args):
    import pandas as pd

    from nalm.core.rcsv import write_r_csv
    from nalm.figures.division import get_division_figure

    tables = {}
    for text in args.table:
        experiment, path = _table(text)
        if experiment in tables:
            raise UserError(f"--table {experiment} is given twice")
        tables[experiment] = path
    rows = headline_rows(get_division_figure(args.figure), tables, args.thresholds)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    try:
        write_r_csv(frame, args.out)
    except OSError as error:
        raise UserError(f"cannot write {args.out}: {error.strerror}") from None
    for row in rows:
        paper = "" if row["published"] != row["published"] else f"; paper {100 * row['published']:.1f}%"
        print(f"{row['model']}: {row['solved']}/{row['runs']} = {100 * row['success']:.1f}% "
              f"[{100 * row['lower']:.1f}, {100 * row['upper']:.1f}] (Wilson 95%){paper}")
    return 0
