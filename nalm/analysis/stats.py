"""Per-cell summary statistics of the single-module benchmark (`compute.summary` in
`bmistry4/nalm-benchmark`'s `export/_compute_summary.r`, inherited from `AndreasMadsen/stable-nalu`).

* Success rate: Wilson score interval, z = qnorm(0.975), no continuity correction:
      centre = (p̂ + z²/2n) / (1 + z²/n),  half-width = z·√(p̂(1−p̂)/n + z²/4n²) / (1 + z²/n).
* Solved at: Gamma ML in mean–variance form, shape = μ²/σ², rate = μ/σ²,
  μ ∈ [0, ∞), σ² ∈ [1e-5, ∞), with the profile-likelihood interval of μ
  (`nalm.analysis.profile_likelihood`); when there are ≤ 1 values or sd ≤ 1e-5: the normal fallback.
* Sparsity error: values clamped to [1e-16, 0.5 − 1e-16]; Beta ML in (μ, v) with the
  original's parameterisation α = 2μv, β = (1 − 2μ)v (the density is evaluated on the raw
  x, so μ̂ is about half the sample mean, as the original's `compute.beta.stat` reports), or
  the corrected α = μv, β = (1 − μ)v; each point's log-density clamped to [−1e6, 1e6];
  μ ∈ [0, 0.5], v ∈ [1e-5, ∞). Normal fallback when ≤ 1 values, sd ≤ 1e-10, or when for some
  parameter both the inverse-Hessian std. error and √(1/H_ii) are undefined.
* Normal fallback: the mean, with mean ± t₀.₉₇₅,ₙ₋₁·sd/√n clamped to the μ bounds;
  NaN interval for n = 1, NaN mean for n = 0.
"""

import math

import numpy as np
from scipy import special, stats

from nalm.analysis.profile_likelihood import Model, fit_with_interval
from nalm.core.errors import UserError

Z_95 = stats.norm.ppf(0.975)
# The constants of `export/_compute_summary.r`:
GAMMA_SD_MIN = 1e-5  # below this sd the Gamma fit is skipped
BETA_SD_MIN = 1e-10  # below this sd the Beta fit is skipped
NUISANCE_MIN = 1e-5  # lower bound of σ² (Gamma) and v (Beta)
SPARSITY_CLAMP = 1e-16  # sparsity errors are clamped to [1e-16, 0.5 − 1e-16]
LOG_DENSITY_CLAMP = 1e6  # each Beta log-density is clamped to [−1e6, 1e6]
BETA_PARAMETERISATIONS = ("original", "corrected")


def wilson(successes, trials, z=Z_95):
    """(mean, lower, upper) of the Wilson interval (`binom.confint(method = 'wilson')`); NaN for n = 0."""
    if trials == 0:
        return math.nan, math.nan, math.nan
    p = successes / trials
    denominator = 1.0 + z * z / trials
    centre = (p + z * z / (2.0 * trials)) / denominator
    half = z * math.sqrt(p * (1.0 - p) / trials + z * z / (4.0 * trials * trials)) / denominator
    return p, centre - half, centre + half


def normal_stat(values, mu_lower, mu_upper):
    """(mean, lower, upper): the t-interval fallback `compute.normal.stat`, clamped to the μ bounds."""
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        return math.nan, math.nan, math.nan
    mean = float(values.mean())
    if values.size == 1:
        return mean, math.nan, math.nan
    half = abs(stats.t.ppf(0.025, values.size - 1)) * values.std(ddof=1) / math.sqrt(values.size)

    def clamp(value):
        return min(mu_upper, max(mu_lower, value)) if math.isfinite(value) else math.nan

    return mean, clamp(mean - half), clamp(mean + half)


def _sd(values):
    return float(np.std(values, ddof=1)) if values.size > 1 else math.nan


def _var(values):
    return float(np.var(values, ddof=1)) if values.size > 1 else math.nan


def gamma_nll(values):
    """ℓ(μ, σ²) = −Σ log Gamma(x; shape μ²/σ², rate μ/σ²); NaN outside the valid domain."""
    values = np.asarray(values, dtype=float)
    total, total_log = values.sum(), np.log(values).sum()
    count = values.size

    def nll(mu, variance):
        shape, rate = mu * mu / variance, mu / variance
        if not (shape >= 0 and rate > 0):
            return math.nan
        return -(count * (shape * math.log(rate) - special.gammaln(shape))
                 + (shape - 1.0) * total_log - rate * total)

    return nll


