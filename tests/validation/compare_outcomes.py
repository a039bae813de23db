"""Compare per-seed outcomes of the original implementation with this project's, cell by cell.

Both inputs are CSVs as written by `extract_original_outcomes.py` (one row per run, a `cell`
column naming the module x op x range pair). Per cell it reports:

* success rate k/n with the Wilson 95% interval (as `compute.summary` in the original's
  `export/_compute_summary.r`) and a two-sided Fisher exact test of equal success probability;
  as its effect size, the difference nalm − original with Newcombe's hybrid-score 95% interval
  (Newcombe, Statistics in Medicine 17:873–890, 1998, method 10);
* the median "solved at" step and the median sparsity error at the best step, both over the
  solved runs only (the populations that the Gamma and Beta fits of `compute.summary`
  summarise), with a Mann-Whitney U test where both sides have at least three solved runs;
* quantiles of the final (step 50,000) extrapolation MSE over all runs, with two-sample
  Kolmogorov-Smirnov and Mann-Whitney U tests, with their effect sizes: the KS distance D and
  Cliff's delta (P(nalm > original) − P(nalm < original)). A run without a finite final value
  (diverged: the original stops at a NaN, ours logs NaN) ranks as +infinity.

`detectable_difference` gives the smallest success-rate difference the Fisher test detects with
a given power: the exact power, summed over every outcome (k1, k2) of two binomial samples.

    python tests/validation/compare_outcomes.py ORIGINAL.csv OURS.csv [--extra MORE_SEEDS.csv]
"""

import argparse
import csv
import functools
import math
import sys
from dataclasses import dataclass

import numpy as np
from scipy import stats

Z95 = 1.959963984540054  # qnorm(0.975)
FINAL_STEP = 50000


def read_outcomes(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def wilson(k: int, n: int, z: float = Z95):
    """Wilson score interval without continuity correction (binom.confint method='wilson')."""
    if n == 0:
        return math.nan, math.nan
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe(k1: int, n1: int, k2: int, n2: int, z: float = Z95):
    """Interval of p2 − p1 from the two Wilson intervals (Newcombe 1998, method 10)."""
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson(k1, n1, z)
    l2, u2 = wilson(k2, n2, z)
    difference = p2 - p1
    return (difference - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2),
            difference + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2))


@functools.cache
def _fisher_rejects(n1: int, n2: int, alpha: float) -> np.ndarray:
    """[k1, k2] -> whether the two-sided Fisher exact test rejects at alpha."""
    rejects = np.zeros((n1 + 1, n2 + 1), dtype=bool)
    for k1 in range(n1 + 1):
        for k2 in range(n2 + 1):
            table = [[k1, n1 - k1], [k2, n2 - k2]]
            rejects[k1, k2] = stats.fisher_exact(table).pvalue <= alpha
    return rejects


def fisher_power(p1: float, p2: float, n1: int, n2: int, alpha: float) -> float:
    """Exact power of the two-sided Fisher test for success probabilities p1 (n1 runs), p2 (n2)."""
    pmf1 = stats.binom.pmf(np.arange(n1 + 1), n1, p1)
    pmf2 = stats.binom.pmf(np.arange(n2 + 1), n2, p2)
    return float((np.outer(pmf1, pmf2) * _fisher_rejects(n1, n2, alpha)).sum())


def detectable_difference(p1: float, n1: int, n2: int, alpha=0.05, power=0.8, sign=1, step=0.005):
    """Smallest |p2 − p1| (p2 above p1 when sign > 0, below otherwise), on a grid of `step`,
    that the Fisher test detects with at least `power`; NaN when no p2 in [0, 1] reaches it."""
    for i in range(1, round(1 / step) + 1):
        p2 = p1 + sign * i * step
        if not -1e-12 <= p2 <= 1 + 1e-12:
            break
        if fisher_power(p1, min(max(p2, 0.0), 1.0), n1, n2, alpha) >= power:
            return i * step
    return math.nan


