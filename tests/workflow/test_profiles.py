"""Profiles: dry-runs with the cluster profiles, and `nalm profiles` making --profile NAME work."""

import os
import re

import pytest
from _workflow import REPO, job_counts, snakemake

from nalm.commands import profiles

pytestmark = pytest.mark.workflow

PROFILES = REPO / "workflow" / "profiles"


@pytest.mark.parametrize("name", ["lsf", "slurm"])
def test_cluster_profile_dry_run(name, workdir):
    result = snakemake("--dry-run", "results/figures/fig14_add.pdf", "--profile", str(PROFILES / name), workdir=workdir)
    assert result.returncode == 0, result.stderr[-3000:]
    assert job_counts(result.stdout + result.stderr)["primer_train"] >= 5


@pytest.mark.parametrize("name", ["lsf", "slurm"])
def test_literal_profile_name_after_install(tmp_path, workdir, name):
    config_home = tmp_path / "xdg"
    rows = profiles.install(PROFILES, config_home / "snakemake", [name])
    assert rows[0][2] == "linked"
    result = snakemake(
        "--dry-run", "results/figures/fig14_add.pdf", "--profile", name,
        env={"XDG_CONFIG_HOME": str(config_home)}, workdir=workdir,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert re.search(rf"Using profiles? {name} ", result.stderr), result.stderr[-2000:]


def test_install_links_every_profile_but_default(tmp_path):
    source = tmp_path / "profiles"
    for name in ("default", "lsf", "slurm"):
        (source / name).mkdir(parents=True)
        (source / name / "config.yaml").write_text("keep-going: true\n")
    (source / "notes").mkdir()  # no profile file: not a profile
    destination = tmp_path / "dest"
    rows = profiles.install(source, destination)
    assert [(name, state) for name, _, state in rows] == [("lsf", "linked"), ("slurm", "linked")]
    assert os.readlink(destination / "lsf") == str(source / "lsf")
    assert not (destination / "default").exists()
    again = profiles.install(source, destination)
    assert {state for _, _, state in again} == {"already linked"}


def test_install_never_replaces_a_real_directory(tmp_path):
    source = tmp_path / "profiles"
    (source / "lsf").mkdir(parents=True)
    (source / "lsf" / "profile.yaml").write_text("jobs: 1\n")
    destination = tmp_path / "dest"
    (destination / "lsf").mkdir(parents=True)
    with pytest.raises(profiles.UserError, match="is not a link"):
        profiles.install(source, destination)
    assert (destination / "lsf").is_dir() and not (destination / "lsf").is_symlink()


def test_cli_list_and_unknown_name(tmp_path, capsys):
    from nalm.cli import main

    source = tmp_path / "profiles"
    (source / "lsf").mkdir(parents=True)
    (source / "lsf" / "profile.yaml").write_text("jobs: 1\n")
    assert main(["profiles", "list", "--source", str(source), "--dest", str(tmp_path / "d")]) == 0
    assert "lsf\tnot installed" in capsys.readouterr().out
    assert main(["profiles", "install", "nope", "--source", str(source), "--dest", str(tmp_path / "d")]) == 2
    assert "unknown profile 'nope'" in capsys.readouterr().err
