"""Interpolation helpers with R's semantics, for the profile-likelihood intervals of
`export/_compute_summary.r` (`bmistry4/nalm-benchmark`).

bbmle's `confint` turns a likelihood profile into an interval with R's `spline()` (the
Forsythe–Malcolm–Moler cubic spline, evaluated on 3·n evenly spaced points) and R's
`approx()` (linear, NA outside the data). These are re-derived here from their definitions.
"""

import numpy as np


def _regularize(x, y):
    """Sort by x and average y over tied x, as R's `regularize.values(ties = mean)` does."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    unique, inverse = np.unique(x, return_inverse=True)
    sums = np.bincount(inverse, weights=y, minlength=unique.size)
    counts = np.bincount(inverse, minlength=unique.size)
    return unique, sums / counts


def approx(x, y, xout):
    """Linear interpolation of y(x) at `xout`; NaN outside [min x, max x] (R `approx`, rule 1)."""
    x, y = _regularize(x, y)
    xout = np.asarray(xout, dtype=float)
    if x.size == 0:
        return np.full(xout.shape, np.nan)
    if x.size == 1:
        return np.where(xout == x[0], y[0], np.nan)
    values = np.interp(xout, x, y)
    return np.where((xout < x[0]) | (xout > x[-1]), np.nan, values)


def fmm_second_derivatives(x, y):
    """Knot second derivatives M of the FMM cubic spline through sorted, distinct knots.

    Interior knots: the usual C² conditions
        h₋·M₋ + 2(h₋ + h₊)·M + h₊·M₊ = 6(δ₊ − δ₋),  δ = slope of a segment.
    Ends (FMM): the spline's third derivative on the first/last segment equals that of the
    cubic through the four end knots, 6·f[x₁,x₂,x₃,x₄]; with three knots it is zero
    (the spline is then the parabola through them); with two, the spline is a line.
    """
    n = x.size
    if n < 3:
        return np.zeros(n)
    h = np.diff(x)
    slope = np.diff(y) / h
    matrix = np.zeros((n, n))
    rhs = np.zeros(n)
    for i in range(1, n - 1):
        matrix[i, i - 1 : i + 2] = (h[i - 1], 2.0 * (h[i - 1] + h[i]), h[i])
        rhs[i] = 6.0 * (slope[i] - slope[i - 1])
    if n == 3:
        third_start = third_end = 0.0
    else:
        def third_difference(xs, ys):
            first = np.diff(ys) / np.diff(xs)
            second = np.diff(first) / (xs[2:] - xs[:-2])
            return (second[1] - second[0]) / (xs[3] - xs[0])

        third_start = 6.0 * third_difference(x[:4], y[:4])
        third_end = 6.0 * third_difference(x[-4:], y[-4:])
    # (M₂ − M₁)/h₁ = S''' on the first segment, likewise on the last.
    matrix[0, 0:2] = (-1.0, 1.0)
    rhs[0] = third_start * h[0]
    matrix[-1, -2:] = (-1.0, 1.0)
    rhs[-1] = third_end * h[-1]
    return np.linalg.solve(matrix, rhs)


def spline(x, y, n=None):
    """R's `spline(x, y, n = 3·length(x), method = "fmm")`: (grid, values) on even points."""
    x, y = _regularize(x, y)
    if n is None:
        n = 3 * x.size
    grid = np.linspace(x[0], x[-1], n)
    if x.size == 1:
        return grid, np.full(n, y[0])
    second = fmm_second_derivatives(x, y)
    segment = np.clip(np.searchsorted(x, grid, side="right") - 1, 0, x.size - 2)
    h = x[segment + 1] - x[segment]
    t = grid - x[segment]
    m0, m1 = second[segment], second[segment + 1]
    slope = (y[segment + 1] - y[segment]) / h - h * (2.0 * m0 + m1) / 6.0
    values = y[segment] + slope * t + m0 / 2.0 * t**2 + (m1 - m0) / (6.0 * h) * t**3
    return grid, values
