"""Training throughput of the NTM tasks: 1 seed and 8 seeds as one program, beside the original.

    python benchmarks/ntm_throughput.py                        # copy, 100 iterations
    python benchmarks/ntm_throughput.py --task prioritysort --iterations 20
    python benchmarks/ntm_throughput.py --original-python /tmp/ntm-original/venv/bin/python \\
        --original-script /tmp/ntm-original/scripts/train_instrumented.py

Trains `nalm`'s NTM (the engine's full iteration: fresh sequences per run, forward, BCE,
backward, clipping, RMSprop) for 1 and for 8 seeds in one block, one thread, and prints
iterations per second and run-iterations per second, by wall clock and by process CPU time
(the machine is shared: CPU time is what the program costs, wall time what a user waited).
With `--original-python/--original-script`, the original repository (`kdexd/ntm-pytorch`,
public copy `vlgiitr/ntm-pytorch`) is timed in the same way right after, in its own scratch
environment outside this repository (an instrumented copy of its `train.py` loop that prints
`TIMING ... wall_ms/iter(after 20 warm-up)=W cpu_ms/iter(after 20)=C`); otherwise give its
per-iteration milliseconds measured elsewhere with `--original-ms WALL,CPU`. Both sides draw
sequences of the same distribution (copy: lengths 1-19); a block of 8 runs pads every
iteration to its longest sequence, which is part of its cost.
"""

import argparse
import os
import re
import subprocess
import sys
import time

WARMUP = 5


def time_nalm(task: str, seeds: int, iterations: int) -> tuple:
    """(wall s, CPU s) of `iterations` training iterations of `seeds` runs, after a warm-up."""
    import torch

    from nalm.core.engine import Block
    from nalm.tasks.ntm_training import NTMExperiment

    torch.set_num_threads(1)
    experiment = NTMExperiment(task, WARMUP + iterations, log_interval=10**9)
    hyper, bound, network = experiment.build(list(range(seeds)))
    block = Block(hyper, bound, network, WARMUP - 1, log_interval=10**9)
    block.train()  # warm-up: iterations 0 .. WARMUP-1
    block.iterations = iterations - 1
    wall, cpu = time.perf_counter(), time.process_time()
    block.train()
    return time.perf_counter() - wall, time.process_time() - cpu


def time_original(python: str, script: str, task: str, iterations: int) -> tuple:
    """(wall ms, CPU ms) per iteration of the original, from its TIMING line."""
    command = [python, "-W", "ignore", script, "--task", task, "--seed", "99", "--iters", str(iterations + 20)]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    output = subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout
    match = re.search(r"wall_ms/iter\(after 20 warm-up\)=([0-9.]+) cpu_ms/iter\(after 20\)=([0-9.]+)", output)
    if not match:
        sys.exit(f"no TIMING line in the original's output:\n{output[-2000:]}")
    return float(match.group(1)), float(match.group(2))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="copy", choices=["copy", "repeatcopy", "associative", "prioritysort"])
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--original-python")
    parser.add_argument("--original-script")
    parser.add_argument("--original-task", help="the original script's name of the task (default: --task)")
    parser.add_argument("--original-ms", help="WALL,CPU milliseconds per original iteration measured elsewhere")
    args = parser.parse_args()

    print(f"NTM {args.task}: {args.iterations} iterations per measurement, one thread, batch 1 (load {os.getloadavg()[0]:.1f})")
    results = {}
    for seeds in (1, 8):
        wall, cpu = time_nalm(args.task, seeds, args.iterations)
        results[seeds] = (wall, cpu)
        print(f"  nalm, {seeds} seed{'s' if seeds > 1 else ' '} in one program: {args.iterations / wall:7.2f} iterations/s wall "
              f"({seeds * args.iterations / wall:7.2f} run-iterations/s), {args.iterations / cpu:7.2f} iterations/s CPU "
              f"({seeds * args.iterations / cpu:7.2f} run-iterations/s)")
    original = None
    if args.original_python and args.original_script:
        original = time_original(args.original_python, args.original_script, args.original_task or args.task, args.iterations)
        source = "measured now"
    elif args.original_ms:
        original = tuple(float(v) for v in args.original_ms.split(","))
        source = "given"
    if original is None:
        print("  original: not timed (give --original-python/--original-script or --original-ms)")
        return
    wall_ms, cpu_ms = original
    print(f"  original ({source}): {wall_ms:.1f} ms/iteration wall, {cpu_ms:.1f} ms/iteration CPU "
          f"({1000 / wall_ms:.2f} and {1000 / cpu_ms:.2f} iterations/s)")
    for seeds, (wall, cpu) in results.items():
        per_seed_wall = seeds * args.iterations / wall / (1000 / wall_ms)
        per_seed_cpu = seeds * args.iterations / cpu / (1000 / cpu_ms)
        print(f"  speed-up per seed, {seeds} seed{'s' if seeds > 1 else ''}: {per_seed_wall:.1f}x wall, {per_seed_cpu:.1f}x CPU")


if __name__ == "__main__":
    main()
