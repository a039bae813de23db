"""`nalm archive`: the pipeline with a paper's results in one tar.gz that restores offline.

Code at its commit, the configuration used, the exact lock and its wheels, the chosen results
with Snakemake's metadata, the report, a SHA-256 manifest and RESTORE.md (nalm/archive.py).
"""

import sys
from pathlib import Path

from nalm.core.errors import UserError

EXAMPLE = """\
examples:
  make fig14 && make report && make archive
  nalm archive --target results/figures/fig14_add.pdf --runs
  nalm archive --workdir /scratch/quick --configfile config/quick.yaml --target results/figures/fig14_add.pdf \\
      --runs --out /scratch/fig14-quick.tar.gz
"""


def add_parser(subparsers):
    import argparse

    parser = subparsers.add_parser(
        "archive",
        help="one tar.gz of code, config, locked wheels, results, Snakemake metadata and report, restorable offline",
        description="Write one archive of the pipeline with its results: the repository at its commit "
        "(git archive), the config overlays used, requirements/lock.txt and every wheel it names (pip "
        "download), the results under WORKDIR/results (training runs only with --runs), "
        "WORKDIR/.snakemake/metadata, a SHA-256 manifest, RESTORE.md and restore.sh. Restore with "
        "`bash restore.sh` inside it (pip --no-index).",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--out", metavar="FILE.tar.gz",
                        help="archive to write, never overwritten (default: WORKDIR/nalm-archive-<commit>.tar.gz)")
    parser.add_argument("--workdir", metavar="DIR", default=".",
                        help="Snakemake's working directory, holding results/ and .snakemake/ (default: .)")
    parser.add_argument("--repository", metavar="DIR",
                        help="the git checkout to archive (default: the one this nalm is imported from)")
    parser.add_argument("--configfile", metavar="FILE", nargs="+", default=[],
                        help="the config overlays the results were made with, in order (as given to snakemake "
                        "after the targets; config/config.yaml is in the repository)")
    parser.add_argument("--target", metavar="PATH", nargs="+", default=[],
                        help="the targets that were built, for RESTORE.md's commands (default: the workflow's default)")
    parser.add_argument("--runs", action="store_true",
                        help="include the training runs (results/**/runs/): without them a restored workflow "
                        "trains again; with them `snakemake -n` has nothing to do")
    parser.add_argument("--report", metavar="FILE",
                        help="a Snakemake report outside WORKDIR/results to include (one inside is included anyway)")
    parser.add_argument("--lock", metavar="FILE",
                        help="the lock to archive and download (default: requirements/lock.txt at the commit)")
    parser.add_argument("--wheels-from", metavar="DIR",
                        help="take the lock's files from this folder only (pip --no-index --find-links), "
                        "e.g. a wheelhouse; default: pip's configured index")
    parser.add_argument("--allow-dirty", action="store_true",
                        help="archive although the checkout has uncommitted changes (recorded as dirty)")
    parser.set_defaults(func=run)
    return parser


def _existing_file(path, option):
    if path is not None and not Path(path).is_file():
        raise UserError(f"{option} {path}: no such file")
    return None if path is None else Path(path)


def run(args) -> int:
    from nalm import archive
    from nalm.core.outputs import check_output_file
    from nalm.runs.provenance import PACKAGE_ROOT

    repository = Path(args.repository).resolve() if args.repository else PACKAGE_ROOT
    workdir = Path(args.workdir).resolve()
    if not workdir.is_dir():
        raise UserError(f"--workdir {args.workdir}: not a directory")
    for path in args.configfile:
        _existing_file(path, "--configfile")
    report, lock = _existing_file(args.report, "--report"), _existing_file(args.lock, "--lock")
    if args.wheels_from is not None and not Path(args.wheels_from).is_dir():
        raise UserError(f"--wheels-from {args.wheels_from}: not a directory")
    commit, dirty = archive.source_of(repository)
    if dirty and not args.allow_dirty:
        raise UserError(f"the checkout {repository} has uncommitted changes (git status): commit them, "
                        "or pass --allow-dirty to archive commit " + commit[:12] + " marked dirty")
    out = Path(args.out) if args.out else workdir / f"nalm-archive-{commit[:12]}.tar.gz"
    check_output_file(str(out), "--out", suffixes=(".tar.gz", ".tgz"))
    if out.exists():
        raise UserError(f"--out {out} exists: an archive is never overwritten (remove it or choose another name)")
    plan = archive.Plan(repository=repository, commit=commit, dirty=dirty, workdir=workdir, out=out.resolve(),
                        runs=args.runs, configfiles=[Path(p).resolve() for p in args.configfile],
                        targets=list(args.target), report=report, lock=lock,
                        wheels_from=Path(args.wheels_from).resolve() if args.wheels_from else None)

    def progress(items):
        from tqdm import tqdm

        return tqdm(items, desc="nalm archive: results", unit=" files", disable=not sys.stderr.isatty())

    summary = archive.build(plan, progress)
    print(f"nalm archive: {out}: {summary['bytes'] / 1e6:,.1f} MB, {summary['files']} files "
          f"({summary['wheels']} package files, {summary['results']} results), commit {commit[:12]}"
          f"{' (dirty)' if dirty else ''}")
    return 0
