"""The NPU paper's targets end to end with the tiny overlay (config/npu-tiny.yaml): the README
example, the layer comparison and the 100-input task from a clean results/, then idempotence,
config errors, and the schema's settings against nalm/tasks/npu_experiments.py."""

import csv

import pytest
import yaml
from _workflow import PAPER_CONFIG, REPO, job_counts, snakemake

from nalm.tasks.npu_experiments import SETTINGS

pytestmark = [pytest.mark.workflow]

TINY = REPO / "config" / "npu-tiny.yaml"
CONFIGS = ["--configfile", str(PAPER_CONFIG), str(TINY)]
TARGETS = [
    "results/figures/npu/npu_example.pdf",
    "results/figures/npu/npu_layers.pdf",
    "results/tables/npu/layers_error.csv",
    "results/figures/npu/npu_arithmetic100_pareto.pdf",
    "results/tables/npu/arithmetic100_mse.csv",
]


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("npu")
    result = snakemake(*TARGETS, "--cores", "2", *CONFIGS, workdir=workdir)
    assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
    return workdir


@pytest.mark.slow
def test_tiny_run_builds_every_group(finished_run):
    for target in TARGETS:
        path = finished_run / target
        assert path.stat().st_size > 0
        if target.endswith(".pdf"):
            assert path.read_bytes()[:5] == b"%PDF-"
    with open(finished_run / "results/tables/npu/layers_error.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert {(r["op"], r["model"]) for r in rows} == {(op, m) for op in ("add", "mult", "div", "sqrt") for m in ("NPU", "Dense")}
    assert {r["paper_value"] for r in rows if r["op"] == "add"} == {"0.2", "2.103"}  # Table A2
    with open(finished_run / "results/tables/npu/arithmetic100_mse.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert {(r["mse"], r["op"]) for r in rows} == {(m, op) for m in ("test", "train") for op in ("add", "sqrt")}
    assert (finished_run / "results/tables/npu/layers_error.tex").read_text().startswith(r"\begin{tabular}")
    runs = sorted((finished_run / "results/runs/npu/arithmetic100/sqrt/NPU").glob("seed*/final.json"))
    assert [p.parent.name for p in runs] == ["seed0", "seed1"]


@pytest.mark.slow
def test_second_run_does_nothing(finished_run):
    result = snakemake(*TARGETS, "--dry-run", "--cores", "2", *CONFIGS, workdir=finished_run)
    assert result.returncode == 0, result.stderr[-3000:]
    assert job_counts(result.stdout + result.stderr) == {}


@pytest.mark.slow
def test_a_setting_retrains_only_its_experiment(finished_run, tmp_path):
    changed = tmp_path / "changed.yaml"
    changed.write_text("npu: {layers: {settings: {train_range: paper}}}\n")
    result = snakemake(*TARGETS, "--dry-run", "--cores", "2", *CONFIGS, str(changed), workdir=finished_run)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert job_counts(output) == {"npu_train": 2, "npu_layers_report": 1}
    assert "--setting train_range=" in output or "Params have changed" in output


def test_a_bad_setting_is_one_line_naming_the_key(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("npu: {layers: {settings: {train_range: both}}}\n")
    result = snakemake(TARGETS[1], "--dry-run", *CONFIGS, str(bad), workdir=tmp_path)
    assert result.returncode != 0
    assert "bad config key 'npu.layers.settings.train_range'" in result.stdout + result.stderr


def test_schema_settings_are_the_commands():
    schema = yaml.safe_load((REPO / "workflow/schemas/npu.schema.yaml").read_text())
    for experiment, table in SETTINGS.items():
        properties = schema["properties"][experiment]["properties"]["settings"]["properties"]
        assert set(properties) == set(table), experiment
