"""The NTM tasks' targets end to end with the tiny overlay (config/ntm-tiny.yaml): every figure
from a clean results/, checkpoints beside the runs, idempotence, evaluation reruns without
retraining, and config errors."""

import csv

import pytest
from _workflow import PAPER_CONFIG, REPO, job_counts, snakemake

pytestmark = [pytest.mark.workflow]

TINY = REPO / "config" / "ntm-tiny.yaml"
CONFIGS = ["--configfile", str(PAPER_CONFIG), str(TINY)]
TASKS = ("copy", "repeatcopy", "associative", "prioritysort")
FIGURES = [f"results/figures/ntm/{task}_{kind}.pdf" for task in TASKS for kind in ("learning_curve", "generalisation", "bitmaps")]
TARGETS = FIGURES + ["results/figures/ntm/copy_vs_original.pdf"]


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("ntm")
    # no target: the overlay sets papers: [ntm], so these are the default targets
    result = snakemake("--cores", "2", *CONFIGS, workdir=workdir)
    assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
    return workdir


@pytest.mark.slow
def test_tiny_run_builds_every_target(finished_run):
    for target in TARGETS:
        path = finished_run / target
        assert path.read_bytes()[:5] == b"%PDF-", target
        data = path.with_name(path.stem + "_plot_data.csv")
        assert data.stat().st_size > 0, data
    for task in TASKS:
        for seed in (0, 1):
            run = finished_run / "results" / "runs" / "ntm" / task / f"seed{seed}"
            assert {p.name for p in run.iterdir()} >= {"checkpoint.npz", "metrics.csv", "run.json"}


@pytest.mark.slow
def test_generalisation_tables_hold_ours_and_the_repositorys_model(finished_run):
    with open(finished_run / "results" / "tables" / "ntm" / "copy_generalisation.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["model"] for row in rows} == {"nalm", "original"}
    assert {row["seed"] for row in rows if row["model"] == "nalm"} == {"0", "1"}
    assert max(int(row["value"]) for row in rows) == 119  # evaluate.py's copy range, 20 .. 119
    original = {int(row["value"]): float(row["bit_error"]) for row in rows if row["model"] == "original"}
    assert original[10] == 0.0  # the repository's 500,000-iteration model copies short sequences
    with open(finished_run / "results" / "tables" / "ntm" / "prioritysort_generalisation.csv", newline="") as handle:
        targets = {row["target"] for row in csv.DictReader(handle)}
    assert targets == {"paper", "repository"}


@pytest.mark.slow
def test_second_run_does_nothing(finished_run):
    result = snakemake("--dry-run", "--cores", "2", *CONFIGS, workdir=finished_run)
    assert result.returncode == 0, result.stderr[-3000:]
    assert job_counts(result.stdout + result.stderr) == {}


@pytest.mark.slow
def test_changing_the_evaluation_never_retrains(finished_run, tmp_path):
    changed = tmp_path / "changed.yaml"
    changed.write_text("ntm: {evaluation: {sequences: 3, seed: 2018}}\n")
    result = snakemake("--dry-run", "--cores", "2", *CONFIGS, str(changed), workdir=finished_run)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert job_counts(output) == {"ntm_evaluate": 4, "ntm_figures": 4, "all": 1}


@pytest.mark.slow
def test_changing_a_tasks_budget_retrains_only_that_task(finished_run, tmp_path):
    changed = tmp_path / "changed.yaml"
    changed.write_text("ntm: {iterations: {copy: 6, repeatcopy: 4, associative: 4, prioritysort: 4}}\n")
    result = snakemake("--dry-run", "--cores", "2", *CONFIGS, str(changed), workdir=finished_run)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert job_counts(output) == {"ntm_train": 1, "ntm_evaluate": 1, "ntm_figures": 1, "ntm_copy_vs_original": 1,
                                  "report_provenance": 1, "report_timing": 1, "all": 1}  # fmt: skip


@pytest.mark.parametrize(
    "overlay, message",
    [
        ("ntm: {tasks: [copy, sorting]}", "bad config key 'ntm.tasks.1'"),
        ("ntm: {iterations: {copy: 0, repeatcopy: 1, associative: 1, prioritysort: 1}}", "bad config key 'ntm.iterations.copy'"),
        ("ntm: {batch_size: 0}", "bad config key 'ntm.batch_size'"),
        ("ntm: {network_variant: hybrid}", "bad config key 'ntm.network_variant'"),
        ("ntm: {learning_rate: 0.1}", "bad config key 'ntm.learning_rate': unknown key"),
        ("ntm: {training: {learning_rate: fast}}", "bad config key 'ntm.training.learning_rate'"),
    ],
)
def test_config_errors_name_the_key(tmp_path, workdir, overlay, message):
    bad = tmp_path / "bad.yaml"
    bad.write_text(overlay + "\n")
    result = snakemake("--dry-run", *CONFIGS, str(bad), workdir=workdir)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
