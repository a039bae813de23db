"""The bytes the Primer pipeline writes, for a fixed set of small cases: the regression record.

Every registered module preset (each of its ops) trains a small block through the `nalm`
command line: two range pairs (one mirrored), two seeds, enough iterations to cross shortened
copies of every schedule event the preset has (regulariser ramp, β steps, the iNALU regulariser
and re-initialisation). The SHA-256 of every file a run writes (event file, `metrics.csv`,
`run.json` less its `provenance` object) is recorded, and so are the bytes of one small export → thresholds → summary → plot
chain of figure 14. A refactor that moves code must leave every hash unchanged.

    python tests/regression/primer_bytes.py --write   # re-record (only when numbers change on purpose)
    python tests/regression/primer_bytes.py           # compare with the record, list differences

The record (`primer_bytes.json`) names the library versions it was made with; PDF bytes depend
on matplotlib's, which the lock file pins.
"""

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

RECORD = Path(__file__).with_name("primer_bytes.json")

RANGES = [  # (id, interpolation, extrapolation): the Primer's r2 and the mirrored r5
    ("r2", "[-2,-1]", "[-6,-2]"),
    ("r5", "[-2,2]", "[[-6,-2],[2,6]]"),
]
DIVISION_RANGES = [("r6", "[0.1,0.2]", "[0.2,2]"), ("r7", "[1,2]", "[2,6]")]

# Shortened schedules so that 400 iterations cross every event: ramp 100 -> 300, β ×growth at
# 150 and 300, the iNALU regulariser after 200, re-initialisation tests over 100 stored losses.
SCHEDULE_OVERRIDES = [
    "regularizer_ramp=[100,300]",
    "beta_step=150",
]
INALU_OVERRIDES = [
    "inalu_regularizer={weight: 0.05, mse_below: 1.0e+30, after_iteration: 200}",
    "reinit={interval: 10, max_stored_losses: 100, loss_threshold: 0.0}",
]
ITERATIONS, LOG_INTERVAL = 400, 50


def _presets():
    """(preset, op) for every preset and every op it is defined for."""
    from nalm.cli import main  # noqa: F401  (the package must import)

    try:
        from nalm.core.presets import load_presets
    except ModuleNotFoundError:  # the layout before the refactor
        from nalm.presets import load_presets
    cases = []
    for name, preset in load_presets().items():
        for op in preset.get("ops", ["add", "sub", "mul", "div"]):
            cases.append((name, op))
    return cases


def _train(out: Path, preset: str, op: str, input_size: int = 2, extra=()) -> None:
    from nalm.cli import main

    ranges = DIVISION_RANGES if op == "div" else RANGES
    argv = ["train", "--preset", preset, "--op", op, "--input-size", str(input_size),
            "--seeds", "0,7", "--iterations", str(ITERATIONS), "--log-interval", str(LOG_INTERVAL),
            "--out", str(out)]
    for range_id, interpolation, extrapolation in ranges:
        argv += ["--range-id", range_id, "--interpolation-range", interpolation,
                 "--extrapolation-range", extrapolation]
    overrides = list(SCHEDULE_OVERRIDES) + (INALU_OVERRIDES if preset == "iNALU" else []) + list(extra)
    for override in overrides:
        argv += ["--set", override]
    status = main(argv)
    if status:
        raise SystemExit(f"nalm {' '.join(argv)} exited {status}")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run_json_digest(path: Path) -> str:
    """run.json without its `provenance` object (git commit and dirty flag, library versions,
    threads: nalm/runs/provenance.py), in the bytes `write_run` gives the rest: those fields name
    the code and machine, not the numbers, and would change the record at every commit."""
    from nalm.runs.provenance import without_provenance

    kept = without_provenance(json.loads(path.read_text(encoding="utf-8")))
    return hashlib.sha256((json.dumps(kept, indent=2, sort_keys=True) + "\n").encode()).hexdigest()


