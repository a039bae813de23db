"""Longest NALU-paper training jobs first (issue 14): a job's Snakemake priority is its estimated
CPU seconds from the measured cost of its kind (nalm/papers/nalu/step_costs.yaml), in the Primer's
unit, so that the paper setting's static NALU (the longest job) is not started last and left to run
alone while the other core idles, as it did for seven minutes in the first timed build."""

import pytest
from _workflow import PAPER_CONFIG, REPO, planned_priorities

pytestmark = pytest.mark.workflow

CONFIGS = ["--configfile", str(PAPER_CONFIG), str(REPO / "config" / "nalu-30min.yaml")]


def priorities(*arguments, workdir):
    """{(rule, job): priority} of every planned NALU training job."""
    jobs = planned_priorities(*arguments, workdir=workdir, rules=("nalu_identity", "nalu_static", "nalu_language"))
    return {(rule, "/".join(wildcards.values())): priority for rule, wildcards, priority in jobs}


def test_the_paper_settings_static_nalu_comes_first(workdir):
    found = priorities(*CONFIGS, workdir=workdir)
    assert len(found) == 1 + 2 * 4 + 3  # identity; 4 static models x 2 settings; 3 language networks
    order = sorted(found, key=found.get, reverse=True)
    assert order[:3] == [("nalu_static", "paper/nalu/f0"), ("nalu_language", "LSTMNALU"),
                         ("nalu_language", "LSTMLinear")]
    # estimated CPU seconds: 6 functions x 25 seeds x 10,000 iterations x 0.547 ms (512 samples)
    assert found["nalu_static", "paper/nalu/f0"] == round(150 * 10_000 * 0.547 / 1000)
    # 14 activations x 100 MLPs x 10,000 iterations x 0.0117 ms
    assert found["nalu_identity", "a0"] == round(1400 * 10_000 * 0.0117 / 1000)
    # 25 seeds x 100 evaluations x 196 ms
    assert found["nalu_language", "LSTMNALU"] == round(25 * 100 * 196 / 1000)


def test_training_samples_scale_all_but_the_affine_models(workdir, tmp_path):
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text("nalu:\n  static: {train_samples: 1024, iterations: 1000, block_functions: 3}\n")
    found = priorities(*CONFIGS, str(overlay), workdir=workdir)
    # two blocks of 3 functions x 25 seeds; a non-affine model costs twice per run-iteration at
    # twice the samples, an affine one (moment points) the same
    assert found["nalu_static", "paper/relu6/f3"] == round(75 * 1000 * 0.169 * 2 / 1000)
    assert found["nalu_static", "paper/nac/f0"] == round(75 * 1000 * 0.0894 / 1000)
