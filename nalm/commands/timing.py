"""`nalm timing`: how long a paper's training jobs took, from the benchmark files Snakemake writes
for them (nalm/runs/provenance_table.py), for the workflow's report."""

import argparse

from nalm.core.errors import UserError


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "timing",
        help="table of the wall time, CPU time and memory of training jobs, from Snakemake benchmark files",
        description=(
            "Write one CSV row per training job from its Snakemake benchmark file (<...>/<experiment>/"
            "<block>.tsv): wall seconds, CPU seconds, peak resident memory (MB) and mean load, with the "
            "number of runs its block manifest lists, then a 'total' row. A missing benchmark file is a "
            "row with empty times."
        ),
        epilog=(
            "example:\n"
            "  nalm timing results/benchmarks/train/in2_add_NAU/r1+r2_s0-24.tsv \\\n"
            "      --manifests results/runs/in2_add_NAU/blocks/r1+r2_s0-24.txt --out results/run_tables/primer/fig14_add_timing.csv"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "benchmarks", nargs="+", metavar="BENCHMARK.tsv",
        help="Snakemake benchmark files of the training jobs (<...>/<experiment>/<block>.tsv)",
    )
    parser.add_argument(
        "--manifests", nargs="+", default=[], metavar="MANIFEST.txt",
        help="the jobs' block manifests (<...>/<experiment>/blocks/<block>.txt), to count their runs",
    )
    parser.add_argument("--out", required=True, help="timing CSV to write")
    parser.set_defaults(func=run)


def run(args):
    from nalm.core.atomic import write_bytes_atomic
    from nalm.core.outputs import check_output_file
    from nalm.runs.provenance_table import TIMING_COLUMNS, table_csv, timing_rows

    check_output_file(args.out)
    rows = timing_rows(args.benchmarks, args.manifests)
    try:
        write_bytes_atomic(args.out, table_csv(rows, TIMING_COLUMNS).encode("utf-8"))
    except OSError as error:
        raise UserError(f"cannot write {args.out}: {error.strerror}") from None
    return 0