def _tree_digests(root: Path) -> dict:
    return {str(p.relative_to(root)): _run_json_digest(p) if p.name == "run.json" else _digest(p)
            for p in sorted(root.rglob("*")) if p.is_file()}


def _figure_chain(work: Path) -> dict:
    """fig14 from tiny blocks: export, thresholds, summary and plot bytes."""
    from nalm.cli import main

    experiments = {"NAC+": "in2_add_NAC", "NALU": "in2_add_NALU", "G-NALU": "in2_add_G-NALU",
                   "iNALU": "in2_add_iNALU", "NAU": "in2_add_NAU"}
    tables = []
    for preset, experiment in experiments.items():
        runs = work / "runs" / experiment
        _train(runs, preset, "add")
        table = work / "tables" / f"{experiment}.csv"
        table.parent.mkdir(parents=True, exist_ok=True)
        assert main(["export", str(runs), "--out", str(table)]) == 0
        tables.append(str(table))
    thresholds = work / "thresholds.csv"
    assert main(["thresholds", "--ops", "add", "--input-sizes", "2", "--ranges", "r2,r5",
                 "--samples", "20000", "--out", str(thresholds)]) == 0
    summary = work / "summary.csv"
    assert main(["summarize", *tables, "--thresholds", str(thresholds), "--out", str(summary)]) == 0
    figure = work / "fig14_add.pdf"
    assert main(["plot", str(summary), "--figure", "fig14", "--out", str(figure)]) == 0
    files = [*(Path(t) for t in tables), thresholds, summary, figure,
             work / "fig14_add_plot_data.csv", work / "fig14_add.tex"]
    return {str(f.relative_to(work)): _digest(f) for f in files}


def record() -> dict:
    import matplotlib
    import numpy
    import torch

    os.environ["SOURCE_DATE_EPOCH"] = "0"
    torch.set_num_threads(1)
    result = {"versions": {"torch": torch.__version__, "numpy": numpy.__version__,
                           "matplotlib": matplotlib.__version__},
              "runs": {}, "figure_chain": {}}
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        for preset, op in _presets():
            out = scratch / "runs" / f"{preset}_{op}"
            _train(out, preset, op)
            result["runs"][f"{preset} {op} I=2"] = _tree_digests(out)
        # a stalled iNALU (learning rate 0): its validation MSE stops improving, so the
        # re-initialisation test fires
        out = scratch / "runs" / "iNALU_mul_stalled"
        _train(out, "iNALU", "mul", extra=["learning_rate=0"])
        result["runs"]["iNALU mul I=2 stalled"] = _tree_digests(out)
        for input_size in (10, 100):  # per-seed operand offsets and I-major batches
            out = scratch / "runs" / f"NAU_sub_in{input_size}"
            _train(out, "NAU", "sub", input_size)
            result["runs"][f"NAU sub I={input_size}"] = _tree_digests(out)
        result["figure_chain"] = _figure_chain(scratch / "chain")
    return result


def differences(expected: dict, actual: dict) -> list:
    """One line per file whose bytes differ (or that is missing or new)."""
    lines = []
    for section in ("runs", "figure_chain"):
        cases = sorted(set(expected[section]) | set(actual[section]))
        for case in cases:
            want, got = expected[section].get(case), actual[section].get(case)
            if want is None or got is None:
                lines.append(f"{section}: {case}: {'missing' if got is None else 'new'}")
                continue
            if section == "figure_chain":
                want, got, case = {case: want}, {case: got}, ""
            for name in sorted(set(want) | set(got)):
                if want.get(name) != got.get(name):
                    state = "missing" if name not in got else "new" if name not in want else "bytes differ"
                    lines.append(f"{section}: {case} {name}: {state}".replace(":  ", ": "))
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="re-record primer_bytes.json")
    args = parser.parse_args(argv)
    actual = record()
    if args.write:
        RECORD.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n")
        print(f"wrote {RECORD} ({sum(len(v) for v in actual['runs'].values())} run files)")
        return 0
    found = differences(json.loads(RECORD.read_text()), actual)
    print("\n".join(found) if found else "all hashes match")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
