"""The loss-weight schedules, pinned against the training loop of `bmistry4/nalm-benchmark`'s
`experiments/single_layer_benchmark.py` (ramp s(t), Decimal β schedule) and the flags of
`lfs_batch_jobs/single_layer_task/benchmarking/single_layer_benchmark.sh`.
"""

import pytest

from nalm.core.schedules import beta, ramp


@pytest.mark.parametrize(
    "iteration, expected",
    [(0, 0.0), (20000, 0.0), (27500, 0.5), (35000, 1.0), (50000, 1.0)],
)
def test_nau_ramp_20000_to_35000(iteration, expected):
    # s(t) = clip((t - start)/(end - start), 0, 1) with the NAU's 20000 -> 35000
    assert ramp(iteration, 20000, 35000) == expected


def test_default_ramp_is_never_active_within_100k_iterations():
    # the argparse default 1,000,000 -> 2,000,000 never switches on
    assert all(ramp(t, 1_000_000, 2_000_000) == 0.0 for t in (0, 50_000, 100_000))


@pytest.mark.parametrize(
    "iteration, expected",
    [(0, 1e-7), (9999, 1e-7), (10000, 1e-6), (19999, 1e-6), (20000, 1e-5), (30000, 1e-5), (50000, 1e-5)],
)
def test_npu_beta_on_mul(iteration, expected):
    # NPU mul: β = 1e-7, 1e-6, 1e-5 over [0,10k), [10k,20k), [20k, ...); exact decimal values
    assert beta(iteration, 1e-7, 1e-5, 10_000, 10) == expected


@pytest.mark.parametrize("iteration, expected", [(0, 1e-9), (10000, 1e-8), (20000, 1e-7), (50000, 1e-7)])
def test_npu_beta_on_div(iteration, expected):
    # NPU div: β = 1e-9, 1e-8, 1e-7
    assert beta(iteration, 1e-9, 1e-7, 10_000, 10) == expected


def test_beta_shrinks_when_start_is_above_end():
    # the original's branch for start > end divides β instead
    assert beta(20000, 1e-5, 1e-7, 10_000, 10) == 1e-7
