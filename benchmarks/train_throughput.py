"""Training throughput of the block engine: run-iterations per second and peak memory.

For each module preset and block size (1, 25, 225 runs by default), trains one block on one
thread in a fresh process and prints run-iterations/s, the projected wall time of
225 runs x 50,000 iterations, and the peak resident memory of that process.

    python benchmarks/train_throughput.py                       # every Primer preset, 5,000 iterations
    python benchmarks/train_throughput.py --iterations 50000 --sizes 225 --presets NAU

Targets on the 2-core reference machine: 225 runs x 50,000 iterations in <= 40 s for NAU, NMU,
NALU, G-NALU, NAC+, NAC*, NPU and Real NPU, and <= 90 s for iNALU.
"""

import argparse
import json
import resource
import subprocess
import sys
import time

PRIMER = [("NAU", "add"), ("NMU", "mul"), ("NALU", "mul"), ("G-NALU", "mul"), ("NAC+", "add"),
          ("NAC*", "mul"), ("NPU", "mul"), ("RealNPU", "mul"), ("iNALU", "mul")]
TARGET_SECONDS = {"iNALU": 90.0}


def child(preset: str, op: str, runs: int, iterations: int) -> None:
    import torch

    from nalm.tasks.single_module import RunSpec
    from nalm.core.presets import resolve
    from nalm.analysis.thresholds import RANGE_PAIRS
    from nalm.core.ranges import parse_range
    from nalm.tasks.single_module import SingleModuleTask, make_block

    torch.set_num_threads(1)
    pairs = [(parse_range(i), parse_range(e), rid) for rid, (i, e) in RANGE_PAIRS.items()]
    # 225 runs = the paper's 9 range pairs x 25 seeds; smaller blocks take the first pairs.
    specs = [RunSpec(i, e, rid, seed) for i, e, rid in pairs for seed in range(25)][:runs] if runs >= 25 else \
        [RunSpec(pairs[6][0], pairs[6][1], pairs[6][2], seed) for seed in range(runs)]
    started = time.perf_counter()
    block = make_block(resolve(preset, op), SingleModuleTask(op), specs, iterations, 1000)
    built = time.perf_counter()
    block.train()
    seconds = time.perf_counter() - built
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"setup": built - started, "seconds": seconds, "peak_mib": peak_mib}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="*", default=[p for p, _ in PRIMER])
    parser.add_argument("--sizes", nargs="*", type=int, default=[1, 25, 225])
    parser.add_argument("--iterations", type=int, default=5000)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        preset, op, runs, iterations = args.child
        child(preset, op, int(runs), int(iterations))
        return 0
    ops = dict(PRIMER)
    print(f"{'preset':<8} {'op':<4} {'runs':>5} {'setup s':>8} {'train s':>8} {'run-it/s':>10} "
          f"{'225x50k (s)':>12} {'target':>7} {'peak MiB':>9}")
    for preset in args.presets:
        op = ops.get(preset, "add")
        for runs in args.sizes:
            out = subprocess.run(
                [sys.executable, __file__, "--child", preset, op, str(runs), str(args.iterations)],
                capture_output=True, text=True, check=True,
            )
            result = json.loads(out.stdout.strip().splitlines()[-1])
            rate = runs * (args.iterations + 1) / result["seconds"]
            # setup (module, evaluation sets) once, then the measured steady rate
            projected = result["setup"] + 225 * 50_001 / rate if runs == 225 else float("nan")
            target = TARGET_SECONDS.get(preset, 40.0)
            print(f"{preset:<8} {op:<4} {runs:>5} {result['setup']:>8.2f} {result['seconds']:>8.2f} {rate:>10,.0f} {projected:>12.1f} "
                  f"{target:>7.0f} {result['peak_mib']:>9.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
