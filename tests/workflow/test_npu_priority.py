"""Longest NPU training jobs first (issue 14): a job's Snakemake priority is its estimated CPU
seconds, runs x updates x the model's measured cost per run-update (nalm/papers/npu/step_costs.yaml),
in the Primer's unit, so that a 100-input job is not started last and left to run alone."""

import pytest
from _workflow import PAPER_CONFIG, REPO, planned_priorities

pytestmark = pytest.mark.workflow

#: nalm/papers/npu/step_costs.yaml's measured NaiveNPU cost (ms per run-update)
NAIVE_NPU_COST = 0.73

TARGETS = ["results/figures/npu/npu_example.pdf", "results/tables/npu/layers_error.csv",
           "results/tables/npu/arithmetic100_mse.csv", "results/figures/fig14_add.pdf"]


def priorities(*arguments, workdir):
    """{(rule, experiment, block): priority} of every planned training job."""
    jobs = planned_priorities(*arguments, workdir=workdir, rules=("npu_train", "primer_train"))
    return {(rule, wildcards["experiment"], wildcards["block"]): priority for rule, wildcards, priority in jobs}


def test_the_100_input_blocks_come_first_and_share_the_primers_unit(workdir):
    found = priorities(*TARGETS, "--config", "papers=[primer,npu]", workdir=workdir)
    npu = {(e, b): p for (rule, e, b), p in found.items() if rule == "npu_train"}
    assert len(npu) == 1 + 6 + 20  # the example, 6 layer models, 5 models x 4 tasks
    # runs x updates x ms per run-update / 1000 (step_costs.yaml)
    assert npu[("arithmetic100", "add_NPU")] == round(10 * 100_000 * 0.81 / 1000)
    assert npu[("arithmetic100", "add_NMU")] == round(10 * 10_000 * 0.66 / 1000)  # the code's 10,000 updates
    assert npu[("layers", "iNALU")] == round(20 * 20_000 * 0.41 / 1000)
    assert npu[("example", "NPU-NAU")] == round(50_000 * 2.76 / 1000)
    assert npu[("arithmetic100", "add_NaiveNPU")] == round(10 * 100_000 * NAIVE_NPU_COST / 1000)
    order = sorted(npu, key=npu.get, reverse=True)
    assert all(experiment == "arithmetic100" for experiment, _ in order[:18])
    assert order[0][1].endswith("_NALU") and npu[order[0]] == round(10 * 100_000 * 1.51 / 1000)
    # the same unit as the Primer's (estimated CPU seconds): its iNALU block (180 s) sits between
    # the layer blocks (17-164 s) and the 100,000-update 100-input blocks (660-1,510 s)
    inalu = found[("primer_train", "in2_add_iNALU", next(b for r, e, b in found if e == "in2_add_iNALU"))]
    assert npu[("layers", "iNALU")] < inalu < npu[("arithmetic100", "add_RealNPU")]


def test_a_seed_count_or_update_cap_changes_the_priority(workdir, tmp_path):
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text("papers: [npu]\nnpu:\n  arithmetic100:\n    task_seed_counts: {mult: 20}\n    update_cap: 1000\n")
    found = priorities(TARGETS[2], "--configfile", str(PAPER_CONFIG), str(overlay), workdir=workdir)
    npu = {(e, b): p for (rule, e, b), p in found.items() if rule == "npu_train"}
    assert npu[("arithmetic100", "mult_NPU")] == round(20 * 1000 * 0.81 / 1000)
    assert npu[("arithmetic100", "add_NPU")] == round(10 * 1000 * 0.81 / 1000)


def test_a_model_without_a_measured_cost_counts_as_the_mean(workdir, tmp_path):
    # the 100-input task's iNALU (trained by every script, reported nowhere) has no measured job
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text("papers: [npu]\nnpu:\n  arithmetic100:\n    models: [NPU, iNALU]\n")
    found = priorities(TARGETS[2], "--configfile", str(PAPER_CONFIG), str(overlay), workdir=workdir)
    mean = (0.81 + 0.74 + 0.66 + 1.51 + NAIVE_NPU_COST) / 5
    assert found[("npu_train", "arithmetic100", "add_iNALU")] == round(10 * 100_000 * mean / 1000)


def test_the_30_minute_overlay_caps_every_100_input_block(workdir):
    found = priorities("--configfile", str(PAPER_CONFIG), str(REPO / "config" / "npu-30min.yaml"), workdir=workdir)
    npu = {(e, b): p for (rule, e, b), p in found.items() if rule == "npu_train"}
    assert len(npu) == 1 + 6 + 20
    assert npu[("arithmetic100", "add_NALU")] == round(10 * 10_000 * 1.51 / 1000)
    assert npu[("arithmetic100", "add_NMU")] == round(10 * 10_000 * 0.66 / 1000)  # its own 10,000
    assert npu[("layers", "iNALU")] == round(20 * 20_000 * 0.41 / 1000)  # the other groups at full size
