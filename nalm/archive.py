"""One archive of a paper's pipeline that restores without a network (`nalm archive`).

    nalm-archive-<commit>/
        RESTORE.md          how to check, restore and rebuild (written for this archive)
        restore.sh          the restore steps of RESTORE.md as a script
        SHA256SUMS          sha256 of every other file (sha256sum --check SHA256SUMS)
        lock.txt            the exact lock (requirements/lock.txt at the commit, or --lock)
        wheels/             every file of the lock (pip download --require-hashes): pip installs
                            from it with --no-index
        repository/         the repository at its commit (git archive), plus .nalm-source.json
                            (commit, dirty) so that runs trained from it record the commit
        config-used/        the overlays given with --configfile, in order
        work/results/       the chosen results: figures, tables, summaries, thresholds, logs,
                            benchmarks, the report (training runs only with --runs)
        work/.snakemake/metadata/   Snakemake's record of every output (so -n finds nothing to do)

Snakemake's own `--archive` holds code and conda packages only (and needs conda); results and the
report go in a separate tarball (snakemake docs, "Sustainable and reproducible archiving"). Here
one file holds all of it, and pip, not conda, restores the software.
"""

import hashlib
import io
import json
import os
import shlex
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from nalm.core.errors import UserError

RUN_DIRECTORY_NAME = "runs"  # results/<...>/runs/: training runs (and their block manifests)
SOURCE_FILE = ".nalm-source.json"  # nalm/runs/provenance.py reads it where there is no .git
LOCK_IN_REPOSITORY = "requirements/lock.txt"
SNAKEFILE = "repository/workflow/Snakefile"
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"  # as the Makefile's venv target


@dataclass
class Plan:
    """What goes into one archive."""

    repository: Path
    commit: str
    dirty: bool
    workdir: Path
    out: Path
    runs: bool = False
    configfiles: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    report: Path | None = None
    lock: Path | None = None  # None: the repository's, at the commit
    wheels_from: Path | None = None

    @property
    def top(self) -> str:
        return f"nalm-archive-{self.commit[:12]}"


def _git(repository: Path, *args, binary=False):
    try:
        done = subprocess.run(["git", "-C", str(repository), *args], capture_output=True, text=not binary, check=False)
    except OSError as error:
        raise UserError(f"cannot run git ({error.strerror}): nalm archive needs git") from None
    if done.returncode != 0:
        message = done.stderr if not binary else done.stderr.decode(errors="replace")
        raise UserError(f"git {' '.join(args)} in {repository} failed: {message.strip().splitlines()[-1:] or ['?']}")
    return done.stdout


def source_of(repository: Path) -> tuple:
    """(commit, dirty) of a git checkout; a UserError naming it if it is not one."""
    if not (repository / ".git").exists():
        raise UserError(f"--repository {repository}: not a git checkout (no .git): nalm archive stores a commit")
    commit = _git(repository, "rev-parse", "HEAD").strip()
    dirty = bool(_git(repository, "status", "--porcelain").strip())
    return commit, dirty


def result_files(workdir: Path, runs: bool, skip=()) -> list:
    """(path, name in the archive) of every result file under workdir/results (training runs only
    with `runs`) and of Snakemake's metadata, sorted."""
    found = []
    skip = {Path(p).resolve() for p in skip}
    results = workdir / "results"
    for root, directories, files in os.walk(results):
        directories.sort()
        if not runs:
            directories[:] = [d for d in directories if d != RUN_DIRECTORY_NAME]
        for name in sorted(files):
            path = Path(root) / name
            if path.resolve() not in skip and not name.startswith(".") and path.is_file():
                found.append((path, f"work/{path.relative_to(workdir).as_posix()}"))
    metadata = workdir / ".snakemake" / "metadata"
    for path in sorted(metadata.glob("*")) if metadata.is_dir() else ():
        if path.is_file():
            found.append((path, f"work/.snakemake/metadata/{path.name}"))
    return found


