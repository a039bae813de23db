"""The division-module paper's targets with the tiny overlay (config/division-tiny.yaml): a dry run
of every figure (the DAG resolves: 65 experiments, 27 figures), and the main input-size-2 figure
and the gold-error figure built from a clean results/ (seconds of training)."""

import pytest
from _workflow import PAPER_CONFIG, REPO, job_counts, snakemake

pytestmark = [pytest.mark.workflow, pytest.mark.slow]

TINY = REPO / "config" / "division-tiny.yaml"
CONFIGS = ["--configfile", str(PAPER_CONFIG), str(TINY)]
FIGURES = "results/figures/division"


def test_every_division_figure_resolves(tmp_path):
    result = snakemake("--dry-run", "--config", "papers=[division]", *CONFIGS, workdir=tmp_path)
    assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
    counts = job_counts(result.stdout)
    assert counts["division_plot"] == 26 and counts["division_gold_errors"] == 1
    assert counts["division_export"] == 65
    # 2 seeds, 2 pairs per range set, block {ranges: 9, seeds: 25}: one training job per experiment
    assert counts["division_train"] == 65


def test_tiny_run_makes_the_main_figure_and_the_gold_errors(tmp_path):
    targets = [f"{FIGURES}/main_in2.pdf", f"{FIGURES}/divby0_gold_errors.pdf"]
    result = snakemake(*targets, "--cores", "2", *CONFIGS, workdir=tmp_path)
    assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
    figures = tmp_path / FIGURES
    for stem in ("main_in2", "divby0_gold_errors"):
        assert (figures / f"{stem}.pdf").read_bytes()[:5] == b"%PDF-"
        assert (figures / f"{stem}_plot_data.csv").stat().st_size > 0
        assert (figures / f"{stem}.tex").stat().st_size > 0
    summary = (tmp_path / "results/summaries/division/main_in2.csv").read_text().splitlines()
    assert len(summary) == 1 + 4 * 2  # four models x two interpolation ranges
    runs = sorted((tmp_path / "results/runs/division/in2_NMRU").glob("r*/seed*/metrics.csv"))
    assert len(runs) == 4
    again = snakemake(*targets, "--dry-run", "--cores", "2", *CONFIGS, workdir=tmp_path)
    assert job_counts(again.stdout) == {}
