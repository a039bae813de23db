"""Training time of one Primer figure's blocks on a device, with the device's two checks.

    python benchmarks/device_figure.py --device cuda                      # figure 14 at full size
    python benchmarks/device_figure.py --device cuda --figure fig16_mul
    python benchmarks/device_figure.py --device cpu --seeds 2 --iterations 300 --check-iterations 200

For every experiment of the figure (`nalm/papers/primer/figures.yaml`, `experiments.tsv`), trains its
block (the nine range pairs x --seeds seeds, the experiment's iterations or --iterations) on DEVICE
in this process, as `nalm train --device DEVICE` does, and prints its seconds (the device
synchronised) and run-iterations/s, then the figure's total. Then, at --check-iterations:

* alone vs in the block, on DEVICE: the block's first and last runs trained as blocks of one log
  the same values, bit for bit, as inside the block;
* DEVICE vs CPU, in distribution: the same block on the CPU; per experiment, the two-sample KS test
  of the runs' final extrapolation MSEs and how many runs agree within 1e-4 relative (a GPU's
  kernels round differently from the CPU's, so equal bits are not expected).

Prints one line per check and exits 1 if a check fails. `--device cpu` runs the same code on the
CPU (CI size above): the CPU-vs-CPU comparison is then exact, a check of the benchmark itself.
"""

import argparse
import math
import sys
import time

import numpy as np
import torch
from scipy import stats

from nalm import papers
from nalm.analysis.thresholds import RANGE_PAIRS
from nalm.core.presets import resolve
from nalm.core.ranges import parse_range
from nalm.tasks.single_module import RunSpec, SingleModuleTask, make_block


def figure_experiments(figure: str) -> list:
    """(experiment id, preset, op, input size, iterations, overrides) of every series of `figure`."""
    figures, experiments = papers.figures("primer"), papers.experiments("primer")
    if figure not in figures:
        raise SystemExit(f"unknown figure {figure!r}: expected one of {', '.join(figures)}")
    return [
        (name, e["preset"], e["op"], e["input_size"], e["iterations"], e["set"])
        for name in figures[figure]["series"]
        for e in [experiments[name]]
    ]


def train(experiment, seeds: int, iterations: int, device: str, runs=None) -> tuple:
    """(seconds, logs) of one block of `experiment` on `device`; `runs` picks run indices."""
    _, preset, op, input_size, _, overrides = experiment
    specs = [
        RunSpec(parse_range(i), parse_range(e), range_id, seed)
        for range_id, (i, e) in RANGE_PAIRS.items()
        for seed in range(seeds)
    ]
    if runs is not None:
        specs = [specs[r] for r in runs]
    block = make_block(resolve(preset, op, overrides), SingleModuleTask(op, input_size), specs, iterations, 1000, device)
    started = time.perf_counter()
    logs = block.train()
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return time.perf_counter() - started, logs


def logged(log) -> tuple:
    return log.steps, log.metrics, log.scalars


def final_extrapolation(logs) -> np.ndarray:
    return np.array([log.metrics["extrapolation_mse"][-1] for log in logs], dtype=float)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda", help="torch device to train on (default cuda)")
    parser.add_argument("--figure", default="fig14_add", help="a Primer figure of figures.yaml (default fig14_add)")
    parser.add_argument("--seeds", type=int, default=25, help="seeds per range pair (default 25, the paper's)")
    parser.add_argument("--iterations", type=int, help="iterations of every block (default: each experiment's)")
    parser.add_argument("--check-iterations", type=int, default=2000, help="iterations of the two checks (default 2000)")
    args = parser.parse_args()
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        raise SystemExit(f"--device {args.device}: no CUDA device is available to this torch build")
    if args.seeds < 1 or args.check_iterations < 1 or (args.iterations is not None and args.iterations < 1):
        raise SystemExit("--seeds, --iterations and --check-iterations must be >= 1")
    torch.set_num_threads(1)
    name = torch.cuda.get_device_name() if args.device.startswith("cuda") else "CPU, 1 thread"
    print(f"{args.figure} on {args.device} ({name}), torch {torch.__version__}, {args.seeds} seeds x 9 range pairs")
    experiments = figure_experiments(args.figure)
    total = 0.0
    for experiment in experiments:
        iterations = args.iterations or experiment[4]
        seconds, logs = train(experiment, args.seeds, iterations, args.device)
        total += seconds
        rate = len(logs) * (iterations + 1) / seconds
        print(f"  {experiment[0]:<16} {len(logs)} runs x {iterations:,} iterations: {seconds:8.1f} s ({rate:,.0f} run-it/s)")
    print(f"training of {args.figure}: {total:.1f} s on {args.device}", flush=True)

    failed = False
    last = 9 * args.seeds - 1
    for experiment in experiments:
        _, block = train(experiment, args.seeds, args.check_iterations, args.device)
        for r in sorted({0, last}):
            _, alone = train(experiment, args.seeds, args.check_iterations, args.device, runs=[r])
            same = logged(alone[0]) == logged(block[r])
            failed |= not same
            print(f"  {experiment[0]:<16} run {r} alone vs in the block on {args.device}: {'identical' if same else 'DIFFERENT'}")
        _, cpu = train(experiment, args.seeds, args.check_iterations, "cpu")
        ours, reference = final_extrapolation(block), final_extrapolation(cpu)
        finite = np.isfinite(ours) & np.isfinite(reference)
        close = int(np.sum(np.isclose(ours[finite], reference[finite], rtol=1e-4, atol=0)))
        ks = stats.ks_2samp(ours, reference) if np.isfinite(ours).all() and np.isfinite(reference).all() else None
        p = ks.pvalue if ks is not None else math.nan
        agree = (ks is None and list(np.isnan(ours)) == list(np.isnan(reference))) or p >= 0.001
        failed |= not agree
        print(f"  {experiment[0]:<16} {args.device} vs cpu, final extrapolation MSE: KS p = {p:.3g}, "
              f"{close}/{len(ours)} runs within 1e-4 relative: {'agree' if agree else 'DIFFER'}")
    print("checks:", "FAILED" if failed else "passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
