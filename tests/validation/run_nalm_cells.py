"""Retrain this project's side of the validation cells and rewrite its committed data.

Trains every cell of `cells.py` with `nalm train` (seeds 0-24; seeds 25-224 of the primary
cells too, unless --no-extra), then writes, from those runs:

* `nalm_outcomes.csv`: per-seed outcomes of seeds 0-24 (`extract_original_outcomes.py`);
* `nalm_outcomes_extra_seeds.csv`: the same for seeds 25-224 of the primary cells;
* `nalm_prefix.csv`: every scalar logged at steps 0..2000 by a sample of these runs, which
  `test_nalm_side_is_this_commits.py` retrains and requires bit for bit;

and prints the comparison tables of docs/validation.md. Run it after any change to training;
the runs go to a scratch folder. On the shared 2-core development machine (one thread, nice 19)
seeds 0-24 of the seven cells took 67 minutes and the extra seeds 46 more:

    nice -n 19 python tests/validation/run_nalm_cells.py [--out SCRATCH] [--no-extra]
"""

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cells
import compare_outcomes
import extract_original_outcomes as extract

OUTCOMES = HERE / "nalm_outcomes.csv"
EXTRA_OUTCOMES = HERE / "nalm_outcomes_extra_seeds.csv"
PREFIX = HERE / "nalm_prefix.csv"
PREFIX_FIELDS = ["cell", "seed", "step", "tag", "value"]


def train(cell: str, seeds, out: Path) -> None:
    from nalm.cli import main

    started = time.perf_counter()
    status = main(cells.train_argv(cell, seeds, cells.ITERATIONS, out))
    if status:
        raise SystemExit(f"nalm train for {cell} exited {status}")
    print(f"{cell}: seeds {seeds.start}-{seeds.stop - 1} in {time.perf_counter() - started:.0f} s", flush=True)


def write_outcomes(root: Path, path: Path) -> list:
    rows = extract.extract(str(root))
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, extract.FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: extract._fmt(row[k]) for k in extract.FIELDS})
    return rows


def prefix_rows(main_root: Path, extra_root: Path | None) -> list:
    rows = []
    for cell in cells.CELLS:
        for seed in cells.prefix_seeds(cell):
            if seed in cells.EXTRA_SEEDS and extra_root is None:
                continue
            root = extra_root if seed in cells.EXTRA_SEEDS else main_root
            directory = cells.run_dir(root / cell, cell, seed)
            for step, tag, value in cells.logged_prefix(directory, cells.PREFIX_ITERATIONS):
                rows.append({"cell": cell, "seed": seed, "step": step, "tag": tag, "value": repr(value)})
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="scratch folder for the runs (default: a temporary one)")
    parser.add_argument("--no-extra", action="store_true", help="only seeds 0-24 (keeps the extra-seed file)")
    args = parser.parse_args(argv)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(args.out or scratch)
        main_root, extra_root = out / "seeds-0-24", None if args.no_extra else out / "seeds-25-224"
        for cell in cells.CELLS:
            train(cell, cells.SEEDS, main_root / cell)
        if extra_root is not None:
            for cell in cells.PRIMARY_CELLS:
                train(cell, cells.EXTRA_SEEDS, extra_root / cell)
        ours = write_outcomes(main_root, OUTCOMES)
        if extra_root is not None:
            write_outcomes(extra_root, EXTRA_OUTCOMES)
        rows = prefix_rows(main_root, extra_root)
        if extra_root is None:  # keep the recorded prefix of the extra seeds as it was
            with open(PREFIX, newline="") as handle:
                rows += [r for r in csv.DictReader(handle) if int(r["seed"]) in cells.EXTRA_SEEDS]
            rows.sort(key=lambda r: (list(cells.CELLS).index(r["cell"]), int(r["seed"])))
        with open(PREFIX, "w", newline="") as handle:
            writer = csv.DictWriter(handle, PREFIX_FIELDS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    print(f"wrote {OUTCOMES.name} ({len(ours)} runs), "
          f"{'' if extra_root is None else EXTRA_OUTCOMES.name + ', '}{PREFIX.name} ({len(rows)} values)")
    original = compare_outcomes.read_outcomes(HERE / "original_outcomes.csv")
    ours = compare_outcomes.read_outcomes(OUTCOMES)
    print(compare_outcomes.markdown(compare_outcomes.compare(original, ours)))
    print()
    extra = compare_outcomes.read_outcomes(EXTRA_OUTCOMES) if EXTRA_OUTCOMES.exists() else []
    print(compare_outcomes.pooled_markdown(original, ours + extra))
    return 0


if __name__ == "__main__":
    sys.exit(main())
