"""`nalm division-summary`: one division-paper figure's run tables → its per-cell summary."""

from nalm.core.errors import UserError


def _table(text):
    experiment, sep, path = text.partition("=")
    if not sep or not experiment or not path:
        raise UserError(f"bad --table {text!r}: expected EXPERIMENT=FILE.csv")
    return experiment, path


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "division-summary",
        help="summary of one figure of the division-module paper (success rate, solved at, sparsity error)",
        description=(
            "Read the run table (nalm export) of every series of a figure of "
            "nalm/papers/division/figures.yaml, apply the paper's thresholds (thresholds.tsv) and "
            "selection rule, and write one row per model and x value: Wilson success rate, Gamma "
            "solved-at and Beta sparsity error with their fall-backs. Example: nalm division-summary "
            "--figure main_in2 --table in2_NRU=results/tables/division/in2_NRU.csv ... --out s.csv"
        ),
    )
    parser.add_argument("--figure", required=True, help="figure name, e.g. main_in2")
    parser.add_argument("--table", action="append", required=True, metavar="EXPERIMENT=FILE.csv",
                        help="the run table of one series' experiment; one per series")
    parser.add_argument("--thresholds", help="threshold table (default: the paper package's thresholds.tsv)")
    parser.add_argument("--out", required=True, help="summary CSV to write")
    parser.add_argument("--per-run", help="also write the per-run outcomes to this CSV")
    parser.set_defaults(func=run)


def run(args):
    from nalm.analysis.division_summary import summarize_figure
    from nalm.core.rcsv import write_r_csv
    from nalm.figures.division import get_division_figure

    tables = {}
    for text in args.table:
        experiment, path = _table(text)
        if experiment in tables:
            raise UserError(f"--table {experiment} is given twice")
        tables[experiment] = path
    runs, cells = summarize_figure(get_division_figure(args.figure), tables, args.thresholds)
    for frame, path in ((cells, args.out), (runs, args.per_run)):
        if path is None:
            continue
        try:
            write_r_csv(frame, path)
        except OSError as error:
            raise UserError(f"cannot write {path}: {error.strerror}") from None
    return 0
