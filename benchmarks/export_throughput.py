"""Throughput of `nalm export` on many small runs (target: 6,000 runs of 51 steps in <= 60 s).

6,000 is the order of one figure's worth of runs (modules x ops x 9 ranges x 25 seeds). The
runs are synthetic but shaped like the benchmark's (the tags `bmistry4/nalm-benchmark`'s
`experiments/single_layer_benchmark.py` logs): at each
of the 51 logged steps the two metrics, one sparsity error, and the three losses, written with
`nalm.runs.events.write_event_file` next to a `run.json`, in the `<range-id>/seed<k>/` layout of
docs/run-format.md. Only the export is timed.

    python benchmarks/export_throughput.py [--runs 6000] [--steps 51] [--jobs 1]
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time

from nalm.runs.events import event_file_name, write_event_file
from nalm.runs.export import export_runs
from nalm.runs.names import format_run_name

RANGES = [("[1,2]", "[2,6]"), ("[-2,-1]", "[-6,-2]"), ("[-2,2]", "[[-6,-2],[2,6]]")]


def make_runs(root, runs, steps, seed=0):
    rng = random.Random(seed)
    for index in range(runs):
        range_id = index // 25
        interpolation, extrapolation = RANGES[range_id % len(RANGES)]
        directory = os.path.join(root, f"r{range_id}", f"seed{index % 25}")
        os.makedirs(directory)
        scalars = []
        for step in range(0, steps * 1000, 1000):
            scalars += [
                (step, "metric/valid/interpolation", rng.lognormvariate(0, 3)),
                (step, "metric/test/extrapolation", rng.lognormvariate(0, 3)),
                (step, "network/layer_1/nac/W/sparsity_error", rng.random() / 2),
                (step, "loss/train/critation", rng.random()),
                (step, "loss/train/regualizer", 0.0),
                (step, "loss/train/total", rng.random()),
            ]
        write_event_file(os.path.join(directory, event_file_name()), scalars)
        name = format_run_name(
            module="NAU", op="add", seed=index, interpolation_range=interpolation, extrapolation_range=extrapolation,
        )
        config = {
            "module": "NAU", "op": "add", "input_size": 2, "seed": index, "original_run_name": name,
            "interpolation_range": interpolation, "extrapolation_range": extrapolation,
        }
        with open(os.path.join(directory, "run.json"), "w") as handle:
            json.dump(config, handle)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=6000)
    parser.add_argument("--steps", type=int, default=51)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nalm-export-bench-") as root:
        runs_dir = os.path.join(root, "runs")
        started = time.perf_counter()
        make_runs(runs_dir, args.runs, args.steps)
        generated = time.perf_counter() - started
        out = os.path.join(root, "export.csv")
        started = time.perf_counter()
        counts = export_runs([runs_dir], out, jobs=args.jobs)
        elapsed = time.perf_counter() - started
        size = os.path.getsize(out)
    print(f"generated {args.runs} runs x {args.steps} steps in {generated:.1f} s")
    print(
        f"export (jobs={args.jobs}): {counts['written']} runs, {counts['rows']} rows, {size / 1e6:.1f} MB"
        f" in {elapsed:.1f} s = {counts['written'] / elapsed:.0f} runs/s, {counts['rows'] / elapsed:.0f} rows/s"
    )
    return 0 if elapsed <= 60 or args.runs != 6000 else 1


if __name__ == "__main__":
    sys.exit(main())
