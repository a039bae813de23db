"""A run that diverges in the middle of training, followed through export, summary and figure.

The configuration diverges on its own, without touching any parameter: the Real NPU on
multiplication over the mirrored range `[-2,2]` → `[[-6,-2],[2,6]]` (the Primer's r5) with a
learning rate of 1.5 instead of 5e-3. In 3,000 iterations seed 2's parameters become non-finite
mid-run (at step 2,700 with this code), seed 5 solves the task and seed 0 does not.

The figure must count the diverged run as a failure exactly as the original's statistics do
(`bmistry4/nalm-benchmark`, `export/single_layer_task/benchmark/plot_results.r`): the best row
is the first minimum of the interpolation MSE with NaN skipped (R's `which.min`; the last row
when every value is NaN), solved is `extrapolation MSE at the best row < threshold` with NA
counted as FALSE (`replace_na(..., FALSE)`), and the success rate is solved / n over every run
(`export/_compute_summary.r`). So a diverged run counts in n, and counts as solved only if a row
before its divergence had solved the task; a log that stops at the divergence (as a crashed run's
would) gives the same statistics as one that goes on with NaN rows.
"""

import csv
import math

import pytest

from nalm.cli import main

pytestmark = pytest.mark.slow

SEEDS = (0, 2, 5)
ITERATIONS, LOG_INTERVAL = 3000, 100
TRAIN = [
    "train", "--preset", "RealNPU", "--op", "mul", "--input-size", "2",
    "--interpolation-range", "[-2,2]", "--extrapolation-range", "[[-6,-2],[2,6]]", "--range-id", "r5",
    "--seeds", ",".join(map(str, SEEDS)), "--iterations", str(ITERATIONS),
    "--log-interval", str(LOG_INTERVAL), "--set", "learning_rate=1.5",
]  # fmt: skip


#: the numeric columns of a `nalm export` table (written unquoted, as the exporter does)
NUMERIC = {"metric.valid.interpolation", "step", "wall.time", "metric.test.extrapolation",
           "sparse.error.max", "input.size", "seed"}  # fmt: skip


def read(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def number(text):
    return math.nan if text in ("", "NA", "nan") else float(text)


@pytest.fixture(scope="module")
def chain(tmp_path_factory, monkeypatch_module):
    work = tmp_path_factory.mktemp("divergence")
    monkeypatch_module.setenv("SOURCE_DATE_EPOCH", "0")
    runs = work / "runs" / "in2_mul_RealNPU"
    assert main([*TRAIN, "--out", str(runs)]) == 0
    assert main(["export", str(runs), "--out", str(work / "table.csv")]) == 0
    assert main(["thresholds", "--ops", "mul", "--input-sizes", "2", "--ranges", "r5",
                 "--samples", "20000", "--out", str(work / "thresholds.csv")]) == 0  # fmt: skip
    assert main(["summarize", str(work / "table.csv"), "--thresholds", str(work / "thresholds.csv"),
                 "--out", str(work / "summary.csv"), "--per-run", str(work / "per_run.csv")]) == 0  # fmt: skip
    assert main(["plot", str(work / "summary.csv"), "--figure", "fig16", "--out", str(work / "fig16.pdf")]) == 0
    return work


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_one_seed_diverges_mid_run_on_its_own(chain):
    metrics = {s: read(chain / "runs" / "in2_mul_RealNPU" / "r5" / f"seed{s}" / "metrics.csv") for s in SEEDS}
    first_diverged = {s: next((int(r["step"]) for r in rows if r["diverged"] == "1"), None) for s, rows in metrics.items()}
    assert first_diverged[0] is None and first_diverged[5] is None
    assert 0 < first_diverged[2] < ITERATIONS  # mid-run
    for row in metrics[2]:
        diverged = int(row["step"]) >= first_diverged[2]
        assert math.isnan(number(row["extrapolation_mse"])) == diverged  # NaN from then on, finite before


def r_outcome(rows, threshold):
    """The original's per-run logic (plot_results.r) on one run's rows in step order."""
    valid = [number(r["metric.valid.interpolation"]) for r in rows]
    test = [number(r["metric.test.extrapolation"]) for r in rows]
    finite = [i for i, v in enumerate(valid) if not math.isnan(v)]
    best = min(finite, key=lambda i: (valid[i], i)) if finite else len(rows) - 1
    return best, not math.isnan(test[best]) and test[best] < threshold  # NA -> not solved


def test_the_diverged_run_is_a_failure_exactly_as_the_original_counts_it(chain):
    table = read(chain / "table.csv")
    threshold = number(read(chain / "thresholds.csv")[0]["threshold"])
    per_run = {int(r["seed"]): r for r in read(chain / "per_run.csv")}
    assert set(per_run) == set(SEEDS)  # the diverged run is kept, not dropped
    for seed in SEEDS:
        rows = sorted((r for r in table if int(r["seed"]) == seed), key=lambda r: number(r["step"]))
        best, solved = r_outcome(rows, threshold)
        assert int(per_run[seed]["best.model.step"]) == best + 1
        assert (per_run[seed]["solved"] == "TRUE") == solved
    assert [per_run[s]["solved"] for s in SEEDS] == ["FALSE", "FALSE", "TRUE"]
    (cell,) = read(chain / "summary.csv")
    assert (cell["n"], cell["solved"]) == ("3", "1")
    # the figure's success-rate panel: 1 of 3, the diverged run counted as a failure
    plotted = {r["key"]: r for r in read(chain / "fig16_plot_data.csv")}
    assert number(plotted["success.rate"]["mean.value"]) == pytest.approx(1 / 3, abs=1e-12)
    assert (chain / "fig16.pdf").read_bytes()[:5] == b"%PDF-"


def test_a_log_that_stops_at_the_divergence_gives_the_same_statistics(chain, tmp_path):
    # what a run that crashed at its divergence leaves: the rows up to its last finite one
    table = read(chain / "table.csv")
    kept = [r for r in table if not math.isnan(number(r["metric.valid.interpolation"]))]
    assert len(kept) < len(table)
    truncated = tmp_path / "truncated.csv"
    with open(truncated, "w", newline="") as handle:
        writer = csv.DictWriter(handle, list(table[0]), lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
        writer.writeheader()
        writer.writerows({k: (number(v) if k in NUMERIC else v) for k, v in r.items()} for r in kept)
    summary = tmp_path / "summary.csv"
    assert main(["summarize", str(truncated), "--thresholds", str(chain / "thresholds.csv"),
                 "--out", str(summary)]) == 0  # fmt: skip
    assert summary.read_text() == (chain / "summary.csv").read_text()
