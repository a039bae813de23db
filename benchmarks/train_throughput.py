"""Training throughput of the block engine: run-iterations per second, peak memory, the ratio to
the original code, and where the time goes when a target is missed.

For each module preset and block size (1, 25, 225 runs by default), trains one block on one
thread in a fresh process and prints run-iterations/s, the wall time of 225 runs x 50,000
iterations (measured when `--iterations 50000`, projected from the steady rate otherwise, and
marked so), and the peak resident memory of that process.

    python benchmarks/train_throughput.py                       # every Primer preset, 5,000 iterations
    python benchmarks/train_throughput.py --iterations 50000 --sizes 225 --presets NAU
    python benchmarks/train_throughput.py --iterations 50000 --sizes 225 \\
        --original-python /tmp/orig/venv/bin/python --original-src /tmp/orig/nalm-benchmark

Targets (speed issue, one thread, 225 runs x 50,000 iterations measured in full on a quiet
machine): <= 20 s for every Primer preset, <= 45 s for iNALU. For every preset that misses its
target at 225 runs, the child profiles 300 more steps of the step as it is at iteration 40,000
(every regulariser on; log steps apart) and the benchmark prints where the time goes: the share
of the data stream, forward + loss, backward and optimiser, how many torch operators a step
dispatches and how much of the step is spent inside them, the evaluations' share of the block,
and the operators with the most self time (torch.profiler).

With `--original-python/--original-src` (a checkout of `bmistry4/nalm-benchmark` and a Python
with its requirements; `--original-path` adds entries to its PYTHONPATH, e.g. stubs of
packages it imports but never uses here), each preset's original run
(`experiments/single_layer_benchmark.py` with the preset's `--layer-type` flags, one thread) is
timed from its own event file (wall time from step 1,000 to 5,000, and from launch to step 0 for the
start-up), and the benchmark prints the original's time for one run of 50,000 iterations (start-up included) over
nalm's time per run within the 225-run block. `--original-ms PRESET=MS,...` uses numbers
measured elsewhere instead.
"""

import argparse
import glob
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

PRIMER = [("NAU", "add"), ("NMU", "mul"), ("NALU", "mul"), ("G-NALU", "mul"), ("NAC+", "add"),
          ("NAC*", "mul"), ("NPU", "mul"), ("RealNPU", "mul"), ("iNALU", "mul")]
TARGET_SECONDS = {"iNALU": 45.0}
DEFAULT_TARGET = 20.0
FULL_ITERATIONS = 50_000

#: the original's flags of each preset (`lfs_batch_jobs/single_layer_task/benchmarking/
#: single_layer_benchmark.sh` of `bmistry4/nalm-benchmark`); the op and ranges are added
ORIGINAL_FLAGS = {
    "NAU": ["--layer-type", "ReRegualizedLinearNAC", "--regualizer-scaling-start", "20000",
            "--regualizer-scaling-end", "35000", "--regualizer", "0.01"],
    "NMU": ["--layer-type", "ReRegualizedLinearMNAC", "--nac-mul", "mnac", "--regualizer-scaling-start", "20000",
            "--regualizer-scaling-end", "35000"],
    "NALU": ["--layer-type", "NALU"],
    "G-NALU": ["--layer-type", "NALU", "--nalu-gate", "golden-ratio", "--nalu-mul", "golden-ratio",
               "--nac-weight", "golden-ratio"],
    "NAC+": ["--layer-type", "NAC"],
    "NAC*": ["--layer-type", "MNAC", "--nac-mul", "normal"],
    "NPU": ["--layer-type", "NPU", "--nac-mul", "npu", "--learning-rate", "5e-3", "--regualizer-beta-start", "1e-7",
            "--regualizer-beta-end", "1e-5", "--regualizer-l1", "--regualizer-shape", "none", "--regualizer", "0"],
    "RealNPU": ["--layer-type", "RealNPU", "--nac-mul", "real-npu", "--learning-rate", "5e-3",
                "--regualizer-beta-start", "1e-7", "--regualizer-beta-end", "1e-5", "--regualizer-l1",
                "--regualizer-shape", "none", "--regualizer", "0"],
    "iNALU": ["--layer-type", "iNALU", "--clip-grad-value", "0.1", "--reinit"],
}
#: iterations of an original timing run: steps 1,000 to 5,000 are timed (4 log steps, as 4,000 of 50,000)
ORIGINAL_ITERATIONS = 5000