def download_wheels(lock: Path, destination: Path, wheels_from: Path | None = None) -> None:
    """Every file the lock names, hash-checked, into `destination` (pip download). As `make venv`
    does, a lock whose torch is a local CPU build (`+cpu`) that pip's own sources lack is tried
    again with the PyTorch CPU index added."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--require-hashes",
               "--requirement", str(lock), "--dest", str(destination), "--disable-pip-version-check"]
    if wheels_from is not None:
        command += ["--no-index", "--find-links", str(wheels_from)]
    if not sys.stderr.isatty():
        command += ["--quiet", "--progress-bar", "off"]
    attempts = [command]
    if wheels_from is None and "+cpu" in lock.read_text(encoding="utf-8"):
        attempts.append(command + ["--extra-index-url", TORCH_CPU_INDEX])
    for attempt in attempts:
        done = subprocess.run(attempt, stdout=sys.stderr, check=False)
        if done.returncode == 0:
            return
    raise UserError(f"pip download of the lock {lock} failed (exit {done.returncode}); see pip's message above")


def snakemake_command(plan: Plan, *extra) -> str:
    words = ["snakemake", "--snakefile", f"../{SNAKEFILE}", "--directory", ".", *plan.targets, *extra]
    if plan.configfiles:
        words += ["--configfile", "../repository/config/config.yaml",
                  *(f"../config-used/{name}" for name in config_names(plan))]
    return shlex.join(words)


def config_names(plan: Plan) -> list:
    return [f"{k + 1:02d}-{Path(path).name}" for k, path in enumerate(plan.configfiles)]


RESTORE_SCRIPT = """\
#!/usr/bin/env bash
# Restore this archive without a network (RESTORE.md): check every file against SHA256SUMS,
# make a virtual environment (VENV, default ./venv, from PYTHON, default python3: CPython 3.11
# on Linux x86_64, the platform of the lock's wheels), install the lock's packages from wheels/
# only, then the archived repository's nalm.
set -euo pipefail
cd "$(dirname "$0")"
venv="${VENV:-venv}"
sha256sum --check --quiet SHA256SUMS
[ -x "$venv/bin/python" ] || "${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --no-index --find-links wheels --require-hashes --requirement lock.txt
"$venv/bin/python" -m pip install --quiet --no-index --no-deps --no-build-isolation --editable repository
echo "restored: $venv/bin/nalm and $venv/bin/snakemake; next: RESTORE.md, 'Check'"
"""


def restore_text(plan: Plan, wheel_count: int, result_count: int) -> str:
    targets = " ".join(plan.targets) or "the workflow's default target (every figure of `papers:`)"
    dirty = (" The checkout had uncommitted changes when the archive was made (`--allow-dirty`): "
             "the results may come from code that differs from this commit.") if plan.dirty else ""
    runs = ("The training runs are included (`work/results/**/runs/`)." if plan.runs else
            "The training runs are **not** included (made without `--runs`): their block manifests are "
            "missing, so a plain `snakemake` would train them again. Rebuild from the tables with "
            "`--allowed-rules` naming only the rules after the export, e.g. for the Primer "
            "`--allowed-rules primer_thresholds primer_summarize primer_plot`.")
    check = snakemake_command(plan, "--dry-run")
    rebuild = snakemake_command(plan, "--cores", "1", "--forcerun", "primer_summarize", "primer_plot")
    return f"""# Restoring this archive

This archive holds the nalm pipeline at commit `{plan.commit}`, the configuration it ran with,
its software (an exact lock and {wheel_count} package files), its results ({result_count} files)
with Snakemake's metadata, and a checksum of every file.{dirty}

Targets built: {targets}.
{runs}

## Restore (no network needed)

