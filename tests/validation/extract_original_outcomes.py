"""Per-seed outcomes of runs written by the original implementation (or by `nalm train`).

Reads TensorBoard run directories named with the original's long run name (the name f-string of
`bmistry4/nalm-benchmark`'s `experiments/single_layer_benchmark.py`), one event file each, with
the project's own reader `nalm.runs.events.read_event_file`, and writes one CSV row per run with
the per-run quantities of the original's `export/single_layer_task/benchmark/plot_results.r`:
the best-validation step, the extrapolation MSE there and at the last logged step, `solved`,
`solved_at` and the sparsity error at the best step (per module as
`stable_nalu/reader/tensorboard_metric_reader.py`). Thresholds are the values the original's
`generate_exp_thresholds.r` writes (epsilon = 1e-4, input size 2).

    python tests/validation/extract_original_outcomes.py TB_ROOT --out outcomes.csv

TB_ROOT holds one folder per cell (any name; it becomes the `cell` column), each holding run
directories. Only numbers leave this script: no code or text of the original is involved.
"""

import argparse
import csv
import json
import math
import os
import sys
from collections import defaultdict

from nalm.core.errors import UserError
from nalm.runs.events import read_event_file

VALID_TAG = "metric/valid/interpolation"
TEST_TAG = "metric/test/extrapolation"

# generate_exp_thresholds.r's values (R Monte Carlo, set.seed(1234), N = 1e6), input size 2,
# epsilon 1e-4, keyed by (op, extrapolation range).
THRESHOLDS = {
    "add": {"[-40,-20]": 3.66747e-05, "[-6,-2]": 6.66772e-07, "[-6.1,-1.2]": 5.73073e-07,
            "[-2,-0.2]": 5.38141e-08, "[[-6,-2],[2,6]]": 6.66677e-07, "[0.2,2]": 5.37735e-08,
            "[2,6]": 6.67055e-07, "[1.2,6]": 5.57411e-07, "[20,40]": 3.66667e-05},
    "sub": {"[-40,-20]": 3.66588e-05, "[-6,-2]": 6.66606e-07, "[-6.1,-1.2]": 5.73237e-07,
            "[-2,-0.2]": 5.3782e-08, "[[-6,-2],[2,6]]": 6.66501e-07, "[0.2,2]": 5.37712e-08,
            "[2,6]": 6.66926e-07, "[1.2,6]": 5.56635e-07, "[20,40]": 3.66466e-05},
    "mul": {"[-40,-20]": 0.0348275, "[-6,-2]": 1.20189e-05, "[-6.1,-1.2]": 9.37844e-06,
            "[-2,-0.2]": 8.75218e-08, "[[-6,-2],[2,6]]": 1.20057e-05, "[0.2,2]": 8.75334e-08,
            "[2,6]": 1.20154e-05, "[1.2,6]": 8.84711e-06, "[20,40]": 0.0348643},
    "div": {"[-40,-20]": 4.66192e-08, "[-6,-2]": 5.77036e-08, "[-6.1,-1.2]": 8.37361e-08,
            "[-2,-0.2]": 1.47589e-07, "[[-6,-2],[2,6]]": 5.76518e-08, "[0.2,2]": 1.48031e-07,
            "[2,6]": 5.77985e-08, "[1.2,6]": 8.27312e-08, "[20,40]": 4.66578e-08},
}

# Original layer-type field (run name field 1) -> display name (as the original's `expand.name`).
MODELS = {
    "reregualizedlinearnac": "NAU", "reregualizedlinearmnac": "NMU", "nalu": "NALU",
    "nalu-gr": "G-NALU", "inalu": "iNALU", "npu": "NPU", "realnpu": "Real NPU",
    "nac": "NAC+", "mnac": "NAC*",
}

FIELDS = [
    "cell", "model", "op", "interpolation_range", "extrapolation_range", "seed", "rows",
    "last_step", "threshold", "best_step", "interpolation_mse_best", "extrapolation_mse_best",
    "extrapolation_mse_last", "solved", "solved_at", "sparsity_error_best",
]


def _range_text(field: str) -> str:
    """`-2-2` -> `[-2,2]`, `[-6, -2]-[2, 6]` -> `[[-6,-2],[2,6]]` (run name fields 8/9)."""
    if field.startswith("["):
        left, right = field.split("]-[")
        return "[" + left.replace(" ", "") + "],[" + right.replace(" ", "") + "]"
    # lo-hi where either may be negative: split at the '-' that follows a digit.
    for i in range(1, len(field)):
        if field[i] == "-" and field[i - 1] not in "-e":
            return "[" + field[:i] + "," + field[i + 1:] + "]"
    raise ValueError(f"cannot parse range field {field!r}")


