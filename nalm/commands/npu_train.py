"""`nalm npu-train`: train one model of the NPU paper's experiments as one block of runs.

*Neural Power Units* (Heim, Pevný & Šmídl, NeurIPS 2020, arXiv 2006.01681): the README example
(`example`), the layer comparison (`layers`) and the 100-input task (`arithmetic100`), as
`nalm.tasks.npu_experiments` assembles them from `nalm/papers/npu/`. Every run writes its
directory `<out>/<model>/seed<k>/` (docs/run-format.md: events, run.json, metrics.csv), plus
`final.json` (the metrics after the last update; for `arithmetic100` also the number of
parameters above 1e-2, 1e-3 and 1e-5 in magnitude) and `parameters.npz` (the run's final
parameters, by `state_dict` name, for the figures).
"""

import json
import math
import re
import sys
import time

from nalm.core.errors import UserError

#: magnitudes above which a parameter counts as active (pareto.jl: 1e-2; the caption: 1e-3;
#: revalidate.jl: 1e-5)
ACTIVE_THRESHOLDS = (1e-2, 1e-3, 1e-5)
FINAL_FILE = "final.json"
PARAMETERS_FILE = "parameters.npz"
SAFE = re.compile(r"^[A-Za-z0-9_.+-]+$")


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "npu-train",
        help="train one model of the Neural Power Units experiments (example, layers, arithmetic100)",
        description="Train every seed of one model (and task) as one vectorised block. Writes "
        "<out>/<model>/seed<k>/{events,run.json,metrics.csv,final.json,parameters.npz}. "
        "Example: nalm npu-train layers --model NPU --seeds 0-19 --out results/runs/npu/layers",
    )
    parser.add_argument("experiment", choices=["example", "layers", "arithmetic100"])
    parser.add_argument("--model", required=True, help="model label, e.g. NPU (layers: NPU, RealNPU, NMU, NALU, iNALU, Dense)")
    parser.add_argument("--task", default=None, help="arithmetic100 only: add, mult, div or sqrt")
    parser.add_argument("--seeds", required=True, help="'0-19', '0,3,7' or a mix")
    parser.add_argument("--updates", type=int, default=None,
                        help="number of updates (default: the experiment's, e.g. 20000 for layers)")
    parser.add_argument("--log-interval", type=int, default=1000)
    parser.add_argument("--setting", action="append", default=[], metavar="KEY=VALUE", dest="settings",
                        help="a code/paper switch of the experiment, e.g. train_range=paper (config/README.md)")
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1)")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.set_defaults(func=run)
    return parser


def parse_settings(texts) -> dict:
    """`key=value` pairs with YAML values (`code_overrides=false`, `inalu_t=20`)."""
    import yaml

    settings = {}
    for text in texts:
        if "=" not in text:
            raise UserError(f"bad setting {text!r}: expected key=value")
        key, raw = (part.strip() for part in text.split("=", 1))
        try:
            settings[key] = yaml.safe_load(raw)
        except yaml.YAMLError:
            raise UserError(f"bad value in setting {text!r}: expected a YAML value") from None
    return settings


def _json_number(value: float):
    return value if math.isfinite(value) else repr(value)  # 'nan', 'inf': JSON has no such numbers


def final_record(setup, evaluated: dict, r: int, diverged: bool, network) -> dict:
    from nalm.tasks.sobol_arithmetic import active_parameters

    metrics = {name: (math.nan if diverged else float(value[r])) for name, value in evaluated.items()}
    record = {"diverged": diverged, "metrics": {k: _json_number(v) for k, v in metrics.items()}}
    if setup.experiment == "arithmetic100":
        record["active_parameters"] = {
            repr(threshold): int(active_parameters(network, threshold)[r]) for threshold in ACTIVE_THRESHOLDS
        }
    return record


def write_extras(directory, record: dict, parameters: dict) -> None:
    """final.json and parameters.npz of one run (before `write_run`, whose metrics.csv comes last)."""
    import io
    import os

    import numpy as np

    from nalm.core.atomic import write_bytes_atomic, write_text_atomic

    os.makedirs(directory, exist_ok=True)
    write_text_atomic(directory / FINAL_FILE, json.dumps(record, indent=2, sort_keys=True) + "\n")
    buffer = io.BytesIO()
    np.savez(buffer, **{name: value for name, value in sorted(parameters.items())})
    write_bytes_atomic(directory / PARAMETERS_FILE, buffer.getvalue())


def run(args) -> int:
    import torch

    from nalm.commands.train import parse_seeds
    from nalm.core.engine import train_block
    from nalm.core.optim import finite_per_run
    from nalm.runs.directory import run_directory, write_run
    from nalm.tasks.npu_experiments import setup

    if args.log_interval < 1:
        raise UserError(f"bad --log-interval {args.log_interval}: expected a number >= 1")
    if args.threads < 1:
        raise UserError(f"bad --threads {args.threads}: expected a number >= 1")
    if args.device == "cuda" and not torch.cuda.is_available():
        raise UserError("--device cuda: no CUDA device is available to this torch build")
    if not SAFE.match(args.model):
        raise UserError(f"bad --model {args.model!r}: expected letters, digits, '_', '.', '+' or '-'")
    if (args.task is None) != (args.experiment != "arithmetic100"):
        raise UserError(f"--task is {'required' if args.experiment == 'arithmetic100' else 'not used'} for {args.experiment}")
    the_setup = setup(args.experiment, args.model, args.task, parse_settings(args.settings), args.updates)
    seeds = parse_seeds(args.seeds)
    torch.set_num_threads(args.threads)

    started = time.perf_counter()
    block = the_setup.block(seeds)
    network = the_setup.network(len(seeds))
    logs = train_block(the_setup.hyper, block, network, the_setup.engine_iterations, args.log_interval, args.device)
    network.eval()
    with torch.no_grad():
        evaluated = block.evaluate(network)
    diverged = (~finite_per_run([p for p in network.parameters()])).tolist()
    seconds = time.perf_counter() - started

    state = {name: value.detach().cpu() for name, value in network.state_dict().items()}
    for r, log in enumerate(logs):
        directory = run_directory(args.out, log.run.group, log.run.seed)
        write_extras(directory, final_record(the_setup, evaluated, r, diverged[r], network),
                     {name: value[r].numpy() for name, value in state.items()})
        config = {
            **the_setup.record(), "seed": log.run.seed, "log_interval": args.log_interval,
            "hyperparameters": the_setup.hyper.as_dict(), "device": args.device,
        }
        write_run(args.out, log, config)
    print(
        f"nalm npu-train: {args.experiment} {args.model}{' ' + args.task if args.task else ''}: "
        f"{len(seeds)} runs x {the_setup.updates} updates in {seconds:.1f} s, {sum(diverged)} diverged -> {args.out}",
        file=sys.stderr,
    )
    return 0
