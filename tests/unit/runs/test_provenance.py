"""Every run's run.json names the code and software that trained it (issue 13): package version
from the distribution's metadata, git commit and dirty flag of the checkout (null outside one,
never an error), python/torch/numpy versions, device and thread count."""

import json
import subprocess
from importlib import metadata
from pathlib import Path

import numpy
import torch

from nalm.cli import main
from nalm.runs import provenance as prov

ROOT = Path(__file__).resolve().parents[3]


def _train(out: Path, threads: int = 1) -> dict:
    argv = ["train", "--preset", "NAU", "--op", "add", "--input-size", "2", "--seeds", "0",
            "--iterations", "20", "--log-interval", "10", "--threads", str(threads), "--out", str(out),
            "--range-id", "r2", "--interpolation-range", "[-2,-1]", "--extrapolation-range", "[-6,-2]"]
    assert main(argv) == 0
    return json.loads((out / "r2" / "seed0" / "run.json").read_text())


def test_run_json_records_version_commit_software_device_and_threads(tmp_path):
    run = _train(tmp_path / "runs")
    recorded = run["provenance"]
    assert recorded["nalm"] == metadata.version("nalm") == run["nalm_version"]
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    assert recorded["git_commit"] == head.stdout.strip()
    assert isinstance(recorded["git_dirty"], bool)
    assert (recorded["torch"], recorded["numpy"]) == (torch.__version__, numpy.__version__)
    assert recorded["device"] == "cpu"
    assert recorded["threads"] == 1


def test_dirty_flag_follows_the_tree(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-C", str(repo), "-c", "user.email=t@example.org", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    (repo / "a.py").write_text("x = 1\n")
    subprocess.run([*git, "add", "a.py"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "a"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    assert prov.source_state.__wrapped__(repo) == (commit, False)
    (repo / "a.py").write_text("x = 2\n")
    assert prov.source_state.__wrapped__(repo) == (commit, True)


def test_outside_a_checkout_the_archive_record_or_null(tmp_path):
    plain = tmp_path / "plain"  # tmp_path lies in no git checkout
    plain.mkdir()
    assert prov.source_state.__wrapped__(plain) == (None, None)
    (plain / prov.SOURCE_FILE).write_text(json.dumps({"commit": "ab" * 20, "dirty": False}))
    assert prov.source_state.__wrapped__(plain) == ("ab" * 20, False)


def test_a_repository_around_an_installed_copy_is_not_its_source(tmp_path):
    outer = tmp_path / "outer"
    (outer / "site-packages").mkdir(parents=True)
    subprocess.run(["git", "-C", str(outer), "init", "-q"], check=True)
    assert prov.source_state.__wrapped__(outer / "site-packages") == (None, None)


def test_git_missing_is_not_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no git on PATH
    assert prov.source_state.__wrapped__(tmp_path) == (None, None)


def test_provenance_is_what_byte_comparisons_leave_out(tmp_path, monkeypatch):
    # (--threads no longer changes provenance: each of its worker processes trains with one torch
    # thread, tests/unit/commands/test_train_workers.py; another checkout stands in for a machine)
    first = _train(tmp_path / "one")
    monkeypatch.setattr(prov, "source_state", lambda: ("0" * 40, True))
    second = _train(tmp_path / "two")
    assert first["provenance"]["git_commit"] != second["provenance"]["git_commit"]
    assert prov.without_provenance(first) == prov.without_provenance(second)


def test_every_command_takes_the_checkout_state_when_it_starts(monkeypatch, capsys):
    # a run written at the end of an hour-long job records the code the job loaded, not the
    # commit the tree moved to meanwhile: the CLI reads (and caches) the state before the command
    from nalm.cli import main

    calls = []
    monkeypatch.setattr(prov, "source_state", lambda: calls.append("read") or ("0" * 40, False))
    assert main(["modules"]) == 0
    assert calls == ["read"]
