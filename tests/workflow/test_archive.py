"""`nalm archive` end to end (issue 13): figure 14 from a tiny overlay in a temporary directory,
archived with its runs; the archive unpacked in a fresh directory and restored by its own
restore.sh with no package index at all (pip --no-index, no pip configuration); then the
documented `snakemake --dry-run` has nothing to do and the documented rebuild of the figure from
the restored tables gives the archived bytes.

To stay fast the archive's lock here is a one-package lock of a small wheel this test builds
(installed hash-checked from the archive's wheels/ like the real lock's files); the heavy
software (torch, snakemake, ...) comes from this test's environment through a .pth file. The
restore of the real lock (104 packages) was measured by hand: README "Archiving a paper".
"""

import base64
import hashlib
import os
import re
import shlex
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest
from _workflow import PAPER_CONFIG, REPO, job_counts, snakemake

pytestmark = [pytest.mark.workflow, pytest.mark.slow]

FIGURE = "results/figures/fig14_add.pdf"
PROBE = "nalm_restore_probe"
# figure 14's five experiments at one range pair, one seed and 40 iterations (config/quick.yaml, smaller)
TINY = """\
primer:
  range_ids: [r2]
  seeds: {first: 0, count: 1}
  iteration_cap: 40
  log_interval: 20
  thresholds: {samples: 2000}
"""


def _probe_wheel(directory: Path) -> Path:
    """A minimal valid wheel (one module), as the archive's whole package set."""
    files = {
        f"{PROBE}.py": b"RESTORED = True\n",
        f"{PROBE}-1.0.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {PROBE}\nVersion: 1.0\n".encode(),
        f"{PROBE}-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = [f"{name},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()},{len(data)}"
              for name, data in files.items()]
    files[f"{PROBE}-1.0.dist-info/RECORD"] = ("\n".join(record + [f"{PROBE}-1.0.dist-info/RECORD,,"]) + "\n").encode()
    wheel = directory / f"{PROBE}-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return wheel


def _nalm(*args, cwd):
    return subprocess.run([sys.executable, "-m", "nalm.cli", *map(str, args)], cwd=cwd, capture_output=True, text=True)


