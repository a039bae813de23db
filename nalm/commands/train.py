"""`nalm train`: train one block of runs and write one directory per run (docs/run-format.md)."""

import re
import sys
import time
from dataclasses import dataclass, replace

from nalm.core.errors import UserError

# A range id names a directory below --out: no separators, and not '.', '..' or hidden.
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
#: seeds reach numpy's RandomState (the original's operand subsets), which takes 0 .. 2**32 - 1
MAX_SEED = 2**32 - 1
#: more runs than any block could hold in memory: '0-4294967295' is a typo, not a block
MAX_SEEDS = 1_000_000


def parse_seeds(text: str) -> list:
    """`0-24`, `0,3,7` or a mix such as `0-4,9`; each seed once, in the order given."""
    seeds = []
    for part in str(text).split(","):
        part = part.strip()
        match = re.fullmatch(r"([0-9]+)(?:-([0-9]+))?", part)
        if not match:
            raise UserError(f"malformed seeds {text!r}: expected a list such as '0-24' or '0,3,7'")
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        if last < first:
            raise UserError(f"malformed seeds {text!r}: range {part!r} ends before it starts")
        if last > MAX_SEED:
            raise UserError(f"malformed seeds {text!r}: seeds are 0 .. {MAX_SEED}")
        if len(seeds) + last - first + 1 > MAX_SEEDS:
            raise UserError(f"malformed seeds {text!r}: more than {MAX_SEEDS:,} seeds in one call")
        seeds.extend(range(first, last + 1))
    if len(set(seeds)) != len(seeds):
        raise UserError(f"malformed seeds {text!r}: a seed is listed twice")
    return seeds


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "train",
        help="train a block of runs (one module preset, op and input size; many seeds and range pairs)",
        description="Train every (range pair, seed) combination as one vectorised block. "
        "Writes <out>/<range-id>/seed<k>/{events.out.tfevents.0.nalm,run.json,metrics.csv}.",
    )
    parser.add_argument("--preset", required=True, help="module preset, e.g. NAU (see `nalm modules`)")
    parser.add_argument("--op", required=True, choices=["add", "sub", "mul", "div", "reciprocal"],
                        help="a ∘ b for add, sub, mul, div; 1/a for reciprocal")
    parser.add_argument("--input-size", type=int, default=2, help="I (default 2)")
    parser.add_argument("--subset-ratio", type=float, default=None,
                        help="operand subset ratio (default: 0.5, 0.1, 0.01 for I = 2, 10, 100)")
    parser.add_argument("--overlap-ratio", type=float, default=0.0)
    parser.add_argument("--num-subsets", type=int, default=2,
                        help="operand subsets of the input (default 2; 1 for reciprocal with input size 1)")
    parser.add_argument("--train-criterion", choices=["mse", "pcc", "mape"], default="mse",
                        help="training loss (default mse); pcc = 1 - Pearson r, mape = mean |(y - ŷ)/y|")
    parser.add_argument("--evaluation", choices=["float64-chunks", "float32"], default="float64-chunks",
                        help="how the validation/test MSE is computed: float64-chunks (default; float64 sums over "
                        "chunks of 1,000 samples) or float32 (the original code's MSELoss over the whole set, "
                        "as the division paper's workflow trains)")
    parser.add_argument("--distribution", action="append", metavar="DIST",
                        help="input distribution on each range pair, in order, or one for all: 'uniform' "
                        "(default), 'benford', 'truncated-normal MEAN_I STD_I MEAN_E STD_E'")
    parser.add_argument("--interpolation-range", action="append", required=True, metavar="RANGE",
                        help="training/validation range, e.g. '[1,2]'; repeat to add range pairs")
    parser.add_argument("--extrapolation-range", action="append", required=True, metavar="RANGE",
                        help="test range, e.g. '[2,6]' or '[[-6,-2],[2,6]]'; paired in order")
    parser.add_argument("--range-id", action="append", metavar="ID",
                        help="directory name of each range pair (default: derived from the ranges)")
    parser.add_argument("--seeds", required=True, help="'0-24', '0,3,7' or a mix")
    parser.add_argument("--iterations", type=int, default=50_000, help="updates after t = 0 (default 50000)")
    parser.add_argument("--log-interval", type=int, default=1000)
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--manifest", metavar="FILE",
                        help="after every run is written, list each run file with its size here (the workflow's block manifest)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="overrides",
                        help="override a preset hyper-parameter, e.g. regularizer_ramp=[50000,75000]")
    parser.add_argument("--threads", type=int, default=1, metavar="N",
                        help="CPU cores this job uses (default 1): on the CPU the runs are cut into N contiguous "
                        "sub-blocks (at most one per run), each trained by its own single-threaded process; every "
                        "file written is the same for any N. With --device cuda: torch's CPU threads")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.set_defaults(func=run)
    return parser


