"""The work one training step does in two checkouts of nalm, counted rather than timed.

Timings on a shared 2-core machine move by 2x with the neighbours' load; counts do not. For each
Primer preset this runs `nalm train` from checkout A and from checkout B in-process twice (N and
2N iterations, logging only at 0 and at the end, so both have the same two evaluations) and
counts, for the N extra training steps:

* the torch operators dispatched (aten ops, by name, through a `TorchDispatchMode`): the
  numerical work;
* the Python function calls made (`sys.setprofile`): the interpreter's overhead around it.

Equal aten counts mean the same tensor program per step; the ratio of Python calls bounds how
much the step's bookkeeping changed. Use it beside benchmarks/compare_checkouts.py (issue 9: a
refactor keeps the speed within 5%).

    python benchmarks/compare_op_counts.py --a /tmp/old-checkout --b . --iterations 50
"""

import argparse
import json
import os
import subprocess
import sys

PRIMER = [("NAU", "add"), ("NMU", "mul"), ("NALU", "mul"), ("G-NALU", "mul"), ("NAC+", "add"),
          ("NAC*", "mul"), ("NPU", "mul"), ("RealNPU", "mul"), ("iNALU", "mul")]

# Runs inside a fresh interpreter whose PYTHONPATH is the checkout: prints the counts as JSON.
COUNTER = r"""
import collections, json, sys, tempfile
from torch.utils._python_dispatch import TorchDispatchMode
from nalm.cli import main

class Count(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.ops = collections.Counter()
    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.ops[str(func.overloadpacket)] += 1
        return func(*args, **(kwargs or {}))

def counted(argv):
    calls = [0]
    def profile(frame, event, arg):
        if event == "call":
            calls[0] += 1
    with tempfile.TemporaryDirectory() as out, Count() as mode:
        sys.setprofile(profile)
        try:
            status = main(argv + ["--out", out])
        finally:
            sys.setprofile(None)
    if status:
        raise SystemExit(f"nalm train exited {status}")
    return mode.ops, calls[0]

preset, op, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def argv(iterations):
    return ["train", "--preset", preset, "--op", op, "--seeds", "0-1", "--iterations", str(iterations),
            "--log-interval", str(iterations), "--interpolation-range", "[1,2]",
            "--extrapolation-range", "[2,6]"]
counted(argv(n))  # warm-up: lazy imports and first-call caches are not per-step work
ops_short, calls_short = counted(argv(n))
ops_long, calls_long = counted(argv(2 * n))
ops_long.subtract(ops_short)
print(json.dumps({"ops": {k: v for k, v in ops_long.items() if v}, "calls": calls_long - calls_short}))
"""


def step_counts(checkout: str, preset: str, op: str, iterations: int) -> dict:
    env = {**os.environ, "PYTHONPATH": os.path.abspath(checkout), "OMP_NUM_THREADS": "1"}
    # -P: `python -c` would put the working directory first on sys.path, and a checkout there
    # (this one, usually) would shadow the checkout named by PYTHONPATH
    result = subprocess.run([sys.executable, "-P", "-c", COUNTER, preset, op, str(iterations)],
                            capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise SystemExit(f"{checkout}: counting {preset} {op} failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a", required=True, help="checkout A (the baseline), a directory holding nalm/")
    parser.add_argument("--b", default=".", help="checkout B (default: this one)")
    parser.add_argument("--iterations", type=int, default=50, help="N: the steps counted (default 50)")
    parser.add_argument("--presets", nargs="*", default=[p for p, _ in PRIMER])
    args = parser.parse_args()
    if args.iterations < 1:
        parser.error(f"--iterations {args.iterations}: expected a positive number of steps")
    ops = dict(PRIMER)
    print(f"per training step, counted over {args.iterations} steps (2 runs; counts do not depend on the runs)")
    print(f"{'preset':<8} {'op':<4} {'A aten':>7} {'B aten':>7} {'same ops':>8} {'A py calls':>10} "
          f"{'B py calls':>10} {'B/A':>6}")
    for preset in args.presets:
        a, b = (step_counts(c, preset, ops[preset], args.iterations) for c in (args.a, args.b))
        a_ops, b_ops = sum(a["ops"].values()), sum(b["ops"].values())
        same = "yes" if a["ops"] == b["ops"] else "no"
        a_calls, b_calls = a["calls"] / args.iterations, b["calls"] / args.iterations
        print(f"{preset:<8} {ops[preset]:<4} {a_ops / args.iterations:>7.1f} {b_ops / args.iterations:>7.1f} "
              f"{same:>8} {a_calls:>10.1f} {b_calls:>10.1f} {b_calls / a_calls:>6.3f}", flush=True)
        if same == "no":
            names = sorted(set(a["ops"]) | set(b["ops"]))
            diff = {n: (a["ops"].get(n, 0), b["ops"].get(n, 0)) for n in names
                    if a["ops"].get(n, 0) != b["ops"].get(n, 0)}
            print(f"    differing aten ops (A, B): {diff}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
