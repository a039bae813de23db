"""`nalm ntm-train`: train an NTM task for a block of seeds as one program; one directory per run."""

import sys
import time

from nalm.core.errors import UserError

TASKS = ("copy", "repeatcopy", "associative", "prioritysort")
VARIANTS = ("repository", "paper")
NETWORK_OPTIONS = ("head_input", "write", "initial_reads", "controller_size", "memory_units", "memory_unit_size", "heads")


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "ntm-train",
        help="train a Neural Turing Machine task (copy, repeatcopy, associative, prioritysort) for a block of seeds",
        description="Train every seed as one vectorised NTM program (kdexd/ntm-pytorch's settings: RMSprop lr 1e-4, "
        "momentum 0.9, clip 10, one sequence per iteration). Writes <out>/<task>/seed<k>/{checkpoint.npz, run.json, "
        "events.out.tfevents.0.nalm, metrics.csv}. Example: nalm ntm-train --task copy --seeds 0-4 --iterations 5000 "
        "--out results/runs/ntm",
    )
    parser.add_argument("--task", required=True, choices=TASKS)
    parser.add_argument("--seeds", required=True, help="'0-4', '0,3,7' or a mix")
    parser.add_argument("--iterations", type=int, required=True, help="updates after t = 0")
    parser.add_argument("--log-interval", type=int, default=200, help="iterations per logged window (default 200, the repository's)")
    parser.add_argument("--batch-size", type=int, default=1, help="sequences per update and run (default 1, the repository's)")
    parser.add_argument("--task-variant", choices=VARIANTS, default="repository",
                        help="repository: its realised ranges and targets (default); paper: the paper's")
    parser.add_argument("--network-variant", choices=VARIANTS, default="repository",
                        help="repository: heads on the cell state, full-erase write (default); paper: h_t, erase + add")
    parser.add_argument("--network", action="append", default=[], metavar="KEY=VALUE",
                        help=f"change one NTM setting ({', '.join(NETWORK_OPTIONS)})")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="overrides",
                        help="override a training hyper-parameter, e.g. learning_rate=3e-5")
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1)")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.set_defaults(func=run)
    return parser


def _network_options(texts) -> dict:
    import yaml

    options = {}
    for text in texts:
        if "=" not in text:
            raise UserError(f"bad --network {text!r}: expected key=value")
        key, raw = (part.strip() for part in text.split("=", 1))
        if key not in NETWORK_OPTIONS:
            raise UserError(f"unknown NTM setting {key!r} in --network {text!r}: expected one of {', '.join(NETWORK_OPTIONS)}")
        options[key] = yaml.safe_load(raw)
    return options


def _numbers(value):
    """YAML 1.1 reads `1e-08` as a string: numbers inside mappings and lists too."""
    if isinstance(value, dict):
        return {key: _numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_numbers(item) for item in value]
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def run(args) -> int:
    import torch

    from nalm.commands.train import parse_seeds
    from nalm.core.engine import train_block
    from nalm.core.presets import parse_override
    from nalm.tasks.ntm_training import NTMExperiment, write_ntm_run

    if args.iterations < 0:
        raise UserError(f"bad --iterations {args.iterations}: expected a number >= 0")
    if args.log_interval < 1:
        raise UserError(f"bad --log-interval {args.log_interval}: expected a number >= 1")
    if args.batch_size < 1:
        raise UserError(f"bad --batch-size {args.batch_size}: expected a number >= 1")
    if args.threads < 1:
        raise UserError(f"bad --threads {args.threads}: expected a number >= 1")
    if args.device == "cuda" and not torch.cuda.is_available():
        raise UserError("--device cuda: no CUDA device is available to this torch build")
    overrides = {key: _numbers(value) for key, value in (parse_override(text) for text in args.overrides)}
    overrides["batch_size"] = args.batch_size
    experiment = NTMExperiment(args.task, args.iterations, args.log_interval, args.task_variant,
                               args.network_variant, _network_options(args.network), overrides)
    seeds = parse_seeds(args.seeds)
    try:
        hyper, task, network = experiment.build(seeds)
    except ValueError as error:
        raise UserError(str(error)) from None
    torch.set_num_threads(args.threads)

    total = args.iterations + 1
    progress, bar = None, None
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=total, unit=" it", desc=f"ntm {args.task} x{len(seeds)}")
        progress = lambda t: bar.update(1)
    started = time.perf_counter()
    logs = train_block(hyper, task, network, args.iterations, args.log_interval, args.device, progress)
    seconds = time.perf_counter() - started
    if bar is not None:
        bar.close()
    network.to("cpu")
    for index, log in enumerate(logs):
        write_ntm_run(args.out, experiment, hyper, network, index, log)
    diverged = sum(1 for log in logs if log.diverged and log.diverged[-1])
    print(
        f"nalm ntm-train: {args.task}: {len(seeds)} runs x {total} iterations in {seconds:.1f} s "
        f"({total / max(seconds, 1e-9):.2f} iterations/s), {diverged} diverged -> {args.out}",
        file=sys.stderr,
    )
    return 0
