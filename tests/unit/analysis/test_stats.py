"""Summary statistics, pinned against `bmistry4/nalm-benchmark`: the per-run quantities of
`export/single_layer_task/benchmark/plot_results.r` (`dat.last`) and the per-cell statistics of
`export/_compute_summary.r` (`compute.summary`: Wilson, Gamma and Beta fits, normal fallback).
"""

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from nalm.analysis import profile_likelihood
from nalm.analysis.spline import approx, spline
from nalm.analysis.stats import (
    beta_stat,
    compute_summary,
    gamma_stat,
    normal_stat,
    wilson,
)
from nalm.analysis.summary import per_run, summarize
from nalm.core.errors import UserError

Z = stats.norm.ppf(0.975)


# --- success rate: Wilson --------------------------------------------------------------

@pytest.mark.parametrize("k, n", [(0, 25), (1, 25), (13, 25), (25, 25), (3, 7)])
def test_wilson_bounds_solve_the_score_equation(k, n):
    """The Wilson limits are the p with (p̂ − p)² = z²·p(1 − p)/n."""
    mean, lower, upper = wilson(k, n)
    assert mean == k / n
    a, b, c = 1 + Z * Z / n, -(2 * k / n + Z * Z / n), (k / n) ** 2
    roots = np.sort(np.roots([a, b, c]).real)
    assert (lower, upper) == pytest.approx(tuple(roots), abs=1e-12)


def test_wilson_hand_value():
    """binom.confint(20, 25, method = 'wilson'): 0.6087, 0.9114 (the formula by hand)."""
    assert wilson(20, 25)[1:] == pytest.approx((0.60869, 0.91139), abs=1e-5)


# --- normal fallback --------------------------------------------------------------------

def test_normal_fallback_t_interval_and_clamping():
    """compute.normal.stat: mean ± t₀.₉₇₅,ₙ₋₁·sd/√n, clamped to the μ bounds; n = 1 → NA interval;
    n = 0 → NaN."""
    mean, lower, upper = normal_stat([1.0, 2.0, 6.0], 0.0, math.inf)
    half = stats.t.ppf(0.975, 2) * np.std([1, 2, 6], ddof=1) / math.sqrt(3)
    assert (mean, upper) == pytest.approx((3.0, 3.0 + half))
    assert lower == 0.0  # 3 − 6.21 clamped at the lower bound
    assert normal_stat([0.4, 0.49], 0.0, 0.5)[2] == 0.5  # clamped at the upper bound
    assert np.isnan(normal_stat([5.0], 0, math.inf)[1:]).all()
    assert math.isnan(normal_stat([], 0, math.inf)[0])


# --- solved at: Gamma --------------------------------------------------------------------

STEPS = np.array([3000, 5000, 8000, 8000, 9000, 12000, 15000, 21000, 30000, 44000.0])


def independent_gamma_profile(values, mu):
    """min over shape of −Σ log Gamma(x; shape, scale = μ/shape), via scipy.stats."""
    def nll(log_shape):
        shape = math.exp(log_shape)
        return -stats.gamma.logpdf(values, shape, scale=mu / shape).sum()

    return optimize.minimize_scalar(nll, bounds=(-10, 10), method="bounded",
                                    options={"xatol": 1e-12}).fun


def test_gamma_mle_is_the_sample_mean():
    """compute.gamma.stat: in mean–variance form the Gamma MLE of μ is the sample mean."""
    result = gamma_stat(STEPS)
    assert result["mean"] == pytest.approx(STEPS.mean(), rel=1e-6)
    shape = result["mean"] ** 2 / result["sigma.2"]
    assert stats.gamma.fit(STEPS, floc=0)[0] == pytest.approx(shape, rel=1e-3)


def test_gamma_interval_is_where_signed_root_deviance_is_196():
    """confint(fit, 'mu'): profile CI ends satisfy √(2(ℓ_p(μ) − ℓ̂)) = 1.96 (checked with scipy's
    density)."""
    result = gamma_stat(STEPS)
    best = independent_gamma_profile(STEPS, STEPS.mean())
    for end in (result["lower"], result["upper"]):
        root = math.sqrt(2 * (independent_gamma_profile(STEPS, end) - best))
        assert root == pytest.approx(Z, abs=0.01)
    assert result["lower"] < STEPS.mean() < result["upper"]


def test_gamma_fallbacks():
    """compute.gamma.stat: n ≤ 1 or sd ≤ 1e-5 → normal fallback (σ² = var, the t-interval)."""
    single = gamma_stat([7000.0])
    assert single["mean"] == 7000 and math.isnan(single["lower"]) and math.isnan(single["sigma.2"])
    same = gamma_stat([4000.0, 4000.0, 4000.0])
    assert (same["mean"], same["lower"], same["upper"], same["sigma.2"]) == (4000, 4000, 4000, 0)
    assert math.isnan(gamma_stat([])["mean"])


# --- sparsity error: Beta, half-mean quirk ----------------------------------------------

