"""`nalm ntm-train`, `ntm-evaluate`, `ntm-plot` from the command line: files, same bytes on rerun,
batches, and one-line errors."""

import csv
import json
import os

import pytest

from nalm.cli import main

SMALL = ["--network", "controller_size=8", "--network", "memory_units=8"]
ORIGINAL = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "ntm", "ntm_original_{task}.npz"))


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("ntm")
    for name in ("a", "b"):
        args = ["ntm-train", "--task", "associative", "--seeds", "3,5", "--iterations", "4", "--log-interval", "2",
                *SMALL, "--out", str(root / name)]
        assert main(args) == 0
    return root


def test_train_writes_runs_with_the_same_bytes_on_rerun(trained):
    for seed in (3, 5):
        for name in ("metrics.csv", "run.json", "checkpoint.npz", "events.out.tfevents.0.nalm"):
            a = (trained / "a" / "associative" / f"seed{seed}" / name).read_bytes()
            assert a == (trained / "b" / "associative" / f"seed{seed}" / name).read_bytes(), name
    config = json.loads((trained / "a" / "associative" / "seed5" / "run.json").read_text())
    assert config["network"]["controller_size"] == 8 and config["seed"] == 5 and config["batch_size"] == 1
    rows = (trained / "a" / "associative" / "seed3" / "metrics.csv").read_text().splitlines()
    assert rows[0] == "step,bit_error,bce,diverged" and [row.split(",")[0] for row in rows[1:]] == ["0", "2", "4"]


def test_evaluate_and_plot(trained, tmp_path):
    runs = [str(trained / "a" / "associative" / f"seed{seed}") for seed in (3, 5)]
    table = tmp_path / "table.csv"
    assert main(["ntm-evaluate", "--task", "associative", "--runs", *runs, "--original",
                 ORIGINAL.format(task="associative"), "--sequences", "2", "--out", str(table)]) == 0
    with open(table, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {(row["model"], row["seed"]) for row in rows} == {("nalm", "3"), ("nalm", "5"), ("original", "")}
    assert sorted({int(row["value"]) for row in rows}) == list(range(2, 20))  # items 2 .. 19 (evaluate.py: < 20)
    again = tmp_path / "again.csv"
    main(["ntm-evaluate", "--task", "associative", "--runs", *runs, "--original", ORIGINAL.format(task="associative"),
          "--sequences", "2", "--out", str(again)])
    assert table.read_bytes() == again.read_bytes()
    figures = tmp_path / "figures"
    assert main(["ntm-plot", "all", "--task", "associative", "--runs", *runs, "--table", str(table), "--original",
                 ORIGINAL.format(task="associative"), "--out", str(figures)]) == 0
    for name in ("associative_learning_curve", "associative_generalisation", "associative_bitmaps"):
        assert (figures / f"{name}.pdf").read_bytes()[:5] == b"%PDF-"
        assert (figures / f"{name}_plot_data.csv").stat().st_size > 0


def test_batches_of_several_sequences(tmp_path):
    assert main(["ntm-train", "--task", "copy", "--seeds", "0", "--iterations", "2", "--log-interval", "1",
                 "--batch-size", "3", *SMALL, "--out", str(tmp_path)]) == 0
    assert json.loads((tmp_path / "copy" / "seed0" / "run.json").read_text())["hyperparameters"]["batch_size"] == 3


@pytest.mark.parametrize(
    "args, message",
    [
        (["ntm-train", "--task", "copy", "--seeds", "0", "--iterations", "-1", "--out", "x"], "bad --iterations -1"),
        (["ntm-train", "--task", "copy", "--seeds", "0", "--iterations", "1", "--batch-size", "0", "--out", "x"],
         "bad --batch-size 0"),
        (["ntm-train", "--task", "copy", "--seeds", "0", "--iterations", "1", "--network", "size=3", "--out", "x"],
         "unknown NTM setting 'size'"),
        (["ntm-train", "--task", "copy", "--seeds", "0", "--iterations", "1", "--network", "write=erase", "--out", "x"],
         "bad NTM write 'erase'"),
        (["ntm-train", "--task", "copy", "--seeds", "0", "--iterations", "1", "--set", "lr=1", "--out", "x"],
         "unknown hyper-parameter 'lr'"),
        (["ntm-evaluate", "--task", "copy", "--runs", "nowhere", "--out", "x.csv"], "no checkpoint nowhere/checkpoint.npz"),
        (["ntm-evaluate", "--task", "copy", "--out", "x.csv"], "nothing to evaluate"),
        (["ntm-plot", "generalisation", "--task", "copy", "--table", "missing.csv", "--out", "x.pdf"], "no table 'missing.csv'"),
        (["ntm-plot", "curve", "--task", "copy", "--runs", "nowhere", "--out", "x.pdf"], "nowhere: not a complete run directory"),
    ],
)
def test_bad_input_is_one_line(tmp_path, monkeypatch, capsys, args, message):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1
    assert not (tmp_path / "x").exists() and not (tmp_path / "x.csv").exists()
