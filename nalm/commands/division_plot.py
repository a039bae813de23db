"""`nalm division-plot`: draw one division-paper figure from its summary."""


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "division-plot",
        help="three-panel figure of the division-module paper (+ plot data CSV and LaTeX table)",
        description="Draw one figure of nalm/papers/division/figures.yaml from `nalm division-summary` "
        "output. Example: nalm division-plot s.csv --figure main_in2 --out main_in2.pdf",
    )
    parser.add_argument("summary", metavar="SUMMARY.csv")
    parser.add_argument("--figure", required=True, help="figure name, e.g. main_in2")
    parser.add_argument("--out", required=True, help="PDF (or PNG) to write; <stem>_plot_data.csv and <stem>.tex go next to it")
    parser.set_defaults(func=run)


def run(args):
    from nalm.figures.division import write_figure

    write_figure(args.summary, args.figure, args.out)
    return 0
