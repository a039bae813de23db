"""Maximum likelihood in (μ, nuisance) with bbmle-style profile-likelihood intervals for μ.

The original (`export/_compute_summary.r` in `bmistry4/nalm-benchmark`) fits with `bbmle::mle2`
and takes `confint(fit, 'mu')`. That is:

1. The MLE θ̂ = (μ̂, ν̂) and its negative log-likelihood ℓ̂. Here μ̂ maximises the profile
   ℓ_p(μ) = min_ν ℓ(μ, ν), both searches one-dimensional and bounded, so the optimum is
   found to high precision whatever the start.
2. The standard error of μ from the inverse of a numerical Hessian (numDeriv's Richardson
   scheme, as mle2 uses: relative step 0.1, halved 3 times); sqrt(1/H_μμ) if that fails.
3. The profile: from μ̂, steps of del·se (del = zmax/5, zmax = √χ²₂(0.995), the bbmle defaults
   with p = 2 parameters) down and up until |z| ≥ zmax or a bound, where the signed root
   z(μ) = sign(μ − μ̂)·√(2(ℓ_p(μ) − ℓ̂)); then bbmle's extra points (fractional steps and the
   bound itself when the cutoff was not reached, half steps when fewer than 5 points).
   A profile point more than 0.001 deviance below ℓ̂ means the fit had not converged:
   refit from that point and profile again.
4. The interval: an FMM spline through (μ, z) on 3·n points, read back linearly at
   z = ±1.96 (qnorm(0.975)); plain linear reading when z or the spline is not monotone.
   A side that the profile never reaches is NaN (R's `approx` gives NA there).
"""

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from nalm.analysis.spline import approx, spline

LEVEL = 0.95
ZMAX = math.sqrt(stats.chi2.ppf(1.0 - 0.01 / 2.0, 2))  # bbmle: alpha = 0.01, p = 2 parameters
DEL = ZMAX / 5.0
MAX_STEPS = 100
TOL_NEWMIN = 0.001  # deviance drop that counts as "profiling found a better fit"
NUISANCE_SPAN = 60.0  # how many e-folds above max(ν̂, 1) the nuisance search reaches


@dataclass
class Model:
    """A negative log-likelihood ℓ(μ, ν) with box bounds (the mle2 `lower`/`upper`)."""

    nll: callable
    mu_bounds: tuple
    nuisance_lower: float

    def value(self, mu, nuisance):
        with np.errstate(all="ignore"):
            value = float(self.nll(mu, nuisance))
        return value


@dataclass
class Fit:
    mu: float
    nuisance: float
    nll: float


def profile_nuisance(model, mu, scale=1.0):
    """min over ν ≥ lower of ℓ(μ, ν), searched on log(ν/scale); returns (ν, ℓ).

    Brent's tolerance grows with |argument|, so the search variable is centred on `scale`
    (the expected size of ν) to keep full relative precision.
    """
    low = math.log(model.nuisance_lower / scale)
    high = math.log(max(scale, 1.0) / scale) + NUISANCE_SPAN

    def objective(log_ratio):
        value = model.value(mu, scale * math.exp(log_ratio))
        return value if math.isfinite(value) else 1e300

    result = optimize.minimize_scalar(
        objective, bounds=(low, high), method="bounded", options={"xatol": 1e-10, "maxiter": 2000}
    )
    nuisance = scale * math.exp(result.x)
    # The bounded search never lands exactly on the bound; compare with it explicitly.
    at_bound = model.value(mu, model.nuisance_lower)
    value = model.value(mu, nuisance)
    if math.isfinite(at_bound) and not at_bound > value:
        return model.nuisance_lower, at_bound
    return nuisance, value


