"""The Primer's paper package (nalm/papers/primer/): figures 14-20 as the original draws them
(bmistry4/nalm-benchmark, export/single_layer_task/benchmark/plot_results*.r), its experiment
table (lfs_batch_jobs/single_layer_task/benchmarking/single_layer_benchmark.sh) and ranges."""

from nalm import papers
from nalm.core.presets import load_presets, resolve
from nalm.figures.definitions import get_figure, paper_figures


def test_figures_show_the_papers_modules():
    shown = {f.figure_id: (f.name, f.input_size, [(s.module, s.operation) for s in f.series])
             for f in paper_figures("primer").values()}
    add_sub = ["NAC+", "G-NALU", "iNALU", "NALU", "NAU"]
    assert shown == {
        "fig14": ("fig14_add", 2, [(m, "add") for m in add_sub]),
        "fig15": ("fig15_sub", 2, [(m, "sub") for m in add_sub]),
        "fig16": ("fig16_mul", 2, [(m, "mul") for m in ["NAC*", "G-NALU", "iNALU", "NALU", "NMU", "NPU", "RealNPU"]]),
        "fig17": ("fig17_div", 2, [(m, "div") for m in ["NAC*", "G-NALU", "iNALU", "NALU", "NPU", "RealNPU"]]),
        "fig18": ("fig18_inalu_in10_add", 10, [("iNALU", "add")]),
        "fig19": ("fig19_nau_in10_add_sub", 10, [("NAU", "add"), ("NAU", "sub")]),
        "fig20": ("fig20_nau_in100_sub", 100, [("NAU", "sub")]),
    }


def test_labels_are_the_original_r_labels_and_fig19_labels_by_op():
    assert [s.label for s in get_figure("fig16").series][0] == r"$\mathrm{NAC}_{\bullet}$"
    assert [s.label for s in get_figure("fig19").series] == ["NAU (add)", "NAU (sub)"]


def test_every_experiment_resolves_and_the_grid_is_the_scripts():
    experiments = papers.experiments("primer")
    assert len(experiments) == 27
    for name, e in experiments.items():
        hyper = resolve(e["preset"], e["op"], e["set"])
        assert name.startswith(f"in{e['input_size']}_{e['op']}_"), name
        assert hyper.module == load_presets()[e["preset"]].get("module", e["preset"])
    assert experiments["in10_add_NAU"]["iterations"] == experiments["in10_sub_NAU"]["iterations"] == 100_000
    assert experiments["in10_sub_NAU"]["set"] == {"regularizer_ramp": [50000, 75000]}
    assert experiments["in10_add_iNALU"]["iterations"] == 50_000
    assert experiments["in100_sub_NAU"] == {"preset": "NAU", "op": "sub", "input_size": 100, "iterations": 50_000, "set": {}}


def test_range_pairs_are_the_scripts_in_its_order():
    pairs = papers.range_pairs("primer")
    assert list(pairs) == [f"r{k}" for k in range(1, 10)]
    assert pairs["r3"] == ("[-1.2,-1.1]", "[-6.1,-1.2]")  # -6.1, as the script
    assert pairs["r5"] == ("[-2,2]", "[[-6,-2],[2,6]]")


def test_papers_are_discovered_and_preset_names_are_unique():
    assert {"primer", "division"} <= set(papers.papers())
    assert "RealNPU-modified-in10" in load_presets() and "NAU" in load_presets()


def test_every_experiments_preset_has_a_measured_step_cost():
    # step_costs.yaml orders the training jobs (their Snakemake priority): every preset the paper
    # trains is measured, none falls back to the mean, and every cost is a positive number of seconds
    costs = papers.read_yaml("primer", "step_costs.yaml")
    assert {e["preset"] for e in papers.experiments("primer").values()} == set(costs)
    assert all(isinstance(seconds, float) and seconds > 0 for seconds in costs.values())
