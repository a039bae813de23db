"""`nalm archive` refuses, with one line naming the value, what it cannot archive faithfully
(issue 13): a directory that is not a git checkout, uncommitted changes without --allow-dirty,
an existing archive, a workdir without results; the archive writer's own pieces."""

import subprocess

from nalm import archive
from nalm.cli import main


def _checkout(path):
    git = ["git", "-C", str(path), "-c", "user.email=t@example.org", "-c", "user.name=t"]
    path.mkdir()
    subprocess.run([*git, "init", "-q"], check=True)
    (path / "a.txt").write_text("a\n")
    subprocess.run([*git, "add", "a.txt"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "a"], check=True)
    return path


def _work(path):
    (path / "results" / "figures").mkdir(parents=True)
    (path / "results" / "figures" / "f.pdf").write_bytes(b"%PDF-")
    return path


def test_not_a_checkout(tmp_path, capsys):
    assert main(["archive", "--repository", str(tmp_path), "--workdir", str(tmp_path)]) == 2
    assert "not a git checkout" in capsys.readouterr().err


def test_uncommitted_changes_need_allow_dirty(tmp_path, capsys):
    repository = _checkout(tmp_path / "repo")
    (repository / "a.txt").write_text("changed\n")
    assert main(["archive", "--repository", str(repository), "--workdir", str(_work(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert "uncommitted changes" in err and "--allow-dirty" in err
    assert not list(tmp_path.glob("*.tar.gz"))


def test_an_existing_archive_is_never_overwritten(tmp_path, capsys):
    repository = _checkout(tmp_path / "repo")
    out = tmp_path / "a.tar.gz"
    out.write_bytes(b"keep")
    assert main(["archive", "--repository", str(repository), "--workdir", str(_work(tmp_path)), "--out", str(out)]) == 2
    assert "never overwritten" in capsys.readouterr().err
    assert out.read_bytes() == b"keep"


def test_missing_inputs_are_named(tmp_path, capsys):
    assert main(["archive", "--workdir", str(tmp_path / "nope")]) == 2
    assert "--workdir" in capsys.readouterr().err
    assert main(["archive", "--configfile", str(tmp_path / "nope.yaml"), "--workdir", str(tmp_path)]) == 2
    assert "--configfile" in capsys.readouterr().err


def test_results_leave_runs_out_unless_asked(tmp_path):
    work = _work(tmp_path)
    run = work / "results" / "runs" / "e" / "r1" / "seed0"
    run.mkdir(parents=True)
    (run / "run.json").write_text("{}")
    (work / ".snakemake" / "metadata").mkdir(parents=True)
    (work / ".snakemake" / "metadata" / "cmVzdWx0cw==").write_text("{}")
    without = [name for _, name in archive.result_files(work, runs=False)]
    assert without == ["work/results/figures/f.pdf", "work/.snakemake/metadata/cmVzdWx0cw=="]
    assert "work/results/runs/e/r1/seed0/run.json" in [name for _, name in archive.result_files(work, runs=True)]


def test_restore_commands_name_the_overlays_in_order(tmp_path):
    plan = archive.Plan(repository=tmp_path, commit="c" * 40, dirty=False, workdir=tmp_path, out=tmp_path / "a.tar.gz",
                        configfiles=[tmp_path / "quick.yaml", tmp_path / "mine.yaml"], targets=["results/figures/f.pdf"])
    assert archive.snakemake_command(plan, "--dry-run") == (
        "snakemake --snakefile ../repository/workflow/Snakefile --directory . results/figures/f.pdf --dry-run "
        "--configfile ../repository/config/config.yaml ../config-used/01-quick.yaml ../config-used/02-mine.yaml")
