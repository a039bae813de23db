"""Wall and CPU time of one Primer block trained by one process and by N worker processes.

`nalm train --threads N` on the CPU cuts a block's runs into N contiguous sub-blocks, each trained
by its own single-threaded process (nalm/core/parallel.py); block independence makes the files
the same. This script trains one experiment's full block (the config's 9 range pairs x 25 seeds)
at a reduced iteration count four ways, in this process and its workers:

    1 process, 1 torch thread          (one core: the workflow's jobs before issue 14)
    N worker processes, 1 thread each  (what `nalm train --threads N` does)
    1 process, N torch threads         (torch's intra-op threads: the alternative not taken)
    N sub-blocks in turn, 1 process    (the cost of smaller blocks alone: no start-up, no sharing)

and prints wall seconds, CPU seconds (this process and its workers), the wall-time ratio to one
process, peak resident memory (this process; the largest worker), and whether each way's logged numbers are bit-identical to one process's. The default
is figure 20's experiment (in100_sub_NAU: NAU, subtraction, input size 100):

    nice -n 19 python benchmarks/workers_speedup.py --iterations 1000
    python benchmarks/workers_speedup.py --experiment in10_add_iNALU --iterations 5000 --ways workers,serial

Worker start-up (each spawned process imports torch and nalm and pays a first block's one-off
costs) is included in the N-worker time, as in a workflow job; this process pays its own before
the timings. On a shared machine the N-worker wall time is only as good as the
free cores: the script prints /proc/loadavg before and after, and the cores each way kept busy
(CPU / wall). Where Linux groups processes by session (sched_autogroup), a session's workers
share one group's CPU time with the other sessions': on a busy machine they gain no wall time.
"""

import argparse
import os
import resource
import time


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _loadavg() -> str:
    try:
        with open("/proc/loadavg") as handle:
            return " ".join(handle.read().split()[:3])
    except OSError:
        return "unknown"


def _numbers(logs) -> list:
    """Everything a run writes that training decides: metric rows, event scalars and texts."""
    return [(log.run, log.steps, log.metrics, log.diverged, log.scalars, log.texts, log.reinits) for log in logs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--experiment", default="in100_sub_NAU", help="a Primer experiment (experiments.tsv)")
    parser.add_argument("--iterations", type=int, default=1000, help="updates per run (default 1000)")
    parser.add_argument("--workers", type=int, default=2, help="N (default 2)")
    parser.add_argument("--seeds", type=int, default=25, help="seeds per range pair (default 25: 225 runs)")
    parser.add_argument("--ways", default="one,workers,intra,serial",
                        help="which ways, comma-separated (default all): one (always first: the reference), "
                        "workers, intra, serial")
    args = parser.parse_args()
    if args.iterations < 0 or args.workers < 1 or args.seeds < 1:
        parser.error("--iterations must be >= 0, --workers and --seeds >= 1")

    from dataclasses import replace

    import torch

    from nalm import papers
    from nalm.commands.train import SubBlock, train_runs, train_sub_block
    from nalm.core.parallel import split_contiguous
    from nalm.core.presets import resolve
    from nalm.core.ranges import parse_range
    from nalm.tasks.single_module import RunSpec, SingleModuleTask

    experiments = papers.experiments("primer")
    if args.experiment not in experiments:
        parser.error(f"unknown experiment {args.experiment!r} (expected one of: {', '.join(experiments)})")
    experiment = experiments[args.experiment]
    hyper = resolve(experiment["preset"], experiment["op"], experiment["set"])
    task = SingleModuleTask(experiment["op"], experiment["input_size"])
    runs = tuple(RunSpec(parse_range(i), parse_range(e), pair_id, seed)
                 for pair_id, (i, e) in papers.range_pairs("primer").items() for seed in range(args.seeds))
    sub = SubBlock(hyper, task, runs, args.iterations, 1000, "cpu")
    print(f"{args.experiment}: {experiment['preset']} {experiment['op']} I={experiment['input_size']}, "
          f"{len(runs)} runs x {args.iterations + 1} iterations; os.cpu_count() = {os.cpu_count()}; "
          f"load average before: {_loadavg()}")

    def serial(sub):
        """The N sub-blocks one after another in this process: what smaller blocks cost, without
        worker start-up or competition for cores."""
        return [log for piece in split_contiguous(sub.runs, args.workers)
                for log in train_sub_block(replace(sub, runs=tuple(piece)))]

    ways = [("1 process, 1 thread", 1, lambda sub: train_runs(sub, 1)),
            (f"{args.workers} worker processes, 1 thread each", 1, lambda sub: train_runs(sub, args.workers)),
            (f"1 process, {args.workers} torch threads", args.workers, lambda sub: train_runs(sub, 1)),
            (f"{args.workers} sub-blocks in turn, 1 process", 1, serial)]
    # this process's first block pays one-off costs (lazy imports, allocator growth): paid here,
    # untimed; each worker pays its own inside the timing, as in a workflow job
    train_sub_block(replace(sub, runs=runs[:1], iterations=1))
    chosen = {"one", *args.ways.split(",")}
    keys = [key for key in ("workers", "one", "intra", "serial") if key in chosen]
    ways = dict(zip(("one", "workers", "intra", "serial"), ways))
    done, before_workers = {}, None
    # the workers run first: a worker's ru_maxrss counts the pages of this process at its start
    # (fork, then exec), so this process must be smaller than a worker then
    for key in keys:
        name, threads, train = ways[key]
        if key == "workers":
            before_workers = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        torch.set_num_threads(threads)
        cpu, started = _cpu_seconds(), time.perf_counter()
        logs = train(sub)
        wall, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
        done[key] = (name, wall, cpu, repr(_numbers(logs)), _loadavg().split()[0])
        # peak resident memory (kB): this process after the one-process way; the largest worker
        if key == "one":
            one_process = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for key in ("one", "workers", "intra", "serial"):
        if key in done:
            name, wall, cpu, numbers, load = done[key]
            same = "bit-identical to 1 process" if numbers == done["one"][3] else "DIFFERENT numbers from 1 process"
            print(f"  {name:38s} wall {wall:7.1f} s  CPU {cpu:7.1f} s  cores busy {cpu / wall:4.2f}  "
                  f"speed-up x{done['one'][1] / wall:4.2f}  ({same}; 1-min load after: {load})")
    print(f"peak RSS: 1 process {one_process:.0f} MB", end="")
    if before_workers is not None:
        worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"; largest worker {worker:.0f} MB (this process held {before_workers:.0f} MB when they started)", end="")
    print()
    torch.set_num_threads(1)
    print(f"load average after: {_loadavg()}")


if __name__ == "__main__":
    main()
