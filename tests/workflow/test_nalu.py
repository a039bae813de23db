"""The NALU paper's targets end to end with the smoke overlay (config/nalu-quick.yaml): every table
and figure of both settings from a clean results/, each table against the published numbers, the
run provenance of every job (its sidecar, the report's provenance tables), idempotence, a model
both settings share trained once, and config errors."""

import csv

import pytest
from _workflow import PAPER_CONFIG, REPO, job_counts, snakemake

pytestmark = [pytest.mark.workflow]

QUICK = REPO / "config" / "nalu-quick.yaml"
CONFIGS = ["--configfile", str(PAPER_CONFIG), str(QUICK)]
SETTINGS = ("reproduction", "paper")
TABLES = [f"results/tables/nalu/static_{column}_{setting}.csv"
          for setting in SETTINGS for column in ("interpolation", "extrapolation")]
TABLES += [f"results/tables/nalu/language_{setting}.csv" for setting in SETTINGS]
FIGURES = ["results/figures/nalu/extrapolation_failure.pdf"]
FIGURES += [f"results/figures/nalu/language_predictions_{setting}.pdf" for setting in SETTINGS]
#: the run provenance of each scope, from the training jobs' sidecars (workflow/rules/report.smk)
PROVENANCE = {scope: f"results/run_tables/nalu/{scope}_provenance.csv" for scope in ("identity", "static", "language")}
TARGETS = TABLES + FIGURES + list(PROVENANCE.values())


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("nalu")
    result = snakemake("--cores", "2", *TARGETS, *CONFIGS, workdir=workdir)
    assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
    return workdir, result.stdout + result.stderr


@pytest.mark.slow
def test_quick_run_builds_every_target(finished_run):
    workdir, log = finished_run
    for figure in FIGURES:
        path = workdir / figure
        assert path.read_bytes()[:5] == b"%PDF-", figure
        assert path.with_name(path.stem + "_plot_data.csv").stat().st_size > 0
    for table in TABLES:
        with open(workdir / table, newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert rows and {row["runs"] for row in rows} == {"2"}, table
        assert (workdir / table).with_suffix(".tex").stat().st_size > 0
    static = list(csv.DictReader(open(workdir / TABLES[0], newline="")))
    assert len(static) == 6 * 4 and static[0]["published"] == "0.001"  # a + b, ReLU6: README.md's 0.001
    # LSTM + Linear is the same network in both settings: one training job serves both tables
    assert job_counts(log)["nalu_language"] == 3


@pytest.mark.slow
def test_every_job_records_its_provenance_and_the_report_tables_it(finished_run):
    workdir, log = finished_run
    sidecars = sorted(path.name for path in (workdir / "results/runs/nalu").rglob("*.provenance.json"))
    assert len(sidecars) == 1 + 2 * 4 + 3 and "a0.csv.provenance.json" in sidecars  # one per training job
    # one build: one row per scope; the quick overlay's 14 activations x 2 models, 2 settings x 4 models
    # x 6 functions x 2 seeds, 3 language networks x 2 seeds
    expected = {"identity": ("28", 1), "static": ("96", 8), "language": ("6", 3)}
    for scope, table in PROVENANCE.items():
        (row,) = list(csv.DictReader(open(workdir / table, newline="")))
        assert (row["runs"], len(row["experiments"].split())) == expected[scope], scope
        assert row["nalm"] and row["torch"] and row["device"] == "cpu" and row["threads"] == "1"
    assert job_counts(log)["report_provenance"] == 3


@pytest.mark.slow
def test_second_run_does_nothing(finished_run):
    workdir, _ = finished_run
    result = snakemake("--dry-run", "--cores", "2", *TARGETS, *CONFIGS, workdir=workdir)
    assert result.returncode == 0, result.stderr[-3000:]
    assert job_counts(result.stdout + result.stderr) == {}


@pytest.mark.parametrize("section, message", [
    ("static: {train_samples: 0}", "bad config key 'nalu.static.train_samples': 0 is less than the minimum of 1"),
    ("settings: [both]", "bad config key 'nalu.settings.0': 'both' is not one of"),
    ("language: {nac_initialisation: zeros}", "bad config key 'nalu.language.nac_initialisation'"),
])
def test_bad_nalu_config_is_one_line(workdir, section, message):
    overlay = workdir / "bad.yaml"
    overlay.write_text(f"nalu:\n  {section}\n")
    result = snakemake("--dry-run", TARGETS[0], *CONFIGS, str(overlay), workdir=workdir)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
