"""Cells of the NALU paper's tables (nalm/figures/nalu.py): median and 95% interval over seeds
with diverged runs as +∞, and the rule for a published number (printed with d decimals) inside."""

import math

import numpy as np
import pandas as pd

from nalm.figures.nalu import cell, inside, language_latex, language_table, static_latex, static_table


def test_cell_is_numpys_linear_quantiles_for_finite_values():
    values = np.arange(25.0)
    statistics = cell(values)
    expected = np.quantile(values, [0.025, 0.5, 0.975])
    assert np.allclose([statistics["lower"], statistics["median"], statistics["upper"]], expected)
    assert statistics["runs"] == 25 and statistics["diverged"] == 0


def test_diverged_runs_count_as_worst():
    statistics = cell([1.0, 2.0, math.nan, 3.0, math.nan])
    assert statistics["diverged"] == 2 and statistics["median"] == 3.0 and math.isinf(statistics["upper"])


def test_a_printed_number_is_inside_when_its_rounding_interval_meets_ours():
    assert inside(0.000, 0.0003, 0.01, 3)  # 0.000 stands for [0, 0.0005)
    assert not inside(0.000, 0.0006, 0.01, 3)
    assert inside(75.051, 70.0, 80.0, 3) and not inside(75.051, 76.0, math.inf, 3)


def _static_runs():
    rows = []
    for seed in range(5):
        for model in ("relu6", "nalu"):
            rows.append({"setting": "reproduction", "model": model, "function": "add", "seed": seed, "step": 0,
                         "interpolation_score": 99.0, "extrapolation_score": 99.0})
            rows.append({"setting": "reproduction", "model": model, "function": "add", "seed": seed, "step": 10,
                         "interpolation_score": 0.001 * seed, "extrapolation_score": 70.0 + 2 * seed})
    return pd.DataFrame(rows)


def test_static_table_uses_each_runs_last_step_and_the_published_number():
    table = static_table(_static_runs(), "reproduction", "extrapolation")
    relu6 = table[table["model"] == "relu6"].iloc[0]
    assert relu6["published"] == 75.051 and relu6["median"] == 74.0 and bool(relu6["inside"])
    nalu = table[table["model"] == "nalu"].iloc[0]
    assert nalu["published"] == 0.0 and not bool(nalu["inside"])
    latex = static_latex(table, "extrapolation", "reproduction")
    assert "a + b & 74.000 [70.200, 77.800] (75.051)" in latex and r"(0.000$^\dagger$)" in latex


def test_language_table_has_one_row_per_model_and_split():
    rows = [{"setting": "reproduction", "model": "lstm-nalu", "seed": s, "step": 16900, "train_mae": 1.0,
             "validation_mae": 0.66 + 0.01 * s, "test_mae": 0.7} for s in range(3)]
    table = language_table(pd.DataFrame(rows), "reproduction")
    assert list(table["split"]) == ["train", "validation", "test"]
    assert list(table["inside"]) == [False, True, False]
    assert "LSTM + NALU" in language_latex(table, "reproduction")
