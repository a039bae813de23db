"""A run deleted or damaged after training is noticed by a plain `snakemake` (no --forcerun): its
block is trained again (the same bytes) and the table rebuilt from every run; damage that keeps
every size is found when the export reads the run, which then marks it unfinished."""

import json
import shutil

import pytest
from _workflow import PAPER_CONFIG, job_counts, snakemake

from nalm.runs.provenance import without_provenance
from nalm.runs.tfrecord import iter_records

pytestmark = pytest.mark.workflow

TABLE = "results/tables/in2_add_NAU.csv"
RUNS = "results/runs/in2_add_NAU/r7"
EVENTS = "events.out.tfevents.0.nalm"
# four runs, each its own block: four kinds of damage repaired in one pass
TINY = """\
primer:
  range_ids: [r7]
  seeds: {first: 0, count: 4}
  block: {ranges: 1, seeds: 1}
  iteration_cap: 20
  log_interval: 10
  thresholds: {samples: 1000}
"""


def run(workdir, *args):
    return snakemake("--cores", "1", TABLE, *args, "--configfile", str(PAPER_CONFIG), str(workdir / "tiny.yaml"),
                     workdir=workdir)  # fmt: skip


def plan(workdir, *args):
    result = run(workdir, "--dry-run", *args)
    assert result.returncode == 0, result.stderr[-3000:]
    return job_counts(result.stdout + result.stderr), result.stderr


def snapshot(workdir):
    """Every run file's bytes; run.json less its `provenance` (the dirty flag of the checkout
    may change between the two trainings while someone edits the tree: it names the code, not
    the run's numbers)."""
    return {path: _bytes(path) for path in sorted((workdir / RUNS).glob("seed*/*"))}


def _bytes(path):
    if path.name != "run.json":
        return path.read_bytes()
    return json.dumps(without_provenance(json.loads(path.read_text(encoding="utf-8"))), sort_keys=True).encode()


def repaired(workdir, original, blocks):
    """A plain run retrains the damaged blocks, rebuilds the table, then has nothing to do."""
    counts, stderr = plan(workdir)
    assert counts == {"primer_retrain": blocks, "primer_export": 1}, stderr[-3000:]
    assert stderr.count("that block is trained again") == blocks
    result = run(workdir)
    assert result.returncode == 0, result.stderr[-3000:]
    seeds = sorted(line.rsplit(",", 1)[1] for line in (workdir / TABLE).read_text().splitlines()[1:])
    assert seeds == [str(seed) for seed in range(4) for _ in range(3)]  # steps 0, 10, 20 of every run
    assert snapshot(workdir) == original  # runs lost: 0, the same bytes
    assert plan(workdir)[0] == {}


def test_deleted_and_damaged_runs_are_retrained_without_forcing(workdir):
    (workdir / "tiny.yaml").write_text(TINY)
    first = run(workdir)
    assert first.returncode == 0, first.stderr[-3000:]
    original = snapshot(workdir)
    runs = workdir / RUNS

    (runs / "seed0" / EVENTS).rename(workdir / "moved-away")  # the first probe
    events = runs / "seed1" / EVENTS
    offsets = [offset for offset, _ in iter_records(events.read_bytes(), events)]
    with open(events, "r+b") as handle:  # cut at a record boundary: every CRC still right
        handle.truncate(offsets[len(offsets) // 2])
    shutil.rmtree(runs / "seed2")
    (runs / "seed3" / EVENTS).write_bytes(b"")
    repaired(workdir, original, blocks=4)

    # a bit flip keeps every size: the export finds it when it reads the run
    events = runs / "seed1" / EVENTS
    data = bytearray(events.read_bytes())
    data[len(data) // 2] ^= 0x01
    events.write_bytes(bytes(data))
    forced = run(workdir, "--forcerun", "primer_export")
    assert forced.returncode != 0
    output = forced.stdout + forced.stderr
    assert f"corrupt event file {RUNS}/seed1/{EVENTS}" in output and "metrics.csv was removed" in output
    assert not (workdir / TABLE).exists()
    repaired(workdir, original, blocks=1)
