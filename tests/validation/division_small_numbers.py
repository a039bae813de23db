"""Division by small numbers: this project's runs against the original's, side by side (issue 10, item 4b).

Mistry, Farrahi & Hare, "Exploring the Learning Mechanisms of Neural Division Modules", TMLR 2022
(arXiv 2110.05177), appendix "division by small numbers"; the original's runs are
`bmistry4/nalm-division`'s `experiments/single_layer.py` with the flags of
`lfs_batch_jobs/single_layer_task/neurips_2021/divBy0.sh` (`division_run_original_cells.sh`).

A cell is one experiment of `nalm/papers/division/experiments.tsv` at one range U[0,r] (train and
test on the same range), seeds 0-24 on both sides. Per run, the figure's rule
(`nalm/papers/division/figures.yaml`, `divby0_*`: the R script `neurips_range_divBy0.r`): the best
row is the first of lowest interpolation-validation MSE among the logged rows, *solved* = test MSE
there <= the gold-weight threshold (`thresholds.tsv`), *solved at* = the first logged step whose
test MSE <= threshold. It is computed here from the event files with `nalm.runs.events` only, not
with `nalm.analysis.division_summary`, so that it checks that code (`check` below). Rows have the
columns of `extract_original_outcomes.py`, plus `final_step` (the iterations of the run), so that
`compare_outcomes.py` compares them.

    # this project's side: trains every cell (one block per cell), rewrites the nalm table and prefix
    nice -n 19 python tests/validation/division_small_numbers.py nalm [--out SCRATCH]
    # the original's side from its TensorBoard folders TB/<cell>/<run name>/ (the driver's layout)
    python tests/validation/division_small_numbers.py original TB
    # item 4c: the original's runs through `nalm export --reader division` + `nalm division-summary`
    python tests/validation/division_small_numbers.py check TB WORK
    # the tables of docs/validation-division.md
    python tests/validation/division_small_numbers.py compare
"""

import argparse
import csv
import math
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cells as primer_cells
import compare_outcomes
import extract_original_outcomes as extract

from nalm import papers
from nalm.core.errors import UserError

NALM_OUTCOMES = HERE / "division_small_numbers_nalm_outcomes.csv"
ORIGINAL_OUTCOMES = HERE / "division_small_numbers_original_outcomes.csv"
ORIGINAL_SUMMARY = HERE / "division_small_numbers_original_summary_nalm.csv"
SUMMARY_FIELDS = ["cell", "seed", "best.step", "extrapolation.last", "solved"]
NALM_PREFIX = HERE / "division_small_numbers_nalm_prefix.csv"
PREFIX_FIELDS = ["cell", "seed", "step", "tag", "value"]
#: + `left_solution`: 1 when a logged row after the first solved one is above the threshold again
FIELDS = extract.FIELDS[:8] + ["final_step"] + extract.FIELDS[8:] + ["left_solution"]
LOG_INTERVAL = 1000
SEEDS = range(25)


@dataclass(frozen=True)
class Cell:
    experiment: str  # experiments.tsv row
    preset: str
    op: str
    input_size: int
    range: str  # U[0,r], training and test
    range_id: str  # the workflow's id of that range (ranges.yaml, set small_numbers)
    threshold_set: str  # thresholds.tsv set of the figure's series
    iterations: int
    overrides: tuple = ()  # experiments.tsv's hyper-parameter overrides as `--set` values


_EASY = {"num_subsets": 1, "subset_ratio": 1}
_NRU_EASY = ("regularizer_ramp=[15000,20000]",)

#: the compared cells (docs/validation-division.md, "Side by side with the original")
CELLS = {
    "NRU-easy-z1": Cell("divby0_easy_NRU", "NRU-in2", "reciprocal", 1, "[0,1e-4]", "z1", "zero.range.easy", 5000, _NRU_EASY),
    "NRU-easy-z2": Cell("divby0_easy_NRU", "NRU-in2", "reciprocal", 1, "[0,1e-3]", "z2", "zero.range.easy", 5000, _NRU_EASY),
    "NRU-easy-z3": Cell("divby0_easy_NRU", "NRU-in2", "reciprocal", 1, "[0,1e-2]", "z3", "zero.range.easy", 5000, _NRU_EASY),
    # the medium task ([a,b] -> 1/a) cut to 5,000 of its 50,000 iterations: see the docs
    "NMRU-medium5k-z4": Cell("divby0_medium_NMRU", "NMRU-in2", "reciprocal", 2, "[0,1e-1]", "z4", "zero.range.medium.nmru", 5000),
}  # fmt: skip