def sparsity_sample(mean, size=25, a=2.0):
    """Deterministic Beta(a, b) quantiles rescaled to the exact sample `mean`."""
    b = a * (1 - mean) / mean
    x = stats.beta.ppf((np.arange(size) + 0.5) / size, a, b)
    return x * mean / x.mean()


def independent_beta_profile(values, mu, half_mean=True):
    def nll(log_v):
        v = math.exp(log_v)
        m = 2 * mu if half_mean else mu
        return -np.clip(stats.beta.logpdf(values, m * v, (1 - m) * v), -1e6, 1e6).sum()

    return optimize.minimize_scalar(nll, bounds=(math.log(1e-5), 30), method="bounded",
                                    options={"xatol": 1e-12}).fun


def test_beta_half_mean_quirk():
    """compute.beta.stat: sample mean 0.0555 → μ̂ ≈ 0.0277 with α = 2μv, β = (1 − 2μ)v (its density
    is evaluated on the raw x, so μ̂ is about half the sample mean);
    the corrected parameterisation gives ≈ the mean itself."""
    x = sparsity_sample(0.0555)
    assert x.mean() == pytest.approx(0.0555)
    original = beta_stat(x)
    assert original["mean"] == pytest.approx(0.0277, abs=5e-4)
    assert beta_stat(x, "corrected")["mean"] == pytest.approx(0.0555, abs=1e-3)
    # The fit is the maximum of the likelihood evaluated directly with scipy.
    best = independent_beta_profile(x, original["mean"])
    for shifted in (original["mean"] * 0.99, original["mean"] * 1.01):
        assert independent_beta_profile(x, shifted) > best


def test_beta_interval_is_where_signed_root_deviance_is_196():
    x = sparsity_sample(0.0555)
    result = beta_stat(x)
    best = independent_beta_profile(x, result["mean"])
    for end in (result["lower"], result["upper"]):
        root = math.sqrt(2 * (independent_beta_profile(x, end) - best))
        assert root == pytest.approx(Z, abs=0.01)


def test_beta_fallbacks_and_clamping():
    """compute.beta.stat: identical values (sd ≤ 1e-10) → normal mean of the clamped values (exact
    zeros give 1e-16); values above 0.5 (an NPU's raw W_re) are clamped below 0.5."""
    zeros = beta_stat([0.0, 0.0, 0.0])
    assert zeros["mean"] == pytest.approx(1e-16) and zeros["lower"] == pytest.approx(1e-16)
    assert beta_stat([0.9])["mean"] == pytest.approx(0.5)
    assert math.isnan(beta_stat([0.9])["upper"])


def test_beta_undefined_hessian_falls_back_to_normal(monkeypatch):
    """compute.beta.stat: Hessian-based std. errors NA → normal fallback (full, not halved, mean)."""
    monkeypatch.setattr(profile_likelihood, "hessian", lambda f, p: np.full((2, 2), np.nan))
    x = sparsity_sample(0.0555)
    assert beta_stat(x)["mean"] == pytest.approx(0.0555)


def test_compute_summary_uses_solved_runs_only():
    """compute.summary: solved-at and sparsity use the solved runs; columns as compute.summary."""
    row = compute_summary([True, False, True], [1000, np.nan, 1000], [0.1, 0.4, 0.1])
    assert row["success.rate.mean"] == pytest.approx(2 / 3)
    assert row["converged.at.mean"] == 1000 and row["converged.at.max"] == 1000
    assert row["sparse.error.mean"] == pytest.approx(0.1)
    assert list(row)[:4] == ["success.rate.mean", "success.rate.lower", "success.rate.upper", "success.rate.max"]
    assert len(row) == 15
    none = compute_summary([False, False], [np.nan, np.nan], [0.1, 0.2])
    assert none["success.rate.mean"] == 0 and math.isnan(none["converged.at.mean"])
    assert math.isnan(none["sparse.error.mean"])


# --- interpolation helpers (R's spline/approx semantics) ---------------------------------

def test_fmm_spline_reproduces_cubics_and_approx_is_na_outside():
    x = np.array([0.0, 1.0, 2.5, 3.0, 4.2])
    grid, values = spline(x, x**3 - 2 * x)
    assert len(grid) == 15 and np.allclose(values, grid**3 - 2 * grid)
    assert np.isnan(approx([0, 1], [0, 1], [-0.5, 2])).all()
    assert approx([0, 1, 1], [0, 1, 3], [1.0])[0] == 2.0  # ties averaged


# --- per run --------------------------------------------------------------------------------

def run_rows(name, valid, test, sparse=None, threshold=1.0):
    count = len(valid)
    return pd.DataFrame({
        "name": name, "metric.valid.interpolation": valid, "step": np.arange(count) * 1000.0,
        "metric.test.extrapolation": test,
        "sparse.error.max": sparse if sparse is not None else np.linspace(0.1, 0.2, count),
        "module": "NAU", "operation": "add", "input.size": 2, "interpolation.range": "U[1,2]",
        "extrapolation.range": "U[2,6]", "seed": 0, "threshold": threshold,
    })


