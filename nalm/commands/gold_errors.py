"""`nalm gold-errors`: the division modules' gold-weight test errors near zero (figure, data, table)."""


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "gold-errors",
        help="test errors of the Real NPU, NRU and NMRU gold weights on U[0, r) (division by small numbers)",
        description="Evaluate each module at its hand-set gold weights on the original's test sets "
        "U[0, 10^k), k = -8..0, for [a] -> 1/a, [a,b] -> 1/a and [a,b] -> a/b, and draw the "
        "division-module paper's gold-error figure. Example: nalm gold-errors --out gold.pdf",
    )
    parser.add_argument("--out", required=True, help="PDF to write; <stem>_plot_data.csv and <stem>.tex go next to it")
    parser.add_argument("--thresholds-out", help="also write the success thresholds (gold error + float32 eps)")
    parser.set_defaults(func=run)


def run(args):
    import os

    from nalm.analysis.gold_errors import gold_error_table, threshold_table
    from nalm.core.errors import UserError
    from nalm.core.rcsv import write_r_csv
    from nalm.figures.gold_errors import build_gold_plot, gold_latex_table
    from nalm.figures.three_panel import companion_paths, save_plot

    from nalm.core.outputs import check_output_file

    # every file this writes, checked before any is: a bad path changes nothing
    check_output_file(args.out, suffixes=(".pdf", ".png"), create_directory=True)
    data_path, table_path = companion_paths(args.out)
    for path in (data_path, table_path):
        check_output_file(path, "--out's companion", create_directory=True)
    if args.thresholds_out is not None:
        check_output_file(args.thresholds_out, "--thresholds-out")
    table = gold_error_table()
    try:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        save_plot(build_gold_plot(table), args.out)
        write_r_csv(table, data_path)
        with open(table_path, "w", encoding="utf-8") as handle:
            handle.write(gold_latex_table(table))
        if args.thresholds_out:
            write_r_csv(threshold_table(), args.thresholds_out)
    except OSError as error:
        raise UserError(f"cannot write {args.out} or its companions: {error.strerror}") from None
    return 0