def parse_run_name(name: str) -> dict:
    parts = name.split("_")
    return {
        "model": MODELS.get(parts[0], parts[0]),
        "op": parts[1].removeprefix("op-"),
        "interpolation_range": _range_text(parts[7][2:]),
        "extrapolation_range": _range_text(parts[8][2:]),
        "seed": int(parts[11].removeprefix("s")),
    }


def sparsity_error(values: dict) -> float:
    """`sparse.error.max` of one step from its `*/sparsity_error` tags (as tensorboard_metric_reader.py)."""
    npu = [v for t, v in values.items() if t.endswith("/npu/W_real/sparsity_error") or t.endswith("/npu/W_im/sparsity_error")]
    if len(npu) == 2:
        return sum(npu) / 2
    for suffix in ("real_npu/W_real/sparsity_error", "inalu/W/sparsity_error"):
        hits = [v for t, v in values.items() if t.endswith(suffix)]
        if hits:
            return hits[0]
    hits = [v for t, v in values.items() if t.endswith("/W/sparsity_error")]
    return max(hits) if hits else math.nan


def read_rows(run_dir: str):
    """[(step, valid_mse, test_mse, sparsity_error)] in step order."""
    files = [f for f in os.listdir(run_dir) if f.startswith("events.out.tfevents.")]
    if len(files) != 1:
        raise ValueError(f"{run_dir}: expected exactly one event file, found {len(files)}")
    metrics = defaultdict(dict)
    sparsity = defaultdict(dict)
    for _wall, step, tag, value in read_event_file(os.path.join(run_dir, files[0])):
        if tag in (VALID_TAG, TEST_TAG):
            metrics[step].setdefault(tag, value)
        elif tag.endswith("sparsity_error"):
            # NALU logs its W tag twice per step with identical values; keep the max.
            sparsity[step][tag] = max(value, sparsity[step].get(tag, -math.inf))
    rows = []
    for step in sorted(metrics):
        m = metrics[step]
        rows.append((step, m.get(VALID_TAG, math.nan), m.get(TEST_TAG, math.nan), sparsity_error(sparsity.get(step, {}))))
    return rows


def outcomes(rows, threshold: float) -> dict:
    """plot_results.r's per-run quantities."""
    valid = [r[1] for r in rows]
    finite = [i for i, v in enumerate(valid) if not math.isnan(v)]
    best = min(finite, key=lambda i: (valid[i], i)) if finite else len(rows) - 1
    step, v_best, e_best, se_best = rows[best]
    solved_at = next((r[0] for r in rows if r[2] < threshold), None)
    return {
        "rows": len(rows), "last_step": rows[-1][0], "threshold": threshold, "best_step": step,
        "interpolation_mse_best": v_best, "extrapolation_mse_best": e_best,
        "extrapolation_mse_last": rows[-1][2],
        "solved": int(e_best < threshold),  # NaN compares False: NA counts as not solved
        "solved_at": "" if solved_at is None else solved_at,
        "sparsity_error_best": se_best,
    }


def _run_dirs(cell_dir: str):
    """(run name, run directory) of every directory below `cell_dir` holding an event file.

    Original runs are named by their long run name; `nalm train` runs (`<range-id>/seed<k>/`)
    carry that name as `original_run_name` in their `run.json` (docs/run-format.md).
    """
    for here, _dirs, files in sorted(os.walk(cell_dir)):
        if not any(f.startswith("events.out.tfevents.") for f in files):
            continue
        name = os.path.basename(here)
        if "run.json" in files:
            with open(os.path.join(here, "run.json")) as handle:
                name = json.load(handle)["original_run_name"]
        yield name, here


def extract(root: str):
    out = []
    for cell in sorted(os.listdir(root)):
        cell_dir = os.path.join(root, cell)
        if not os.path.isdir(cell_dir):
            continue
        for name, run_dir in _run_dirs(cell_dir):
            info = parse_run_name(name)
            try:
                rows = read_rows(run_dir)
            except UserError as error:  # a run still being written
                print(f"skipped: {error}", file=sys.stderr)
                continue
            if not rows:
                continue
            threshold = THRESHOLDS[info["op"]][info["extrapolation_range"]]
            out.append({"cell": cell, **info, **outcomes(rows, threshold)})
    out.sort(key=lambda r: (r["cell"], r["seed"]))
    return out


def _fmt(value):
    return repr(value) if isinstance(value, float) else value


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", help="folder of cell folders of original run directories")
    parser.add_argument("--out", default="-", help="CSV to write (default: stdout)")
    args = parser.parse_args(argv)
    rows = extract(args.root)
    handle = sys.stdout if args.out == "-" else open(args.out, "w", newline="")
    writer = csv.DictWriter(handle, FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _fmt(row[k]) for k in FIELDS})
    if handle is not sys.stdout:
        handle.close()


if __name__ == "__main__":
    main()
