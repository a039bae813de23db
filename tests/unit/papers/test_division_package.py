"""The division-module paper's package (nalm/papers/division/) against bmistry4/nalm-division's
batch scripts lfs_batch_jobs/single_layer_task/neurips_2021/*.sh and export/single_layer_task/*.r."""

import json

import torch

from nalm import papers
from nalm.core.optim import lp_gradient_per_run, lp_per_run
from nalm.core.presets import load_presets, resolve
from nalm.core.ranges import parse_range
from nalm.figures.division import division_figures
from nalm.tasks.distributions import parse_distribution


def test_presets_are_the_scripts_flags():
    # sltr-in2.sh / sltr-in10.sh: learning rates, ramps, clipping, L1 beta
    nru2, nru10, nmru2 = resolve("NRU-in2", "div"), resolve("NRU-in10", "div"), resolve("NMRU-in2", "div")
    assert (nru2.learning_rate, nru2.regularizer_ramp, nru10.learning_rate, nru10.regularizer_ramp) == (1.0, (20000, 35000), 1e-3, (50000, 75000))
    assert (nmru2.learning_rate, nmru2.clip_grad_norm, nmru2.regularizer) == (1e-2, 1.0, 10)
    modified = resolve("RealNPU-modified-in2", "div")
    assert modified.module_options == {"init": "xavier-uniform-constrained", "clip": "wg"}
    assert (modified.beta, modified.regularizer_ramp, modified.reg_scale_type) == ((1e-9, 1e-7), (40000, 50000), "madsen")
    gated = resolve("NMRU-gated-in10", "div")
    assert (gated.module, gated.regularizer_gate, gated.reg_scale_type) == ("NMRU-gated", 1, "madsen")


def test_ranges_experiments_and_figures_refer_to_each_other():
    ranges, presets = papers.read_yaml("division", "ranges.yaml"), load_presets()
    for pairs in ranges.values():
        for pair in pairs.values():
            parse_range(pair["interpolation"]), parse_range(pair["extrapolation"])
            parse_distribution(pair.get("distribution", "uniform"))
    assert [len(ranges[s]) for s in ("main", "mixed_signs", "distributions", "small_numbers")] == [9, 5, 6, 5]
    experiments = {row["experiment"]: row for row in papers.read_table("division", "experiments.tsv")}
    for name, row in experiments.items():
        assert row["preset"] in presets and row["ranges"] in ranges, name
        resolve(row["preset"], row["op"], json.loads(row["set"]) if row["set"] else {})
        # 50,000 iterations at input size 2, 100,000 at 10, 5,000 for division by small numbers (easy)
        assert int(row["iterations"]) == {1: 5000, 2: 50000, 10: 100000}[int(row["input_size"])], name
    figures = division_figures()
    assert len(figures) == 26
    for figure in figures.values():
        assert set(figure.experiments) <= set(experiments), figure.name
    # 475 training sets with and without redundancy: 9 main + 4 new mixed-sign + 6 distributions, x 25
    assert (9 + 4 + 6) * 25 == 475


def test_l2_norm_term_and_its_gradient_are_autograds():
    p = torch.tensor([[[0.3, -0.4]], [[0.0, 0.0]]], requires_grad=True)  # two runs; the second at 0
    value = lp_per_run([p], 2)
    assert torch.allclose(value, torch.tensor([0.5, 0.0]))
    value[0].backward()
    assert torch.allclose(lp_gradient_per_run([p.detach()], 2)[0][0], p.grad[0])
    assert torch.equal(lp_gradient_per_run([p.detach()], 2)[0][1], torch.zeros(1, 2))