#: folders of single original runs that complete the other series of the cells' figures, so that
#: `nalm division-summary` reads original runs only (item 4c): folder -> experiment
SUPPORT = {
    "RealNPU-easy-z2": "divby0_easy_RealNPU",
    "NMRU-easy-z2": "divby0_easy_NMRU",
    "NRU-medium5k-z4": "divby0_medium_NRU",
    "RealNPU-medium5k-z4": "divby0_medium_RealNPU",
}


#: every scalar these runs log at steps 0..PREFIX_ITERATIONS is committed (NALM_PREFIX) and
#: retrained by test_division_small_numbers_agreement.py: seeds with solved and unsolved runs
PREFIX_ITERATIONS = 1000
PREFIX_SEEDS = {"NRU-easy-z2": (0, 6, 9), "NMRU-medium5k-z4": (0, 1, 3)}


def _seeds(seeds) -> str:
    seeds = list(seeds)
    if seeds == list(range(seeds[0], seeds[-1] + 1)):
        return f"{seeds[0]}-{seeds[-1]}"  # as the workflow writes a block's seeds
    return ",".join(str(seed) for seed in seeds)


def train_argv(cell: str, seeds, out, iterations=None) -> list:
    """`nalm train` arguments of the workflow's `division_train` for `seeds` of `cell` (one range)."""
    c = CELLS[cell]
    argv = [
        "train", "--preset", c.preset, "--op", c.op, "--input-size", str(c.input_size),
        "--iterations", str(iterations or c.iterations), "--log-interval", str(LOG_INTERVAL),
        "--seeds", _seeds(seeds), "--device", "cpu",
    ]  # fmt: skip
    if c.input_size == 1:
        argv += ["--num-subsets", "1", "--subset-ratio", "1"]
    # the options every division experiment shares (the original's float32 evaluation)
    argv += ["--evaluation", papers.read_yaml("division", "task_defaults.yaml")["evaluation"]]
    argv += [
        "--range-id",
        c.range_id,
        "--interpolation-range",
        c.range,
        "--extrapolation-range",
        c.range,
        "--distribution",
        "uniform",
    ]
    for value in c.overrides:
        argv += ["--set", value]
    return argv + ["--threads", "1", "--out", str(out)]


def threshold(cell: str) -> float:
    c = CELLS[cell]
    label = _label(c)
    for row in papers.read_table("division", "thresholds.tsv"):
        if (row["set"], row["operation"], row["extrapolation.range"]) == (
            c.threshold_set,
            c.op,
            label,
        ):
            return float(row["threshold"])
    raise KeyError(f"no threshold for {cell} ({c.threshold_set}, {c.op}, {label})")


def outcome(rows, limit: float) -> dict:
    """The figure's per-run quantities from [(step, valid, test, sparsity)] in step order."""
    valid = [r[1] for r in rows]
    finite = [i for i, v in enumerate(valid) if not math.isnan(v)]
    best = min(finite, key=lambda i: (valid[i], i)) if finite else len(rows) - 1
    step, v_best, e_best, se_best = rows[best]
    solved_at = next((r[0] for r in rows if r[2] <= limit), None)
    return {
        "rows": len(rows), "last_step": rows[-1][0], "threshold": limit, "best_step": step,
        "interpolation_mse_best": v_best, "extrapolation_mse_best": e_best,
        "extrapolation_mse_last": rows[-1][2],
        "solved": int(e_best <= limit),  # NaN compares False: not solved
        "solved_at": "" if solved_at is None else solved_at,
        "sparsity_error_best": se_best,
        "left_solution": int(
            solved_at is not None and any(not r[2] <= limit for r in rows if r[0] > solved_at)
        ),
    }  # fmt: skip


