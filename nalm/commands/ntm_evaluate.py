"""`nalm ntm-evaluate`: score trained NTMs (ours, and the repository's shipped model) on the
generalisation sweeps of a task (`nalm/papers/ntm/figures.yaml`); one CSV row per model and setting."""

import sys

from nalm.core.errors import UserError

TASKS = ("copy", "repeatcopy", "associative", "prioritysort")
COLUMNS = ("model", "seed", "panel", "vary", "value", "setting", "target", "sequences", "bit_error", "bce", "perfect")


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "ntm-evaluate",
        help="score trained NTMs on a task's generalisation settings (many sequences per setting)",
        description="Scores every run directory (its checkpoint.npz) and, with --original, the repository's trained "
        "model on the same sequences. Example: nalm ntm-evaluate --task copy --runs results/runs/ntm/copy/seed0 "
        "--original tests/fixtures/ntm/ntm_original_copy.npz --sequences 100 --out copy.csv",
    )
    parser.add_argument("--task", required=True, choices=TASKS)
    parser.add_argument("--runs", nargs="*", default=[], metavar="DIR", help="run directories holding checkpoint.npz")
    parser.add_argument("--original", metavar="NPZ", help="the repository's weights (tests/fixtures/ntm/ntm_original_<task>.npz)")
    parser.add_argument("--sequences", type=int, default=100, help="sequences per setting (default 100)")
    parser.add_argument("--seed", type=int, default=2018, help="seed of the evaluation sequences (default 2018)")
    parser.add_argument("--out", required=True, help="output CSV")
    parser.add_argument("--threads", type=int, default=1)
    parser.set_defaults(func=run)
    return parser


def _settings(task_name):
    """[(panel, vary, value, setting)]: every sweep's settings; priority sort: its training sizes."""
    from nalm.papers import read_yaml
    from nalm.tasks.ntm_evaluation import sweep_settings

    sweeps = read_yaml("ntm", "figures.yaml")[task_name]["generalisation"]
    if not sweeps:
        return [(0, "", "", {})]
    rows = []
    for panel, sweep in enumerate(sweeps):
        for setting in sweep_settings(sweep):
            rows.append((panel, sweep["vary"], setting[sweep["vary"]], setting))
    return rows


def _models(args):
    """[(label, seed or '', NTM, task variant)]: our runs (one NTM holding all), then the original."""
    from pathlib import Path

    from nalm.networks.ntm.checkpoint import load_checkpoints
    from nalm.tasks.ntm_training import CHECKPOINT_FILE

    models = []
    if args.runs:
        paths = [Path(run) / CHECKPOINT_FILE for run in args.runs]
        for path in paths:
            if not path.is_file():
                raise UserError(f"no checkpoint {path}: expected a run directory written by nalm ntm-train")
        network, headers = load_checkpoints(paths)
        tasks = {header["task"] for header in headers}
        variants = {header["task_variant"] for header in headers}
        if tasks != {args.task} or len(variants) != 1:
            raise UserError(f"the runs are of tasks {sorted(tasks)} / variants {sorted(variants)}: expected task {args.task!r}, one variant")
        models.append(("nalm", [header["seed"] for header in headers], network, variants.pop()))
    if args.original:
        from nalm.networks.ntm.original import load_original_model

        if not Path(args.original).is_file():
            raise UserError(f"no file {args.original}: expected the repository's weights (tests/fixtures/ntm/)")
        models.append(("original", [""], load_original_model(args.original, args.task), "repository"))
    if not models:
        raise UserError("nothing to evaluate: give --runs and/or --original")
    return models


def run(args) -> int:
    import torch

    from nalm.core.atomic import write_text_atomic
    from nalm.tasks.ntm_evaluation import evaluation_batch, score
    from nalm.tasks.ntm_tasks import build_task

    if args.sequences < 1:
        raise UserError(f"bad --sequences {args.sequences}: expected a number >= 1")
    if args.threads < 1:
        raise UserError(f"bad --threads {args.threads}: expected a number >= 1")
    torch.set_num_threads(args.threads)
    models = _models(args)
    rows = []
    for label, seeds, network, variant in models:
        # priority sort: every model is scored on both targets (the repository's model learned its own)
        variants = ["paper", "repository"] if args.task == "prioritysort" else [variant]
        for target in variants:
            task = build_task(args.task, target)
            config = network.config
            for panel, vary, value, setting in _settings(args.task):
                batch, targets = evaluation_batch(task, setting, args.sequences, args.seed, config.heads, config.memory_unit_size)
                result = score(network, batch, targets)
                label_setting = ";".join(f"{k}={v}" for k, v in sorted(setting.items())) or "training"
                for r, seed in enumerate(seeds):
                    rows.append((label, seed, panel, vary, value, label_setting, target, args.sequences,
                                 float(result["bit_error"][r]), float(result["bce"][r]), float(result["perfect"][r])))
    rows.sort(key=lambda row: (row[0], str(row[1]).zfill(8), row[2], str(row[4]).zfill(8), row[6]))
    lines = [",".join(COLUMNS)]
    for row in rows:
        *head, bits, bce, perfect = row
        lines.append(",".join(str(v) for v in head) + f",{bits:.6g},{bce:.6g},{perfect:.6g}")
    write_text_atomic(args.out, "\n".join(lines) + "\n")
    print(f"nalm ntm-evaluate: {args.task}: {len(rows)} rows -> {args.out}", file=sys.stderr)
    return 0
