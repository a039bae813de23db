"""`nalm npu-report`: the NPU paper's tables and figures from trained runs (`nalm npu-train`).

*Neural Power Units* (Heim, Pevný & Šmídl, NeurIPS 2020, arXiv 2006.01681):

* `example RUN`: the README example's weights figure (`img/npu_example.png` of
  `nmheim/NeuralArithmetic.jl`).
* `layers RUNS...`: Table A2 beside ours (CSV, LaTeX) and the 4 × 6 error grid of each model's
  best run (`img/layers.png`; `nmheim/NeuralPowerUnits`, `scripts/simple/`).
* `arithmetic100 RUNS...`: the testing/training MSE tables beside the published ones (CSV,
  LaTeX of the testing MSE) and the Pareto figure (`scripts/arithmetic/`).

Statistics and selection rules: `nalm.analysis.npu_results`; figures: `nalm/figures/npu_*.py`.
"""

import sys

from nalm.core.errors import UserError


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "npu-report",
        help="tables and figures of the Neural Power Units experiments from trained runs",
        description="Read run directories of `nalm npu-train` and write the experiment's tables and "
        "figure. Example: nalm npu-report layers results/runs/npu/layers/*/seed* --table t.csv "
        "--latex t.tex --figure f.pdf --plot-data f.csv",
    )
    parser.add_argument("experiment", choices=["example", "layers", "arithmetic100"])
    parser.add_argument("runs", nargs="+", help="run directories (<out>/<model>/seed<k>)")
    parser.add_argument("--table", help="CSV table (layers, arithmetic100)")
    parser.add_argument("--latex", help="LaTeX table (layers; arithmetic100: the testing MSE)")
    parser.add_argument("--figure", help="figure (PDF or PNG)")
    parser.add_argument("--plot-data", help="CSV of every plotted number")
    parser.add_argument("--keep-best", type=int, default=None,
                        help="arithmetic100: runs kept per model and task, by testing MSE (default: the paper's 10)")
    parser.set_defaults(func=run)
    return parser


def _load_network(run: dict):
    """The run's network with its final parameters (runs = 1)."""
    import numpy as np
    import torch

    from nalm.commands.npu_train import PARAMETERS_FILE
    from nalm.tasks.npu_experiments import setup

    the_setup = setup(run["experiment"], run["model"], run["task"], run["settings"], run["updates"])
    network = the_setup.network(1)
    with np.load(f"{run['directory']}/{PARAMETERS_FILE}") as stored:
        state = {name: torch.from_numpy(stored[name]).unsqueeze(0) for name in stored.files}
    network.load_state_dict(state)
    network.eval()
    return the_setup, network


def _write_plot_data(path, header, rows):
    from nalm.analysis.npu_results import number
    from nalm.core.atomic import write_text_atomic

    lines = [",".join(header)] + [",".join(v if isinstance(v, str) else number(v) for v in row) for row in rows]
    write_text_atomic(path, "\n".join(lines) + "\n")


def _single_experiment(runs, experiment):
    found = sorted({run["experiment"] for run in runs})
    if found != [experiment]:
        raise UserError(f"the runs are from {', '.join(found)}, not {experiment}")


def _example(args, runs):
    from nalm.figures import npu_weights
    from nalm.papers import read_yaml

    if len(runs) != 1:
        raise UserError(f"the example figure shows one run, got {len(runs)}")
    the_setup, network = _load_network(runs[0])
    data = read_yaml("npu", "example.yaml")
    learned = npu_weights.example_weights(network)
    perfect = npu_weights.perfect_weights(data["perfect_solution"], the_setup.settings["sqrt_input"])
    if args.figure:
        npu_weights.draw(learned, perfect, args.figure, tuple(data["figure"]["scale"]), tuple(data["figure"]["rows"]))
    if args.plot_data:
        _write_plot_data(args.plot_data, ("solution", "matrix", "row", "column", "value"),
                         npu_weights.plot_data_rows(learned, perfect))


