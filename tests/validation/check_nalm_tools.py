"""Export, summarise and plot runs with this project's CLI, and check its numbers independently.

Issue 5 item 4: this project's tools must read the original implementation's runs, and the
summary they give must equal what is computed directly from the same event files. This script

1. writes a threshold file with the original's R Monte Carlo values (those its
   `generate_exp_thresholds.r` writes) in the format of `nalm thresholds`, so that both sides
   use the same thresholds;
2. runs `nalm export`, `nalm summarize --per-run` and `nalm plot` on TB_ROOT;
3. recomputes every per-run quantity with `extract_original_outcomes.py` (its own reading of
   the event files and its own copy of plot_results.r's per-run logic) and every success rate /
   Wilson interval / median with `compare_outcomes.py`, and reports any mismatch.

    python tests/validation/check_nalm_tools.py TB_ROOT WORK_DIR [--figure fig16 ...]

Exit status 1 on any mismatch. WORK_DIR receives export.csv, per_run.csv, summary.csv,
thresholds.csv, outcomes.csv and the figures.
"""

import argparse
import csv
import math
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import compare_outcomes  # noqa: E402
import extract_original_outcomes as extract  # noqa: E402

NALM = [sys.executable, "-c", "import sys; from nalm.cli import main; sys.exit(main())"]


def _label(range_text: str) -> str:
    """`[-2,2]` -> `U[-2,2]`, `[[-6,-2],[2,6]]` -> `U[-6,-2] & U[2,6]` (the R labels of `expand.name`)."""
    if range_text.startswith("[["):
        left, right = range_text[1:-1].split("],[")
        return f"U{left}] & U[{right}"
    return "U" + range_text


def write_r_thresholds(path: str, cases):
    """A `nalm thresholds`-format file with generate_exp_thresholds.r's values for (op, extrapolation)."""
    fields = ["operation", "parameter", "simple", "input.size", "subset.ratio", "overlap.ratio",
              "range.a", "range.b", "range.mirror", "epsilon", "threshold", "extrapolation.range"]
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(fields)
        for op, extrapolation in sorted(cases):
            mirrored = extrapolation.startswith("[[")
            lo, hi = (2, 6) if mirrored else extrapolation.strip("[]").split(",")
            writer.writerow([f"op-{op}", "extrapolation.range", "FALSE", 2, 0.5, 0, lo, hi,
                             "TRUE" if mirrored else "FALSE", 0.0001,
                             repr(extract.THRESHOLDS[op][extrapolation]), _label(extrapolation)])


def _close(a, b, rel=1e-9):
    a, b = float(a), float(b)
    if math.isnan(a) and math.isnan(b):
        return True
    return math.isclose(a, b, rel_tol=rel, abs_tol=0.0)


def _num(text):
    return math.nan if text in ("", "NA", None) else float(text)


def check(outcomes, per_run, summary):
    problems = []
    ours = {(r["name_model"], r["op"], r["interpolation_range"], int(r["seed"])): r for r in outcomes}
    matched = 0
    for row in per_run:
        key = (row["module"].replace(" ", ""), row["operation"], row["interpolation.range"][1:], int(row["seed"]))
        mine = ours.get(key)
        if mine is None:
            problems.append(f"per-run row {key} has no independent outcome")
            continue
        matched += 1
        pairs = [
            ("best step", row["best.step"], mine["best_step"]),
            ("extrapolation at best", row["extrapolation.last"], mine["extrapolation_mse_best"]),
            ("interpolation at best", row["interpolation.last"], mine["interpolation_mse_best"]),
            ("solved at", row["extrapolation.step.solved"], mine["solved_at"]),
            ("sparsity error", row["sparse.error.max"], mine["sparsity_error_best"]),
        ]
        for what, theirs, independent in pairs:
            if not _close(_num(theirs), _num(independent), rel=1e-6):
                problems.append(f"{key}: {what}: nalm {theirs} vs independent {independent}")
        if (row["solved"] == "TRUE") != (mine["solved"] == "1"):
            problems.append(f"{key}: solved: nalm {row['solved']} vs independent {mine['solved']}")
    if matched != len(outcomes):
        problems.append(f"{len(outcomes)} independent outcomes but {matched} nalm per-run rows matched")

    cells = {}
    for r in outcomes:
        cells.setdefault((r["name_model"], r["op"], r["interpolation_range"]), []).append(r)
    for row in summary:
        key = (row["module"].replace(" ", ""), row["operation"], row["interpolation.range"][1:])
        side = compare_outcomes.side(cells.pop(key, []))
        lo, hi = side.wilson
        solved_at = compare_outcomes._median(side.solved_at)
        pairs = [
            ("n", row["n"], side.n), ("solved", row["solved"], side.solved),
            ("success rate", row["success.rate.mean"], side.rate),
            ("Wilson lower", row["success.rate.lower"], lo), ("Wilson upper", row["success.rate.upper"], hi),
            ("median solved at", row["converged.at.median"], solved_at),
        ]
        for what, theirs, independent in pairs:
            # Wilson bounds: R's binom prints 0 as 2.8e-17 (rounding), hence the absolute slack.
            if not (_close(_num(theirs), independent, rel=1e-9) or abs(_num(theirs) - independent) < 1e-12):
                problems.append(f"{key}: {what}: nalm summarize {theirs} vs independent {independent}")
    for key in cells:
        problems.append(f"cell {key} missing from the nalm summary")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", help="folder of cell folders of run directories")
    parser.add_argument("work", help="folder for the outputs")
    parser.add_argument("--figure", action="append", default=[], help="nalm plot figure id (repeatable)")
    args = parser.parse_args(argv)
    os.makedirs(args.work, exist_ok=True)
    out = lambda name: os.path.join(args.work, name)  # noqa: E731

    outcomes = extract.extract(args.root)
    # compare_outcomes works on CSV strings: use the extractor's CSV form of every value.
    outcomes = [{k: str(extract._fmt(v)) for k, v in r.items()} for r in outcomes]
    for r in outcomes:
        r["name_model"] = r["model"].replace(" ", "")
    with open(out("outcomes.csv"), "w", newline="") as handle:
        writer = csv.DictWriter(handle, extract.FIELDS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(outcomes)

    write_r_thresholds(out("thresholds.csv"), {(r["op"], r["extrapolation_range"]) for r in outcomes})
    subprocess.run(NALM + ["export", args.root, "--out", out("export.csv")], check=True)
    subprocess.run(NALM + ["summarize", out("export.csv"), "--thresholds", out("thresholds.csv"),
                           "--out", out("summary.csv"), "--per-run", out("per_run.csv")], check=True)
    for figure in args.figure:
        subprocess.run(NALM + ["plot", out("summary.csv"), "--figure", figure,
                               "--out", out(f"{figure}.pdf")], check=True)

    with open(out("per_run.csv"), newline="") as handle:
        per_run = list(csv.DictReader(handle))
    with open(out("summary.csv"), newline="") as handle:
        summary = list(csv.DictReader(handle))
    problems = check(outcomes, per_run, summary)
    for problem in problems:
        print("MISMATCH", problem)
    print(f"{len(per_run)} runs, {len(summary)} cells: "
          + ("all nalm summary numbers match the independent computation" if not problems
             else f"{len(problems)} mismatches"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
