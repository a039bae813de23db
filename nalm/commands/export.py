"""`nalm export`: TensorBoard run directories → one CSV (as `bmistry4/nalm-benchmark`'s
`export/simple_function_static.py`)."""

import sys


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "export",
        help="export run directories (this project's or the original code's) to one CSV",
        description=(
            "Read every run directory below RUNS_DIR (a directory holding exactly one "
            "events.out.tfevents.* file) and write one CSV: the original export's columns "
            "(name, metric.valid.interpolation, step, wall.time, metric.test.extrapolation, "
            "sparse.error.max) plus module, operation, input.size, interpolation.range, "
            "extrapolation.range and seed. Settings come from run.json, else from the "
            "directory name read as an original run name."
        ),
    )
    parser.add_argument("runs_dirs", nargs="+", metavar="RUNS_DIR", help="directories to search for runs")
    parser.add_argument("--out", required=True, metavar="FILE.csv", help="the CSV to write (atomically)")
    parser.add_argument(
        "--skip-corrupt",
        action="store_true",
        help="leave out runs that are missing, unfinished, truncated or corrupt (a warning each, and a list in "
        "<FILE>.skipped.csv) instead of failing",
    )
    parser.add_argument(
        "--unmark-damaged",
        action="store_true",
        help="before failing on a damaged run, remove its metrics.csv (its mark of completeness), so that the "
        "workflow trains its block again",
    )
    parser.add_argument(
        "--jobs", type=int, default=1, metavar="N", help="processes reading event files (default 1)"
    )
    parser.add_argument(
        "--reader", choices=["benchmark", "division"], default="benchmark",
        help="whose exporter's sparsity rules: the Primer's (benchmark, default) or the division-module "
        "paper's (division: an NPU's W_im error is added to W_re's, not averaged)",
    )
    parser.set_defaults(func=run)
    return parser


def run(args) -> int:
    from nalm.core.errors import UserError
    from nalm.runs.export import export_runs, skipped_path

    if args.jobs < 1:
        raise UserError(f"--jobs {args.jobs}: expected a positive number of processes")
    counts = export_runs(args.runs_dirs, args.out, skip_corrupt=args.skip_corrupt, jobs=args.jobs, reader=args.reader,
                         unmark_damaged=args.unmark_damaged)
    skipped = f", {counts['skipped']} skipped (listed in {skipped_path(args.out)})" if counts["skipped"] else ""
    print(f"nalm export: {counts['rows']} rows from {counts['written']} runs{skipped} → {args.out}", file=sys.stderr)
    return 0
