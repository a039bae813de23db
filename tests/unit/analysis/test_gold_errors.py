"""Gold-weight test errors near zero (bmistry4/nalm-division, export/single_layer_task/
generate_divBy0_extrap_thresholds.py, divBy0_test_errors.csv, exp_setups.csv)."""

import pandas as pd
import pytest

from nalm import papers
from nalm.analysis.gold_errors import gold_error, threshold_table

# divBy0_test_errors.csv of the original repository (a few of its 108 values)
PUBLISHED = [
    ("NRU", "easy", -8, 102403.3828125),
    ("NRU", "hard", -8, 9.438916662163344e-12),
    ("RealNPU", "easy", -8, 1.7997114186693345e20),
    ("RealNPU", "hard", -8, 3968.795166015625),
    ("RealNPU (eps=0)", "hard", -8, 1.6924899259862514e-09),
]


@pytest.mark.parametrize("curve, task, exponent, published", PUBLISHED)
def test_gold_errors_are_the_published_ones(curve, task, exponent, published):
    assert gold_error(curve, task, exponent) == pytest.approx(published, rel=1e-3)


def test_recomputed_thresholds_match_the_papers():
    ours = threshold_table()
    paper = pd.DataFrame(papers.read_table("division", "thresholds.tsv"))
    paper["threshold"] = paper["threshold"].astype(float)
    joined = ours.merge(paper, on=["set", "operation", "extrapolation.range"], suffixes=("", ".paper"))
    assert len(joined) == len(ours) == 45
    assert ((joined["threshold"] / joined["threshold.paper"] - 1).abs() < 1e-4).all()