def _float(text):
    return math.nan if text in ("", None) else float(text)


def final_mse(row) -> float:
    """Extrapolation MSE at the last iteration (the row's `final_step` where it has one, else
    FINAL_STEP); +inf when the run did not reach it finite."""
    value = _float(row["extrapolation_mse_last"])
    if int(row["last_step"]) != int(row.get("final_step") or FINAL_STEP) or not math.isfinite(value):
        return math.inf
    return value


@dataclass
class Side:
    n: int
    solved: int
    wilson: tuple
    solved_at: list
    sparsity: list
    final: list

    @property
    def rate(self):
        return self.solved / self.n if self.n else math.nan


def side(rows) -> Side:
    solved = [r for r in rows if r["solved"] == "1"]
    k, n = len(solved), len(rows)
    return Side(
        n=n, solved=k, wilson=wilson(k, n),
        solved_at=[float(r["solved_at"]) for r in solved if r["solved_at"] != ""],
        sparsity=[_float(r["sparsity_error_best"]) for r in solved],
        final=sorted(final_mse(r) for r in rows),
    )


def _median(values):
    return float(np.median(values)) if values else math.nan


def _finite_for_tests(values):
    # scipy's rank tests handle inf, but mapping it to a huge finite number keeps KS exact.
    return np.array([v if math.isfinite(v) else 1e300 for v in values])


def compare_cell(original_rows, our_rows) -> dict:
    a, b = side(original_rows), side(our_rows)
    fisher = stats.fisher_exact([[a.solved, a.n - a.solved], [b.solved, b.n - b.solved]]).pvalue
    fa, fb = _finite_for_tests(a.final), _finite_for_tests(b.final)
    ks_test = stats.ks_2samp(fa, fb)
    mw = stats.mannwhitneyu(fb, fa, alternative="two-sided")  # U of nalm's sample
    mw_final = mw.pvalue
    mw_at = (stats.mannwhitneyu(a.solved_at, b.solved_at, alternative="two-sided").pvalue
             if len(a.solved_at) >= 3 and len(b.solved_at) >= 3 else math.nan)
    mw_sparsity = (stats.mannwhitneyu(a.sparsity, b.sparsity, alternative="two-sided").pvalue
                   if len(a.sparsity) >= 3 and len(b.sparsity) >= 3 else math.nan)
    return {
        "original": a, "ours": b, "fisher_p": float(fisher), "ks_final_p": float(ks_test.pvalue),
        "rate_difference": b.rate - a.rate, "rate_difference_ci": newcombe(a.solved, a.n, b.solved, b.n),
        "ks_final_d": float(ks_test.statistic), "cliffs_delta_final": 2 * float(mw.statistic) / (len(fa) * len(fb)) - 1,
        "mw_final_p": float(mw_final), "mw_solved_at_p": float(mw_at),
        "mw_sparsity_p": float(mw_sparsity),
    }


def compare(original, ours) -> dict:
    """{cell: compare_cell(...)} for every cell present in both tables."""
    cells = sorted({r["cell"] for r in original} & {r["cell"] for r in ours})
    return {
        cell: compare_cell([r for r in original if r["cell"] == cell], [r for r in ours if r["cell"] == cell])
        for cell in cells
    }


def _g(value, digits=3):
    if isinstance(value, float) and math.isinf(value):
        return "diverged"
    if isinstance(value, float) and math.isnan(value):
        return "–"
    return f"{value:.{digits}g}"


def _quantiles(values):
    q = np.quantile(np.array(values), [0.1, 0.5, 0.9], method="inverted_cdf")
    return " / ".join(_g(float(v), 2) for v in q)


