"""Outputs and option values of `nalm plot`, `thresholds`, `summarize`, `profiles` and `export`:
one line and a non-zero exit, before any work, and nothing already there changed."""

import csv
import os

import pytest

from nalm.cli import main
from nalm.figures.three_panel import SUMMARY_COLUMNS


def run(capsys, *args):
    code = main(list(args))
    return code, capsys.readouterr().err


def one_line(result, message):
    code, err = result
    assert code == 2, err
    assert err.count("\n") == 1 and message in err, err


@pytest.fixture
def summary(tmp_path):
    """A one-cell summary of fig14 (NAU on U[1,2])."""
    labels = {"module": "NAU", "operation": "add", "input.size": "2", "interpolation.range": "U[1,2]",
              "extrapolation.range": "U[2,6]", "threshold": "1e-06", "n": "25", "solved": "5"}  # fmt: skip
    columns = list(dict.fromkeys([*labels, *SUMMARY_COLUMNS]))
    values = [labels.get(column, "0.5") for column in columns]
    path = tmp_path / "summary.csv"
    with open(path, "w", newline="") as handle:
        csv.writer(handle).writerows([columns, values])
    return path


@pytest.mark.parametrize(
    "out, message",
    [("f.xyz", "expected a file name ending in .pdf, .png"), ("ro", "expected a file name ending in .pdf, .png"),
     ("adir.pdf", "is a directory")],
)  # fmt: skip
def test_plot_refuses_an_out_it_cannot_write(capsys, tmp_path, summary, out, message):
    (tmp_path / "adir.pdf").mkdir()
    before = sorted(os.listdir(tmp_path))
    one_line(run(capsys, "plot", str(summary), "--figure", "fig14", "--out", str(tmp_path / out)), message)
    assert sorted(os.listdir(tmp_path)) == before


def test_plot_refuses_a_companion_it_cannot_write(capsys, tmp_path, summary):
    (tmp_path / "f.tex").mkdir()
    one_line(run(capsys, "plot", str(summary), "--figure", "fig14", "--out", str(tmp_path / "f.pdf")), "is a directory")
    assert not (tmp_path / "f.pdf").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--seed", "-1"], "--seed -1: expected an integer >= 0"),
        (["--ops", ""], "--ops '': expected"),
        (["--ops", ",,"], "--ops ',,': expected"),
        (["--input-sizes", ""], "--input-sizes '': expected"),
        (["--ranges", ""], "--ranges '': expected"),
        (["--samples", "0"], "--samples must be at least 1"),
    ],
)
def test_thresholds_option_values(capsys, tmp_path, args, message):
    out = tmp_path / "t.csv"
    one_line(run(capsys, "thresholds", "--samples", "10", *args, "--out", str(out)), message)
    assert not out.exists()


@pytest.mark.parametrize("target, message", [("missing/t.csv", "does not exist"), ("adir", "is a directory")])
def test_thresholds_and_summarize_refuse_an_out_they_cannot_write(capsys, tmp_path, target, message):
    (tmp_path / "adir").mkdir()
    out = str(tmp_path / target)
    one_line(run(capsys, "thresholds", "--samples", "10", "--ops", "add", "--input-sizes", "2", "--ranges", "r7",
                 "--out", out), message)  # fmt: skip
    table = tmp_path / "table.csv"
    table.write_text("x\n")
    one_line(run(capsys, "summarize", str(table), "--thresholds", str(table), "--out", out), message)
    one_line(run(capsys, "summarize", str(table), "--thresholds", str(table), "--out", str(tmp_path / "s.csv"),
                 "--per-run", out), message)  # fmt: skip
    assert not (tmp_path / "s.csv").exists()


def test_profiles_install_into_a_file_is_one_line(capsys, tmp_path):
    dest = tmp_path / "afile"
    dest.write_text("keep")
    one_line(run(capsys, "profiles", "install", "--dest", str(dest)), "is not a directory")
    assert dest.read_text() == "keep"
