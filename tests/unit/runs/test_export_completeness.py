"""`nalm export` never drops a run silently: a run that is missing, empty, truncated (also at a
record boundary) or shorter than its run.json says is one error naming it; `--skip-corrupt`
leaves it out only when asked, and says so in the output's companion file."""

import csv
import os
import shutil

import pytest

from nalm import cli
from nalm.runs.events import event_file_name
from nalm.runs.tfrecord import iter_records

EVENTS = event_file_name()


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Two runs of 200 iterations logged every 50 (steps 0..200), as the quick config trains."""
    out = tmp_path_factory.mktemp("trained") / "runs"
    args = ["train", "--preset", "NAU", "--op", "add", "--interpolation-range", "[1,2]", "--extrapolation-range",
            "[2,6]", "--range-id", "r7", "--seeds", "0,1", "--iterations", "200", "--log-interval", "50",
            "--out", str(out)]  # fmt: skip
    assert cli.main(args) == 0
    return out


@pytest.fixture
def runs(trained, tmp_path):
    copy = tmp_path / "runs"
    shutil.copytree(trained, copy)
    return copy


def export(capsys, runs, out, *extra):
    code = cli.main(["export", str(runs / "r7" / "seed0"), str(runs / "r7" / "seed1"), "--out", str(out), *extra])
    return code, capsys.readouterr().err


def record_offsets(path):
    """(offset, step) of every record of an event file."""
    from nalm.runs.events import _decode_event

    data = path.read_bytes()
    return [(offset, _decode_event(payload)[1]) for offset, payload in iter_records(data, path)]


def truncate_at_step(path, step):
    """Cut the file at the first record of `step`: whole records only, every CRC still right."""
    offset = next(offset for offset, s in record_offsets(path) if s == step)
    with open(path, "r+b") as handle:
        handle.truncate(offset)


def damage(run, how):
    events = run / EVENTS
    if how == "moved":
        events.rename(run.parent / "moved-away")
    elif how == "empty":
        events.write_bytes(b"")
    elif how == "hidden temporary only":  # `nalm train` killed while writing
        events.rename(run / f".{EVENTS}.123.abcd.tmp")
    elif how == "cut at a record boundary":
        truncate_at_step(events, 150)
    elif how == "cut inside the last step":
        last = [offset for offset, step in record_offsets(events) if step == 200]
        with open(events, "r+b") as handle:
            handle.truncate(last[2])  # the step's first two values survive, the rest is gone
    elif how == "metrics.csv cut":
        metrics = run / "metrics.csv"
        metrics.write_text("".join(metrics.read_text().splitlines(keepends=True)[:-1]))
    elif how == "run.json promises more":
        config = run / "run.json"
        config.write_text(config.read_text().replace('"iterations": 200', '"iterations": 250'))
    elif how == "directory emptied":
        for child in run.iterdir():
            child.unlink()
    return run


CASES = [
    "moved", "empty", "hidden temporary only", "cut at a record boundary", "cut inside the last step",
    "metrics.csv cut", "run.json promises more", "directory emptied",
]  # fmt: skip


@pytest.mark.parametrize("how", CASES)
def test_a_damaged_run_is_one_error_naming_it(capsys, runs, tmp_path, how):
    bad = damage(runs / "r7" / "seed1", how)
    out = tmp_path / "table.csv"
    out.write_text("previous\n")
    code, err = export(capsys, runs, out)
    assert code == 2, err
    assert err.count("\n") == 1 and str(bad) in err, err
    assert out.read_text() == "previous\n"


@pytest.mark.parametrize("how", CASES)
def test_skip_corrupt_leaves_it_out_and_reports_it_beside_the_table(capsys, runs, tmp_path, how):
    bad = damage(runs / "r7" / "seed1", how)
    out = tmp_path / "table.csv"
    code, err = export(capsys, runs, out, "--skip-corrupt")
    assert code == 0, err
    assert "1 skipped" in err
    rows = list(csv.DictReader(out.open()))
    assert {row["seed"] for row in rows} == {"0"} and len(rows) == 5
    with open(tmp_path / "table.skipped.csv") as handle:
        skipped = list(csv.DictReader(handle))
    assert [row["run"] for row in skipped] == [str(bad)] and skipped[0]["reason"]


def test_a_clean_export_has_no_skipped_companion(capsys, runs, tmp_path):
    out = tmp_path / "table.csv"
    (tmp_path / "table.skipped.csv").write_text("run,reason\nold,stale\n")  # from an earlier --skip-corrupt
    code, err = export(capsys, runs, out)
    assert code == 0, err
    assert len(list(csv.DictReader(out.open()))) == 10
    assert not (tmp_path / "table.skipped.csv").exists()


def test_a_deleted_run_directory_named_on_the_command_line_is_an_error(capsys, runs, tmp_path):
    shutil.rmtree(runs / "r7" / "seed1")
    code, err = export(capsys, runs, tmp_path / "t.csv")
    assert code == 2 and "seed1" in err and err.count("\n") == 1
    assert not (tmp_path / "t.csv").exists()


@pytest.mark.parametrize(
    "target, message",
    [("missing/dir/x.csv", "does not exist"), ("adir", "is a directory"), ("", "expected a file name")],
)
def test_a_bad_out_is_one_line_before_reading_any_run(capsys, runs, tmp_path, target, message):
    (tmp_path / "adir").mkdir()
    out = str(tmp_path / target) if target else ""
    code, err = export(capsys, runs, out)
    assert code == 2 and message in err and err.count("\n") == 1, err
    assert os.listdir(tmp_path / "adir") == []


def test_unmark_damaged_removes_the_mark_of_a_run_it_cannot_use(capsys, runs, tmp_path):
    # the workflow's export: a bit flip keeps every size, so only reading finds it; the run then
    # looks unfinished and its block is trained again (workflow/rules/primer.smk)
    events = runs / "r7" / "seed1" / EVENTS
    data = bytearray(events.read_bytes())
    data[len(data) // 2] ^= 0x10
    events.write_bytes(bytes(data))
    code, err = export(capsys, runs, tmp_path / "t.csv", "--unmark-damaged")
    assert code == 2 and "checksum mismatch" in err and "metrics.csv was removed" in err and err.count("\n") == 1
    assert not (runs / "r7" / "seed1" / "metrics.csv").exists()
    assert (runs / "r7" / "seed0" / "metrics.csv").exists()
