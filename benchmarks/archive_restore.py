"""Size and time of `nalm archive` with the real lock (every wheel of requirements/lock.txt), and of
its offline restore in a fresh directory: `bash restore.sh` with no pip configuration and no
index (the archive's wheels/ only), then RESTORE.md's `snakemake --dry-run`. Prints the numbers.

    python benchmarks/archive_restore.py --workdir DIR [--configfile FILE ...] [--target PATH ...]
        [--scratch DIR] [--allow-dirty]

WORKDIR holds finished results (results/, .snakemake/), e.g. `make quick`'s repository root or a
test's temporary directory. The archive and the restored copy go under --scratch (default: a
new temporary directory, removed at the end unless --keep).
"""

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path


def _timed(label, command, **kwargs):
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{label} failed ({done.returncode}):\n{(done.stdout + done.stderr)[-3000:]}")
    return seconds, done.stdout + done.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", required=True, help="Snakemake working directory with finished results")
    parser.add_argument("--configfile", nargs="+", default=[], help="the overlays the results were made with")
    parser.add_argument("--target", nargs="+", default=[], help="the targets that were built")
    parser.add_argument("--scratch", help="where to write the archive and restore it (default: a temporary dir)")
    parser.add_argument("--allow-dirty", action="store_true", help="passed to nalm archive")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args()
    scratch = Path(args.scratch or tempfile.mkdtemp(prefix="nalm-archive-bench-"))
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        out = scratch / "paper.tar.gz"
        command = [sys.executable, "-m", "nalm.cli", "archive", "--workdir", args.workdir, "--runs", "--out", str(out)]
        command += ["--configfile", *args.configfile] if args.configfile else []
        command += ["--target", *args.target] if args.target else []
        command += ["--allow-dirty"] if args.allow_dirty else []
        made, output = _timed("nalm archive", command)
        with tarfile.open(out) as archive:
            members = archive.getmembers()
        wheels = sum(m.size for m in members if "/wheels/" in m.name)
        print(f"nalm archive: {made:.0f} s, {out.stat().st_size / 1e6:,.0f} MB compressed "
              f"({sum(m.size for m in members) / 1e6:,.0f} MB unpacked, wheels {wheels / 1e6:,.0f} MB, "
              f"{len(members)} members)")

        fresh = scratch / "fresh"
        fresh.mkdir()
        unpacked_s, _ = _timed("tar -xzf", ["tar", "-xzf", str(out), "-C", str(fresh)])
        (top,) = fresh.iterdir()
        offline = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
        offline.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1")
        restored, _ = _timed("restore.sh", ["bash", "restore.sh"], cwd=top, env=offline)
        print(f"restore: tar -xzf {unpacked_s:.0f} s, bash restore.sh (sha256sum --check, venv, pip install "
              f"--no-index of the lock) {restored:.0f} s")
        line = next(line for line in (top / "RESTORE.md").read_text().splitlines() if "--dry-run" in line)
        words = shlex.split(line.split("PATH=", 1)[1].split(" ", 1)[1])
        environment = {**offline, "PATH": f"{top / 'venv' / 'bin'}{os.pathsep}{os.environ['PATH']}"}
        dry, output = _timed("snakemake --dry-run", words, cwd=top / "work", env=environment)
        nothing = "Nothing to be done" in output and not re.search(r"Job stats:", output)
        print(f"snakemake --dry-run in the restored copy: {dry:.0f} s, {'nothing to be done' if nothing else 'JOBS PLANNED'}")
        return 0 if nothing else 1
    finally:
        if not args.keep and not args.scratch:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
