"""`nalm train` from the command line: files, determinism, atomicity and one-line errors."""

import json
import subprocess
import sys

import pytest

from nalm.cli import main
from nalm.commands.train import parse_seeds
from nalm.core.errors import UserError

BASE = ["train", "--preset", "NAU", "--op", "add", "--iterations", "200", "--log-interval", "100"]


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "nalm.cli", *args], capture_output=True, text=True)


def test_writes_one_directory_per_run_and_is_deterministic(tmp_path):
    args = BASE + ["--interpolation-range", "[1,2]", "--extrapolation-range", "[2,6]", "--range-id", "r7",
                   "--interpolation-range", "[-2,2]", "--extrapolation-range", "[[-6,-2],[2,6]]", "--range-id", "r5",
                   "--seeds", "0,3"]
    assert main(args + ["--out", str(tmp_path / "a")]) == 0
    assert main(args + ["--out", str(tmp_path / "b")]) == 0
    for range_id in ("r7", "r5"):
        for seed in (0, 3):
            for name in ("metrics.csv", "run.json", "events.out.tfevents.0.nalm"):
                a = (tmp_path / "a" / range_id / f"seed{seed}" / name).read_bytes()
                assert a == (tmp_path / "b" / range_id / f"seed{seed}" / name).read_bytes()
    config = json.loads((tmp_path / "a" / "r5" / "seed3" / "run.json").read_text())
    assert config["extrapolation_range"] == "[[-6,-2],[2,6]]" and config["seed"] == 3
    assert config["original_run_name"].startswith("reregualizedlinearnac_op-add_oob-c_rs-linear-linear_eps-0_rl-20000-35000_r-0.01-0-1_i--2-2_e-[-6, -2]-[2, 6]_z-2-0.5-0.0_b128_s3_")
    rows = (tmp_path / "a" / "r7" / "seed0" / "metrics.csv").read_text().splitlines()
    assert rows[0] == "step,interpolation_mse,extrapolation_mse,sparsity_error,diverged"
    assert [row.split(",")[0] for row in rows[1:]] == ["0", "100", "200"]


def test_an_interrupted_write_leaves_no_complete_looking_run(tmp_path, monkeypatch):
    import nalm.runs.directory

    def fail(*args, **kwargs):
        raise OSError("disk full")

    args = BASE + ["--interpolation-range", "[1,2]", "--extrapolation-range", "[2,6]", "--range-id", "r7",
                   "--seeds", "0", "--out", str(tmp_path)]
    assert main(args) == 0
    monkeypatch.setattr(nalm.runs.directory, "write_event_file", fail)
    with pytest.raises(OSError):
        main(args)
    run = tmp_path / "r7" / "seed0"
    assert not (run / "metrics.csv").exists()  # the old marker is gone, no new one written
    assert not [p for p in run.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--interpolation-range", "[2,1]", "--extrapolation-range", "[2,6]", "--seeds", "0"], "malformed range '[2,1]'"),
        (["--interpolation-range", "[1,2]", "--extrapolation-range", "[[1,2],[3,5]]", "--seeds", "0"], "equal widths"),
        (["--interpolation-range", "[1,2]", "--extrapolation-range", "[2,6]", "--seeds", "0-x"], "malformed seeds '0-x'"),
        (["--interpolation-range", "[1,2]", "--extrapolation-range", "[2,6]", "--seeds", "0", "--range-id", "r[1]"],
         "bad range id 'r[1]'"),
        (["--interpolation-range", "[1,2]", "--seeds", "0", "--extrapolation-range", "[2,6]",
          "--interpolation-range", "[1,3]"], "paired in order"),
        (["--interpolation-range", "[1,2]", "--extrapolation-range", "[2,6]", "--seeds", "0", "--set", "bogus=1"],
         "unknown hyper-parameter 'bogus'"),
    ],
)
def test_bad_values_give_one_line_errors(tmp_path, extra, message):
    result = run_cli(*BASE, *extra, "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_unknown_preset_is_one_line(tmp_path):
    result = run_cli("train", "--preset", "NAX", "--op", "add", "--interpolation-range", "[1,2]",
                     "--extrapolation-range", "[2,6]", "--seeds", "0", "--out", str(tmp_path))
    assert result.returncode == 2 and "unknown preset 'NAX'" in result.stderr


def test_parse_seeds():
    assert parse_seeds("0-4") == [0, 1, 2, 3, 4]
    assert parse_seeds("0,3,7") == [0, 3, 7]
    assert parse_seeds("0-2,9") == [0, 1, 2, 9]
    for bad in ("", "3-1", "1,1", "a"):
        with pytest.raises(UserError):
            parse_seeds(bad)


def test_modules_lists_every_benchmark_module(capsys):
    assert main(["modules"]) == 0
    out = capsys.readouterr().out
    for name in ("NAC+", "NAC*", "NALU", "G-NALU", "iNALU", "NAU", "NMU", "NPU", "RealNPU", "NRU", "NMRU", "MCFC"):
        assert f"  {name} " in out
