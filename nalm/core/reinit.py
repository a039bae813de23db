"""iNALU's re-initialisation test, vectorised over runs (`--reinit` in `bmistry4/nalm-benchmark`'s
`experiments/single_layer_benchmark.py`).

The original appends the *last logged* validation MSE to a list at the end of every
iteration. Every `interval` iterations (t > 0), once the list holds more than
`max_stored_losses` values, it splits the list into halves (first = [:n//2], last = [n//2:])
and re-initialises when mean(first) ≤ mean(last) + std(last) (population std) and
mean(last) > `loss_threshold`; the list is then cleared. Adam's state is kept.

Because the appended value only changes at log steps, the list is piecewise constant: run r's
list at iteration t is v(u) for u in [start_r, t], with v(u) the MSE logged at step
L·floor(u/L). So the means are weighted sums over the logged values, with no list kept.
"""

import numpy as np


class ReinitTest:
    def __init__(self, runs: int, iterations: int, log_interval: int, interval: int = 10,
                 max_stored_losses: int = 5000, loss_threshold: float = 1.0):
        self.log_interval = log_interval
        self.interval = interval
        self.max_stored = max_stored_losses
        self.threshold = loss_threshold
        self.logged = np.full((runs, iterations // log_interval + 1), np.nan)
        self.start = np.zeros(runs, dtype=np.int64)
        self.counter = np.zeros(runs, dtype=np.int64)
        blocks = np.arange(self.logged.shape[1])
        self._block_first = blocks * log_interval
        self._block_last = self._block_first + log_interval - 1

    def record(self, iteration: int, validation_mse: np.ndarray) -> None:
        """The validation MSE logged at `iteration` (a log step), per run."""
        self.logged[:, iteration // self.log_interval] = validation_mse

    def _moments(self, runs: np.ndarray, first: np.ndarray, last: np.ndarray):
        """Mean and population variance of v(u) over u in [first_k, last_k] for each run `runs[k]`."""
        lo = np.maximum(first[:, None], self._block_first[None, :])
        hi = np.minimum(last[:, None], self._block_last[None, :])
        counts = np.clip(hi - lo + 1, 0, None).astype(np.float64)
        total = counts.sum(axis=1)
        values = np.where(counts > 0, self.logged[runs], 0.0)
        mean = (counts * values).sum(axis=1) / total
        variance = (counts * (values - mean[:, None]) ** 2).sum(axis=1) / total
        return mean, variance

    def due(self, iteration: int) -> bool:
        return iteration > 0 and iteration % self.interval == 0

    def check(self, iteration: int) -> np.ndarray:
        """Indices of the runs to re-initialise after the update of `iteration`."""
        if not self.due(iteration):
            return np.empty(0, dtype=np.int64)
        length = iteration - self.start + 1
        eligible = np.flatnonzero(length > self.max_stored)
        if eligible.size == 0:
            return eligible
        start, half = self.start[eligible], length[eligible] // 2
        mean_first, _ = self._moments(eligible, start, start + half - 1)
        mean_last, var_last = self._moments(eligible, start + half, np.full_like(start, iteration))
        with np.errstate(invalid="ignore"):
            fire = (mean_first <= mean_last + np.sqrt(var_last)) & (mean_last > self.threshold)
        chosen = eligible[fire]
        self.start[chosen] = iteration + 1
        return chosen

    def count(self, runs: np.ndarray) -> np.ndarray:
        """The counter value each re-initialisation logs (0 for the first), then increment."""
        values = self.counter[runs].copy()
        self.counter[runs] += 1
        return values
