"""Selection and statistics of the arithmetic MNIST runs (nalm/analysis/arithmetic_mnist.py) against
`bmistry4/nalm-division`, `export/two_digit_mnist/plot_train_test.r`."""

import json
import math

import pytest

from nalm.analysis.arithmetic_mnist import best_row, select, summarize, t_quantile_975
from nalm.core.errors import UserError

NAN = math.nan


def test_best_of_the_last_ten_first_on_ties():
    values = [99.0] + [1, 5, 3, 5, 2, 0, 0, 0, 0, 4]  # 11 rows: the 99 is outside the window
    assert best_row(values) == 2  # R: max(11 - 10, 0) + which.max(tail(x, 10)) = 1 + 2 (1-based 3)
    assert best_row([3.0, 7.0, 7.0]) == 1  # fewer than 10 rows: all of them; first maximum


def test_nans_are_ignored_and_all_nan_takes_the_last_row():
    assert best_row([NAN, 2.0, NAN, 1.0]) == 1  # which.max drops NA
    assert best_row([1.0] + [NAN] * 10) == 10  # no finite value in the window: length(x)


def test_t_interval_is_rs_qt():
    assert t_quantile_975(9) == pytest.approx(2.262157, abs=1e-6)  # qt(0.975, 9)
    assert math.isnan(t_quantile_975(0))


def write_run(root, head, fold, rows):
    directory = root / head / f"fold{fold}" / f"seed{fold}"
    directory.mkdir(parents=True)
    config = {"task": "arithmetic_mnist", "head": head, "label": {"NRU": "NRU", "DIV": "DIV"}[head], "fold": fold,
              "seed": fold, "epochs": len(rows) - 1, "samples_per_pair": 2, "digits_source": "test digits"}
    (directory / "run.json").write_text(json.dumps(config))
    lines = ["step,epoch,train_output_rounded_5dp_acc,test_output_rounded_5dp_acc,diverged"]
    lines += [f"{10 * k},{k}.0,{train},{test},0" for k, (train, test) in enumerate(rows)]
    (directory / "metrics.csv").write_text("\n".join(lines) + "\n")
    return directory


def test_select_and_summarize(tmp_path):
    runs = [
        write_run(tmp_path, "NRU", 1, [(0, 1), (50, 40), (20, 10)]),
        write_run(tmp_path, "NRU", 2, [(10, 20), (10, 30), (60, 70)]),
        write_run(tmp_path, "DIV", 1, [(5, 6)]),
    ]
    rows = select(runs, "train_output_rounded_5dp_acc")
    assert [(r["head"], r["fold"], r["selected_epoch"], r["test_output_rounded_5dp_acc"]) for r in rows] == [
        ("NRU", 1, 1, 40.0), ("NRU", 2, 2, 70.0), ("DIV", 1, 0, 6.0)]
    summary = summarize(rows, ["DIV", "NRU"], [("test_output_rounded_5dp_acc", "output 5 d.p. (test)")])
    div, nru = summary
    assert (div["model"], div["n"], div["mean"]) == ("DIV", 1, 6.0) and math.isnan(div["sd"])
    assert (nru["n"], nru["mean"]) == (2, 55.0)
    sd = math.sqrt(((40 - 55) ** 2 + (70 - 55) ** 2) / 1)
    assert nru["sd"] == pytest.approx(sd) and nru["se"] == pytest.approx(sd / math.sqrt(2))
    assert nru["ci"] == pytest.approx(12.7062047 * sd / math.sqrt(2))  # qt(0.975, 1)


def test_a_directory_that_is_not_a_complete_mnist_run_is_refused(tmp_path):
    with pytest.raises(UserError, match="not a complete run directory"):
        select([tmp_path], "train_output_rounded_5dp_acc")
    (tmp_path / "run.json").write_text(json.dumps({"task": "single_module"}))
    (tmp_path / "metrics.csv").write_text("step\n0\n")
    with pytest.raises(UserError, match="not an arithmetic MNIST run"):
        select([tmp_path], "train_output_rounded_5dp_acc")