def _layers(args, runs):
    import torch

    from nalm.analysis import npu_results
    from nalm.figures import npu_error_grid
    from nalm.papers import read_yaml
    from nalm.tasks.npu_arithmetic import absolute_errors, julia_range

    rows = npu_results.layers_table(runs)
    if args.table:
        npu_results.write_csv(args.table, rows)
    if args.latex:
        from nalm.core.atomic import write_text_atomic

        write_text_atomic(args.latex, npu_results.layers_latex(rows))
    if not (args.figure or args.plot_data):
        return
    figure = read_yaml("npu", "layers.yaml")["figure"]
    models = [m for m in figure["columns"] if any(run["model"] == m for run in runs)]
    grid, sqrt_grid = julia_range(*figure["grid"]), julia_range(*figure["sqrt_grid"])
    panels, data = {}, []
    for model in models:
        best = npu_results.best_run([run for run in runs if run["model"] == model], "val")
        the_setup, network = _load_network(best)
        for output in figure["rows"]:
            xs = ys = sqrt_grid if output == "sqrt" else grid
            with torch.no_grad():
                errors = absolute_errors(network, the_setup.task, output, xs, ys)[0]
            values = npu_error_grid.clipped_log_error(errors, tuple(figure["clip"]))
            panels[(output, model)] = (xs, ys, values)
            for j, y in enumerate(ys):
                for i, x in enumerate(xs):
                    data.append((output, model, best["seed"], float(x), float(y), float(errors[j, i]), float(values[j, i])))
    if args.figure:
        npu_error_grid.draw(panels, models, list(figure["rows"]), args.figure, tuple(figure["clip"]),
                            figure["levels"], figure["colormap"])
    if args.plot_data:
        _write_plot_data(args.plot_data, ("op", "model", "seed", "x", "y", "abs_error", "log10_error_clipped"), data)


def _arithmetic100(args, runs):
    from nalm.analysis import npu_results
    from nalm.figures import npu_pareto
    from nalm.papers import read_table, read_yaml

    paper = read_yaml("npu", "arithmetic100.yaml")
    keep = paper["reporting"]["keep_best"] if args.keep_best is None else args.keep_best
    if keep < 1:
        raise UserError(f"bad --keep-best {keep}: expected a positive number")
    threshold = paper["reporting"]["active_threshold"]
    models = [m for m in [*paper["reported_models"], *paper["models"]] if any(run["model"] == m for run in runs)]
    models = list(dict.fromkeys(models))
    rows = npu_results.arithmetic100_table(runs, keep, models, threshold)
    if args.table:
        npu_results.write_csv(args.table, rows)
    if args.latex:
        from nalm.core.atomic import write_text_atomic

        write_text_atomic(args.latex, npu_results.arithmetic100_latex(rows, "test"))
    tasks = [t for t in paper["tasks"] if any(run["task"] == t for run in runs)]
    ours = []
    for task in tasks:
        for model in models:
            for run in npu_results.kept_runs([r for r in runs if r["task"] == task and r["model"] == model], keep):
                ours.append((task, model, run["seed"], float(run["active_parameters"][threshold]), run["metrics"]["test_mse"]))
    published = [(row["op"], row["model"], float(row["active_parameters"]), float(row["test_mse"]))
                 for row in read_table("npu", "arithmetic100_pareto.tsv")]
    if args.figure:
        npu_pareto.draw([(t, m, x, y) for t, m, _, x, y in ours], [p for p in published if p[0] in tasks],
                        models, tasks, args.figure, paper["task_titles"], paper["markers"], paper["reporting"]["ylim"])
    if args.plot_data:
        data = [("ours", t, m, str(s), x, y) for t, m, s, x, y in ours]
        data += [("paper", t, m, "", x, y) for t, m, x, y in published if t in tasks]
        _write_plot_data(args.plot_data, ("source", "op", "model", "seed", "active_parameters", "test_mse"), data)


def run(args) -> int:
    from nalm.analysis.npu_results import read_runs

    if not (args.table or args.latex or args.figure or args.plot_data):
        raise UserError("nothing to write: give --table, --latex, --figure or --plot-data")
    if args.experiment == "example" and (args.table or args.latex):
        raise UserError("the example has a figure only: give --figure or --plot-data")
    runs = read_runs(args.runs)
    _single_experiment(runs, args.experiment)
    {"example": _example, "layers": _layers, "arithmetic100": _arithmetic100}[args.experiment](args, runs)
    print(f"nalm npu-report: {args.experiment}: {len(runs)} runs", file=sys.stderr)
    return 0
