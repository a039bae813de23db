"""Dry-runs of every figure target: the paper config plans exactly the jobs it should."""

import pytest
from _workflow import (
    PAPER_CONFIG,
    PRIMER_FIGURES,
    QUICK_CONFIG,
    expected_jobs,
    figure_experiments,
    job_counts,
    load_config,
    snakemake,
)

from nalm import papers

pytestmark = pytest.mark.workflow

PAPER = load_config(PAPER_CONFIG)


def test_paper_config_has_the_papers_grid():
    # The Primer's grid (bmistry4/nalm-benchmark single_layer_benchmark.sh), counted by hand.
    assert len(papers.range_pairs("primer")) == 9
    assert PAPER["primer"]["range_ids"] == [f"r{i}" for i in range(1, 10)]
    assert PAPER["primer"]["seeds"] == {"first": 0, "count": 25}
    modules = {name: len(figure_experiments(name)) for name in PRIMER_FIGURES}
    assert modules == {
        "fig14_add": 5, "fig15_sub": 5, "fig16_mul": 7, "fig17_div": 6,
        "fig18_inalu_in10_add": 1, "fig19_nau_in10_add_sub": 2, "fig20_nau_in100_sub": 1,
    }  # fmt: skip
    iterations = {name: e["iterations"] for name, e in papers.experiments("primer").items()}
    assert iterations["in10_add_iNALU"] == 50000
    assert iterations["in10_add_NAU"] == iterations["in10_sub_NAU"] == 100000
    assert iterations["in100_sub_NAU"] == 50000
    assert all(v == 50000 for k, v in iterations.items() if k.startswith("in2_"))


@pytest.mark.parametrize("figure", sorted(PRIMER_FIGURES))
def test_figure_dry_run_plans_the_expected_jobs(figure, workdir):
    result = snakemake("--dry-run", "--cores", "2", f"results/figures/{figure}.pdf", workdir=workdir)
    assert result.returncode == 0, result.stderr[-3000:]
    assert job_counts(result.stdout + result.stderr) == expected_jobs(PAPER, [figure])


def test_fig14_at_full_fidelity_is_5_modules_x_225_runs(workdir):
    result = snakemake(
        "--dry-run", "--cores", "2", "results/figures/fig14_add.pdf", "--printshellcmds", workdir=workdir
    )
    output = result.stdout + result.stderr
    train_commands = [line for line in output.splitlines() if "nalm train" in line]
    assert len(train_commands) == 5
    for command in train_commands:
        assert "--seeds 0-24" in command and "--iterations 50000" in command
        assert command.count("--range-id") == 9


def test_all_figures_and_smaller_blocks(tmp_path, workdir):
    overlay = tmp_path / "blocks.yaml"
    overlay.write_text("primer: {block: {ranges: 1, seeds: 5}}\n")
    config = load_config(PAPER_CONFIG, overlay)
    result = snakemake(
        "--dry-run", "--cores", "2", "--configfile", str(PAPER_CONFIG), str(overlay), workdir=workdir
    )
    assert result.returncode == 0, result.stderr[-3000:]
    expected = expected_jobs(config, list(PRIMER_FIGURES))
    expected["all"] = 1
    # each figure's run tables (workflow/rules/report.smk) are default targets too
    expected["report_provenance"] = expected["report_timing"] = len(PRIMER_FIGURES)
    assert expected["primer_train"] == 27 * 9 * 5
    assert job_counts(result.stdout + result.stderr) == expected


def test_quick_preset_is_small(workdir):
    config = load_config(PAPER_CONFIG, QUICK_CONFIG)
    result = snakemake(
        "--dry-run", "--cores", "2", "results/figures/fig14_add.pdf", "--configfile", str(QUICK_CONFIG),
        workdir=workdir,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert job_counts(result.stdout + result.stderr) == expected_jobs(config, ["fig14_add"])


def test_lint_is_clean(workdir):
    result = snakemake("--lint", workdir=workdir)
    assert result.returncode == 0, result.stdout + result.stderr
