"""`nalm nalu-table`: the NALU paper's tables from `nalm nalu-static` / `nalm nalu-language`
outputs: every cell as median and 95% interval over the seeds next to the reproduction's
published single-run number (`nalm.figures.nalu`). Writes the CSV and, next to it, the LaTeX
table (same name, `.tex`)."""

from nalm.core.errors import UserError


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "nalu-table",
        help="NALU paper tables: static (interpolation/extrapolation) or language, median [95%%] vs published",
        description="Read the runs' CSVs, keep each run's last step, and write one row per cell: "
        "published, median, lower, upper, runs, diverged, inside (published within the interval). "
        "Example: nalm nalu-table static runs/*.csv --setting reproduction --column extrapolation "
        "--out results/tables/nalu/static_extrapolation_reproduction.csv",
    )
    parser.add_argument("kind", choices=["static", "language"])
    parser.add_argument("runs", nargs="+", help="CSV files written by nalm nalu-static or nalm nalu-language")
    parser.add_argument("--setting", required=True, help="reproduction or paper")
    parser.add_argument("--column", default=None, help="static only: interpolation or extrapolation")
    parser.add_argument("--out", required=True, help="output CSV (the LaTeX table goes next to it as .tex)")
    parser.set_defaults(func=run)
    return parser


def read_runs(paths):
    import pandas as pd

    frames = []
    for path in paths:
        try:
            frames.append(pd.read_csv(path))
        except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
            raise UserError(f"cannot read {path}: {error}") from None
    return pd.concat(frames, ignore_index=True)


def run(args) -> int:
    import os

    from nalm.commands._nalu import SETTINGS
    from nalm.core.atomic import write_text_atomic
    from nalm.figures import nalu

    if args.setting not in SETTINGS:
        raise UserError(f"unknown setting {args.setting!r}: expected one of {', '.join(SETTINGS)}")
    if not args.out.endswith(".csv"):
        raise UserError(f"bad --out {args.out!r}: expected a .csv path")
    runs = read_runs(args.runs)
    if args.kind == "static":
        if args.column is None:
            raise UserError("nalu-table static needs --column interpolation or --column extrapolation")
        table = nalu.static_table(runs, args.setting, args.column)
        latex = nalu.static_latex(table, args.column, args.setting)
    else:
        table = nalu.language_table(runs, args.setting)
        latex = nalu.language_latex(table, args.setting)
    directory = os.path.dirname(args.out)
    if directory:
        os.makedirs(directory, exist_ok=True)
    write_text_atomic(args.out[: -len(".csv")] + ".tex", latex)
    write_text_atomic(args.out, nalu.table_csv(table))
    return 0
