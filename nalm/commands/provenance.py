"""`nalm provenance`: which code and software trained a paper's runs, one row per distinct
`provenance` object of their run.json or of their jobs' provenance sidecars (the NALU paper's
tables of runs; nalm/runs/provenance_table.py), for the workflow's report."""

import argparse

from nalm.core.errors import UserError


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "provenance",
        help="table of the distinct code/software provenances of the runs of some block manifests or job sidecars",
        description=(
            "Read the run.json of every run the given block manifests list, and the provenance sidecars "
            "of jobs that write one table of many runs (--sidecars: the NALU paper's <table>.provenance.json), "
            "and write one CSV row per distinct provenance (git commit, dirty flag, nalm, python, torch, "
            "numpy, platform, device, threads) with the number of runs and the experiments that share it. "
            "The 'warning' column flags uncommitted changes, several commits and runs without provenance."
        ),
        epilog=(
            "examples:\n"
            "  nalm provenance results/runs/in2_add_NAU/blocks/r1+r2_s0-24.txt \\\n"
            "      results/runs/in2_add_NMU/blocks/r1+r2_s0-24.txt --out results/run_tables/primer/fig14_add_provenance.csv\n"
            "  nalm provenance --sidecars results/runs/nalu/language/*.csv.provenance.json \\\n"
            "      --out results/run_tables/nalu/language_provenance.csv"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "manifests", nargs="*", metavar="MANIFEST.txt",
        help="block manifests (results/runs/<experiment>/blocks/<block>.txt): each lists its runs' files",
    )
    parser.add_argument(
        "--sidecars", nargs="+", default=[], metavar="SIDECAR.json",
        help="provenance sidecars of jobs that write one table of many runs (<table>.provenance.json, nalm nalu-*)",
    )
    parser.add_argument("--out", required=True, help="provenance CSV to write")
    parser.set_defaults(func=run)


def run(args):
    from nalm.core.atomic import write_bytes_atomic
    from nalm.core.outputs import check_output_file
    from nalm.runs.provenance_table import (
        PROVENANCE_COLUMNS,
        provenance_rows,
        table_csv,
    )

    from nalm.runs.provenance import SIDECAR_SUFFIX

    if not args.manifests and not args.sidecars:
        raise UserError("nothing to read: expected block manifests (MANIFEST.txt ...) or --sidecars SIDECAR.json ...")
    for manifest in args.manifests:
        if str(manifest).endswith(SIDECAR_SUFFIX):
            raise UserError(f"{manifest} is a provenance sidecar, not a block manifest: pass it after --sidecars")
    check_output_file(args.out)
    rows = provenance_rows(args.manifests, args.sidecars)
    try:
        write_bytes_atomic(args.out, table_csv(rows, PROVENANCE_COLUMNS).encode("utf-8"))
    except OSError as error:
        raise UserError(f"cannot write {args.out}: {error.strerror}") from None
    return 0
