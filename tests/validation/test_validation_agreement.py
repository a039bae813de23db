"""Side-by-side validation against the original implementation (issue 5, docs/validation.md).

The committed tables hold per-seed outcomes (numbers only) of the same cells trained by the
original code (`original_outcomes.csv`) and by `nalm train` (`nalm_outcomes.csv`), both made
by `extract_original_outcomes.py`; `original_summary_nalm.csv` is `nalm summarize` of
`nalm export` of the original's event files. These tests re-check agreement in seconds;
`run_nalm_cells.py` retrains our side, and `test_nalm_side_is_this_commits.py` checks that it
was trained by the code of this commit.
"""

import csv
import math
from pathlib import Path

import compare_outcomes as co
import extract_original_outcomes as extract
import pytest
from _original_events import original_events_dir
from cells import CELLS, EXTRA_SEEDS, PRIMARY_CELLS, SEEDS

HERE = Path(__file__).resolve().parent
ORIGINAL = HERE / "original_outcomes.csv"
OURS = HERE / "nalm_outcomes.csv"
OURS_EXTRA = HERE / "nalm_outcomes_extra_seeds.csv"
ORIGINAL_SUMMARY = HERE / "original_summary_nalm.csv"

#: cells whose final-MSE distributions differ for a reason that is not training behaviour
KNOWN_MSE_DIFFERENCES = {
    # Solved NMU runs sit at W = [1, 1] exactly; the MSE left is float32 rounding, and the
    # original evaluates (x·W + 1) − W where nalm evaluates x·W + (1 − W): 9.06e-13 vs 7.78e-13
    # on the fixed test set, both seven orders of magnitude below the threshold.
    "NMU-mul-r5": "float32 rounding floor of the exact solution",
}

#: success rates: two-sided Fisher test on every nalm seed of the cell (225 for the primary
#: cells); docs/validation.md gives the differences this detects with power 0.8
FISHER_ALPHA = 0.05
DISTRIBUTION_ALPHA = 0.001


@pytest.fixture(scope="module")
def results():
    return co.compare(co.read_outcomes(ORIGINAL), co.read_outcomes(OURS))


def test_wilson_interval_matches_r_binom():
    # binom::binom.confint(5, 25, method = "wilson") and (0, 25)
    lo, hi = co.wilson(5, 25)
    assert lo == pytest.approx(0.08860, abs=5e-5) and hi == pytest.approx(0.39130, abs=5e-5)
    lo, hi = co.wilson(0, 25)
    assert lo == pytest.approx(0.0, abs=1e-12) and hi == pytest.approx(0.13319, abs=5e-5)


def test_newcombe_interval_matches_newcombe_1998():
    # Newcombe, Statistics in Medicine 17:873-890 (1998), Table II, method 10, examples (a)-(f)
    cases = [((56, 70, 48, 80), (0.0524, 0.3339)), ((9, 10, 3, 10), (0.1705, 0.8090)),
             ((6, 7, 2, 7), (0.0582, 0.8062)), ((5, 56, 0, 29), (-0.0381, 0.1926)),
             ((0, 10, 0, 20), (-0.1611, 0.2775)), ((10, 10, 0, 20), (0.6791, 1.0))]  # fmt: skip
    for (k1, n1, k2, n2), (lower, upper) in cases:
        lo, hi = co.newcombe(k2, n2, k1, n1)  # the interval of p1 - p2, as in the paper
        assert (lo, hi) == (pytest.approx(lower, abs=5e-5), pytest.approx(upper, abs=5e-5))


def test_fisher_power_is_exact():
    # no difference: the power is the test's size, below alpha (Fisher is conservative)
    assert 0 < co.fisher_power(0.5, 0.5, 25, 25, 0.05) <= 0.05
    # a certain outcome: 25/25 against 0/25 is always rejected
    assert co.fisher_power(1.0, 0.0, 25, 25, 0.05) == pytest.approx(1.0)
    # the detectable difference is the first grid point whose power reaches 0.8
    d = co.detectable_difference(0.5, 25, 25, 0.05, 0.8, sign=1)
    assert co.fisher_power(0.5, 0.5 + d, 25, 25, 0.05) >= 0.8 > co.fisher_power(0.5, 0.5 + d - 0.005, 25, 25, 0.05)


def test_every_cell_has_its_seeds_on_both_sides():
    for path in (ORIGINAL, OURS):
        rows = co.read_outcomes(path)
        assert {r["cell"] for r in rows} == set(CELLS)
        for cell in CELLS:
            seeds = sorted(int(r["seed"]) for r in rows if r["cell"] == cell)
            assert seeds == list(SEEDS), (path.name, cell)
    extra = co.read_outcomes(OURS_EXTRA)
    assert {r["cell"] for r in extra} == set(PRIMARY_CELLS)
    for cell in PRIMARY_CELLS:
        assert sorted(int(r["seed"]) for r in extra if r["cell"] == cell) == list(EXTRA_SEEDS), cell


