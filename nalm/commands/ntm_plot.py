"""`nalm ntm-plot`: the NTM tasks' figures (learning curve, generalisation, bitmaps), each PDF with
its plot data (`<name>_plot_data.csv`) beside it."""

import sys
from pathlib import Path

from nalm.core.errors import UserError

TASKS = ("copy", "repeatcopy", "associative", "prioritysort")
KINDS = ("curve", "generalisation", "bitmaps", "all")
#: the file names `all` writes into its --out directory
FIGURES = {"curve": "{task}_learning_curve.pdf", "generalisation": "{task}_generalisation.pdf", "bitmaps": "{task}_bitmaps.pdf"}
#: samples of the Monte Carlo estimate of a random guesser's bits per sequence
CHANCE_SAMPLES = 4000


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "ntm-plot",
        help="draw an NTM task's learning curve, generalisation or target-vs-output bitmaps (or all three)",
        description="curve: from run directories (metrics.csv), optionally beside the repository's windows "
        "(--original-windows); generalisation: from an `nalm ntm-evaluate` table; bitmaps: one long sequence through "
        "a run's checkpoint and the repository's model; all: the three into the directory --out "
        "(<task>_learning_curve.pdf, <task>_generalisation.pdf, <task>_bitmaps.pdf). Example: nalm ntm-plot curve "
        "--task copy --runs results/runs/ntm/copy/seed* --out copy_learning_curve.pdf",
    )
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("--task", required=True, choices=TASKS)
    parser.add_argument("--runs", nargs="*", default=[], metavar="DIR", help="run directories (curve, bitmaps)")
    parser.add_argument("--table", help="generalisation: the `nalm ntm-evaluate` CSV")
    parser.add_argument("--original", metavar="NPZ", help="bitmaps: the repository's weights")
    parser.add_argument("--original-windows", metavar="CSV",
                        help="curve: the repository's runs as seed,step,bit_error windows (tests/validation/)")
    parser.add_argument("--smoothing", type=float, default=0.6, help="TensorBoard smoothing weight (default 0.6, the README's)")
    parser.add_argument("--seed", type=int, default=2018, help="bitmaps: seed of the drawn sequence (default 2018)")
    parser.add_argument("--out", required=True, help="output PDF (the plot data goes beside it); all: a directory")
    parser.set_defaults(func=run)
    return parser


def _data_path(out) -> Path:
    out = Path(out)
    return out.with_name(out.stem + "_plot_data.csv")


def _write_rows(path, header, rows):
    from nalm.core.atomic import write_text_atomic

    lines = [",".join(header)]
    for row in rows:
        lines.append(",".join(f"{v:.6g}" if isinstance(v, float) else str(v) for v in row))
    write_text_atomic(path, "\n".join(lines) + "\n")


def _chance(task_name: str, variant: str) -> float:
    """Expected bits wrong per sequence of a guesser that outputs coin flips: E[target elements] / 2."""
    import numpy as np

    from nalm.tasks.ntm_tasks import build_task

    task = build_task(task_name, variant)
    rng = np.random.Generator(np.random.PCG64DXSM(np.random.SeedSequence([0, 99])))
    return float(np.mean([task.sample(rng)[1].size for _ in range(CHANCE_SAMPLES)]) / 2)


