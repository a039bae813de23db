"""The provenance sidecar of the `nalm nalu-*` training jobs (issue 13: every run records the code
and software that trained it): `<out>.provenance.json` beside the table, written atomically after
it, with the job's identity, run count and `provenance` object; the table itself is unchanged."""

import csv
import json
import os

from nalm.cli import main
from nalm.runs.provenance import provenance, sidecar_path

KEYS = set(provenance("cpu"))


def _sidecar(out):
    path = sidecar_path(out)
    assert path == str(out) + ".provenance.json"
    return json.loads(open(path, encoding="utf-8").read())


def _runs(out, *columns):
    with open(out, newline="") as handle:
        return {tuple(row[column] for column in columns) for row in csv.DictReader(handle)}


def test_static_job_records_its_identity_runs_and_provenance(tmp_path):
    out = tmp_path / "static" / "nalu_f0.csv"
    assert main(["nalu-static", "--setting", "reproduction", "--model", "nalu", "--functions", "add,div",
                 "--seeds", "0-1", "--train-samples", "64", "--iterations", "2", "--out", str(out)]) == 0
    sidecar = _sidecar(out)
    assert sidecar["job"] == {
        "command": "nalu-static", "experiment": "nalu-static:reproduction:nalu:add+div", "setting": "reproduction",
        "model": "nalu", "functions": ["add", "div"], "seeds": [0, 1], "train_samples": 64, "iterations": 2,
        "log_interval": 2, "nac_initialisation": "measured",
    }  # fmt: skip
    assert sidecar["runs"] == len(_runs(out, "function", "seed")) == 4
    assert sidecar["outputs"] == [str(out)]
    assert set(sidecar["provenance"]) == KEYS and sidecar["provenance"]["device"] == "cpu"
    assert sidecar["provenance"]["threads"] == 1  # the job's --threads, set before training
    assert sorted(os.listdir(out.parent)) == ["nalu_f0.csv", "nalu_f0.csv.provenance.json"]  # no temporary left
    assert "provenance" not in out.read_text() and "git" not in out.read_text()


def test_identity_and_language_jobs_write_their_sidecars(tmp_path):
    identity = tmp_path / "identity.csv"
    assert main(["nalu-identity", "--activations", "tanh,ReLU6", "--seeds", "3", "--iterations", "1",
                 "--out", str(identity)]) == 0
    sidecar = _sidecar(identity)
    assert sidecar["job"] == {"command": "nalu-identity", "experiment": "nalu-identity:Tanh+ReLU6",
                              "activations": ["Tanh", "ReLU6"], "seeds": [3], "iterations": 1}
    assert sidecar["runs"] == len(_runs(identity, "activation", "seed")) == 2
    runs, predictions = tmp_path / "language.csv", tmp_path / "predictions.csv"
    assert main(["nalu-language", "--setting", "paper", "--model", "lstm-linear", "--seeds", "0,2", "--evaluations", "1",
                 "--embedding-size", "4", "--hidden-size", "4", "--out", str(runs), "--predictions", str(predictions)]) == 0
    sidecar = _sidecar(runs)
    assert sidecar["job"]["experiment"] == "nalu-language:paper:lstm-linear" and sidecar["job"]["seeds"] == [0, 2]
    assert sidecar["runs"] == 2 and sidecar["outputs"] == [str(runs), str(predictions)]
    assert not os.path.exists(sidecar_path(predictions))  # one sidecar per job, beside its --out


def test_a_rerun_replaces_the_sidecar_and_the_table_bytes_do_not_depend_on_it(tmp_path):
    out = tmp_path / "identity.csv"
    argv = ["nalu-identity", "--activations", "ReLU6", "--seeds", "0", "--iterations", "1", "--out", str(out)]
    assert main(argv) == 0
    table = out.read_bytes()
    with open(sidecar_path(out), "w") as handle:
        handle.write("stale")
    assert main(argv) == 0
    assert out.read_bytes() == table and _sidecar(out)["runs"] == 1
    assert sorted(os.listdir(tmp_path)) == ["identity.csv", "identity.csv.provenance.json"]


def test_an_unwritable_sidecar_is_a_one_line_error(tmp_path, capsys):
    out = tmp_path / "identity.csv"
    os.mkdir(sidecar_path(out))  # a directory where the sidecar goes: it cannot be replaced by a file
    assert main(["nalu-identity", "--activations", "ReLU6", "--seeds", "0", "--iterations", "1", "--out", str(out)]) == 2
    training, error = capsys.readouterr().err.strip().splitlines()  # the training summary, then the error
    assert training.startswith("nalm nalu-identity ReLU6: 1 runs")
    assert error.endswith(f"error: cannot write {sidecar_path(out)}: Is a directory") and os.path.isdir(sidecar_path(out))
