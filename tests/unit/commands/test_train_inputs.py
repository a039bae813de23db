"""`nalm train`: every bad input is one line and a non-zero exit before any training, nothing is
written outside `--out`, and the final step is logged (docs/run-format.md)."""

from pathlib import Path

import pytest

import nalm.core.engine
from nalm.cli import main
from nalm.commands.train import parse_seeds
from nalm.core.errors import UserError

RANGES = ["--interpolation-range", "[1,2]", "--extrapolation-range", "[2,6]"]
SLOW = ["train", "--preset", "NAU", "--op", "add", "--iterations", "1000000", *RANGES]


@pytest.fixture
def no_training(monkeypatch):
    """Any of these inputs must be refused before training starts."""

    def refuse(*args, **kwargs):
        raise AssertionError("training started before the inputs were checked")

    monkeypatch.setattr(nalm.core.engine, "train_block", refuse)


@pytest.fixture
def run_cli(capsys, no_training):
    def run(*args):
        code = main(list(args))
        return code, capsys.readouterr().err

    return run


def one_line_error(result, message):
    code, err = result
    assert code == 2, err[-2000:]
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], err[-2000:]


@pytest.mark.parametrize(
    "value, message",
    [
        ("learning_rate=abc", "bad value 'abc' for learning_rate"),
        ("batch_size=0", "bad value 0 for batch_size"),
        ("batch_size=1.5", "bad value 1.5 for batch_size"),
        ("batch_size=-4", "bad value -4 for batch_size"),
        ("regularizer=[1,2]", "bad value [1, 2] for regularizer"),
        ("clip_grad_norm=abc", "bad value 'abc' for clip_grad_norm"),
        ("module_options=5", "bad value 5 for module_options"),
        ("l1=maybe", "bad value 'maybe' for l1"),
        ("regularizer_ramp=[100,10]", "bad value [100, 10] for regularizer_ramp"),
    ],
)
def test_set_values_are_type_checked_before_training(tmp_path, run_cli, value, message):
    one_line_error(run_cli(*SLOW, "--seeds", "0", "--set", value, "--out", str(tmp_path / "out")), message)
    assert not (tmp_path / "out").exists()


def test_an_out_that_is_a_file_fails_before_training(tmp_path, run_cli):
    (tmp_path / "afile").write_text("keep")
    one_line_error(run_cli(*SLOW, "--seeds", "0", "--out", str(tmp_path / "afile")), "is not a directory")
    one_line_error(run_cli(*SLOW, "--seeds", "0", "--out", str(tmp_path / "afile" / "sub")), "is not a directory")
    assert (tmp_path / "afile").read_text() == "keep"


def test_a_run_path_blocked_by_a_file_fails_before_training(tmp_path, run_cli):
    (tmp_path / "out" / "r7").mkdir(parents=True)
    (tmp_path / "out" / "r7" / "seed0").write_text("keep")
    result = run_cli(*SLOW, "--seeds", "0", "--range-id", "r7", "--out", str(tmp_path / "out"))
    one_line_error(result, "is not a directory")


@pytest.mark.parametrize("range_id", ["..", ".", ".hidden", "a/b", "../x", ""])
def test_range_ids_cannot_leave_out(tmp_path, monkeypatch, run_cli, range_id):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    one_line_error(run_cli(*SLOW, "--seeds", "0", "--range-id", range_id, "--out", "p23"), "bad range id")
    assert list(work.iterdir()) == []


@pytest.mark.parametrize("seeds", ["99999999999", "4294967296", "0-4294967296"])
def test_seeds_beyond_the_generators_range_are_one_line(tmp_path, run_cli, seeds):
    one_line_error(run_cli(*SLOW, "--seeds", seeds, "--out", str(tmp_path / "o")), "malformed seeds")


def test_the_largest_seed_is_accepted():
    assert parse_seeds("4294967295") == [4294967295]
    with pytest.raises(UserError, match="0 .. 4294967295"):
        parse_seeds("4294967296")


def test_a_tuple_range_is_refused(tmp_path, run_cli):
    result = run_cli(*SLOW[:7], "--interpolation-range", "(1,2)", "--extrapolation-range", "[2,6]",
                     "--seeds", "0", "--out", str(tmp_path / "o"))
    one_line_error(result, "malformed range '(1,2)'")


def test_the_final_step_is_logged_when_not_a_multiple_of_the_interval(tmp_path):
    args = ["train", "--preset", "NAU", "--op", "add", *RANGES, "--range-id", "r7", "--seeds", "0",
            "--iterations", "10", "--log-interval", "7", "--out", str(tmp_path)]
    assert main(args) == 0
    rows = (tmp_path / "r7" / "seed0" / "metrics.csv").read_text().splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == ["0", "7", "10"]


def test_the_manifest_lists_every_file_with_its_size(tmp_path):
    manifest = tmp_path / "blocks" / "b.txt"
    manifest.parent.mkdir()
    args = ["train", "--preset", "NAU", "--op", "add", *RANGES, "--range-id", "r7", "--seeds", "0,1",
            "--iterations", "2", "--log-interval", "1", "--out", str(tmp_path / "runs"), "--manifest", str(manifest)]
    assert main(args) == 0
    lines = [line.split("\t") for line in manifest.read_text().splitlines() if not line.startswith("#")]
    assert len(lines) == 6
    for size, path in lines:
        assert Path(path).stat().st_size == int(size)
    assert {path.rsplit("/", 1)[1] for _, path in lines} == {"events.out.tfevents.0.nalm", "run.json", "metrics.csv"}