#: the iteration at which the profiled step is taken: past every Primer schedule event (the
#: regulariser ramp ends at 35,000, iNALU's term starts after 10,000), so every term is on
PROFILED_ITERATION = 40_000
#: the Primer's log interval (`single_layer_benchmark.sh`), of our blocks and the original's runs
LOG_INTERVAL = 1000
#: log steps of a 50,000-iteration block logged every LOG_INTERVAL (0, 1,000, ..., 50,000)
LOG_STEPS = FULL_ITERATIONS // LOG_INTERVAL + 1
PHASES = ("data", "forward + loss", "backward", "optimiser")


def _step_phases(block, beta_value):
    """The four phases of one engine step late in training, as callables run in order: the
    engine's own pieces (`regularizer_weights`, `Block.weighted_regularizers`,
    `Block.finish_gradients`), without the log step's evaluation."""
    import torch

    from nalm.core.engine import regularizer_weights

    task, network, optimizer = block.task, block.network, block.optimizer
    weights = regularizer_weights(block.hyper, PROFILED_ITERATION, 1.0, beta_value)
    # every run counts under iNALU's gate, as in a run that learns
    selection = torch.zeros(len(block.runs))
    state = {}

    def data():
        optimizer.zero_grad(set_to_none=True)
        state["batch"] = task.next_batch()

    def forward():
        x, target = state["batch"]
        loss = task.loss(network(x), target)
        regularizer = block.weighted_regularizers(weights, selection) if any(weights.values()) else None
        state["loss"] = loss if regularizer is None else loss + regularizer

    def backward():
        loss = state["loss"]
        loss.backward(torch.ones_like(loss))
        block.finish_gradients(beta_value)

    def optimise():
        optimizer.step()
        network.project_()

    return [data, forward, backward, optimise]


def _profile(block, steps: int) -> dict:
    """Where a step's time goes: the share of each phase, the operators with the most self time,
    how many operators a step dispatches, and the evaluations' share of a full block.

    The step is the engine's at iteration 40,000 (every regulariser on, the preset's L1 gradient
    and clipping), timed phase by phase over `steps` steps and then profiled (torch.profiler)
    over as many more. The log steps are left out of both (a 300-step window starting at 0
    would hold 2 of them, 0.7%, where a block holds 51 in 50,000, 0.1%, and a 225-run
    evaluation costs tens of steps); their cost is measured apart, as one evaluation x 51.
    """
    import torch
    from torch.profiler import ProfilerActivity, profile, record_function

    from nalm.core.schedules import beta as beta_schedule

    hyper = block.hyper
    beta_value = None
    if block.uses_beta:
        beta_value = beta_schedule(PROFILED_ITERATION, *hyper.beta, hyper.beta_step, hyper.beta_growth)
    phases = _step_phases(block, beta_value)
    seconds = dict.fromkeys(PHASES, 0.0)
    started = time.perf_counter()
    for _ in range(steps):
        for name, phase in zip(PHASES, phases):
            t0 = time.perf_counter()
            phase()
            seconds[name] += time.perf_counter() - t0
    total = time.perf_counter() - started
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            for name, phase in zip(PHASES, phases):
                with record_function(name):
                    phase()
    events = [e for e in prof.events() if e.name not in PHASES]
    # outermost operators: those not called from inside another aten operator
    outermost = [e for e in events if e.name.startswith("aten::")
                 and not (e.cpu_parent is not None and e.cpu_parent.name.startswith("aten::"))]
    scopes = sum(e.cpu_time_total for e in prof.events() if e.name in PHASES)
    rows = sorted(prof.key_averages(), key=lambda e: e.self_cpu_time_total, reverse=True)
    operators = [(e.key, e.count / steps, e.self_cpu_time_total / steps) for e in rows if e.key not in PHASES][:8]
    task, network = block.task, block.network
    network.eval()
    with torch.no_grad():
        task.evaluate(network)  # warm
        t0 = time.perf_counter()
        task.evaluate(network)
        evaluation = time.perf_counter() - t0
    network.train()
    return {
        "ms_per_step": 1e3 * total / steps,
        "phases": {k: v / total for k, v in seconds.items()},
        "operators": operators,
        "operators_per_step": len(outermost) / steps,
        "operator_share": sum(e.cpu_time_total for e in outermost) / scopes if scopes else float("nan"),
        "evaluation_seconds": evaluation,
    }


