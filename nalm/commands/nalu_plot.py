"""`nalm nalu-plot`: the NALU paper's figures (`nalm.figures.nalu`): the extrapolation failure of
MLPs (mean absolute error against x per activation, from `nalm nalu-identity` outputs) and the
language task's predicted against true value (from `nalm nalu-language --predictions`). Writes
the figure and its plot data (`<name>_plot_data.csv`)."""

from nalm.core.errors import UserError


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "nalu-plot",
        help="NALU paper figures: identity (extrapolation failure) or language (predicted vs true)",
        description="Example: SOURCE_DATE_EPOCH=0 nalm nalu-plot identity identity.csv "
        "--out results/figures/nalu/extrapolation_failure.pdf",
    )
    parser.add_argument("kind", choices=["identity", "language"])
    parser.add_argument("inputs", nargs="+", help="CSVs of nalm nalu-identity, or of nalm nalu-language --predictions")
    parser.add_argument("--setting", default=None, help="language only: reproduction or paper")
    parser.add_argument("--out", required=True, help="output figure (.pdf or .png)")
    parser.set_defaults(func=run)
    return parser


def run(args) -> int:
    import os

    from nalm.commands._nalu import SETTINGS
    from nalm.commands.nalu_table import read_runs
    from nalm.core.atomic import write_text_atomic
    from nalm.figures import nalu

    stem, extension = os.path.splitext(args.out)
    if extension.lower() not in (".pdf", ".png"):
        raise UserError(f"bad --out {args.out!r}: expected a .pdf or .png path")
    data = read_runs(args.inputs)
    if args.kind == "identity":
        plotted = nalu.identity_data(data)
        draw = lambda path: nalu.identity_figure(plotted, path)  # noqa: E731
    else:
        if args.setting not in SETTINGS:
            raise UserError(f"nalu-plot language needs --setting: one of {', '.join(SETTINGS)}")
        plotted = nalu.language_data(data, args.setting)
        draw = lambda path: nalu.language_figure(plotted, path, args.setting)  # noqa: E731
    directory = os.path.dirname(args.out)
    if directory:
        os.makedirs(directory, exist_ok=True)
    write_text_atomic(f"{stem}_plot_data.csv", nalu.table_csv(plotted))
    temporary = os.path.join(directory or ".", f".{os.path.basename(stem)}.{os.getpid()}{extension}")
    try:
        draw(temporary)
        os.replace(temporary, args.out)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return 0
