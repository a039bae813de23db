"""The division-module paper's input distributions (`nalm.tasks.distributions`): each sampler
against its distribution (KS test on 10^5 draws), the original's fixed sets value for value
(bmistry4/nalm-division, stable_nalu/dataset/_simple_function_abstact.py), and the options."""

import numpy as np
import pytest
from scipy import stats

from nalm.core.errors import UserError
from nalm.core.random import DATA_STREAM, SIDE_STREAM, run_generator
from nalm.core.ranges import parse_range
from nalm.tasks.distributions import (
    BENFORD_PROBABILITIES,
    draw,
    original_inputs,
    parse_distribution,
)
from nalm.tasks.single_module import SingleModuleTask, evaluation_inputs

DRAWS = 100_000
ALPHA = 1e-3


def _benford_cdf(lo, hi):
    """Exact CDF of d·10^len(str(o)) + o, d ~ Benford digits, o ~ U{lo/10 .. hi/10 - 1}."""
    values, weights = [], []
    offsets = range(int(lo * 0.1), int(hi * 0.1))
    for digit, p in enumerate(BENFORD_PROBABILITIES):
        for o in offsets:
            values.append(digit * 10 ** len(str(o)) + o)
            weights.append(p / len(offsets))
    order = np.argsort(values)
    support, mass = np.asarray(values)[order], np.cumsum(np.asarray(weights)[order])
    return lambda x: mass[np.searchsorted(support, x, side="right") - 1] / mass[-1]


def _discrete_ks_pvalue(values, cdf):
    """KS test for a discrete distribution: D = sup over the support of |ECDF - F| (both
    right-continuous), against the continuous null distribution (conservative for discrete F)."""
    support = np.unique(values)
    ecdf = np.searchsorted(np.sort(values), support, side="right") / values.size
    statistic = np.max(np.abs(ecdf - cdf(support)))
    return stats.kstwo.sf(statistic, values.size)


def _generators(seed=5):
    return run_generator(seed, DATA_STREAM), run_generator(seed, SIDE_STREAM)


@pytest.mark.parametrize("dist, lo, hi", [
    ("truncated-normal -1 3 -10 3", -5, 10),
    ("truncated-normal 1 3 10 3", -10, 5),
    ("truncated-normal 0 1 10 1", -5, 5),
    ("truncated-normal 10 1 10 1", 5, 15),  # a bound far in the upper tail (mirrored sampling)
])
def test_truncated_normal_stream_follows_its_distribution(dist, lo, hi):
    d = parse_distribution(dist)
    values = draw(parse_range([lo, hi]), d, *_generators(), (DRAWS, 1)).ravel()
    mean, std = d.normal(False)
    reference = stats.truncnorm((lo - mean) / std, (hi - mean) / std, mean, std)
    assert values.min() >= lo and values.max() <= hi
    assert stats.kstest(values, reference.cdf).pvalue > ALPHA


@pytest.mark.parametrize("lo, hi", [(10, 100), (100, 1000)])
def test_benford_stream_follows_its_distribution(lo, hi):
    values = draw(parse_range([lo, hi]), parse_distribution("benford"), *_generators(), (DRAWS, 1)).ravel()
    assert _discrete_ks_pvalue(values, _benford_cdf(lo, hi)) > ALPHA
    digits = np.array([int(str(int(v))[0]) for v in values[:20_000]])
    shares = np.bincount(digits, minlength=10)[1:] / digits.size
    assert np.allclose(shares, BENFORD_PROBABILITIES[1:], atol=0.012)
    assert values.min() >= 11 * lo / 10 and values.max() <= hi - 1  # 11..99 and 110..999
    if lo == 10:
        assert 0 not in set(np.unique(values % 10))  # one-digit offsets 1..9: no last digit 0


def test_uniform_halves_stream_puts_each_half_in_its_range():
    values = draw(parse_range("[[-2,-1],[1,2],[]]"), parse_distribution("uniform"), *_generators(), (DRAWS, 10))
    assert stats.kstest(values[:, :5].ravel(), stats.uniform(-2, 1).cdf).pvalue > ALPHA
    assert stats.kstest(values[:, 5:].ravel(), stats.uniform(1, 1).cdf).pvalue > ALPHA


def test_original_draws_follow_their_distributions():
    rng = np.random.RandomState(3)
    tn = original_inputs(parse_range("[-15,-5]"), parse_distribution("truncated-normal -1 3 -10 3"), rng, (DRAWS, 1), True)
    assert stats.kstest(tn.ravel(), stats.truncnorm(-5 / 3, 5 / 3, -10, 3).cdf).pvalue > ALPHA
    benford = original_inputs(parse_range("[10,100]"), parse_distribution("benford"), rng, (DRAWS, 1), False)
    assert _discrete_ks_pvalue(benford.ravel(), _benford_cdf(10, 100)) > ALPHA


# The first two test/validation samples and targets of the original's fixed sets, printed by
# bmistry4/nalm-division's SimpleFunctionStaticDataset(...).fork(seed=...) (float32 values).
ORIGINAL_SETS = [
    ("div", 2, "[100,1000]", "benford", 8689336, True, [[374.0, 232.0], [224.0, 751.0]], [1.612069010734558, 0.29826897382736206]),
    ("div", 2, "[-5,10]", "truncated-normal -1 3 -10 3", 43953907, False,
     [[3.328211545944214, 2.717188835144043], [6.228331089019775, -2.727984666824341]], [1.2248730659484863, -2.283125162124634]),
    ("div", 2, "[-15,-5]", "truncated-normal -1 3 -10 3", 8689336, True,
     [[-9.77357006072998, -11.289708137512207], [-10.206140518188477, -6.716578960418701]], [0.865706205368042, 1.5195444822311401]),
    ("div", 2, "[[-2,-0.1],[0.1,2],[]]", "uniform", 43953907, False,
     [[-0.25561973452568054, 0.1965203434228897], [-0.11644671857357025, 0.5616271495819092]], [-1.3007291555404663, -0.2073381245136261]),
    ("reciprocal", 1, "[0,1e-3]", "uniform", 8689336, True, [[0.0005332613945938647], [0.0003160512715112418]],
     [1875.2528076171875, 3164.043701171875]),
]


@pytest.mark.parametrize("op, size, sample_range, dist, seed, extrapolation, inputs, targets", ORIGINAL_SETS)
def test_fixed_sets_are_the_originals(op, size, sample_range, dist, seed, extrapolation, inputs, targets):
    task = SingleModuleTask(op, size, 1.0 if size == 1 else 0.5, 0.0, 1 if op == "reciprocal" else 2)
    x = evaluation_inputs(parse_range(sample_range), size, seed, parse_distribution(dist), extrapolation)
    assert x[:2].astype(np.float32).tolist() == inputs
    assert task.targets_float64(x, 0)[:2].astype(np.float32).tolist() == targets


def test_distribution_texts_and_errors():
    tn = parse_distribution("truncated-normal -1 3 -10 3")
    assert (tn.run_name_field, tn.axis_prefix, tn.text) == ("tn--1-3--10-3", "TN(-1,3)", "truncated-normal -1 3 -10 3")
    assert parse_distribution("benford").run_name_field == "b" and parse_distribution(None).run_name_field == "u"
    for bad in ("normal", "truncated-normal 1 2", "truncated-normal 0 -1 0 1", "benford 3"):
        with pytest.raises(UserError, match="distribution"):
            parse_distribution(bad)