def test_success_rates_agree():
    pooled = co.compare(co.read_outcomes(ORIGINAL), co.read_outcomes(OURS) + co.read_outcomes(OURS_EXTRA))
    for cell, r in pooled.items():
        assert r["fisher_p"] >= FISHER_ALPHA, (
            f"{cell}: original {r['original'].solved}/{r['original'].n} vs nalm {r['ours'].solved}/{r['ours'].n}, "
            f"Fisher p = {r['fisher_p']:.3g}"
        )


def test_final_extrapolation_mse_distributions_agree(results):
    for cell, r in results.items():
        if cell in KNOWN_MSE_DIFFERENCES:
            continue
        assert r["ks_final_p"] >= DISTRIBUTION_ALPHA, (cell, r["ks_final_p"])
        assert r["mw_final_p"] >= DISTRIBUTION_ALPHA, (cell, r["mw_final_p"])


def test_known_mse_difference_is_below_the_threshold_on_both_sides():
    for path in (ORIGINAL, OURS):
        for row in co.read_outcomes(path):
            if row["cell"] in KNOWN_MSE_DIFFERENCES:
                assert co.final_mse(row) < 1e-6 * float(row["threshold"]), (path.name, row["seed"])


def test_solved_at_and_sparsity_error_agree(results):
    for cell, r in results.items():
        for key in ("mw_solved_at_p", "mw_sparsity_p"):
            if not math.isnan(r[key]):
                assert r[key] >= DISTRIBUTION_ALPHA, (cell, key, r[key])


def test_nalm_summary_of_the_original_runs_matches_their_outcomes():
    """Issue 5 item 4: nalm export + summarize of the original's files = the direct computation."""
    with open(ORIGINAL_SUMMARY, newline="") as handle:
        summary = list(csv.DictReader(handle))
    original = co.read_outcomes(ORIGINAL)
    assert len(summary) == len({r["cell"] for r in original})
    for row in summary:
        rows = [
            r for r in original
            if r["model"].replace(" ", "") == row["module"].replace(" ", "")
            and r["op"] == row["operation"]
            and "U" + r["interpolation_range"] == row["interpolation.range"]
        ]
        side = co.side(rows)
        lo, hi = side.wilson
        assert int(row["n"]) == side.n and int(row["solved"]) == side.solved
        assert float(row["success.rate.lower"]) == pytest.approx(lo, abs=1e-12)
        assert float(row["success.rate.upper"]) == pytest.approx(hi, abs=1e-12)
        if side.solved_at:
            assert float(row["converged.at.median"]) == co._median(side.solved_at)


def test_extractor_agrees_with_tensorboards_own_readout_of_original_files():
    root = original_events_dir()
    outcomes = {r["cell"]: r for r in extract.extract(str(root))}
    with open(root / "tensorboard-readout.csv", newline="") as handle:
        readout = list(csv.DictReader(handle))
    assert set(outcomes) == {r["module_dir"] for r in readout}
    for cell, mine in outcomes.items():
        rows = []
        for r in (r for r in readout if r["module_dir"] == cell):
            tags = dict(item.split("=") for item in r["sparsity_tags"].split(";") if item)
            rows.append((int(r["step"]), float(r["metric.valid.interpolation"]),
                         float(r["metric.test.extrapolation"]),
                         extract.sparsity_error({t: float(v) for t, v in tags.items()})))
        expected = extract.outcomes(rows, mine["threshold"])
        for key, value in expected.items():
            assert mine[key] == value or (isinstance(value, float) and math.isnan(value) and math.isnan(mine[key])), (cell, key)


def _initial_mse():
    table = {}
    with open(HERE / "initial_validation_mse.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            table.setdefault(row["cell"], []).append((float(row["original"]), float(row["nalm"])))
    return table


def test_initial_state_distributions_agree():
    """Step-0 validation MSE over 1000 seeds: initialisation and forward pass in distribution."""
    from scipy import stats

    table = _initial_mse()
    assert set(table) == set(CELLS)
    for cell, pairs in table.items():
        original, ours = zip(*pairs)
        assert len(original) == 1000
        assert stats.ks_2samp(original, ours).pvalue >= DISTRIBUTION_ALPHA, cell


def test_committed_initial_mse_is_what_nalm_computes_now():
    """If this fails, initialisation changed: regenerate the nalm column and re-run the checks."""
    from initial_validation_mse import initial_validation_mse

    table = _initial_mse()
    for cell, (preset, op, interpolation, extrapolation, _range_id) in CELLS.items():
        now = initial_validation_mse(preset, op, interpolation, extrapolation, range(20))
        committed = [ours for _original, ours in table[cell][:20]]
        assert now.tolist() == pytest.approx(committed, rel=1e-6), cell
