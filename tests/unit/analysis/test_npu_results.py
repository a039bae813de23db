"""The NPU paper's statistics (nalm/analysis/npu_results.py) against the rules of
`nmheim/NeuralPowerUnits` `scripts/simple/results_table.jl` (mean ± std/√n, best run by the summed
`val`) and `scripts/arithmetic/collect.jl` + `results_table.jl` (NaN runs dropped, 10 best by
testing MSE, median ± unscaled MAD)."""

import math

import pytest

from nalm.analysis.npu_results import (
    arithmetic100_latex,
    arithmetic100_table,
    best_run,
    kept_runs,
    layers_latex,
    layers_table,
    mad,
    mean_sem,
)


def _run(model, seed, task=None, **metrics):
    return {"model": model, "seed": seed, "task": task, "metrics": metrics, "active_parameters": {0.01: 100 + seed}}


def test_mad_and_mean_sem():
    assert mad([1.0, 2.0, 4.0, 10.0]) == 1.5  # median 3; |x - 3| = 2, 1, 1, 7 -> 1.5
    mean, sem = mean_sem([1.0, 2.0, 3.0])
    assert mean == 2.0 and sem == pytest.approx(1 / math.sqrt(3))
    assert math.isnan(mean_sem([1.0, math.nan])[0])  # NaN propagates, as Julia's mean


def test_best_run_is_the_smallest_val_nan_last():
    runs = [_run("NPU", 0, val=math.nan), _run("NPU", 1, val=3.0), _run("NPU", 2, val=2.0), _run("NPU", 3, val=2.0)]
    assert best_run(runs)["seed"] == 2


def test_layers_table_beside_table_a2():
    runs = [_run("NPU", s, add_val=0.2 + 0.01 * s, mult_val=1.0, div_val=1.0, sqrt_val=1.0) for s in range(4)]
    rows = layers_table(runs)
    add = next(r for r in rows if r["op"] == "add")
    assert (add["runs"], add["paper_value"], add["paper_spread"]) == (4, 0.2, 0.11)
    assert add["mean"] == pytest.approx(0.215) and add["agree"]  # |Δ| ≤ 2·√(sem² + 0.11²)
    mult = next(r for r in rows if r["op"] == "mult")
    assert not mult["agree"]  # 1.0 vs 0.37 ± 0.23, sem 0
    assert r"0.215 $\pm$" in layers_latex(rows) and r"(0.2 $\pm$ 0.11)" in layers_latex(rows)


def test_arithmetic100_keeps_the_best_finite_runs():
    runs = [_run("NPU", s, "add", train_mse=0.01, validation_mse=1.0, test_mse=float(s)) for s in range(12)]
    runs.append(_run("NPU", 99, "add", train_mse=math.nan, validation_mse=1.0, test_mse=-1.0))
    kept = kept_runs(runs, 10)
    assert [r["seed"] for r in kept] == list(range(10))  # NaN run dropped, 10 smallest kept
    rows = arithmetic100_table(runs, 10, ["NPU"])
    test = next(r for r in rows if r["mse"] == "test")
    assert (test["runs"], test["kept"], test["median"], test["mad"]) == (13, 10, 4.5, 2.5)
    assert (test["paper_median"], test["paper_mad"], test["agree"]) == (0.092, 0.031, False)
    # pareto.tex's NPU + points: median of the 10 published counts (1212, 633, …, 1970)
    assert (test["active_median"], test["paper_active_median"]) == (104.5, 1088.0)
    assert r"(0.092 $\pm$ 0.031)" in arithmetic100_latex(rows)
