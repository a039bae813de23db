"""`nalm mnist-train`, `mnist-summarize`, `mnist-plot`: one-line errors for bad inputs (exit 2)."""

import pytest

from nalm.cli import main


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["mnist-train", "--head", "NAU", "--folds", "1"], "unknown head 'NAU'"),
        (["mnist-train", "--head", "NRU", "--folds", "12"], "bad fold 12"),
        (["mnist-train", "--head", "NRU", "--folds", "1-x"], "malformed seeds"),
        (["mnist-train", "--head", "NRU", "--folds", "1", "--epochs", "-1"], "bad --epochs -1"),
        (["mnist-train", "--head", "NRU", "--folds", "1", "--samples-per-pair", "0"], "bad --samples-per-pair 0"),
        (["mnist-train", "--head", "NRU", "--folds", "1", "--set", "colour=3"], "unknown hyper-parameter 'colour'"),
        (["mnist-train", "--head", "NRU", "--folds", "1", "--mnist-dir", "/nonexistent"], "does not exist"),
    ],
)
def test_mnist_train_refuses_bad_inputs(tmp_path, capsys, arguments, message):
    assert main([*arguments, "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err.strip()
    assert message in error and error.count("\n") == 0
    assert not (tmp_path / "out").exists()


def test_mnist_summarize_and_plot_refuse_bad_inputs(tmp_path, capsys):
    assert main(["mnist-summarize", str(tmp_path), "--out", str(tmp_path / "s.csv"), "--summary", str(tmp_path / "m.csv")]) == 2
    assert "not a complete run directory" in capsys.readouterr().err
    assert main(["mnist-plot", "--figure", "fig99", "--selected", "a", "--summary", "b", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "unknown figure 'fig99'" in capsys.readouterr().err
