"""Longest training jobs first (issue 14): a Primer training job's Snakemake priority is its
estimated CPU seconds, its runs x iterations x input size in units of a 225 x 50,000 x 2 block
times its preset's seconds for that block (nalm/papers/primer/step_costs.yaml), so that a long job is not started last and left to run
alone while the other core idles. Priority orders jobs only; it is no param and reruns nothing."""

import pytest
from _workflow import planned_priorities

pytestmark = pytest.mark.workflow

FIG14 = "results/figures/fig14_add.pdf"
FIG20 = "results/figures/fig20_nau_in100_sub.pdf"


def priorities(*targets, workdir):
    """{experiment: priority} of every planned training job."""
    jobs = planned_priorities(*targets, workdir=workdir, rules=("primer_train",))
    return {wildcards["experiment"]: priority for rule, wildcards, priority in jobs}


def test_the_costliest_training_jobs_come_first(workdir):
    found = priorities(FIG14, FIG20, workdir=workdir)
    # step_costs.yaml: iNALU 179.7 > G-NALU 147.9 > NALU 134.2 > NAC+ 63.8 > NAU 59.3 s per block
    order = sorted(found, key=found.get, reverse=True)
    assert order == ["in100_sub_NAU", "in2_add_iNALU", "in2_add_G-NALU", "in2_add_NALU", "in2_add_NAC",
                     "in2_add_NAU"]
    # estimated CPU seconds: one 225-run x 50,000-iteration block at I = 2 is step_costs.yaml's 179.7 s
    assert found["in2_add_iNALU"] == 180
    # I = 100: 50 such blocks' width, at the NAU's 59.3 s
    assert found["in100_sub_NAU"] == round(50 * 59.3)
