"""The validation cells (docs/validation.md) and how this project's side of them is trained.

A cell is one module preset × op × range pair of the Primer's figures 14–17 (Mistry, Farrahi
and Hare, "A Primer for Neural Arithmetic Logic Modules", JMLR 2022), trained by the original
code (`bmistry4/nalm-benchmark`, `experiments/single_layer_benchmark.py`) and by `nalm train`.
`run_nalm_cells.py` trains nalm's side with the command below; the prefix test
(`test_nalm_side_is_this_commits.py`) retrains a sample of the same runs for their first
`PREFIX_ITERATIONS` iterations with the same command.
"""

import math
from pathlib import Path

from nalm.runs.events import read_event_file

#: cell -> (nalm preset, op, interpolation range, extrapolation range, range id)
CELLS = {
    "NALU-mul-r7": ("NALU", "mul", "[1,2]", "[2,6]", "r7"),
    "NMU-mul-r3": ("NMU", "mul", "[-1.2,-1.1]", "[-6.1,-1.2]", "r3"),
    "NPU-mul-r5": ("NPU", "mul", "[-2,2]", "[[-6,-2],[2,6]]", "r5"),
    "NALU-add-r2": ("NALU", "add", "[-2,-1]", "[-6,-2]", "r2"),
    "NMU-mul-r5": ("NMU", "mul", "[-2,2]", "[[-6,-2],[2,6]]", "r5"),
    "RealNPU-div-r7": ("RealNPU", "div", "[1,2]", "[2,6]", "r7"),
    "GNALU-add-r5": ("G-NALU", "add", "[-2,2]", "[[-6,-2],[2,6]]", "r5"),
}

#: cells chosen for success rates strictly between 0 and 1 (docs/validation.md), first in order
PRIMARY_CELLS = ["NALU-mul-r7", "NMU-mul-r3", "NPU-mul-r5", "NALU-add-r2"]

#: the seeds both sides have, and the extra nalm seeds of the primary cells
SEEDS = range(25)
EXTRA_SEEDS = range(25, 225)
ITERATIONS = 50_000
LOG_INTERVAL = 1000

#: the retrained prefix: iterations 0..PREFIX_ITERATIONS of these seeds of every cell
PREFIX_ITERATIONS = 2000
PREFIX_SEEDS = (0, 12, 24)
PREFIX_EXTRA_SEEDS = (25, 224)


def prefix_seeds(cell: str) -> tuple:
    """The seeds of `cell` whose logged prefix is recorded (extra seeds only for primary cells)."""
    return PREFIX_SEEDS + (PREFIX_EXTRA_SEEDS if cell in PRIMARY_CELLS else ())


def train_argv(cell: str, seeds, iterations: int, out) -> list:
    """The `nalm train` arguments that train `seeds` of `cell` as one block into `out`."""
    preset, op, interpolation, extrapolation, range_id = CELLS[cell]
    return [
        "train", "--preset", preset, "--op", op,
        "--interpolation-range", interpolation, "--extrapolation-range", extrapolation,
        "--range-id", range_id, "--seeds", ",".join(str(s) for s in seeds),
        "--iterations", str(iterations), "--log-interval", str(LOG_INTERVAL),
        "--threads", "1", "--out", str(out),
    ]  # fmt: skip


def run_dir(out, cell: str, seed: int):
    """The directory `nalm train --out out` writes for `seed` of `cell`."""
    return Path(out) / CELLS[cell][4] / f"seed{seed}"


def logged_prefix(directory, last_step: int) -> list:
    """[(step, tag, value)] of every scalar the run logged at steps <= last_step, in file order.

    Values are the event file's float32 widened to double; `repr` of them round-trips exactly.
    """
    (events,) = sorted(directory.glob("events.out.tfevents.*"))
    rows = []
    for _wall, step, tag, value in read_event_file(str(events)):
        if step <= last_step:
            rows.append((int(step), tag, float(value)))
    return rows


def same_value(a: float, b: float) -> bool:
    """Bit-level equality of two logged values, NaN equal to NaN."""
    return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