def child(preset: str, op: str, runs: int, iterations: int, profile_steps: int) -> None:
    import torch

    from nalm.analysis.thresholds import RANGE_PAIRS
    from nalm.core.presets import resolve
    from nalm.core.ranges import parse_range
    from nalm.tasks.single_module import RunSpec, SingleModuleTask, make_block

    torch.set_num_threads(1)
    pairs = [(parse_range(i), parse_range(e), rid) for rid, (i, e) in RANGE_PAIRS.items()]
    # 225 runs = the paper's 9 range pairs x 25 seeds; smaller blocks take the first pairs.
    specs = [RunSpec(i, e, rid, seed) for i, e, rid in pairs for seed in range(25)][:runs] if runs >= 25 else \
        [RunSpec(pairs[6][0], pairs[6][1], pairs[6][2], seed) for seed in range(runs)]
    started = time.perf_counter()
    block = make_block(resolve(preset, op), SingleModuleTask(op), specs, iterations, LOG_INTERVAL)
    built = time.perf_counter()
    block.train()
    seconds = time.perf_counter() - built
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"setup": built - started, "seconds": seconds, "peak_mib": peak_mib}
    if profile_steps:
        result["profile"] = _profile(block, profile_steps)
    print(json.dumps(result))


def _original_timing(args, preset: str, op: str) -> tuple:
    """(ms per iteration, start-up seconds) of the original, from one run's own event file.

    The original writes its metrics at every log step with the wall time; the milliseconds per
    iteration are the wall time from step 1,000 to the last step over those iterations (each
    1,000 holding one evaluation, as a full run), free of the interpreter's start-up, which is
    the time from launch to the step-0 event.
    """
    from nalm.runs.events import read_event_file

    environment = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    paths = [args.original_src] + list(args.original_path or [])
    environment["PYTHONPATH"] = os.pathsep.join(paths)
    with tempfile.TemporaryDirectory() as scratch:
        environment["TENSORBOARD_DIR"] = os.path.join(scratch, "tb")
        environment["SAVE_DIR"] = os.path.join(scratch, "saves")
        command = [args.original_python, "experiments/single_layer_benchmark.py", "--operation", op,
                   *ORIGINAL_FLAGS[preset], "--interpolation-range", "[-20,-10]", "--extrapolation-range", "[-40,-20]",
                   "--seed", "0", "--max-iterations", str(ORIGINAL_ITERATIONS), "--log-interval", str(LOG_INTERVAL),
                   "--name-prefix", "throughput", "--remove-existing-data", "--no-cuda", "--no-save"]
        launched = time.time()
        done = subprocess.run(command, cwd=args.original_src, env=environment, capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"the original run failed ({' '.join(command)}):\n{done.stderr[-2000:]}")
        files = glob.glob(os.path.join(scratch, "tb", "**", "events.out.tfevents.*"), recursive=True)
        if len(files) != 1:
            sys.exit(f"expected one event file from the original run, found {len(files)}")
        walls = {step: wall for wall, step, tag, _ in read_event_file(files[0]) if tag == "metric/valid/interpolation"}
    if not {0, LOG_INTERVAL, ORIGINAL_ITERATIONS} <= set(walls):
        sys.exit(f"the original's event file lacks the log steps 0, {LOG_INTERVAL} and {ORIGINAL_ITERATIONS}")
    ms = 1e3 * (walls[ORIGINAL_ITERATIONS] - walls[LOG_INTERVAL]) / (ORIGINAL_ITERATIONS - LOG_INTERVAL)
    return ms, walls[0] - launched


def original_per_run(args, preset: str, op: str) -> tuple | None:
    """(ms per iteration, seconds of one 50,000-iteration run, start-up included) of the original."""
    if args.original_ms and preset in args.original_ms:
        ms = args.original_ms[preset]
        return ms, ms * FULL_ITERATIONS / 1e3
    if not (args.original_python and args.original_src):
        return None
    ms, start_up = _original_timing(args, preset, op)
    return ms, start_up + ms * FULL_ITERATIONS / 1e3