def outcomes_of(cell: str, folder) -> list:
    """One row per run below `folder` (original run directories, or `nalm train` ones)."""
    limit, out = threshold(cell), []
    for name, run_dir in extract._run_dirs(str(folder)):
        seed = int(name.split("_")[11].removeprefix("s"))
        try:
            rows = extract.read_rows(run_dir)
        except UserError as error:  # a run still being written
            print(f"skipped: {error}", file=sys.stderr)
            continue
        if not rows:
            print(f"skipped: {run_dir} has no rows yet", file=sys.stderr)
            continue
        c = CELLS[cell]
        out.append({
            "cell": cell, "model": c.preset.split("-")[0], "op": c.op, "interpolation_range": c.range,
            "extrapolation_range": c.range, "seed": seed, "final_step": c.iterations,
            **outcome(rows, limit),
        })  # fmt: skip
    return sorted(out, key=lambda r: r["seed"])


def write(rows, path) -> None:
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: extract._fmt(row[k]) for k in FIELDS})


def run_dir(out, cell: str, seed: int) -> Path:
    return Path(out) / CELLS[cell].range_id / f"seed{seed}"


def prefix_rows(out: Path) -> list:
    """Every scalar logged at steps <= PREFIX_ITERATIONS by the PREFIX_SEEDS runs below `out`."""
    rows = []
    for cell, seeds in PREFIX_SEEDS.items():
        for seed in seeds:
            for step, tag, value in primer_cells.logged_prefix(
                run_dir(out / cell, cell, seed), PREFIX_ITERATIONS
            ):
                rows.append(
                    {
                        "cell": cell,
                        "seed": seed,
                        "step": step,
                        "tag": tag,
                        "value": repr(value),
                    }
                )
    return rows


def train_nalm(out: Path) -> list:
    from nalm.cli import main

    rows = []
    for cell in CELLS:
        started, cpu = time.perf_counter(), time.process_time()
        if main(train_argv(cell, SEEDS, out / cell)) != 0:
            raise SystemExit(f"nalm train for {cell} failed")
        print(
            f"{cell}: {len(SEEDS)} runs, {time.perf_counter() - started:.1f} s wall, "
            f"{time.process_time() - cpu:.1f} CPU-s",
            flush=True,
        )
        rows += outcomes_of(cell, out / cell)
    return rows


def float32(text) -> float:
    """A logged value as the float32 it is: the run tables' 15 significant digits (R's CSV
    precision) and the extraction's repr() name the same float32."""
    return float(np.float32(float(text)))


def _label(c: Cell) -> str:
    return "U[0," + repr(float(c.range.split(",")[1].rstrip("]"))) + "]"


