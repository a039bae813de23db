"""`nalm summarize`: per-run and per-cell statistics (as `bmistry4/nalm-benchmark`'s
`export/single_layer_task/benchmark/plot_results.r` with `export/_compute_summary.r`)."""

from nalm.analysis.stats import BETA_PARAMETERISATIONS
from nalm.analysis.summary import summarize
from nalm.core.errors import UserError
from nalm.core.rcsv import write_r_csv


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "summarize",
        help="success rate, solved-at and sparsity error per module, op, size and range",
        description=(
            "Join run tables (from nalm export, or the original exporter) with a threshold file "
            "and write one row per cell: Wilson success rate, Gamma solved-at and Beta sparsity "
            "error with profile-likelihood intervals."
        ),
    )
    parser.add_argument("tables", nargs="+", metavar="TABLE.csv", help="run tables")
    parser.add_argument("--thresholds", required=True, help="threshold file from nalm thresholds")
    parser.add_argument("--out", required=True, help="summary CSV to write")
    parser.add_argument("--per-run", help="also write the per-run quantities to this CSV")
    parser.add_argument(
        "--beta-parameterisation", choices=BETA_PARAMETERISATIONS, default="original",
        help="original: alpha=2*mu*v, beta=(1-2*mu)*v (mu is about half the mean, as published); "
        "corrected: alpha=mu*v, beta=(1-mu)*v (default: %(default)s)",
    )
    parser.set_defaults(func=run)


def run(args):
    from nalm.core.outputs import check_output_file

    check_output_file(args.out)
    if args.per_run is not None:
        check_output_file(args.per_run, "--per-run")
    runs, cells = summarize(args.tables, args.thresholds, args.beta_parameterisation)
    for frame, path in ((cells, args.out), (runs, args.per_run)):
        if path is None:
            continue
        try:
            write_r_csv(frame, path)
        except OSError as error:
            raise UserError(f"cannot write {path}: {error.strerror}") from None
    return 0
