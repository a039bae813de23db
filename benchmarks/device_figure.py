"""Training time of one Primer figure's blocks on a device, with the device's two checks.

    python benchmarks/device_figure.py --device cuda                      # figure 14 at full size
    python benchmarks/device_figure.py --device cuda --figure fig16_mul
    python benchmarks/device_figure.py --device cpu --seeds 2 --iterations 300 --check-iterations 200
    python benchmarks/device_figure.py --device cuda --profile-steps 300 --experiments in2_add_NAU
    python benchmarks/device_figure.py --device cuda --no-checks --side-by-side   # 5 processes, one GPU

First, at --check-iterations (unless --no-checks), the device's two checks below; then, for every
experiment of the figure (`nalm/papers/primer/figures.yaml`, `experiments.tsv`; --experiments picks
some), trains its block (the nine range pairs x --seeds seeds, the experiment's iterations or
--iterations) on DEVICE in this process, as `nalm train --device DEVICE` does, and prints its
seconds (the device synchronised) and run-iterations/s, then the figure's total. The checks:

* alone vs in the block, on DEVICE: the block's first and last runs trained as blocks of one log
  the same values, bit for bit, as inside the block;
* DEVICE vs CPU, in distribution: the same block on the CPU; per experiment, the two-sample KS test
  of the runs' final extrapolation MSEs and how many runs agree within 1e-4 relative (a GPU's
  kernels round differently from the CPU's, so equal bits are not expected).

With --side-by-side the blocks train at the same time instead, each in its own one-thread process
of this script on DEVICE (how a Snakemake build with `device: cuda` and enough --cores starts a
figure's training jobs), and the wall time of all of them is printed: a GPU that one process
keeps busy a few percent of the time takes several.

With --profile-steps N, each experiment's step is also profiled over N steps (torch.profiler, the
device's kernels too): wall ms per step, the device's kernel time per step, operators and kernels
per step and the top operators, to say whether the device computes or waits for the host.

Prints one line per check (and, for a block that differs alone, where it first differs) and exits
1 if a check fails. `--device cpu` runs the same code on the CPU (CI size above): the CPU-vs-CPU comparison is then exact, a check of the benchmark itself.
"""

import argparse
import math
import subprocess
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


def first_difference(alone, inside) -> str:
    """Where two logs of one run part: the first metric and step that differ, and by how much."""
    if alone.steps != inside.steps:
        return "logged steps differ"
    for name in alone.metrics:
        a, b = np.asarray(alone.metrics[name], dtype=float), np.asarray(inside.metrics[name], dtype=float)
        differ = ~((a == b) | (np.isnan(a) & np.isnan(b)))
        if differ.any():
            i = int(np.argmax(differ))
            relative = np.abs(a - b) / np.maximum(np.abs(b), np.finfo(float).tiny)
            return (f"{name} first at step {alone.steps[i]:,} ({a[i]:.9g} vs {b[i]:.9g}); "
                    f"largest relative difference {np.nanmax(relative[differ]):.2g}")
    return "scalars differ (metrics equal)"


def final_extrapolation(logs) -> np.ndarray:
    return np.array([log.metrics["extrapolation_mse"][-1] for log in logs], dtype=float)


def check(experiment, seeds: int, iterations: int, device: str) -> bool:
    """The two checks of one experiment at `iterations`, one printed line each; True if both pass."""
    passed = True
    last = 9 * seeds - 1
    _, block = train(experiment, seeds, iterations, device)
    for r in sorted({0, last}):
        _, alone = train(experiment, seeds, iterations, device, runs=[r])
        same = logged(alone[0]) == logged(block[r])
        passed &= same
        verdict = "identical" if same else "DIFFERENT: " + first_difference(alone[0], block[r])
        print(f"  {experiment[0]:<16} run {r} alone vs in the block on {device}: {verdict}", flush=True)
    _, cpu = train(experiment, seeds, iterations, "cpu")
    ours, reference = final_extrapolation(block), final_extrapolation(cpu)
    finite = np.isfinite(ours) & np.isfinite(reference)
    close = int(np.sum(np.isclose(ours[finite], reference[finite], rtol=1e-4, atol=0)))
    ks = stats.ks_2samp(ours, reference) if np.isfinite(ours).all() and np.isfinite(reference).all() else None
    p = ks.pvalue if ks is not None else math.nan
    agree = (ks is None and list(np.isnan(ours)) == list(np.isnan(reference))) or p >= 0.001
    passed &= agree
    print(f"  {experiment[0]:<16} {device} vs cpu, final extrapolation MSE: KS p = {p:.3g}, "
          f"{close}/{len(ours)} runs within 1e-4 relative: {'agree' if agree else 'DIFFER'}", flush=True)
    return passed