def check(tb: Path, work: Path, partial: bool = False) -> int:
    """Item 4c: `nalm export --reader division` + `nalm division-summary` of the original's runs
    give the per-run best step, best-step test MSE and *solved* of the independent extraction
    above, for every run of every cell. Each figure's other series are the SUPPORT folders."""
    from nalm.figures.division import get_division_figure

    work.mkdir(parents=True, exist_ok=True)
    nalm = [sys.executable, "-m", "nalm.cli"]
    ours = {
        (r["cell"], int(r["seed"])): r
        for r in compare_outcomes.read_outcomes(ORIGINAL_OUTCOMES)
    }
    folders = {}
    for cell, c in CELLS.items():
        folders.setdefault(c.experiment, []).append(str(tb / cell))
    for folder, experiment in SUPPORT.items():
        folders.setdefault(experiment, []).append(str(tb / folder))
    checked, bad, kept = 0, 0, []
    for figure_name in sorted(
        {"divby0_" + c.experiment.split("_")[1] for c in CELLS.values()}
    ):
        figure = get_division_figure(figure_name)
        tables = []
        for series in figure.series:
            table = work / f"{series.experiment}.csv"
            subprocess.run(
                nalm
                + [
                    "export",
                    *folders[series.experiment],
                    "--reader",
                    "division",
                    "--out",
                    str(table),
                ]
                + (["--skip-corrupt"] if partial else []),
                check=True,
            )
            tables += ["--table", f"{series.experiment}={table}"]
        per_run = work / f"{figure_name}_per_run.csv"
        subprocess.run(
            nalm
            + [
                "division-summary",
                "--figure",
                figure_name,
                *tables,
                "--out",
                str(work / f"{figure_name}.csv"),
                "--per-run",
                str(per_run),
            ],
            check=True,
        )
        label = {series.experiment: series.label for series in figure.series}
        cell_of = {
            (label[c.experiment], c.op, _label(c)): cell
            for cell, c in CELLS.items()
            if c.experiment in label
        }
        with open(per_run, newline="") as handle:
            for row in csv.DictReader(handle):
                cell = cell_of.get(
                    (row["model"], row["operation"], row["extrapolation.range"])
                )
                if cell is None:
                    continue
                if partial and (cell, int(float(row["seed"]))) not in ours:
                    continue  # finished after the extraction
                mine = ours[cell, int(float(row["seed"]))]
                summary = (
                    row["solved"].upper() == "TRUE",
                    float32(row["extrapolation.last"]),
                    float(row["best.step"]),
                )
                extraction = (
                    mine["solved"] == "1",
                    float32(mine["extrapolation_mse_best"]),
                    float(mine["best_step"]),
                )
                kept.append(
                    {
                        "cell": cell,
                        "seed": int(float(row["seed"])),
                        **{k: row[k] for k in SUMMARY_FIELDS[2:]},
                    }
                )
                checked += 1
                if summary != extraction:
                    bad += 1
                    print(
                        f"differs: {cell} seed {row['seed']}: summary {summary}, extraction {extraction}"
                    )
    kept.sort(key=lambda r: (list(CELLS).index(r["cell"]), r["seed"]))
    with open(ORIGINAL_SUMMARY, "w", newline="") as handle:
        writer = csv.DictWriter(handle, SUMMARY_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
    print(
        f"nalm export + division-summary of {checked} original runs ({len(CELLS)} cells): {bad} differ"
    )
    return 1 if bad or (checked != len(ours) and not partial) else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    p = sub.add_parser(
        "nalm", help="train this project's side and rewrite its outcome table"
    )
    p.add_argument(
        "--out", help="scratch folder for the runs (default: a temporary one)"
    )
    p = sub.add_parser(
        "original", help="extract the original's outcomes from TB/<cell>/<run name>/"
    )
    p.add_argument("tb", type=Path)
    p = sub.add_parser(
        "check",
        help="item 4c: the original's runs through nalm export + division-summary",
    )
    p.add_argument("tb", type=Path)
    p.add_argument("work", type=Path)
    p.add_argument(
        "--partial", action="store_true", help="leave out runs still being written"
    )
    sub.add_parser("compare", help="print the comparison tables")
    args = parser.parse_args(argv)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    if args.mode == "nalm":
        import tempfile

        with tempfile.TemporaryDirectory() as scratch:
            out = Path(args.out or scratch)
            write(train_nalm(out), NALM_OUTCOMES)
            with open(NALM_PREFIX, "w", newline="") as handle:
                writer = csv.DictWriter(handle, PREFIX_FIELDS, lineterminator="\n")
                writer.writeheader()
                writer.writerows(prefix_rows(out))
    elif args.mode == "original":
        rows = [r for cell in CELLS for r in outcomes_of(cell, args.tb / cell)]
        write(rows, ORIGINAL_OUTCOMES)
        print(f"wrote {ORIGINAL_OUTCOMES.name} ({len(rows)} runs)")
    elif args.mode == "check":
        return check(args.tb, args.work, args.partial)
    original = compare_outcomes.read_outcomes(ORIGINAL_OUTCOMES)
    ours = compare_outcomes.read_outcomes(NALM_OUTCOMES)
    results = compare_outcomes.compare(original, ours)
    print(compare_outcomes.markdown(results))
    print()
    print(
        "| cell | original rate | smallest difference detected (power 0.8, Fisher α = 0.05): down / up |"
    )
    print("|---|---|---|")
    for cell, result in results.items():
        a = result["original"]
        down, up = (
            compare_outcomes.detectable_difference(
                a.rate, a.n, result["ours"].n, 0.05, 0.8, sign=sign
            )
            for sign in (-1, 1)
        )
        shown = " / ".join("–" if math.isnan(d) else f"{d:.2f}" for d in (down, up))
        print(f"| {cell} | {a.solved}/{a.n} | {shown} |")
    print()
    print("| cell | left the solution after reaching it: original | nalm | Fisher exact p |")
    print("|---|---|---|---|")
    for cell in results:
        counts = []
        for rows in (original, ours):
            reached = [r for r in rows if r["cell"] == cell and r["solved_at"] != ""]
            counts.append((sum(r["left_solution"] == "1" for r in reached), len(reached)))
        (k1, n1), (k2, n2) = counts
        p = stats.fisher_exact([[k1, n1 - k1], [k2, n2 - k2]]).pvalue
        print(f"| {cell} | {k1}/{n1} | {k2}/{n2} | {p:.2g} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
