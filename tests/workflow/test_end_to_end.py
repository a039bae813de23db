"""The quick preset end to end: figure 14 in a temporary directory, then idempotence and
precise reruns. Seconds of training (config/quick.yaml)."""

import pytest
from _workflow import (
    PAPER_CONFIG,
    QUICK_CONFIG,
    job_counts,
    snakemake,
)

pytestmark = [pytest.mark.workflow, pytest.mark.slow]

FIGURE = "results/figures/fig14_add.pdf"
CONFIGS = ["--configfile", str(PAPER_CONFIG), str(QUICK_CONFIG)]


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("quick")
    result = snakemake(FIGURE, "--cores", "2", *CONFIGS, workdir=workdir)
    assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
    return workdir


def test_quick_run_makes_figure_14(finished_run):
    figures = finished_run / "results" / "figures"
    assert (figures / "fig14_add.pdf").read_bytes()[:5] == b"%PDF-"
    assert (figures / "fig14_add_plot_data.csv").stat().st_size > 0
    assert (figures / "fig14_add.tex").stat().st_size > 0
    # every run of the block has its own directory, complete (metrics.csv written last)
    runs = sorted((finished_run / "results" / "runs" / "in2_add_NAU").glob("r*/seed*/metrics.csv"))
    assert [p.parent.relative_to(p.parents[2]).as_posix() for p in runs] == [
        "r2/seed0", "r2/seed1", "r7/seed0", "r7/seed1"
    ]  # fmt: skip


def test_second_run_does_nothing(finished_run):
    result = snakemake(FIGURE, "--dry-run", "--cores", "2", *CONFIGS, workdir=finished_run)
    assert result.returncode == 0, result.stderr[-3000:]
    assert job_counts(result.stdout + result.stderr) == {}
    assert "Nothing to be done" in result.stdout + result.stderr


def test_changing_one_experiment_reruns_only_it(finished_run, tmp_path):
    changed = tmp_path / "changed.yaml"
    changed.write_text("primer: {experiments: {in2_add_NAU: {set: {learning_rate: 0.002}}}}\n")
    result = snakemake(FIGURE, "--dry-run", "--cores", "2", *CONFIGS, str(changed), workdir=finished_run)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert job_counts(output) == {"primer_train": 1, "primer_export": 1, "primer_summarize": 1, "primer_plot": 1}
    assert "wildcards: experiment=in2_add_NAU, block=" in output
    assert "Params have changed since last execution" in output


def test_report_embeds_the_figure_with_its_caption(finished_run):
    report = finished_run / "report.html"
    result = snakemake(FIGURE, *CONFIGS, "--report", str(report), workdir=finished_run)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    html = report.read_text()
    assert "fig14_add.pdf" in html and "application/pdf" in html
    assert "addition, input size 2" in html and "in2_add_NAU" in html