def _print_profile(profile: dict) -> None:
    phases = ", ".join(f"{name} {share:.0%}" for name, share in profile["phases"].items())
    print(f"    where the time goes ({profile['ms_per_step']:.2f} ms per step at iteration {PROFILED_ITERATION:,}, "
          f"log steps apart): {phases}")
    print(f"    {profile['operators_per_step']:.0f} torch operators per step, "
          f"{1e3 * profile['ms_per_step'] / profile['operators_per_step']:.1f} us per operator on average; "
          f"{profile['operator_share']:.0%} of the profiled step inside them, the rest Python and autograd")
    print(f"    evaluations: {LOG_STEPS} x {1e3 * profile['evaluation_seconds']:.1f} ms = "
          f"{LOG_STEPS * profile['evaluation_seconds']:.1f} s of the block")
    for name, calls, microseconds in profile["operators"]:
        print(f"      {name:<45} {calls:>5.1f} calls/step {microseconds:>8.1f} us/step self")


def _parse_original_ms(text: str) -> dict:
    try:
        return {name: float(ms) for name, ms in (item.split("=") for item in text.split(","))}
    except ValueError:
        sys.exit(f"bad --original-ms {text!r}: expected PRESET=MS[,PRESET=MS...]")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="*", default=[p for p, _ in PRIMER])
    parser.add_argument("--sizes", nargs="*", type=int, default=[1, 25, 225])
    parser.add_argument("--iterations", type=int, default=5000)
    parser.add_argument("--profile-steps", type=int, default=300,
                        help="steps profiled for a preset that misses its target (0: none)")
    parser.add_argument("--original-python", help="a Python that runs bmistry4/nalm-benchmark")
    parser.add_argument("--original-src", help="a checkout of bmistry4/nalm-benchmark")
    parser.add_argument("--original-path", nargs="*", help="more PYTHONPATH entries for the original")
    parser.add_argument("--original-ms", type=_parse_original_ms, help="PRESET=MS,...: original ms per iteration")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        preset, op, runs, iterations, profile_steps = args.child
        child(preset, op, int(runs), int(iterations), int(profile_steps))
        return 0
    ops = dict(PRIMER)
    unknown = [p for p in args.presets if p not in ops]
    if unknown:
        sys.exit(f"unknown preset {unknown[0]!r}: expected one of {', '.join(ops)}")
    print(f"{'preset':<8} {'op':<4} {'runs':>5} {'setup s':>8} {'train s':>8} {'run-it/s':>10} "
          f"{'225x50k (s)':>14} {'target':>7} {'peak MiB':>9} {'vs original':>12}")
    for preset in args.presets:
        op = ops[preset]
        target = TARGET_SECONDS.get(preset, DEFAULT_TARGET)
        original = original_per_run(args, preset, op)
        for runs in args.sizes:
            # a full-length block at 225 runs is the measure; its profile only when it misses the target
            profile_steps = args.profile_steps if runs == 225 else 0
            out = subprocess.run(
                [sys.executable, __file__, "--child", preset, op, str(runs), str(args.iterations), str(profile_steps)],
                capture_output=True, text=True, check=True,
            )
            result = json.loads(out.stdout.strip().splitlines()[-1])
            rate = runs * (args.iterations + 1) / result["seconds"]
            if runs == 225 and args.iterations == FULL_ITERATIONS:
                block_seconds, how = result["setup"] + result["seconds"], "measured"
            elif runs == 225:
                block_seconds, how = result["setup"] + 225 * (FULL_ITERATIONS + 1) / rate, "projected"
            else:
                block_seconds, how = float("nan"), ""
            ratio = ""
            if original is not None and runs == 225:
                ratio = f"{original[1] / (block_seconds / 225):,.0f}x"
            print(f"{preset:<8} {op:<4} {runs:>5} {result['setup']:>8.2f} {result['seconds']:>8.2f} {rate:>10,.0f} "
                  f"{block_seconds:>8.1f} {how[:4]:<5} {target:>7.0f} {result['peak_mib']:>9.0f} {ratio:>12}", flush=True)
            if runs == 225:
                met = block_seconds <= target
                print(f"    target {target:.0f} s: {'met' if met else 'MISSED'} ({how})")
                if not met and "profile" in result:
                    _print_profile(result["profile"])
        if original is not None:
            print(f"    original: {original[0]:.2f} ms per iteration, {original[1]:.0f} s per 50,000-iteration run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
