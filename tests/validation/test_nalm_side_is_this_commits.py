"""The committed nalm outcomes were trained by the code of this commit.

`run_nalm_cells.py` trains every validation cell (`cells.py`) and writes, from the same runs,
the per-seed outcomes (`nalm_outcomes.csv`, `nalm_outcomes_extra_seeds.csv`) and every scalar a
sample of those runs logged at steps 0..2000 (`nalm_prefix.csv`). This test retrains that sample
with the same `nalm train` command, for 2,000 iterations, and requires the same bits. A change
of training makes it fail until the script has been run again, so the outcomes compared with
the original implementation (test_validation_agreement.py) can never be older than the code.
"""

import csv
from collections import defaultdict
from pathlib import Path

import cells
import pytest

from nalm.cli import main

HERE = Path(__file__).resolve().parent
PREFIX = HERE / "nalm_prefix.csv"
OUTCOMES = [HERE / "nalm_outcomes.csv", HERE / "nalm_outcomes_extra_seeds.csv"]


def recorded() -> dict:
    """(cell, seed) -> [(step, tag, value)] as committed."""
    runs = defaultdict(list)
    with open(PREFIX, newline="") as handle:
        for row in csv.DictReader(handle):
            runs[row["cell"], int(row["seed"])].append((int(row["step"]), row["tag"], float(row["value"])))
    return runs


def test_the_prefix_covers_the_sample_of_every_cell_and_its_outcomes():
    record = recorded()
    expected = {(cell, seed) for cell in cells.CELLS for seed in cells.prefix_seeds(cell)}
    assert set(record) == expected
    for (cell, seed), rows in record.items():
        steps = sorted({step for step, _, _ in rows})
        assert steps == list(range(0, cells.PREFIX_ITERATIONS + 1, cells.LOG_INTERVAL)), (cell, seed)
    outcomes = set()
    for path in OUTCOMES:
        with open(path, newline="") as handle:
            outcomes |= {(r["cell"], int(r["seed"])) for r in csv.DictReader(handle)}
    assert expected <= outcomes  # the sampled runs are runs of the outcome tables


@pytest.mark.parametrize("cell", list(cells.CELLS))
def test_retrained_prefix_is_bit_identical_to_the_committed_runs(cell, tmp_path):
    record = recorded()
    seeds = cells.prefix_seeds(cell)
    assert main(cells.train_argv(cell, seeds, cells.PREFIX_ITERATIONS, tmp_path)) == 0
    for seed in seeds:
        now = cells.logged_prefix(cells.run_dir(tmp_path, cell, seed), cells.PREFIX_ITERATIONS)
        committed = record[cell, seed]
        assert [(s, t) for s, t, _ in now] == [(s, t) for s, t, _ in committed], (cell, seed)
        for (step, tag, value), (_, _, old) in zip(now, committed):
            assert cells.same_value(value, old), (
                f"{cell} seed {seed} step {step} {tag}: {value!r} now, {old!r} committed: training "
                "changed, run tests/validation/run_nalm_cells.py and re-check docs/validation.md"
            )