def _offline_environment(venv: Path) -> dict:
    """No pip configuration and no PIP_* variables: no index, no find-links but the archive's."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    environment.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1",
                       PATH=f"{venv / 'bin'}{os.pathsep}{environment.get('PATH', '')}")
    return environment


def _documented(restore_md: str, marker: str, venv: Path) -> list:
    """The RESTORE.md command line holding `marker`, with `snakemake` run by the restored venv."""
    line = next(line for line in restore_md.splitlines() if marker in line and "snakemake" in line)
    words = shlex.split(line.split("PATH=", 1)[1].split(" ", 1)[1])
    assert words[0] == "snakemake"
    return [str(venv / "bin" / "python"), "-m", "snakemake", *words[1:]]


def _documented_shell(restore_md: str, marker: str) -> str:
    """The RESTORE.md command line holding `marker`, as written."""
    return next(line.strip() for line in restore_md.splitlines() if marker in line and "|" in line)


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    root = tmp_path_factory.mktemp("archive")
    work = root / "work"
    work.mkdir()
    overlay = root / "tiny.yaml"
    overlay.write_text(TINY)
    built = snakemake(FIGURE, "--cores", "2", "--configfile", str(PAPER_CONFIG), str(overlay), workdir=work)
    assert built.returncode == 0, (built.stdout + built.stderr)[-4000:]
    wheelhouse = root / "wheelhouse"
    wheelhouse.mkdir()
    wheel = _probe_wheel(wheelhouse)
    lock = root / "lock.txt"
    lock.write_text(f"{PROBE}==1.0 \\\n    --hash=sha256:{hashlib.sha256(wheel.read_bytes()).hexdigest()}\n")
    out = root / "fig14.tar.gz"
    made = _nalm("archive", "--workdir", work, "--configfile", overlay, "--target", FIGURE, "--runs",
                 "--lock", lock, "--wheels-from", wheelhouse, "--allow-dirty", "--out", out, cwd=root)
    assert made.returncode == 0, made.stderr[-4000:]
    return root, work, out


def test_archive_holds_code_config_lock_wheels_results_metadata_and_a_manifest(archived):
    _, _, out = archived
    with tarfile.open(out) as archive:
        names = archive.getnames()
        (top,) = {name.split("/", 1)[0] for name in names}
        sums = archive.extractfile(f"{top}/SHA256SUMS").read().decode()
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    assert top == f"nalm-archive-{commit.strip()[:12]}"
    inside = {name.split("/", 1)[1] for name in names if "/" in name}
    for expected in ("RESTORE.md", "restore.sh", "lock.txt", f"wheels/{PROBE}-1.0-py3-none-any.whl",
                     "repository/workflow/Snakefile", "repository/requirements/lock.txt", "repository/.nalm-source.json",
                     "config-used/01-tiny.yaml", "work/results/figures/fig14_add.pdf", "work/results/tables/in2_add_NAU.csv",
                     "work/results/summaries/fig14_add.csv", "work/results/runs/in2_add_NAU/r2/seed0/run.json"):
        assert expected in inside, expected
    assert any(name.startswith("work/.snakemake/metadata/") for name in inside)
    listed = {line.split("  ", 1)[1] for line in sums.splitlines()}
    with tarfile.open(out) as archive:
        regular = {m.name.split("/", 1)[1] for m in archive.getmembers() if m.isreg()} - {"SHA256SUMS"}
    assert listed == regular


def test_restored_offline_nothing_to_do_and_a_rebuilt_figure_is_byte_identical(archived):
    root, work, out = archived
    fresh = root / "fresh"
    fresh.mkdir()
    with tarfile.open(out) as archive:
        archive.extractall(fresh, filter="tar")
    (unpacked,) = fresh.iterdir()
    venv = unpacked / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    # pip, setuptools and the heavy packages from this environment (the test's stand-in for the
    # real lock's wheels, which hold setuptools; a venv's own old setuptools cannot build nalm)
    site = Path(subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "zz_test_environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    environment = _offline_environment(venv)
    restored = subprocess.run(["bash", "restore.sh"], cwd=unpacked, env={**environment, "VENV": str(venv)},
                              capture_output=True, text=True)
    assert restored.returncode == 0, (restored.stdout + restored.stderr)[-4000:]
    probe = subprocess.run([str(venv / "bin" / "python"), "-c",
                            f"import {PROBE}, nalm; print({PROBE}.RESTORED, nalm.__file__)"],
                           capture_output=True, text=True, env=environment, cwd=unpacked)
    assert probe.stdout.split() == ["True", str(unpacked / "repository" / "nalm" / "__init__.py")], probe.stderr

    restore_md = (unpacked / "RESTORE.md").read_text()
    restored_work = unpacked / "work"
    dry = subprocess.run(_documented(restore_md, "--dry-run", venv), cwd=restored_work, env=environment,
                         capture_output=True, text=True)
    output = dry.stdout + dry.stderr
    assert dry.returncode == 0, output[-4000:]
    assert job_counts(output) == {} and "Nothing to be done" in output, output[-4000:]

    figure, summary = restored_work / FIGURE, restored_work / "results" / "summaries" / "fig14_add.csv"
    figure.unlink()
    summary.unlink()
    rebuilt = subprocess.run(_documented(restore_md, "--forcerun", venv), cwd=restored_work, env=environment,
                             capture_output=True, text=True)
    output = rebuilt.stdout + rebuilt.stderr
    assert rebuilt.returncode == 0, output[-4000:]
    assert set(re.findall(r"rule (\w+):", output)) == {"primer_summarize", "primer_plot"}, output[-4000:]
    assert figure.read_bytes() == (work / FIGURE).read_bytes()
    assert summary.read_bytes() == (work / "results" / "summaries" / "fig14_add.csv").read_bytes()
    # every result, the two rebuilt files among them, still has its archived checksum (as RESTORE.md
    # says to check; Snakemake's metadata of the rebuilt files is new, as it should be)
    checked = subprocess.run(["bash", "-c", _documented_shell(restore_md, "sha256sum --check")], cwd=unpacked,
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout[-2000:] + checked.stderr[-2000:]
    assert f"{FIGURE}: OK" in checked.stdout