def fit(model, mu_search, scale=1.0, centre=1.0):
    """The MLE, maximising the profile over μ in `mu_search` = (low, high), 0 < low ≤ high.

    The search runs on log(μ/centre), with `centre` near μ̂ (the sample mean), so that tiny
    means (sparsity errors of 1e-9) and large ones (steps of 1e5) keep full relative precision.
    """

    def objective(log_ratio):
        value = profile_nuisance(model, centre * math.exp(log_ratio), scale)[1]
        return value if math.isfinite(value) else 1e300

    low, high = mu_search
    if low >= high:
        mu = low
    else:
        log_ratio = optimize.minimize_scalar(
            objective, bounds=(math.log(low / centre), math.log(high / centre)), method="bounded",
            options={"xatol": 1e-12, "maxiter": 2000},
        ).x
        mu = min(max(centre * math.exp(log_ratio), low), high)
    nuisance, value = profile_nuisance(model, mu, scale)
    return Fit(mu, nuisance, value)


def hessian(function, point, relative_step=0.1, zero_step=1e-4, rounds=4):
    """numDeriv-style Hessian: central differences at steps d·|x| halved each round,
    combined by Richardson extrapolation. Any non-finite evaluation makes it NaN."""
    point = np.asarray(point, dtype=float)
    size = point.size
    base = function(point)
    steps = relative_step * np.abs(point) + zero_step * (np.abs(point) < 1.8e-5)
    estimates = []
    for _ in range(rounds):
        h = np.zeros((size, size))
        for i in range(size):
            e = np.zeros(size)
            e[i] = steps[i]
            h[i, i] = (function(point + e) - 2.0 * base + function(point - e)) / steps[i] ** 2
        for i in range(size):
            for j in range(i):
                e = np.zeros(size)
                e[i], e[j] = steps[i], steps[j]
                mixed = function(point + e) - 2.0 * base + function(point - e)
                h[i, j] = h[j, i] = (
                    mixed - h[i, i] * steps[i] ** 2 - h[j, j] * steps[j] ** 2
                ) / (2.0 * steps[i] * steps[j])
        estimates.append(h)
        steps = steps / 2.0
    for order in range(1, rounds):
        factor = 4.0**order
        estimates = [
            (factor * estimates[k + 1] - estimates[k]) / (factor - 1.0)
            for k in range(len(estimates) - 1)
        ]
    result = estimates[0]
    return result if np.all(np.isfinite(result)) else np.full((size, size), np.nan)


def standard_errors(model, result):
    """(se from the inverse Hessian, sqrt(1/diag H)) for (μ, ν), NaN where undefined."""
    matrix = hessian(lambda p: model.value(p[0], p[1]), [result.mu, result.nuisance])
    with np.errstate(all="ignore"):
        try:
            covariance = np.linalg.inv(matrix) if np.all(np.isfinite(matrix)) else None
        except np.linalg.LinAlgError:
            covariance = None
        from_inverse = (
            np.sqrt(np.diag(covariance)) if covariance is not None else np.full(2, np.nan)
        )
        from_diagonal = np.sqrt(1.0 / np.diag(matrix))
    return from_inverse, from_diagonal


class BetterFit(Exception):
    """Profiling met a point clearly better than the fit (bbmle returns a new fit)."""

    def __init__(self, mu, nuisance):
        super().__init__(mu, nuisance)
        self.mu, self.nuisance = mu, nuisance


