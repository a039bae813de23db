"""iNALU's re-initialisation test against a direct list implementation of the original's
(`--reinit` in `bmistry4/nalm-benchmark`'s `experiments/single_layer_benchmark.py`).
"""

import numpy as np

from nalm.core.reinit import ReinitTest


def reference(logged, iterations, log_interval, interval=10, max_stored=5000, threshold=1.0):
    """The rule as the original states it: a list of the last logged MSE, appended every iteration."""
    losses, fired = [], []
    for t in range(iterations + 1):
        losses.append(logged[t // log_interval])
        if t % interval == 0 and t > 0 and len(losses) > max_stored:
            last = losses[len(losses) // 2:]
            if np.mean(losses[: len(losses) // 2]) <= np.mean(last) + np.std(last) and np.mean(last) > threshold:
                fired.append(t)
                losses = []
    return fired


def vectorised(logged_runs, iterations, log_interval):
    test = ReinitTest(len(logged_runs), iterations, log_interval)
    fired = [[] for _ in logged_runs]
    for t in range(iterations + 1):
        if t % log_interval == 0:
            test.record(t, np.array([run[t // log_interval] for run in logged_runs]))
        for r in test.check(t):
            fired[r].append(t)
    return fired


def test_matches_the_list_rule_on_random_histories():
    rng = np.random.default_rng(0)
    iterations, log_interval = 30_000, 1000
    runs = [
        list(rng.uniform(0.5, 3.0, 31)),  # noisy around the threshold
        [5.0] * 31,  # flat and high: re-initialises every 5000+ iterations
        list(np.linspace(10, 0.1, 31)),  # improving: never
        [0.5] * 31,  # below the threshold: never
        list(rng.uniform(1.0, 100.0, 31)),
    ]
    assert vectorised(runs, iterations, log_interval) == [reference(r, iterations, log_interval) for r in runs]


def test_first_possible_check_is_at_5000():
    # The original's check: the list must hold more than 5000 values and t % 10 == 0
    assert reference([5.0] * 11, 10_000, 1000)[0] == 5000
    assert vectorised([[5.0] * 11], 10_000, 1000)[0][0] == 5000


def test_counter_values_start_at_zero():
    test = ReinitTest(2, 1000, 100)
    assert test.count(np.array([1])).tolist() == [0]
    assert test.count(np.array([0, 1])).tolist() == [0, 1]
