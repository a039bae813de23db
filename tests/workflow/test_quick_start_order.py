"""The README's quick start in its order: `make fig14`, then `make test`, in the same clone.

A user's finished figure 14 lies in the repository root (`results/`); no workflow test may plan
differently because of it. This test builds such a clone in a temporary directory (the
workflow, config and paper data, plus every output of figure 14 at full fidelity, up to date),
checks that a snakemake started in its root indeed has nothing left to do, and then that the
workflow tests' helper, pointed at that clone, still plans all of figure 14's jobs. The
repository's own root is never written (tests/conftest.py fails any test that does).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import _workflow
import pytest
from _workflow import PAPER_CONFIG, expected_jobs, job_counts, load_config

pytestmark = pytest.mark.workflow

FIGURE = "results/figures/fig14_add.pdf"


def _user_clone(root):
    """The files the workflow reads, as in a clone: workflow/, config/, nalm/papers/."""
    for part in ("workflow", "config", "nalm/papers"):
        shutil.copytree(_workflow.REPO / part, root / part, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def _finish_figure(root):
    """Every output of the figure, written with one modification time: what `make fig14` leaves."""
    listing = subprocess.run(
        [_workflow._bin("snakemake"), FIGURE, "--summary", "--cores", "1"],
        cwd=root, capture_output=True, text=True, timeout=600, env=_env(), check=False,
    )  # fmt: skip
    assert listing.returncode == 0, listing.stderr[-3000:]
    outputs = [line.split("\t")[0] for line in listing.stdout.splitlines()[1:] if "\t" in line]
    assert FIGURE in outputs and len(outputs) > 5, listing.stdout
    for output in outputs:
        (root / output).parent.mkdir(parents=True, exist_ok=True)
        (root / output).write_text("made by the user's make fig14\n")
        os.utime(root / output, ns=(1_700_000_000 * 10**9,) * 2)
    return outputs


def _env():
    environment = dict(os.environ)
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment.get('PATH', '')}"
    return environment


def test_a_users_finished_figure_does_not_change_the_tests_plans(tmp_path, workdir, monkeypatch):
    clone = _user_clone(tmp_path / "clone")
    _finish_figure(clone)
    # In the clone's root (where the tests used to dry-run) figure 14 is finished ...
    in_root = subprocess.run(
        [_workflow._bin("snakemake"), FIGURE, "--dry-run", "--cores", "2"],
        cwd=clone, capture_output=True, text=True, timeout=600, env=_env(), check=False,
    )  # fmt: skip
    assert in_root.returncode == 0, in_root.stderr[-3000:]
    assert "Nothing to be done" in in_root.stdout + in_root.stderr
    # ... and the tests' helper, run against that clone, still plans every job of a clean run.
    monkeypatch.setattr(_workflow, "REPO", clone)
    monkeypatch.setattr(_workflow, "SNAKEFILE", clone / "workflow" / "Snakefile")
    result = _workflow.snakemake("--dry-run", "--cores", "2", FIGURE, workdir=workdir)
    assert result.returncode == 0, result.stderr[-3000:]
    assert job_counts(result.stdout + result.stderr) == expected_jobs(load_config(PAPER_CONFIG), ["fig14_add"])


def test_the_helper_refuses_the_repository_root_and_relative_config_files(tmp_path):
    with pytest.raises(ValueError, match="inside the repository"):
        _workflow.snakemake("--dry-run", workdir=_workflow.REPO)
    with pytest.raises(ValueError, match="inside the repository"):
        _workflow.snakemake("--dry-run", workdir=_workflow.REPO / "results")
    with pytest.raises(ValueError, match="is relative"):
        _workflow.snakemake("--dry-run", "--configfile", "config/quick.yaml", workdir=tmp_path)
    with pytest.raises(TypeError):
        _workflow.snakemake("--dry-run")  # no working directory: no default
