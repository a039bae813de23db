"""Longest training jobs first for the division paper and the NTM tasks (issue 14): a training
job's Snakemake priority is its estimated CPU seconds, the Primer's unit (division: runs x
iterations x input size x nalm/papers/division/step_costs.yaml's measured cost; NTM: seeds x
batch x iterations x the task's seconds per run-iteration), so that a long block is not started
last and left to run alone while the other core idles."""

import pytest
from _workflow import PAPER_CONFIG, planned_priorities

pytestmark = pytest.mark.workflow

TARGETS = ["results/figures/division/main_in10.pdf", "results/figures/division/main_in2.pdf",
           "results/figures/ntm/copy_learning_curve.pdf", "results/figures/ntm/prioritysort_learning_curve.pdf"]


def priorities(*arguments, workdir):
    """{(rule, experiment or task, block): priority} of every planned division and NTM training job."""
    jobs = planned_priorities(*arguments, workdir=workdir, rules=("division_train", "ntm_train"))
    return {(rule, wildcards.get("experiment") or wildcards["task"], wildcards["block"]): priority
            for rule, wildcards, priority in jobs}


def test_the_longest_blocks_come_first(workdir):
    found = priorities(*TARGETS, "--configfile", str(PAPER_CONFIG), "--config", "papers=[division,ntm]", workdir=workdir)
    division = {experiment: p for (rule, experiment, _), p in found.items() if rule == "division_train"}
    # 225 runs x 100,000 iterations x I = 10 x 0.01 ms against 225 x 50,000 x I = 2
    assert division["in10_NMRU"] == round(225 * 100_000 * 10 * 0.01 / 1000) == 2250
    assert division["in2_NMRU"] == round(225 * 50_000 * 2 * 0.01 / 1000) == 225
    assert min(p for e, p in division.items() if e.startswith("in10_")) > max(p for e, p in division.items() if e.startswith("in2_"))
    ntm = {task: p for (rule, task, _), p in found.items() if rule == "ntm_train"}
    # 5 seeds x batch 1 x 500,000 copy iterations x 0.03 s; priority sort 100,000 x 0.25 s
    assert ntm == {"copy": round(5 * 500_000 * 0.03), "prioritysort": round(5 * 100_000 * 0.25)}


def test_an_iteration_cap_lowers_the_priority(workdir, tmp_path):
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text("papers: [division]\ndivision:\n  iteration_cap: 1000\n  block: {ranges: 9, seeds: 5}\n")
    found = priorities(TARGETS[0], "--configfile", str(PAPER_CONFIG), str(overlay), workdir=workdir)
    blocks = {block: p for (rule, experiment, block), p in found.items() if experiment == "in10_NMRU"}
    assert len(blocks) == 5 and set(blocks.values()) == {round(45 * 1000 * 10 * 0.01 / 1000)}
