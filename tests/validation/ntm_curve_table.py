"""Markdown tables of NTM learning curves for docs/validation-ntm.md, from `nalm ntm-plot curve`
plot data (`<name>_plot_data.csv`: model, seed, step, bit_error = mean bits wrong per sequence
over the window of iterations ending at `step`).

    python tests/validation/ntm_curve_table.py results/figures/ntm/copy_vs_original_plot_data.csv
    python tests/validation/ntm_curve_table.py --steps 500,1000,2000 a_plot_data.csv b_plot_data.csv --labels "batch 1" "batch 8"

Two tables: the median (and min-max) over seeds of each curve at a few steps, and per seed the
first step whose window is below one bit and the last window's value. Curves are told apart by
the `model` column, and, with several files, by `--labels`.
"""

import argparse
import csv
from collections import defaultdict

import numpy as np

SOLVED_BITS = 1.0


def read_curves(paths, labels) -> dict:
    """{curve label: {seed: {step: bits}}}."""
    curves = defaultdict(lambda: defaultdict(dict))
    for path, label in zip(paths, labels):
        with open(path, newline="") as handle:
            for row in csv.DictReader(handle):
                name = row["model"] if label is None else f"{label} ({row['model']})"
                curves[name][int(row["seed"])][int(row["step"])] = float(row["bit_error"])
    return curves


def first_below(line: dict, bits: float):
    return next((step for step in sorted(line) if line[step] < bits), None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="+", help="plot-data CSVs of `nalm ntm-plot curve`")
    parser.add_argument("--labels", nargs="*", help="one label per file (default: the model column only)")
    parser.add_argument("--steps", default="1000,2000,3000,4000,5000,6000,7000", help="steps of the first table")
    args = parser.parse_args()
    if args.labels and len(args.labels) != len(args.data):
        parser.error(f"--labels: {len(args.labels)} labels for {len(args.data)} files (expected one per file)")
    labels = args.labels or [None] * len(args.data)
    curves = read_curves(args.data, labels)
    steps = [int(s) for s in args.steps.split(",")]

    print("| curve | seeds | " + " | ".join(f"{s:,}" for s in steps) + " |")
    print("|---|---|" + "---|" * len(steps))
    for name, seeds in curves.items():
        cells = []
        for step in steps:
            values = np.array([line[step] for line in seeds.values() if step in line])
            cells.append("–" if values.size == 0 else f"{np.median(values):.1f} ({values.min():.1f}–{values.max():.1f})")
        print(f"| {name} | {len(seeds)} | " + " | ".join(cells) + " |")
    print()
    print(f"| curve | seed | first window below {SOLVED_BITS:g} bit | last window (step: bits) |")
    print("|---|---|---|---|")
    for name, seeds in curves.items():
        for seed in sorted(seeds):
            line = seeds[seed]
            solved = first_below(line, SOLVED_BITS)
            last = max(line)
            print(f"| {name} | {seed} | {'not reached' if solved is None else f'{solved:,}'} | {last:,}: {line[last]:.2f} |")


if __name__ == "__main__":
    main()
