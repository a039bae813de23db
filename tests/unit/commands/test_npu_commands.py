"""`nalm npu-train` and `nalm npu-report` (the NPU paper's verbs): the files they write, the same bytes
on a rerun, and one-line errors for bad input."""

import json

import pytest

from nalm.cli import main


def _train(out, *extra):
    return main(["npu-train", "layers", "--model", "NPU", "--seeds", "0-1", "--updates", "20",
                 "--log-interval", "10", "--out", str(out), *extra])


def _files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_train_writes_complete_runs_and_reruns_give_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert _train(tmp_path / "a") == 0 and _train(tmp_path / "b") == 0
    first, second = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert set(first) == {f"NPU/seed{s}/{name}" for s in (0, 1) for name in
                          ("events.out.tfevents.0.nalm", "run.json", "metrics.csv", "final.json", "parameters.npz")}
    assert first == second
    final = json.loads(first["NPU/seed0/final.json"])
    assert set(final["metrics"]) >= {"add_val", "mult_val", "div_val", "sqrt_val", "val", "train_mse"}
    config = json.loads(first["NPU/seed1/run.json"])
    assert (config["experiment"], config["model"], config["seed"], config["updates"]) == ("layers", "NPU", 1, 20)


def test_report_figures_have_the_same_bytes_twice(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert _train(tmp_path / "runs") == 0
    runs = [str(tmp_path / "runs" / "NPU" / f"seed{s}") for s in (0, 1)]
    outputs = []
    for k in (1, 2):
        paths = [tmp_path / f"{stem}{k}.{ext}" for stem, ext in (("t", "csv"), ("t", "tex"), ("f", "pdf"), ("d", "csv"))]
        assert main(["npu-report", "layers", *runs, "--table", str(paths[0]), "--latex", str(paths[1]),
                     "--figure", str(paths[2]), "--plot-data", str(paths[3])]) == 0
        outputs.append([p.read_bytes() for p in paths])
    assert outputs[0] == outputs[1]
    assert outputs[0][2][:5] == b"%PDF-"


@pytest.mark.parametrize("arguments, message", [
    (["npu-train", "layers", "--model", "NAC", "--seeds", "0", "--out", "x"], "unknown model 'NAC'"),
    (["npu-train", "arithmetic100", "--model", "NPU", "--seeds", "0", "--out", "x"], "--task is required"),
    (["npu-train", "layers", "--model", "NPU", "--seeds", "0", "--setting", "train_range=both", "--out", "x"],
     "bad setting train_range='both'"),
    (["npu-train", "layers", "--model", "NPU", "--seeds", "0", "--setting", "lr", "--out", "x"], "bad setting 'lr'"),
    (["npu-report", "layers", "missing/seed0", "--table", "t.csv"], "not a complete nalm npu-train run"),
    (["npu-report", "layers", "missing/seed0"], "nothing to write"),
])
def test_bad_input_is_one_line(arguments, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(arguments) == 2
    error = capsys.readouterr().err.strip()
    assert message in error and "\n" not in error
