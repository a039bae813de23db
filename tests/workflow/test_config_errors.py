"""A bad config is one clear error naming the key, before any job starts."""

import shutil
import subprocess

import pytest
from _workflow import PAPER_CONFIG, REPO, _bin, snakemake

pytestmark = pytest.mark.workflow


@pytest.mark.parametrize(
    "overlay, named",
    [
        ("primer: {experiments: {in2_add_NAU: {op: mul}}}\n", "primer.experiments.in2_add_NAU.op"),
        ("primer: {experiments: {in2_add_NAUU: {iterations: 10}}}\n", "primer.experiments.in2_add_NAUU"),
        ("primer: {iteration_capp: 100}\n", "primer.iteration_capp"),
        ("iteration_cap: 100\n", "iteration_cap"),
        ("primer: {block: {ranges: 0}}\n", "primer.block.ranges"),
        ("primer: {range_ids: [r1, r10]}\n", "primer.range_ids"),
        ("papers: [primer, nope]\n", "papers"),
        ("device: gpu\n", "device"),
        # values that used to fail only in the job log (issue 15; every type: tests/unit/core/test_hyperparameters.py)
        ("primer: {experiments: {in2_add_NAU: {set: {learning_rate: abc}}}}\n",
         "primer.experiments.in2_add_NAU.set.learning_rate"),
        ("primer: {experiments: {in2_add_NAU: {set: {regularizer_ramp: [100, 10]}}}}\n",
         "primer.experiments.in2_add_NAU.set.regularizer_ramp"),
        ("primer: {experiments: {in2_add_NAU: {set: {lerning_rate: 1}}}}\n",
         "primer.experiments.in2_add_NAU.set.lerning_rate"),
        ("primer: {seeds: {first: 4294967295, count: 2}}\n", "primer.seeds"),
        ("primer: {thresholds: {epsilon: .nan}}\n", "primer.thresholds.epsilon"),
    ],
)
def test_bad_config_fails_before_any_job(workdir, overlay, named):
    bad = workdir / "bad.yaml"
    bad.write_text(overlay)
    result = snakemake("--cores", "1", "--configfile", str(PAPER_CONFIG), str(bad), workdir=workdir)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert f"bad config key '{named}'" in output, output[-3000:]
    assert output.count("bad config key") == 1
    assert not (workdir / "results").exists()


def test_a_results_path_that_is_a_file_is_one_error(workdir):
    (workdir / "results").mkdir()
    (workdir / "results" / "runs").write_text("keep")
    result = snakemake("--cores", "1", "--configfile", str(PAPER_CONFIG), workdir=workdir)
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in output
    assert "results/runs is a file, but the workflow writes results/runs/" in output, output[-3000:]
    assert sorted(p.name for p in (workdir / "results").iterdir()) == ["runs"]


def test_cuda_without_a_device_fails_before_any_job(workdir):
    # torch here is the CPU build (pyproject.toml); the check runs only for the local executor
    bad = workdir / "cuda.yaml"
    bad.write_text("device: cuda\nprimer: {range_ids: [r7], seeds: {first: 0, count: 1}, iteration_cap: 1}\n")
    target = "results/tables/in2_add_NAU.csv"
    assert snakemake("--cores", "1", "--dry-run", target, "--configfile", str(PAPER_CONFIG), str(bad),
                     workdir=workdir).returncode == 0  # fmt: skip
    result = snakemake("--cores", "1", target, "--configfile", str(PAPER_CONFIG), str(bad), workdir=workdir)
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "bad config key 'device'" in output, output[-3000:]
    assert not (workdir / "results" / "runs").exists()


@pytest.fixture
def workflow_copy(tmp_path):
    """The workflow with its paper packages and config, to edit a paper's data files."""
    copy = tmp_path / "repo"
    for part in ("workflow", "config", "nalm/papers"):
        shutil.copytree(REPO / part, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@pytest.mark.parametrize(
    "path, old, new, message",
    [
        ("nalm/papers/primer/ranges.yaml", 'r7: {interpolation: "[1,2]"', 'r7: {interpolation: "(1,2)"',
         "bad range '(1,2)' at nalm/papers/primer/ranges.yaml r7.interpolation"),
        ("nalm/papers/primer/experiments.tsv", "in2_add_NAU\tNAU\tadd", "in2_add_NAU\tNAU\tmul",
         "preset 'NAU' is not defined for op 'mul'"),
        ("nalm/papers/primer/experiments.tsv", "in10_add_NAU\tNAU\tadd\t10\t100000\t{",
         "in10_add_NAU\tNAU\tadd\t10\t100000\t{\"l1\": \"maybe\", ",
         "bad config key 'nalm/papers/primer/experiments.tsv.in10_add_NAU.set.l1'"),
        ("nalm/papers/primer/figures.yaml", "in2_add_NAU", "in2_add_NAUU", "shows 'in2_add_NAUU'"),
    ],
)
def test_bad_paper_data_is_one_error_before_any_job(workflow_copy, workdir, path, old, new, message):
    file = workflow_copy / path
    text = file.read_text()
    assert old in text
    file.write_text(text.replace(old, new, 1))
    result = subprocess.run(
        [_bin("snakemake"), "--snakefile", str(workflow_copy / "workflow" / "Snakefile"), "--cores", "1",
         "--dry-run", "--directory", str(workdir)],
        cwd=workdir, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode != 0 and message in output and "Traceback" not in output, output[-3000:]