def plot_curve(args):
    import numpy as np

    from nalm.figures.ntm import curve_summary, draw_curves
    from nalm.tasks.ntm_training import read_ntm_runs

    if not args.runs:
        raise UserError("curve: give the run directories with --runs")
    steps, errors, seeds, configs = read_ntm_runs(args.runs, args.task)
    variant = configs[0]["task_variant"]
    curves = [("nalm", "#1f77b4", curve_summary(steps, errors, args.smoothing), len(seeds))]
    rows = [("nalm", seed, int(step), float(value)) for seed, line in zip(seeds, errors) for step, value in zip(steps, line)]
    if args.original_windows:
        windows = _read_windows(args.original_windows)
        original_seeds = sorted(windows)
        common = sorted(set.intersection(*(set(windows[s]) for s in original_seeds)))
        matrix = np.array([[windows[s][step] for step in common] for s in original_seeds])
        curves.append(("repository", "#ff7f0e", curve_summary(common, matrix, args.smoothing), len(original_seeds)))
        rows += [("repository", seed, step, windows[seed][step]) for seed in original_seeds for step in common]
    note = f" ({configs[0]['iterations']:,} iterations, batch {configs[0]['batch_size']})"
    draw_curves(args.out, args.task, curves, chance=_chance(args.task, variant), title_note=note)
    _write_rows(_data_path(args.out), ("model", "seed", "step", "bit_error"), rows)


def _read_windows(path) -> dict:
    """seed -> {step: bits per sequence} from a seed,step,bit_error CSV."""
    import csv

    windows = {}
    with open(path, newline="") as handle:
        for row in csv.DictReader(line for line in handle if not line.startswith("#")):
            windows.setdefault(int(row["seed"]), {})[int(row["step"])] = float(row["bit_error"])
    if not windows:
        raise UserError(f"{path}: no rows (expected columns seed,step,bit_error)")
    return windows


def plot_generalisation(args):
    import csv

    import numpy as np

    from nalm.figures.ntm import draw_generalisation
    from nalm.papers import read_yaml
    from nalm.tasks.ntm_tasks import build_task

    if not args.table or not Path(args.table).is_file():
        raise UserError(f"generalisation: no table {args.table!r}: expected the CSV of nalm ntm-evaluate")
    with open(args.table, newline="") as handle:
        table = list(csv.DictReader(handle))
    sweeps = read_yaml("ntm", "figures.yaml")[args.task]["generalisation"]
    panels, rows = [], []
    if not sweeps:  # priority sort: both targets at the training sizes
        for target in ("paper", "repository"):
            ours = [float(r["bit_error"]) for r in table if r["model"] == "nalm" and r["target"] == target]
            original = [float(r["bit_error"]) for r in table if r["model"] == "original" and r["target"] == target]
            rows += [("nalm" if r["model"] == "nalm" else "original", r["seed"], "target", target, float(r["bit_error"]))
                     for r in table if r["target"] == target]
            panels.append((target, ours, original))
        names = {"paper": "paper's target\n(sorted by priority)", "repository": "repository's target\n(column-wise sort)"}
        x = [names[t] for t, _, _ in panels]
        have_ours = all(p[1] for p in panels)
        plotted = [{
            "title": "20 inputs, 16 outputs (the training sizes)", "xlabel": "target the outputs are scored against",
            "x": x, "categorical": True, "trained": None,
            "ours": tuple(np.array([np.quantile(p[1], q) for p in panels]) for q in (0.5, 0.25, 0.75)) if have_ours else None,
            "seeds": len(panels[0][1]),
            "original": [p[2][0] for p in panels] if all(p[2] for p in panels) else None,
        }]
        draw_generalisation(args.out, args.task, plotted)
        _write_rows(_data_path(args.out), ("model", "seed", "vary", "value", "bit_error"), rows)
        return
    variant = next(r["target"] for r in table)
    trained = build_task(args.task, variant).training_ranges()
    plotted = []
    for panel, sweep in enumerate(sweeps):
        values = list(sweep["values"])
        pick = [r for r in table if int(r["panel"]) == panel]
        ours = {v: [float(r["bit_error"]) for r in pick if r["model"] == "nalm" and int(r["value"]) == v] for v in values}
        original = {v: [float(r["bit_error"]) for r in pick if r["model"] == "original" and int(r["value"]) == v] for v in values}
        rows += [(r["model"], r["seed"], sweep["vary"], int(r["value"]), float(r["bit_error"])) for r in pick]
        seeds = len(ours[values[0]])
        fixed = ", ".join(f"{k} {v}" for k, v in sweep.get("fixed", {}).items())
        together = sweep.get("together", [])
        title = f"{sweep['vary']}" + (f" = {' = '.join(together)}" if together else "") + (f" ({fixed})" if fixed else "")
        in_range = trained.get(sweep["vary"]) if not together else None
        plotted.append({
            "title": title, "xlabel": sweep["vary"] + ("".join(f" = {t}" for t in together)), "x": values,
            "trained": in_range,
            "ours": tuple(np.array([np.quantile(ours[v], q) for v in values]) for q in (0.5, 0.25, 0.75)) if seeds else None,
            "seeds": seeds,
            "original": [original[v][0] for v in values] if all(original[v] for v in values) else None,
        })
    draw_generalisation(args.out, args.task, plotted)
    _write_rows(_data_path(args.out), ("model", "seed", "vary", "value", "bit_error"), rows)