def gamma_stat(values):
    """Solved-at statistic (`compute.gamma.stat`): dict with mean, sigma.2, lower, upper."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    # A step of 0 has zero Gamma density for shape > 1 (infinite for < 1): the original's
    # optimiser stops with an error there; the normal fallback is used instead.
    if values.size > 1 and _sd(values) > GAMMA_SD_MIN and np.all(values > 0):
        model = Model(gamma_nll(values), (0.0, math.inf), NUISANCE_MIN)
        result, _, (lower, upper) = fit_with_interval(
            model, (float(values.min()), float(values.max())),
            scale=_var(values), centre=float(values.mean()),
        )
        return {"mean": result.mu, "sigma.2": result.nuisance, "lower": lower, "upper": upper}
    mean, lower, upper = normal_stat(values, 0.0, math.inf)
    return {"mean": mean, "sigma.2": _var(values), "lower": lower, "upper": upper}


def beta_shapes(mu, v, parameterisation):
    """(α, β) of the sparsity Beta: original α = 2μv, β = (1 − 2μ)v; corrected α = μv, β = (1 − μ)v."""
    if parameterisation == "original":
        return 2.0 * mu * v, (1.0 - 2.0 * mu) * v
    return mu * v, (1.0 - mu) * v


def beta_nll(values, parameterisation="original"):
    """ℓ(μ, v) = −Σ clamp(log Beta(x; α, β), ±1e6); NaN for a negative shape (R's dbeta)."""
    values = np.asarray(values, dtype=float)
    log_x, log_1mx = np.log(values), np.log1p(-values)

    def nll(mu, v):
        alpha, beta = beta_shapes(mu, v, parameterisation)
        if not (alpha >= 0 and beta >= 0):
            return math.nan
        with np.errstate(all="ignore"):
            density = (alpha - 1.0) * log_x + (beta - 1.0) * log_1mx - special.betaln(alpha, beta)
        density = np.where(np.isnan(density), -np.inf, density)  # 0·∞ at a zero shape
        return -float(np.clip(density, -LOG_DENSITY_CLAMP, LOG_DENSITY_CLAMP).sum())

    return nll


def beta_stat(values, parameterisation="original"):
    """Sparsity-error statistic (`compute.beta.stat`): dict with mean, v, lower, upper."""
    if parameterisation not in BETA_PARAMETERISATIONS:
        raise UserError(
            f"unknown beta parameterisation {parameterisation!r}: expected original or corrected"
        )
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    values = np.clip(values, SPARSITY_CLAMP, 0.5 - SPARSITY_CLAMP)
    top = 0.5 if parameterisation == "original" else 1.0
    with np.errstate(all="ignore"):
        mean = values.mean() if values.size else math.nan
        v_start = mean * (top - mean) / _var(values) - 1.0 if values.size > 1 else math.nan
    if values.size > 1 and _sd(values) > BETA_SD_MIN:
        model = Model(beta_nll(values, parameterisation), (0.0, 0.5), NUISANCE_MIN)
        result, (from_inverse, from_diagonal), (lower, upper) = fit_with_interval(
            model, (SPARSITY_CLAMP / 10.0, 0.5), centre=float(mean)
        )
        # The original's guard: some parameter with neither std. error defined.
        if not np.any(np.isnan(from_inverse) & np.isnan(from_diagonal)):
            return {"mean": result.mu, "v": result.nuisance, "lower": lower, "upper": upper}
    mean, lower, upper = normal_stat(values, 0.0, 0.5)
    return {"mean": mean, "v": v_start, "lower": lower, "upper": upper}


def compute_summary(solved, solved_at, sparse_error, parameterisation="original"):
    """One cell's `compute.summary` row from per-run `solved`, solved-at steps and sparsity errors.

    Solved-at and sparsity error use the solved runs only.
    """
    solved = np.asarray(solved, dtype=bool)
    converged = np.asarray(solved_at, dtype=float)[solved]
    sparse = np.asarray(sparse_error, dtype=float)[solved]
    rate_mean, rate_lower, rate_upper = wilson(int(solved.sum()), solved.size)
    gamma = gamma_stat(converged)
    beta = beta_stat(sparse, parameterisation)
    return {
        "success.rate.mean": rate_mean,
        "success.rate.lower": rate_lower,
        "success.rate.upper": rate_upper,
        "success.rate.max": math.nan,
        "converged.at.median": float(np.median(converged)) if converged.size else math.nan,
        "converged.at.sigma.2": gamma["sigma.2"],
        "converged.at.mean": gamma["mean"],
        "converged.at.lower": gamma["lower"],
        "converged.at.upper": gamma["upper"],
        "converged.at.max": float(np.max(converged)) if converged.size else math.nan,
        "sparse.error.v": beta["v"],
        "sparse.error.mean": beta["mean"],
        "sparse.error.lower": beta["lower"],
        "sparse.error.upper": beta["upper"],
        "sparse.error.max": math.nan,
    }
