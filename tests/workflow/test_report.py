"""`snakemake --report` of a built Primer figure (issue 13, item 4): under the Primer's category the
figure, its plot data, its LaTeX table, its per-cell summary, the provenance of its runs and the
training time of its jobs, each with its caption. Figure 18 (one experiment) from a clean results/
with a tiny overlay: one training job of one run."""

import csv
import io
import json
import re
import zipfile

import pytest
from _workflow import PAPER_CONFIG, snakemake

pytestmark = [pytest.mark.workflow, pytest.mark.slow]

FIGURE = "fig18_inalu_in10_add"
PROVENANCE = f"results/run_tables/primer/{FIGURE}_provenance.csv"
TIMING = f"results/run_tables/primer/{FIGURE}_timing.csv"
TARGETS = [f"results/figures/{FIGURE}.pdf", PROVENANCE, TIMING]
#: what the Primer's category must hold for the figure, and a phrase of each file's caption
FILES = {
    f"results/figures/{FIGURE}.pdf": "success rate",
    f"results/figures/{FIGURE}_plot_data.csv": "Plot data of",
    f"results/figures/{FIGURE}.tex": "LaTeX table of",
    f"results/summaries/{FIGURE}.csv": "Per-cell summary of",
    PROVENANCE: "Run provenance",
    TIMING: "Training time",
}
TINY = """\
primer:
  range_ids: [r2]
  seeds: {first: 0, count: 1}
  iteration_cap: 40
  log_interval: 20
  thresholds: {samples: 2000}
"""
CATEGORY = "Primer: single-module benchmark"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    work = root / "work"
    work.mkdir()
    overlay = root / "tiny.yaml"
    overlay.write_text(TINY)
    configs = ["--configfile", str(PAPER_CONFIG), str(overlay)]
    built = snakemake(*TARGETS, "--cores", "2", *configs, workdir=work)
    assert built.returncode == 0, (built.stdout + built.stderr)[-4000:]
    out = root / "report.zip"
    made = snakemake(*TARGETS, *configs, "--report", str(out), workdir=work)
    assert made.returncode == 0, (made.stdout + made.stderr)[-4000:]
    return work, zipfile.ZipFile(out)


def _report_variable(html, name):
    """The JSON object the report's page assigns to `var NAME` (its index of files)."""
    start = html.index(f"var {name} = {{") + len(f"var {name} = ")
    return json.JSONDecoder().raw_decode(html[start:])[0]


def test_the_primer_category_holds_figure_plot_data_latex_summary_provenance_and_timing(report):
    work, archive = report
    html = archive.read("report/report.html").decode()
    categories = _report_variable(html, "categories")
    assert sorted(categories[CATEGORY][FIGURE]) == sorted(FILES)
    raw = {name for name in archive.namelist() if name.startswith("report/data/raw/")}
    for path in FILES:
        stored = [archive.read(name) for name in raw if name.endswith("/" + path.rsplit("/", 1)[1])]
        assert (work / path).read_bytes() in stored, path


def test_every_file_has_its_caption(report):
    _, archive = report
    results = _report_variable(archive.read("report/report.html").decode(), "results")
    for path, phrase in FILES.items():
        assert phrase in results[path]["caption"], (path, results[path]["caption"][:300])
    assert "in10_add_iNALU" in results[f"results/figures/{FIGURE}.pdf"]["caption"]


def test_provenance_is_one_row_flagged_when_dirty_and_timing_has_the_job(report):
    work, _ = report
    rows = list(csv.DictReader(io.StringIO((work / PROVENANCE).read_text())))
    assert len(rows) == 1 and rows[0]["runs"] == "1" and rows[0]["experiments"] == "in10_add_iNALU"
    assert re.fullmatch("[0-9a-f]{40}", rows[0]["git_commit"]) and rows[0]["threads"] == "1"
    assert (rows[0]["warning"] == "") == (rows[0]["git_dirty"] == "false")
    timing = list(csv.DictReader(io.StringIO((work / TIMING).read_text())))
    assert [(r["experiment"], r["block"], r["runs"]) for r in timing] == [("in10_add_iNALU", "r2_s0", "1"), ("total", "1 jobs", "1")]
    assert float(timing[0]["wall_s"]) > 0 and timing[0]["wall_s"] == timing[1]["wall_s"]