Needs CPython 3.11 on Linux x86_64 (the platform of the lock's wheels), git not required.

    tar -xzf {plan.top}.tar.gz && cd {plan.top}
    bash restore.sh          # sha256sum --check SHA256SUMS; venv/; pip install --no-index from wheels/

`restore.sh` runs, in this directory:

    sha256sum --check --quiet SHA256SUMS
    python3 -m venv venv
    venv/bin/python -m pip install --no-index --find-links wheels --require-hashes --requirement lock.txt
    venv/bin/python -m pip install --no-index --no-deps --no-build-isolation --editable repository

## Check: nothing to do

    cd work
    PATH="$PWD/../venv/bin:$PATH" {check}

Snakemake compares the restored results with its restored metadata (`work/.snakemake/metadata`)
and the archived code: it reports nothing to be done.

## Rebuild a figure from the tables

    PATH="$PWD/../venv/bin:$PATH" {rebuild}

recomputes the summaries from the tables and draws the figures again; with the locked software
the PDFs are byte for byte the archived ones. Check every result against its archived checksum,
from the archive's top directory:

    grep '  work/results/' SHA256SUMS | sha256sum --check

Runs trained from `repository/` record commit `{plan.commit[:12]}` in their run.json (from
`repository/{SOURCE_FILE}`).

## Contents

| path | what |
|---|---|
| `repository/` | the repository at commit `{plan.commit}` (git archive) |
| `config-used/` | the configuration overlays given after `config/config.yaml`, in order ({len(plan.configfiles)}) |
| `lock.txt` | every Python package: exact version and SHA-256 |
| `wheels/` | the files of the lock |
| `work/results/` | the results; `work/.snakemake/metadata/` Snakemake's record of them |
| `SHA256SUMS` | the SHA-256 of every other file |
"""


class _Writer:
    """A tar.gz being written, with the sha256 of every regular file added."""

    def __init__(self, handle, top: str):
        self.tar = tarfile.open(fileobj=handle, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT)
        self.top = top
        self.sums = {}

    def add_bytes(self, name: str, data: bytes, mode: int = 0o644, mtime: float | None = None, hashed=True):
        info = tarfile.TarInfo(f"{self.top}/{name}")
        info.size, info.mode = len(data), mode
        info.mtime = int(mtime if mtime is not None else time.time())
        self.tar.addfile(info, io.BytesIO(data))
        if hashed:
            self.sums[name] = hashlib.sha256(data).hexdigest()

    def add_file(self, path: Path, name: str):
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        self.tar.add(path, arcname=f"{self.top}/{name}", recursive=False)
        self.sums[name] = digest.hexdigest()

    def add_member(self, member: tarfile.TarInfo, data: bytes | None):
        member.name = f"{self.top}/{member.name}"
        # a long name came as a pax 'path' header, which would override the new name
        member.pax_headers = {k: v for k, v in member.pax_headers.items() if k not in ("path", "linkpath")}
        if member.islnk():  # hard links point inside the prefixed tree too
            member.linkname = f"{self.top}/{member.linkname}"
        self.tar.addfile(member, io.BytesIO(data) if data is not None else None)
        if member.isreg():
            self.sums[member.name[len(self.top) + 1:]] = hashlib.sha256(data).hexdigest()

    def close(self):
        manifest = "".join(f"{digest}  {name}\n" for name, digest in sorted(self.sums.items()))
        self.add_bytes("SHA256SUMS", manifest.encode(), hashed=False)
        self.tar.close()


def _repository_members(plan: Plan):
    """(member, data) of `git archive` of the commit, under repository/."""
    data = _git(plan.repository, "archive", "--format=tar", "--prefix=repository/", plan.commit, binary=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as source:
        for member in source:
            if member.type == tarfile.XGLTYPE:
                continue
            yield member, (source.extractfile(member).read() if member.isreg() else None)


def build(plan: Plan, progress=None) -> dict:
    """Write the archive (atomically: a failure leaves no partial file); returns counts and sizes."""
    from nalm.core.atomic import atomic_output

    results = result_files(plan.workdir, plan.runs, skip=[plan.out])
    if not results:
        raise UserError(f"--workdir {plan.workdir}: no results/ or .snakemake/metadata to archive")
    with tempfile.TemporaryDirectory(prefix=".nalm-archive-", dir=plan.out.parent) as scratch:
        scratch = Path(scratch)
        with atomic_output(plan.out, "wb") as handle:
            writer = _Writer(handle, plan.top)
            commit_time = None
            for member, data in _repository_members(plan):
                commit_time = member.mtime
                writer.add_member(member, data)
            source = {"commit": plan.commit, "dirty": plan.dirty}
            writer.add_bytes(f"repository/{SOURCE_FILE}", (json.dumps(source, indent=2) + "\n").encode(),
                             mtime=commit_time)
            lock = plan.lock
            if lock is None:
                lock = scratch / "lock.txt"
                lock.write_bytes(_git(plan.repository, "show", f"{plan.commit}:{LOCK_IN_REPOSITORY}", binary=True))
            writer.add_file(lock, "lock.txt")
            wheels = scratch / "wheels"
            wheels.mkdir()
            download_wheels(lock, wheels, plan.wheels_from)
            wheel_files = sorted(wheels.iterdir())
            for path in wheel_files:
                writer.add_file(path, f"wheels/{path.name}")
            for path, name in zip(plan.configfiles, config_names(plan)):
                writer.add_file(Path(path), f"config-used/{name}")
            extra = []
            if plan.report is not None and not any(Path(p).resolve() == plan.report.resolve() for p, _ in results):
                extra.append((plan.report, f"work/{plan.report.name}"))
            for path, name in progress(results + extra) if progress else results + extra:
                writer.add_file(path, name)
            writer.add_bytes("restore.sh", RESTORE_SCRIPT.encode(), mode=0o755)
            writer.add_bytes("RESTORE.md", restore_text(plan, len(wheel_files), len(results) + len(extra)).encode())
            writer.close()
    return {"files": len(writer.sums) + 1, "wheels": len(wheel_files), "results": len(results) + len(extra),
            "bytes": plan.out.stat().st_size}
