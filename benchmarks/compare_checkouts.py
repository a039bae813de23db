"""Training speed of two checkouts of nalm, measured side by side in one run.

For each Primer preset, trains the same block (the paper's 9 range pairs x 25 seeds = 225 runs,
one thread) with `nalm train` from checkout A and from checkout B, alternating A B A B … so that
any change in machine load affects both alike, and prints, for each, the median training
seconds (wall, as `nalm train` reports them: training alone, not start-up or writing) and the
median CPU seconds of training: the CPU seconds of the whole process less those of the same
command for one iteration (start-up: imports, presets, building the block, writing), measured
once per preset and checkout. On a busy machine the CPU seconds are the steadier measure.

    python benchmarks/compare_checkouts.py --a /tmp/old-checkout --b . --iterations 5000 --repeats 3

Use it to show that a refactor keeps the speed (issue 9: within 5%) or what an optimisation gains.
"""

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile

PRIMER = [("NAU", "add"), ("NMU", "mul"), ("NALU", "mul"), ("G-NALU", "mul"), ("NAC+", "add"),
          ("NAC*", "mul"), ("NPU", "mul"), ("RealNPU", "mul"), ("iNALU", "mul")]
RANGES = [("r1", "[-20,-10]", "[-40,-20]"), ("r2", "[-2,-1]", "[-6,-2]"), ("r3", "[-1.2,-1.1]", "[-6.1,-1.2]"),
          ("r4", "[-0.2,-0.1]", "[-2,-0.2]"), ("r5", "[-2,2]", "[[-6,-2],[2,6]]"), ("r6", "[0.1,0.2]", "[0.2,2]"),
          ("r7", "[1,2]", "[2,6]"), ("r8", "[1.1,1.2]", "[1.2,6]"), ("r9", "[10,20]", "[20,40]")]
SECONDS = re.compile(r"x \d+ iterations in ([0-9.]+) s")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def train_seconds(checkout: str, preset: str, op: str, iterations: int) -> tuple:
    """(training wall seconds as `nalm train` reports them, CPU seconds of the whole process)."""
    # -P: the working directory (a checkout, usually) must not shadow the one PYTHONPATH names
    argv = [sys.executable, "-P", "-c", "import sys; from nalm.cli import main; sys.exit(main())", "train",
            "--preset", preset, "--op", op, "--seeds", "0-24", "--iterations", str(iterations),
            "--threads", "1"]
    for range_id, interpolation, extrapolation in RANGES:
        argv += ["--range-id", range_id, "--interpolation-range", interpolation, "--extrapolation-range", extrapolation]
    env = {**os.environ, "PYTHONPATH": os.path.abspath(checkout), "OMP_NUM_THREADS": "1"}
    with tempfile.TemporaryDirectory() as out:
        cpu_before = _children_cpu()
        result = subprocess.run(argv + ["--out", out], capture_output=True, text=True, env=env)
        cpu = _children_cpu() - cpu_before
    if result.returncode != 0:
        raise SystemExit(f"{checkout}: nalm train {preset} {op} failed:\n{result.stderr[-2000:]}")
    return float(SECONDS.search(result.stderr).group(1)), cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a", required=True, help="checkout A (the baseline), a directory holding nalm/")
    parser.add_argument("--b", default=".", help="checkout B (default: this one)")
    parser.add_argument("--iterations", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--presets", nargs="*", default=[p for p, _ in PRIMER])
    args = parser.parse_args()
    ops = dict(PRIMER)
    startup = {}
    print(f"225 runs x {args.iterations} iterations, one thread, {args.repeats} alternating repeats")
    print(f"{'preset':<8} {'op':<4} {'A wall s':>9} {'B wall s':>9} {'B/A':>6} {'A cpu s':>9} {'B cpu s':>9} {'B/A':>6}")
    wall_ratios, cpu_ratios = [], []
    for preset in args.presets:
        a_runs, b_runs = [], []
        for checkout in (args.a, args.b):
            startup[checkout] = train_seconds(checkout, preset, ops[preset], 1)[1]
        for _ in range(args.repeats):
            a_runs.append(train_seconds(args.a, preset, ops[preset], args.iterations))
            b_runs.append(train_seconds(args.b, preset, ops[preset], args.iterations))
        a_wall, b_wall = (statistics.median(t[0] for t in runs) for runs in (a_runs, b_runs))
        a_cpu = statistics.median(t[1] for t in a_runs) - startup[args.a]
        b_cpu = statistics.median(t[1] for t in b_runs) - startup[args.b]
        wall_ratios.append(b_wall / a_wall)
        cpu_ratios.append(b_cpu / a_cpu)
        print(f"{preset:<8} {ops[preset]:<4} {a_wall:>9.2f} {b_wall:>9.2f} {b_wall / a_wall:>6.3f} "
              f"{a_cpu:>9.2f} {b_cpu:>9.2f} {b_cpu / a_cpu:>6.3f}", flush=True)
    print(f"geometric mean of B/A: wall {statistics.geometric_mean(wall_ratios):.3f}, "
          f"cpu {statistics.geometric_mean(cpu_ratios):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
