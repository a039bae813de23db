"""CPU cost of the NPU paper's training jobs (nalm/papers/npu/), and what a config would take.

*Neural Power Units* (Heim, Pevný & Šmídl, NeurIPS 2020, arXiv 2006.01681): the README example of
`nmheim/NeuralArithmetic.jl` (`examples/npu.jl`), the layer comparison and the 100-input task of
`nmheim/NeuralPowerUnits` (`scripts/simple/`, `scripts/arithmetic/`). For every job the workflow
trains (one per model, and per task for the 100-input task), trains a block of the config's
runs with one thread and prints the CPU milliseconds per update (the difference of a short and
a long block, so set-up cancels) and per logged evaluation (10 updates logged at every update
against the same without), process time (on a busy machine it is steadier than wall time);
then the CPU time the job would need at the config's updates and `log_interval`, and each
group's total. A model's cost per update does not depend on the
100-input task (same layers, same batch), so that group is measured on one task.

    python benchmarks/npu_throughput.py                        # config/config.yaml's sizes
    python benchmarks/npu_throughput.py --overlay config/npu-tiny.yaml

Not counted: process start-up (a few seconds per job: importing torch) and writing the runs.
"""

import argparse
import time
from pathlib import Path

import torch
import yaml

REPO = Path(__file__).resolve().parents[1]


def section(overlay):
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())["npu"]
    if overlay:
        for key, value in (yaml.safe_load(Path(overlay).read_text()).get("npu") or {}).items():
            config[key] = {**config[key], **value} if isinstance(value, dict) else value
    return config


def cpu_seconds(the_setup, seeds, updates, log_interval=10**9):
    from nalm.core.engine import train_block

    network, block = the_setup.network(len(seeds)), the_setup.block(seeds)
    started = time.process_time()
    train_block(the_setup.hyper, block, network, updates - 1, log_interval)
    return time.process_time() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--overlay", default=None, help="a config overlay, e.g. config/npu-tiny.yaml")
    parser.add_argument("--updates", type=int, default=210, help="updates of the long block (the short has 10)")
    parser.add_argument("--task", default="sqrt", help="the 100-input task measured")
    args = parser.parse_args()
    torch.set_num_threads(1)

    from nalm.tasks.npu_experiments import setup

    config = section(args.overlay)
    jobs = [("example", "NPU-NAU", None, [config["example"]["seed"]], config["example"]["updates"])]
    layers = config["layers"]
    seeds = list(range(layers["seeds"]["first"], layers["seeds"]["first"] + layers["seeds"]["count"]))
    jobs += [("layers", model, None, seeds, layers["updates"]) for model in layers["models"]]
    a100 = config["arithmetic100"]
    for task in a100["tasks"]:
        count = a100["task_seed_counts"].get(task, a100["seeds"]["count"])
        seeds = list(range(a100["seeds"]["first"], a100["seeds"]["first"] + count))
        for model in a100["models"]:
            jobs.append(("arithmetic100", model, task, seeds, None))

    cpu_seconds(setup("example", "NPU-NAU"), [0], 10)  # warm-up: the process's first block pays one-time costs
    print(f"{'group':14} {'model':9} {'task':5} {'runs':>4} {'updates':>8} {'ms/update':>10} {'ms/eval':>8} {'CPU s/job':>10}")
    measured, totals = {}, {}
    for experiment, model, task, seeds, updates in jobs:
        full = setup(experiment, model, task)
        if experiment == "arithmetic100":
            own = full.updates
            updates = own if a100["update_cap"] is None else min(own, a100["update_cap"])
        updates = updates or full.updates
        key = (experiment, model, len(seeds))
        if key not in measured:
            probe = setup(experiment, model, task if experiment != "arithmetic100" else args.task)
            short, long = cpu_seconds(probe, seeds, 10), cpu_seconds(probe, seeds, args.updates)
            logged = cpu_seconds(probe, seeds, 10, log_interval=1)  # 10 evaluations against 2
            measured[key] = 1000 * (long - short) / (args.updates - 10), 1000 * max(logged - short, 0.0) / 8
        ms, eval_ms = measured[key]
        seconds = (ms * updates + eval_ms * (updates // config["log_interval"] + 1)) / 1000
        totals[experiment] = totals.get(experiment, 0.0) + seconds
        print(f"{experiment:14} {model:9} {task or '-':5} {len(seeds):>4} {updates:>8} {ms:>10.2f} {eval_ms:>8.0f} {seconds:>10.0f}")
    for experiment, seconds in totals.items():
        print(f"total {experiment}: {seconds:.0f} CPU-s = {seconds / 3600:.2f} CPU-h")
    print(f"total: {sum(totals.values()) / 3600:.2f} CPU-h (one thread; jobs are independent)")


if __name__ == "__main__":
    main()