def profile(model, result, std_err, scale=1.0):
    """The (μ, z) points of bbmle's profile of μ (see the module docstring, step 3)."""
    lbound, ubound = model.mu_bounds
    points = [(result.mu, 0.0)]

    def onestep(value, sign):
        nuisance, nll = profile_nuisance(model, value, scale)
        if not math.isfinite(nll):
            return math.nan
        deviance = 2.0 * (nll - result.nll)
        if deviance < 0:
            if deviance <= -TOL_NEWMIN:
                raise BetterFit(value, nuisance)
            z = 0.0
        else:
            z = sign * math.sqrt(deviance)
        points.append((value, z))
        return z

    for sign in (-1.0, 1.0):
        def position(step):
            return result.mu + sign * step * DEL * std_err

        def outside(value):
            return (sign < 0 and value < lbound) or (sign > 0 and value > ubound)

        step, z = 0, 0.0
        hit_bound = flat = False
        old_value = old_z = None
        while True:
            step += 1
            if not (step < MAX_STEPS and (math.isnan(z) or abs(z) < ZMAX)):
                break
            value = position(step)
            if outside(value):
                hit_bound = True
                break
            z = onestep(value, sign)
            if step > 1 and (value == old_value or z == old_z):
                flat = True
                break
            old_value, old_z = value, z
            if math.isnan(z):
                break
        if flat:
            continue
        reached = not math.isnan(z) and abs(z) >= ZMAX
        if not reached:
            for fraction in (0.2, 0.4, 0.6, 0.8, 0.9):
                value = position(step - 1 + fraction)
                if outside(value):
                    break
                z = onestep(value, sign)
                if math.isnan(z) or abs(z) > ZMAX:
                    break
            if hit_bound:
                bound = lbound if sign < 0 else ubound
                if (sign < 0 and result.mu > bound) or (sign > 0 and result.mu < bound):
                    onestep(bound, sign)
        elif len(points) < 5:
            half = 1.5
            while half < step - 1:
                onestep(position(half), sign)
                half += 1.0
    points.sort(key=lambda point: point[0])
    return np.array([p[0] for p in points]), np.array([p[1] for p in points])


def interval(values, z, level=LEVEL):
    """bbmle's `confint` on a profile: spline, then linear read-back at ±qnorm(0.975)."""
    cutoff = stats.norm.ppf([(1 - level) / 2, 1 - (1 - level) / 2])
    if np.any(np.diff(z) < 0):
        bounds = approx(z, values, cutoff)
    else:
        grid, smooth = spline(values, z)
        if np.any(np.diff(smooth) < 0):
            bounds = approx(z, values, cutoff)
        else:
            bounds = approx(smooth, grid, cutoff)
    if not np.any(np.isnan(bounds)):
        bounds = np.sort(bounds)
    return float(bounds[0]), float(bounds[1])


def fit_with_interval(model, mu_search, scale=1.0, centre=1.0, max_refits=20):
    """MLE, (se_inverse, se_diagonal) and the profile interval of μ, refitting as bbmle does.

    Returns (fit, errors, (lower, upper)); (NaN, NaN) when no std. error can start the profile.
    """
    result = fit(model, mu_search, scale, centre)
    for _ in range(max_refits):
        errors = standard_errors(model, result)
        std_err = errors[0][0] if math.isfinite(errors[0][0]) else errors[1][0]
        if not math.isfinite(std_err) or std_err <= 0:
            return result, errors, (math.nan, math.nan)
        try:
            values, z = profile(model, result, std_err, scale)
        except BetterFit as better:
            result = refit_from(model, better, scale)
            continue
        return result, errors, interval(values, z)
    return result, errors, (math.nan, math.nan)


def refit_from(model, better, scale):
    """A local refit started at the better profile point (the original's `while` loop)."""

    def objective(mu):
        value = profile_nuisance(model, mu, scale)[1]
        return value if math.isfinite(value) else 1e300

    low, high = model.mu_bounds
    span = max(abs(better.mu) * 1e-3, 1e-12)
    bracket = (max(low, better.mu - span), better.mu, min(high, better.mu + span))
    try:
        mu = optimize.minimize_scalar(objective, bracket=bracket, method="brent").x
    except ValueError:  # no downhill bracket: keep the better point itself
        mu = better.mu
    mu = min(max(mu, low), high)
    nuisance, value = profile_nuisance(model, mu, scale)
    if not value < model.value(better.mu, better.nuisance):
        return Fit(better.mu, better.nuisance, model.value(better.mu, better.nuisance))
    return Fit(mu, nuisance, value)
