"""Write `requirements/lock.txt`: every Python package `nalm[workflow,test]` installs, with its
exact version and the SHA-256 of the one file pip picks for this platform (CPython 3.11, Linux
x86_64), torch as its CPU build.

The versions are those of a tested environment (by default this checkout's `.venv`): pip's
resolver runs with that environment's `pip freeze` as constraints, so the lock holds exactly the
dependency closure of the package, at the versions the tests and the Primer's regression record
(`tests/regression/primer_bytes.json`, whose PDF bytes depend on matplotlib's) were made with.
Nothing is installed: `pip install --dry-run --report` gives the files and their hashes. pip
must find the CPU build of torch (a find-links folder holding its wheel, or
PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu).

    python requirements/make_lock.py                  # from .venv
    python requirements/make_lock.py --python /path/to/venv/bin/python

It also writes `envs/nalm.yaml` (the conda environment of the rules) with the same versions;
tests/unit/test_lock_files.py checks that the two agree with each other and with pyproject.toml.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "lock.txt"
ENV = ROOT / "envs" / "nalm.yaml"
TORCH = "torch==2.13.0+cpu"
# pip builds the closure's two sdists (docopt, connection_pool: no wheels on PyPI) in an isolated
# environment that needs setuptools and wheel; locking them lets `nalm archive` restore offline
BUILD_REQUIREMENTS = ["wheel"]
HEADER = """\
# Exact lock of every Python package `nalm[workflow,test]` installs, and `wheel` (pip builds the
# two sdists below with setuptools and wheel): version and SHA-256.
# Platform: CPython 3.11, Linux x86_64 (manylinux); torch is its CPU build ({torch}).
# Used by `make venv` (and so by CI's .ci/run) and by `nalm archive`; envs/nalm.yaml pins the
# same versions (tests/unit/test_lock_files.py compares them). nalm itself is not listed: it
# is installed from the checkout with --no-deps.
# Regenerate from a tested environment: python requirements/make_lock.py [--python VENV/bin/python]
"""


ENV_TEMPLATE = """\
# The software of every rule (`conda:` in workflow/rules/*.smk), for
#     snakemake ... --software-deployment-method conda
# Written by requirements/make_lock.py with requirements/lock.txt: nalm's dependencies (no
# extras) at the lock's exact versions (tests/unit/test_lock_files.py compares the two). The nalm
# package itself is installed from the checkout by envs/nalm.post-deploy.sh, which Snakemake runs
# in the new environment from the working directory (the repository root).
channels:
  - conda-forge
  - nodefaults
dependencies:
  - python=3.11
  - pip
  - pip:
      # CPU build of torch, never a CUDA one (the runs are CPU runs, as in the original)
      - --extra-index-url https://download.pytorch.org/whl/cpu
{pins}"""


def resolve(python: str) -> list:
    """pip's installation report items of the closure, at the environment's versions."""
    with tempfile.TemporaryDirectory() as scratch:
        freeze = Path(scratch) / "freeze.txt"
        frozen = subprocess.run([python, "-m", "pip", "freeze", "--exclude-editable"], check=True,
                                capture_output=True, text=True).stdout
        freeze.write_text("".join(line + "\n" for line in frozen.splitlines()
                                  if line and not line.lower().startswith("nalm")))
        report = Path(scratch) / "report.json"
        subprocess.run([python, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
                        "--report", str(report), "-c", str(freeze), TORCH, *BUILD_REQUIREMENTS,
                        f"{ROOT}[workflow,test]"], check=True)
        return json.loads(report.read_text())["install"]


def lock_rows(installs) -> list:
    """(name, version, sha256, file name) of every package but nalm, sorted by name."""
    rows = []
    for item in installs:
        name, version = item["metadata"]["name"], item["metadata"]["version"]
        if name.lower() == "nalm":
            continue
        info = item["download_info"]
        digest = info.get("archive_info", {}).get("hashes", {}).get("sha256")
        if digest is None:
            raise SystemExit(f"make_lock: pip gave no sha256 for {name} {version} ({info.get('url')})")
        rows.append((name, version, digest, info["url"].rsplit("/", 1)[-1]))
    return sorted(rows, key=lambda row: row[0].lower())


def runtime_closure(installs) -> list:
    """(name, version) of what `nalm` needs without extras (envs/nalm.yaml: the rules' software)."""
    from packaging.markers import default_environment
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    by_name = {canonicalize_name(item["metadata"]["name"]): item["metadata"] for item in installs}
    environment = default_environment()
    found, todo = set(), ["nalm"]
    while todo:
        for text in by_name[todo.pop()].get("requires_dist", []):
            requirement = Requirement(text)
            if requirement.marker is not None and not requirement.marker.evaluate({**environment, "extra": ""}):
                continue
            name = canonicalize_name(requirement.name)
            if name not in found:
                found.add(name)
                todo.append(name)
    return sorted(((by_name[name]["name"], by_name[name]["version"]) for name in found), key=lambda pin: pin[0].lower())


def lock_text(rows) -> str:
    lines = [HEADER.format(torch=TORCH)]
    for name, version, digest, filename in rows:
        lines.append(f"{name}=={version} \\\n    --hash=sha256:{digest}\n    # {filename}\n")
    return "".join(lines)


def env_text(closure) -> str:
    """envs/nalm.yaml: the same versions as the lock, for snakemake --sdm conda."""
    pins = "".join(f"      - {name}=={version}\n" for name, version in closure)
    return ENV_TEMPLATE.format(pins=pins)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=str(ROOT / ".venv" / "bin" / "python"),
                        help="the tested environment's python (default: .venv/bin/python)")
    parser.add_argument("--out", type=Path, default=LOCK, help=f"the lock to write (default: {LOCK})")
    parser.add_argument("--env", type=Path, default=ENV, help=f"the conda environment to write (default: {ENV})")
    args = parser.parse_args(argv)
    installs = resolve(args.python)
    rows = lock_rows(installs)
    args.out.write_text(lock_text(rows))
    print(f"wrote {args.out}: {len(rows)} packages")
    closure = runtime_closure(installs)
    args.env.write_text(env_text(closure))
    print(f"wrote {args.env}: {len(closure)} packages (nalm's dependencies without extras)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
