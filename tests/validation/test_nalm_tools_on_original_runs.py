"""This project's export, summary and plot on run directories written by the original code.

`check_nalm_tools.py` runs `nalm export`, `nalm summarize --per-run` and `nalm plot` on a folder
of the original's runs (long run names, tensorboardX event files) and recomputes every per-run
and per-cell number independently (`extract_original_outcomes.py`, `compare_outcomes.py`).
The 175 original runs of the validation cells are not in the repository (their committed result
is `original_summary_nalm.csv`, checked by test_validation_agreement.py); this test runs the
check on the five original runs that are: `shared/fixtures/original-events` (NAU add, NMU mul,
NALU mul, iNALU add, Real NPU div, `[-20,-10]` → `[-40,-20]`, one seed each, 50,000 iterations).
"""

import csv

import check_nalm_tools
import pytest
from _original_events import original_events_dir


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    work = tmp_path_factory.mktemp("original-runs")
    status = check_nalm_tools.main(
        [str(original_events_dir()), str(work), "--figure", "fig14", "--figure", "fig16", "--figure", "fig17"]
    )
    return status, work


def read(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_number_of_the_nalm_summary_matches_the_independent_computation(checked):
    status, work = checked
    assert status == 0
    assert {r["module"] for r in read(work / "summary.csv")} == {"NAU", "NMU", "NALU", "iNALU", "RealNPU"}
    assert len(read(work / "per_run.csv")) == 5
    for figure in ("fig14", "fig16", "fig17"):
        assert (work / f"{figure}.pdf").read_bytes()[:5] == b"%PDF-"


def test_the_check_reports_a_number_that_does_not_match(checked):
    _, work = checked
    outcomes, per_run, summary = (read(work / name) for name in ("outcomes.csv", "per_run.csv", "summary.csv"))
    for r in outcomes:
        r["name_model"] = r["model"].replace(" ", "")
    assert check_nalm_tools.check(outcomes, per_run, summary) == []
    per_run[0]["best.step"] = str(float(per_run[0]["best.step"]) + 1000)
    summary[0]["solved"] = str(int(summary[0]["solved"]) + 1)
    problems = check_nalm_tools.check(outcomes, per_run, summary)
    assert any("best step" in p for p in problems) and any(": solved: nalm summarize" in p for p in problems)
