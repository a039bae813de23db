"""The original arithmetic MNIST runs' event files -> one CSV row per logged epoch, nalm's column names.

    python tests/validation/extract_division_mnist_original.py TB_DIR OUT.csv

TB_DIR holds the original's run folders (`bmistry4/nalm-division`, `experiments/two_digit_mnist.py`
writes `<name-prefix>/<id>_f<fold>_op-div_..._s<fold>_mod-<nalm>/` under TENSORBOARD_DIR); the id
names the head as in `lfs_batch_jobs/two_digit_mnist/parallel_run.sh`. The original logs its metrics
at global step t + 1 of the first batch of every epoch; `step` here is t, as nalm logs it.
Needs the `tensorboard` package (test extra).
"""

import csv
import glob
import os
import re
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

HEADS = {"79": "DIV", "84": "MLP", "80": "RealNPU-mod", "78": "NRU", "81": "NMRU"}


def main(root, out):
    rows = []
    for directory in sorted(glob.glob(os.path.join(root, "*", "*"))):
        match = re.match(r"(\d+)_f(\d+)_", os.path.basename(directory))
        if not match or match.group(1) not in HEADS:
            continue
        identifier, fold = match.groups()
        accumulator = EventAccumulator(directory, size_guidance={"scalars": 0})
        accumulator.Reload()
        tags = sorted(t for t in accumulator.Tags()["scalars"] if t.startswith("metric/"))
        series = {t: accumulator.Scalars(t) for t in tags}
        for k, event in enumerate(series[tags[0]]):
            row = {"source": "original", "head": HEADS[identifier], "fold": int(fold), "epoch": k, "step": event.step - 1}
            for tag in tags:
                split, what, kind = tag.split("/")[1:]
                row[f"{split}_{what}_{kind}"] = series[tag][k].value
            rows.append(row)
    rows.sort(key=lambda r: (list(HEADS.values()).index(r["head"]), r["fold"], r["epoch"]))
    with open(out, "w", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} rows -> {out}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
