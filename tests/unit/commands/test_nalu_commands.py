"""The `nalm nalu-*` verbs: one-line errors naming the bad value, deterministic CSVs, and the
tables and figures from their outputs (NALU paper, nalm/papers/nalu/)."""

import pandas as pd
import pytest

from nalm.cli import main


@pytest.mark.parametrize("argv, message", [
    (["nalu-static", "--setting", "both", "--model", "nalu", "--functions", "add", "--seeds", "0"], "unknown setting 'both'"),
    (["nalu-static", "--setting", "paper", "--model", "mlp", "--functions", "add", "--seeds", "0"], "unknown static model 'mlp'"),
    (["nalu-static", "--setting", "paper", "--model", "nac", "--functions", "add,pow", "--seeds", "0"], "unknown function 'pow'"),
    (["nalu-static", "--setting", "paper", "--model", "nac", "--functions", "add", "--seeds", "0", "--train-samples", "0"],
     "bad --train-samples 0"),
    (["nalu-identity", "--activations", "Swish", "--seeds", "0"], "unknown activation 'Swish'"),
    (["nalu-language", "--setting", "paper", "--model", "gru", "--seeds", "0"], "unknown language model 'gru'"),
    # the measured initial NAC weights exist at the reproduction's sizes only
    (["nalu-language", "--setting", "reproduction", "--model", "lstm-nalu", "--seeds", "0", "--embedding-size", "4"],
     "bad --hidden-size 32 / --embedding-size 4 for --nac-initialisation measured"),
])  # fmt: skip
def test_bad_values_are_one_line_errors(argv, message, tmp_path, capsys):
    out = tmp_path / "out.csv"
    assert main([*argv, "--out", str(out)]) == 2
    error = capsys.readouterr().err.strip()
    assert message in error and "\n" not in error
    assert not out.exists()


def test_static_runs_are_deterministic_and_tabulated(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    for out in (first, second):
        assert main(["nalu-static", "--setting", "reproduction", "--model", "nalu", "--functions", "add,div",
                     "--seeds", "0-1", "--train-samples", "64", "--iterations", "4", "--log-interval", "2",
                     "--out", str(out)]) == 0
    assert first.read_bytes() == second.read_bytes()
    runs = pd.read_csv(first)
    assert len(runs) == 2 * 2 * 3 and sorted(set(runs["step"])) == [0, 2, 4]
    table = tmp_path / "tables" / "static_extrapolation_reproduction.csv"
    assert main(["nalu-table", "static", str(first), "--setting", "reproduction", "--column", "extrapolation",
                 "--out", str(table)]) == 0
    cells = pd.read_csv(table)
    assert list(cells["function"]) == ["add", "div"] and set(cells["runs"]) == {2}
    assert table.with_suffix(".tex").read_text().startswith(r"\begin{table}")


def test_identity_and_language_outputs_make_their_figures(tmp_path):
    identity = tmp_path / "identity.csv"
    assert main(["nalu-identity", "--activations", "ReLU6,Tanh", "--seeds", "0-1", "--iterations", "3",
                 "--out", str(identity)]) == 0
    assert len(pd.read_csv(identity)) == 2 * 2 * 41
    figure = tmp_path / "figures" / "extrapolation_failure.pdf"
    assert main(["nalu-plot", "identity", str(identity), "--out", str(figure)]) == 0
    assert figure.stat().st_size > 0 and (tmp_path / "figures" / "extrapolation_failure_plot_data.csv").exists()
    runs, predictions = tmp_path / "language.csv", tmp_path / "predictions.csv"
    assert main(["nalu-language", "--setting", "paper", "--model", "lstm-nalu", "--seeds", "0", "--evaluations", "1",
                 "--out", str(runs), "--predictions", str(predictions)]) == 0
    assert list(pd.read_csv(runs)["step"]) == [0, 169]
    assert len(pd.read_csv(predictions)) == 1000
    figure = tmp_path / "language.png"
    assert main(["nalu-plot", "language", str(predictions), "--setting", "paper", "--out", str(figure)]) == 0
    assert figure.stat().st_size > 0
