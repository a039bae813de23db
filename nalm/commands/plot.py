"""`nalm plot`: draw a benchmark figure from summary files (as `bmistry4/nalm-benchmark`'s
`export/single_layer_task/benchmark/plot_results.r` and `plot_results_multiop.r`)."""

import os

from nalm.core.errors import UserError
from nalm.figures.style import COLLATIONS


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "plot",
        help="three-panel figure (+ plot data CSV and LaTeX table) from summary files",
        description="Draw one figure of the Primer (fig14 ... fig20, nalm/papers/primer/figures.yaml) "
        "from nalm summarize output.",
    )
    parser.add_argument("summaries", nargs="+", metavar="SUMMARY.csv")
    parser.add_argument("--figure", required=True, help="figure id or name, e.g. fig14 or fig14_add")
    parser.add_argument("--out", required=True, help="PDF (or PNG) to write; <stem>_plot_data.csv and <stem>.tex go next to it")
    parser.add_argument(
        "--collation", choices=COLLATIONS, default="icu",
        help="legend order: icu (case-insensitive, default) or c (byte order: iNALU last)",
    )
    parser.set_defaults(func=run)


def run(args):
    from nalm.core.rcsv import write_r_csv
    from nalm.figures.definitions import get_figure
    from nalm.figures.latex_table import caption_for, latex_table
    from nalm.figures.three_panel import (
        build_plot,
        companion_paths,
        plot_data,
        read_summaries,
        save_plot,
        select_cells,
    )

    from nalm.core.outputs import check_output_file

    # every file this writes, checked before any is: a bad --out changes nothing
    check_output_file(args.out, suffixes=(".pdf", ".png"), create_directory=True)
    data_path, table_path = companion_paths(args.out)
    for path in (data_path, table_path):
        check_output_file(path, "--out's companion", create_directory=True)
    figure = get_figure(args.figure)
    cells, present = select_cells(read_summaries(args.summaries), figure, args.collation)
    data = plot_data(cells)
    try:
        directory = os.path.dirname(os.path.abspath(args.out))
        os.makedirs(directory, exist_ok=True)
        save_plot(build_plot(data, present), args.out)
        frame = data.copy()
        frame.insert(0, "", [str(i) for i in range(1, len(frame) + 1)])  # R's row names
        write_r_csv(frame, data_path)
        caption = caption_for(figure.operations, cells["n"] if "n" in cells else [])
        label = f"benchmark-sltr-{figure.name}"
        with open(table_path, "w", encoding="utf-8") as handle:
            handle.write(latex_table(cells, label, caption))
    except OSError as error:
        raise UserError(f"cannot write next to {args.out}: {error.strerror}") from None
    return 0
