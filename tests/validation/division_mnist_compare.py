"""Arithmetic MNIST: nalm's runs against the original's, epoch by epoch (docs/validation-division-mnist.md).

    python tests/validation/division_mnist_compare.py NALM_RUNS_ROOT [--folds 1 2]

NALM_RUNS_ROOT is `results/runs/division/mnist` of a workflow run (here the quick overlay); the
original's side is `division_mnist_original_curves.csv` (from `extract_division_mnist_original.py`).
Writes `division_mnist_nalm_curves.csv` beside this file (the same folds) and prints the Markdown
tables of the validation document: per head and fold the learning curves, then paired
differences (nalm − original) over every (head, fold) cell with a Wilcoxon signed-rank test.
"""

import argparse
import csv
import json
from pathlib import Path

import numpy as np
from scipy.stats import wilcoxon

HERE = Path(__file__).parent
HEADS = ["DIV", "MLP", "RealNPU-mod", "NRU", "NMRU"]
CURVE = ["train_output_mse", "test_output_mse", "train_label1_rounded_acc", "test_label2_rounded_acc"]
PAIRED = ["train_output_mse", "test_output_mse", "train_label1_mse", "train_label1_rounded_acc",
          "train_label2_rounded_acc", "test_label1_rounded_acc", "test_output_rounded_acc"]


def read_csv(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def nalm_rows(root, folds):
    rows = []
    for head in HEADS:
        for fold in folds:
            directory = Path(root) / head / f"fold{fold}" / f"seed{fold}"
            config = json.loads((directory / "run.json").read_text())
            for line in read_csv(directory / "metrics.csv"):
                row = {"source": "nalm", "head": head, "fold": fold, "epoch": int(float(line["epoch"])),
                       "step": int(line["step"])}
                row.update({k: v for k, v in line.items() if k not in ("step", "epoch", "diverged")})
                row["digits_source"] = config["digits_source"]
                rows.append(row)
    return rows


def value(rows, source, head, fold, epoch, metric):
    for row in rows:
        if (row["source"], row["head"], int(row["fold"]), int(row["epoch"])) == (source, head, fold, epoch):
            return float(row[metric])
    return float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("root")
    parser.add_argument("--folds", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    ours = nalm_rows(args.root, args.folds)
    with open(HERE / "division_mnist_nalm_curves.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, list(ours[0]))
        writer.writeheader()
        writer.writerows(ours)
    theirs = read_csv(HERE / "division_mnist_original_curves.csv")
    rows = ours + theirs
    epochs = sorted({int(r["epoch"]) for r in ours})
    print("| head | fold | metric | " + " | ".join(f"epoch {e}: nalm / original" for e in epochs) + " |")
    print("|---|---|---|" + "---|" * len(epochs))
    for head in HEADS:
        for fold in args.folds:
            for metric in CURVE:
                cells = [f"{value(rows, 'nalm', head, fold, e, metric):.3g} / {value(rows, 'original', head, fold, e, metric):.3g}"
                         for e in epochs]
                print(f"| {head} | {fold} | {metric} | " + " | ".join(cells) + " |")
    print()
    print("| metric | epoch | mean nalm | mean original | mean difference | Wilcoxon p (n cells) |")
    print("|---|---|---|---|---|---|")
    for metric in PAIRED:
        for epoch in (epochs[0], epochs[-1]):
            a = np.array([value(rows, "nalm", h, f, epoch, metric) for h in HEADS for f in args.folds])
            b = np.array([value(rows, "original", h, f, epoch, metric) for h in HEADS for f in args.folds])
            keep = ~(np.isnan(a) | np.isnan(b))
            d = a[keep] - b[keep]
            p = wilcoxon(d).pvalue if np.any(d != 0) else 1.0
            print(f"| {metric} | {epoch} | {a[keep].mean():.3f} | {b[keep].mean():.3f} | {d.mean():+.3f} | {p:.2f} ({keep.sum()}) |")


if __name__ == "__main__":
    main()