def _range_pairs(args):
    from nalm.core.ranges import parse_range

    if len(args.interpolation_range) != len(args.extrapolation_range):
        raise UserError(
            f"{len(args.interpolation_range)} interpolation ranges but {len(args.extrapolation_range)} "
            "extrapolation ranges: they are paired in order"
        )
    pairs = [(parse_range(i), parse_range(e)) for i, e in zip(args.interpolation_range, args.extrapolation_range)]
    ids = args.range_id or [f"i{i.slug}-e{e.slug}" for i, e in pairs]
    if len(ids) != len(pairs):
        raise UserError(f"{len(ids)} range ids for {len(pairs)} range pairs: give one --range-id per pair")
    for range_id in ids:
        if not SAFE_ID.match(range_id):
            raise UserError(f"bad range id {range_id!r}: expected letters, digits, '_', '.' or '-', starting with a letter or digit")
    if len(set(ids)) != len(ids):
        raise UserError(f"range ids {ids!r} are not distinct")
    from nalm.tasks.distributions import check_support, parse_distribution

    texts = args.distribution or ["uniform"]
    if len(texts) == 1:
        texts = texts * len(pairs)
    if len(texts) != len(pairs):
        raise UserError(f"{len(texts)} distributions for {len(pairs)} range pairs: give one, or one per pair")
    distributions = [parse_distribution(text) for text in texts]
    for (i, e), distribution in zip(pairs, distributions):
        check_support(distribution, i)
        check_support(distribution, e)
    return [(i, e, range_id, d) for (i, e), range_id, d in zip(pairs, ids, distributions)]


@dataclass(frozen=True)
class SubBlock:
    """What a worker process needs to train some of a block's runs (picklable)."""

    hyper: object
    task: object
    runs: tuple
    iterations: int
    log_interval: int
    device: str


def train_sub_block(sub: SubBlock, report=None) -> list:
    """The `RunLog`s of `sub.runs` trained as one block; `report(n)` gets the run-iterations done
    every 100 iterations. A module-level function: worker processes import it by name."""
    from nalm.core.engine import train_block
    from nalm.tasks.single_module import SingleModuleBlock, build_module

    progress = None
    if report is not None:
        def progress(t):
            if t % 100 == 99:  # a call per iteration would cost more than a small block's step
                report(100 * len(sub.runs))
    bound = SingleModuleBlock(sub.task, list(sub.runs), sub.hyper.batch_size)
    network = build_module(sub.hyper, sub.task, len(sub.runs))
    return train_block(sub.hyper, bound, network, sub.iterations, sub.log_interval, sub.device, progress)


def train_runs(sub: SubBlock, workers: int, report=None) -> list:
    """`sub`'s logs, from `workers` parallel sub-blocks (nalm.core.parallel) or this process.

    Block independence makes every run's numbers, hence every file written from the logs, the
    same for any number of workers (tests/unit/commands/test_train_workers.py)."""
    from nalm.core.parallel import map_in_processes, split_contiguous

    pieces = split_contiguous(sub.runs, workers)
    if len(pieces) == 1:
        return train_sub_block(sub, report)
    subs = [replace(sub, runs=tuple(piece)) for piece in pieces]
    return [log for logs in map_in_processes(train_sub_block, subs, threads=1, progress=report) for log in logs]


def run(args) -> int:
    import torch

    from nalm.core.outputs import check_output_directory, check_output_file
    from nalm.core.presets import parse_override, resolve
    from nalm.runs.directory import run_directory, write_manifest, write_run
    from nalm.tasks.single_module import RunSpec, SingleModuleTask, run_config

    if args.iterations < 0:
        raise UserError(f"bad --iterations {args.iterations}: expected a number >= 0")
    if args.log_interval < 1:
        raise UserError(f"bad --log-interval {args.log_interval}: expected a number >= 1")
    if args.threads < 1:
        raise UserError(f"bad --threads {args.threads}: expected a number >= 1")
    if args.device == "cuda" and not torch.cuda.is_available():
        raise UserError("--device cuda: no CUDA device is available to this torch build")
    hyper = resolve(args.preset, args.op, dict(parse_override(text) for text in args.overrides))
    task = SingleModuleTask(args.op, args.input_size, args.subset_ratio, args.overlap_ratio, args.num_subsets,
                            args.train_criterion, args.evaluation)
    seeds = parse_seeds(args.seeds)
    runs = [RunSpec(i, e, range_id, seed, d) for i, e, range_id, d in _range_pairs(args) for seed in seeds]
    # where the runs go, checked now: a bad --out must not cost a block's training
    check_output_directory(args.out)
    for run in runs:
        check_output_directory(run_directory(args.out, run.group, run.seed))
    if args.manifest is not None:
        check_output_file(args.manifest, "--manifest")
    # On the CPU, --threads N is N single-threaded processes (one torch thread each, so run.json's
    # provenance says 1 for any N); on a GPU the block stays one program.
    workers = args.threads if args.device == "cpu" else 1
    torch.set_num_threads(1 if args.device == "cpu" else args.threads)

    total = args.iterations + 1
    report, bar = None, None
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=total * len(runs), unit=" run-it", unit_scale=True, desc=f"{args.preset} {args.op}")
        report = bar.update
    started = time.perf_counter()
    sub = SubBlock(hyper, task, tuple(runs), args.iterations, args.log_interval, args.device)
    logs = train_runs(sub, workers, report)
    seconds = time.perf_counter() - started
    if bar is not None:
        bar.n = total * len(runs)
        bar.close()
    directories = [
        write_run(args.out, log, run_config(hyper, task, log, args.iterations, args.log_interval)) for log in logs
    ]
    if args.manifest is not None:
        write_manifest(args.manifest, directories)
    diverged = sum(1 for log in logs if log.diverged and log.diverged[-1])
    print(
        f"nalm train: {args.preset} {args.op} I={args.input_size}: {len(runs)} runs x {total} iterations "
        f"in {seconds:.1f} s ({len(runs) * total / max(seconds, 1e-9):,.0f} run-iterations/s, "
        f"{min(workers, len(runs))} process{'es' if min(workers, len(runs)) > 1 else ''}), "
        f"{diverged} diverged -> {args.out}",
        file=sys.stderr,
    )
    return 0