def test_per_run_best_row_ties_nan_and_solved_at():
    """plot_results.r: first minimum of validation (NaN ignored); solved at the best row; solved-at is
    the first test-set step below the threshold, independent of the best row (`first.solved.step`)."""
    rows = run_rows("a", [5, np.nan, 2, 2, 3], [9, 0.5, 3, 0.2, 0.1])
    run = per_run(rows).iloc[0]
    assert run["best.model.step"] == 3 and run["best.step"] == 2000
    assert not run["solved"]  # test MSE 3 at the best row
    assert run["extrapolation.step.solved"] == 1000
    assert run["sparse.error.max"] == pytest.approx(0.15)


def test_per_run_all_nan_uses_last_row_and_nan_is_not_solved():
    run = per_run(run_rows("b", [np.nan] * 3, [0.5, 0.5, np.nan])).iloc[0]
    assert run["best.model.step"] == 3 and not run["solved"]
    assert run["extrapolation.step.solved"] == 0


# --- CLI: files in, files out; bad input ----------------------------------------------

def write_inputs(tmp_path, operation="add"):
    tables = []
    for seed in range(4):
        rows = run_rows(f"run{seed}", [3.0, 2.0, 1.0], [2.0, 0.5 if seed else 2.0, 0.5 - 0.1 * seed])
        tables.append(rows.drop(columns="threshold").assign(seed=seed, operation=operation))
    table = tmp_path / "runs.csv"
    pd.concat(tables).to_csv(table, index=False)
    thresholds = tmp_path / "thresholds.csv"
    pd.DataFrame({
        "operation": ["op-add"], "parameter": ["extrapolation.range"], "simple": [False],
        "input.size": [2], "threshold": [1.0], "extrapolation.range": ["U[2,6]"],
    }).to_csv(thresholds, index=False)
    return table, thresholds


def test_summarize_cli_end_to_end(tmp_path):
    from nalm.cli import main
    table, thresholds = write_inputs(tmp_path)
    out, runs = tmp_path / "summary.csv", tmp_path / "runs_out.csv"
    assert main(["summarize", str(table), "--thresholds", str(thresholds), "--out", str(out),
                 "--per-run", str(runs)]) == 0
    summary = pd.read_csv(out)
    assert len(summary) == 1
    row = summary.iloc[0]
    assert (row["n"], row["solved"], row["success.rate.mean"]) == (4, 4, 1.0)
    assert row["converged.at.median"] == 1000  # seeds 1-3 at step 1000, seed 0 at 2000
    assert list(summary.columns[:7]) == ["module", "operation", "input.size", "interpolation.range",
                                         "extrapolation.range", "threshold", "n"]
    assert len(pd.read_csv(runs)) == 4


def _cli(*argv):
    return subprocess.run([sys.executable, "-m", "nalm.cli", *map(str, argv)],
                          capture_output=True, text=True)


def test_summarize_bad_inputs_are_one_line_errors(tmp_path):
    table, thresholds = write_inputs(tmp_path)
    out = tmp_path / "s.csv"
    broken = tmp_path / "broken.csv"
    pd.read_csv(table).drop(columns="step").to_csv(broken, index=False)
    bad_op = tmp_path / "pow.csv"
    pd.read_csv(table).assign(operation="pow").to_csv(bad_op, index=False)
    unmatched = tmp_path / "sub.csv"
    pd.read_csv(table).assign(operation="sub").to_csv(unmatched, index=False)
    for path, message in [(broken, "missing column(s) step"), (bad_op, "unknown operation(s) pow"),
                          (unmatched, "no threshold in"), (tmp_path / "absent.csv", "cannot read")]:
        result = _cli("summarize", path, "--thresholds", thresholds, "--out", out)
        assert result.returncode == 2, result.stderr
        assert message in result.stderr and result.stderr.count("\n") == 1


def test_original_csv_without_setting_columns_is_parsed_from_names(tmp_path):
    """A table from the original exporter (simple_function_static.py) has only the metric columns."""
    name = ("reregualizedlinearnac_op-add_oob-c_rs-linear-linear_eps-0_rl-20000-35000_r-0.01-0-1_"
            "i-1-2_e-2-6_z-2-0.5-0.0_b128_s3_h2_z2_lr-adam-0.00100-0.0_L1F_rb-1e-05-0.0001-10000-10_"
            "rWnpu-0-W_rg-0_rH_clip-n_WrI-xu_gn-F_gv-F_rF-10-5000_id-1")
    table, thresholds = write_inputs(tmp_path)
    original = tmp_path / "NAU.csv"
    pd.DataFrame({"name": name, "metric.valid.interpolation": [1.0, 0.5], "step": [0, 1000],
                  "wall.time": 0.0, "metric.test.extrapolation": [2.0, 0.5],
                  "sparse.error.max": [0.2, 0.1]}).to_csv(original, index=False)
    runs, cells = summarize([original], thresholds)
    assert runs.iloc[0]["module"] == "NAU" and runs.iloc[0]["seed"] == 3
    assert cells.iloc[0]["interpolation.range"] == "U[1,2]" and bool(runs.iloc[0]["solved"])
    with pytest.raises(UserError):
        summarize([], thresholds)
