"""What code and software trained a run: the `provenance` object of every `run.json`.

    {"nalm": "0.1.0", "git_commit": "<40 hex>" | null, "git_dirty": false | true | null,
     "python": "3.11.7", "torch": "2.13.0+cpu", "numpy": "2.4.6",
     "platform": "Linux-x86_64", "device": "cpu", "threads": 1}

`nalm` is the installed distribution's version (package metadata, not a constant in the
source). `git_commit`/`git_dirty` describe the git checkout the imported `nalm` package lives
in: the commit of HEAD and whether any tracked or untracked, not ignored, file differs from it,
read once per process when the `nalm` command starts (`nalm.cli.main`), so that a run written at
the end of a long job records the code the job loaded.
Outside a checkout (an installed wheel) they come from the `SOURCE_FILE` an archive's
repository carries (`nalm archive`), else they are null; git missing or failing is never an
error. `device` and `threads` are the run's own (the engine's device, torch's thread count
when the run is written).

These fields differ between machines and commits for the same numbers, so they are kept in one
object that byte comparisons of runs leave out (tests/regression/primer_bytes.py); the event
file and `metrics.csv` carry no provenance.

Jobs that write one table of many runs instead of run directories (the NALU paper's `nalm nalu-*`)
record the same object once per job, in a sidecar beside their table, `sidecar_path(out)`:

    {"job": {"command": "nalu-static", "experiment": "nalu-static:reproduction:nalu:add+sub", ...},
     "outputs": ["<out>", ...], "provenance": {...}, "runs": 50}

`job` is what identifies the job (its command and the arguments that decide its numbers, seeds
included), `runs` the number of runs its table holds; `nalm provenance --sidecars` reads them.
"""

import functools
import json
import os
import platform
import subprocess
from pathlib import Path

#: written by `nalm archive` at the root of the archived repository (no .git there)
SOURCE_FILE = ".nalm-source.json"
PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent


def _git(root: Path, *args) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


@functools.cache
def source_state(root: Path = PACKAGE_ROOT) -> tuple:
    """(commit, dirty) of the checkout at `root`, or of its archive's SOURCE_FILE; (None, None)."""
    top = _git(root, "rev-parse", "--show-toplevel")
    # only the checkout that holds this package: not a repository an installed copy happens to sit in
    if top is not None and Path(top.strip()).resolve() == root.resolve():
        commit, status = _git(root, "rev-parse", "HEAD"), _git(root, "status", "--porcelain")
        if commit is not None and status is not None:
            return commit.strip(), bool(status.strip())
    try:
        recorded = json.loads((root / SOURCE_FILE).read_text(encoding="utf-8"))
        return str(recorded["commit"]), bool(recorded["dirty"])
    except (OSError, ValueError, KeyError, TypeError):
        return None, None


@functools.cache
def package_version() -> str:
    """The installed nalm distribution's version; the source's own when it is not installed."""
    from importlib import metadata

    try:
        return metadata.version("nalm")
    except metadata.PackageNotFoundError:
        from nalm import __version__

        return __version__


def provenance(device: str = "cpu") -> dict:
    """The provenance object of a run trained on `device`, written now."""
    import numpy
    import torch

    commit, dirty = source_state()
    return {
        "nalm": package_version(),
        "git_commit": commit,
        "git_dirty": dirty,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": numpy.__version__,
        "platform": f"{platform.system()}-{platform.machine()}",
        "device": str(device),
        "threads": torch.get_num_threads(),
    }


#: the name of a job's provenance sidecar is its table's name with this appended
SIDECAR_SUFFIX = ".provenance.json"


def sidecar_path(out) -> str:
    """The provenance sidecar of the table `out`: `<out>.provenance.json`."""
    return os.fspath(out) + SIDECAR_SUFFIX


def sidecar_text(job: dict, runs: int, outputs, device: str = "cpu") -> str:
    """The sidecar of a job (`job`: its identity, with `experiment`) that trained `runs` runs on
    `device` into the tables `outputs`, as JSON text (sorted keys, one trailing newline)."""
    record = {"job": job, "outputs": [os.fspath(path) for path in outputs], "provenance": provenance(device), "runs": runs}
    return json.dumps(record, indent=1, sort_keys=True) + "\n"


def without_provenance(run_json: dict) -> dict:
    """`run.json`'s fields that the same config and seed reproduce byte for byte."""
    return {key: value for key, value in run_json.items() if key != "provenance"}