def profile_step(experiment, seeds: int, steps: int, device: str) -> None:
    """Wall and device-kernel time per step of one experiment's block over `steps` steps."""
    from torch.profiler import ProfilerActivity, profile

    train(experiment, seeds, 20, device)  # warm-up: allocator, kernels' first launches
    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device.startswith("cuda") else [])
    with profile(activities=activities) as prof:
        seconds, _ = train(experiment, seeds, steps, device)
    events = prof.key_averages()
    kernel_us = sum(getattr(e, "self_device_time_total", 0) for e in events) / steps
    kernels = sum(e.count for e in events if getattr(e, "self_device_time_total", 0) > 0) / steps
    operators = sum(e.count for e in events if e.key.startswith("aten::")) / steps
    print(f"  {experiment[0]:<16} profile over {steps} steps: {1e3 * seconds / steps:.3f} ms wall per step "
          f"(profiled), {kernel_us / 1e3:.3f} ms of device kernels, {kernels:.0f} kernels and "
          f"{operators:.0f} aten operators per step", flush=True)
    top = sorted(events, key=lambda e: e.self_cpu_time_total, reverse=True)[:6]
    print("      top host time: " + ", ".join(f"{e.key} {e.self_cpu_time_total / steps:.0f} us" for e in top), flush=True)


def side_by_side(experiments, args) -> float:
    """Wall seconds to train every block at once, each in its own one-thread process of this script
    on `args.device`; prints each process's timing line."""
    common = ["--device", args.device, "--figure", args.figure, "--seeds", str(args.seeds), "--no-checks"]
    if args.iterations:
        common += ["--iterations", str(args.iterations)]
    started = time.perf_counter()
    processes = [
        subprocess.Popen([sys.executable, __file__, *common, "--experiments", experiment[0]],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for experiment in experiments
    ]
    outputs = [process.communicate() for process in processes]
    wall = time.perf_counter() - started
    for experiment, process, (out, err) in zip(experiments, processes, outputs):
        if process.returncode != 0:
            last = err.strip().splitlines()[-1] if err.strip() else f"exit status {process.returncode}"
            raise SystemExit(f"--side-by-side: {experiment[0]} failed: {last}")
        print(next(line for line in out.splitlines() if " runs x " in line), flush=True)
    return wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda", help="torch device to train on (default cuda)")
    parser.add_argument("--figure", default="fig14_add", help="a Primer figure of figures.yaml (default fig14_add)")
    parser.add_argument("--experiments", nargs="*", help="only these experiments of the figure (default all)")
    parser.add_argument("--seeds", type=int, default=25, help="seeds per range pair (default 25, the paper's)")
    parser.add_argument("--iterations", type=int, help="iterations of every block (default: each experiment's)")
    parser.add_argument("--check-iterations", type=int, default=2000, help="iterations of the two checks (default 2000)")
    parser.add_argument("--no-checks", action="store_true", help="time the blocks only")
    parser.add_argument("--profile-steps", type=int, default=0, help="profile each experiment over N steps (default 0: no)")
    parser.add_argument("--side-by-side", action="store_true",
                        help="train the blocks at the same time, one process each, and print the wall time of all")
    args = parser.parse_args()
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        raise SystemExit(f"--device {args.device}: no CUDA device is available to this torch build")
    if args.seeds < 1 or args.check_iterations < 1 or (args.iterations is not None and args.iterations < 1):
        raise SystemExit("--seeds, --iterations and --check-iterations must be >= 1")
    if args.profile_steps < 0:
        raise SystemExit(f"--profile-steps {args.profile_steps}: expected 0 (no profile) or a positive count")
    torch.set_num_threads(1)
    name = torch.cuda.get_device_name() if args.device.startswith("cuda") else "CPU, 1 thread"
    print(f"{args.figure} on {args.device} ({name}), torch {torch.__version__}, {args.seeds} seeds x 9 range pairs", flush=True)
    experiments = figure_experiments(args.figure)
    if args.experiments:
        unknown = sorted(set(args.experiments) - {e[0] for e in experiments})
        if unknown:
            raise SystemExit(f"--experiments {' '.join(unknown)}: not a series of {args.figure} "
                             f"(expected some of {', '.join(e[0] for e in experiments)})")
        experiments = [e for e in experiments if e[0] in args.experiments]

    passed = True
    if not args.no_checks:
        for experiment in experiments:
            passed &= check(experiment, args.seeds, args.check_iterations, args.device)
    if args.profile_steps:
        for experiment in experiments:
            profile_step(experiment, args.seeds, args.profile_steps, args.device)
    if args.side_by_side:
        wall = side_by_side(experiments, args)
        print(f"training of {args.figure}, {len(experiments)} blocks side by side: {wall:.1f} s wall on {args.device}", flush=True)
        experiments = []
    total = 0.0
    for experiment in experiments:
        iterations = args.iterations or experiment[4]
        seconds, logs = train(experiment, args.seeds, iterations, args.device)
        total += seconds
        rate = len(logs) * (iterations + 1) / seconds
        print(f"  {experiment[0]:<16} {len(logs)} runs x {iterations:,} iterations: {seconds:8.1f} s ({rate:,.0f} run-it/s)", flush=True)
    if not args.side_by_side:
        print(f"training of {args.figure}: {total:.1f} s on {args.device}", flush=True)
    if args.device.startswith("cuda"):
        print(f"peak device memory: {torch.cuda.max_memory_allocated() / 2**20:.0f} MiB")
    if not args.no_checks:
        print("checks:", "passed" if passed else "FAILED")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