def markdown(results) -> str:
    lines = [
        "| cell | impl. | solved | rate [Wilson 95%] | median solved at | median sparsity error | final extrap. MSE q10 / q50 / q90 |",
        "|---|---|---|---|---|---|---|",
    ]
    for cell, r in results.items():
        for label, s in (("original", r["original"]), ("nalm", r["ours"])):
            lo, hi = s.wilson
            lines.append(
                f"| {cell} | {label} | {s.solved}/{s.n} | {s.rate:.2f} [{lo:.2f}, {hi:.2f}] | "
                f"{_g(_median(s.solved_at), 4)} | {_g(_median(s.sparsity), 2)} | {_quantiles(s.final)} |"
            )
    lines += [
        "",
        "| cell | success rate nalm − original [95% CI] | Fisher exact p | final MSE: KS D (p) | final MSE: Cliff's δ (Mann-Whitney p) | Mann-Whitney p (solved at) | Mann-Whitney p (sparsity) |",
        "|---|---|---|---|---|---|---|",
    ]
    for cell, r in results.items():
        lo, hi = r["rate_difference_ci"]
        lines.append(
            f"| {cell} | {r['rate_difference']:+.2f} [{lo:+.2f}, {hi:+.2f}] | {_g(r['fisher_p'], 2)} | "
            f"{r['ks_final_d']:.2f} ({_g(r['ks_final_p'], 2)}) | {r['cliffs_delta_final']:+.2f} ({_g(r['mw_final_p'], 2)}) | "
            f"{_g(r['mw_solved_at_p'], 2)} | {_g(r['mw_sparsity_p'], 2)} |"
        )
    return "\n".join(lines)


def pooled_markdown(original, ours) -> str:
    """Success rates of the original against every nalm seed available (e.g. seeds 0-224)."""
    lines = [
        "| cell | original solved | nalm solved (all seeds) | nalm rate [Wilson 95%] | nalm − original [95% CI] | Fisher exact p |",
        "|---|---|---|---|---|---|",
    ]
    for cell, r in compare(original, ours).items():
        a, b = r["original"], r["ours"]
        lo, hi = b.wilson
        d_lo, d_hi = r["rate_difference_ci"]
        lines.append(f"| {cell} | {a.solved}/{a.n} | {b.solved}/{b.n} | {b.rate:.2f} [{lo:.2f}, {hi:.2f}] | "
                     f"{r['rate_difference']:+.2f} [{d_lo:+.2f}, {d_hi:+.2f}] | {_g(r['fisher_p'], 2)} |")
    return "\n".join(lines)


def power_markdown(rates=(0.1, 0.3, 0.5, 0.7, 0.9),
                   designs=((25, 25, 0.05), (25, 25, 0.01), (25, 225, 0.05)), power=0.8) -> str:
    """Smallest success-rate difference (down / up) the Fisher test detects with `power`, per
    original rate, for each design (original runs, nalm runs, alpha)."""
    header = " | ".join(f"{n1} vs {n2}, α = {alpha}: down / up" for n1, n2, alpha in designs)
    lines = [f"| original rate | {header} |", "|---" * (1 + len(designs)) + "|"]
    for rate in rates:
        cells = []
        for n1, n2, alpha in designs:
            down = detectable_difference(rate, n1, n2, alpha, power, sign=-1)
            up = detectable_difference(rate, n1, n2, alpha, power, sign=1)
            cells.append(" / ".join("–" if math.isnan(d) else f"{d:.2f}" for d in (down, up)))
        lines.append(f"| {rate:.1f} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("original")
    parser.add_argument("ours")
    parser.add_argument("--extra", action="append", default=[],
                        help="more nalm outcomes (other seeds) pooled with OURS for a success-rate table")
    args = parser.parse_args(argv)
    original, ours = read_outcomes(args.original), read_outcomes(args.ours)
    results = compare(original, ours)
    if not results:
        sys.exit("no cell in common")
    print(markdown(results))
    if args.extra:
        pooled = ours + [row for path in args.extra for row in read_outcomes(path)]
        print()
        print(pooled_markdown(original, pooled))
    print()
    print(power_markdown())


if __name__ == "__main__":
    main()