def plot_bitmaps(args):
    import torch

    from nalm.figures.ntm import draw_bitmaps
    from nalm.networks.ntm.checkpoint import load_checkpoints
    from nalm.networks.ntm.original import load_original_model
    from nalm.papers import read_yaml
    from nalm.tasks.ntm_evaluation import evaluation_batch
    from nalm.tasks.ntm_tasks import build_task
    from nalm.tasks.ntm_training import CHECKPOINT_FILE, median_final_run

    setting = read_yaml("ntm", "figures.yaml")[args.task]["bitmaps"]
    models = []
    if args.runs:
        chosen, seed = median_final_run(args.runs, args.task)
        network, headers = load_checkpoints([Path(chosen) / CHECKPOINT_FILE])
        models.append((f"nalm seed {seed}", network, headers[0]["task_variant"]))
    if args.original:
        if not Path(args.original).is_file():
            raise UserError(f"no file {args.original}: expected the repository's weights (tests/fixtures/ntm/)")
        models.append(("repository", load_original_model(args.original, args.task), "repository"))
    if not models:
        raise UserError("bitmaps: give --runs and/or --original")
    variant = models[0][2]
    task = build_task(args.task, variant)
    config = models[0][1].config
    batch, targets = evaluation_batch(task, setting, 1, args.seed, config.heads, config.memory_unit_size)
    scored = (targets[0, 0] >= 0).all(dim=-1)
    target = targets[0, 0][scored].numpy()
    outputs, rows = [], []
    with torch.no_grad():
        for label, network, _ in models:
            network.eval()
            output = network(batch)[0, 0][scored].numpy()
            outputs.append((label, output))
            rows += [(label, step, channel, float(target[step, channel]), float(output[step, channel]))
                     for step in range(target.shape[0]) for channel in range(target.shape[1])]
    label = ", ".join(f"{k} {v}" for k, v in setting.items()) or "20 inputs, 16 outputs"
    draw_bitmaps(args.out, args.task, label, target, outputs)
    _write_rows(_data_path(args.out), ("model", "step", "channel", "target", "output"), rows)


def run(args) -> int:
    import argparse

    from nalm.core.outputs import check_output_directory, check_output_file

    drawers = {"curve": plot_curve, "generalisation": plot_generalisation, "bitmaps": plot_bitmaps}
    # where it writes, checked before any work; a directory `all` made stays only if it was filled
    if args.kind == "all":
        check_output_directory(args.out)
        made = not Path(args.out).exists()
        Path(args.out).mkdir(parents=True, exist_ok=True)
        try:
            for kind, name in FIGURES.items():
                drawers[kind](argparse.Namespace(**{**vars(args), "out": str(Path(args.out) / name.format(task=args.task))}))
        except UserError:
            if made and not any(Path(args.out).iterdir()):
                Path(args.out).rmdir()
            raise
    else:
        check_output_file(args.out, suffixes=(".pdf", ".png"), create_directory=True)
        check_output_file(_data_path(args.out), "--out's companion", create_directory=True)
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        drawers[args.kind](args)
    print(f"nalm ntm-plot {args.kind}: {args.task} -> {args.out}", file=sys.stderr)
    return 0
