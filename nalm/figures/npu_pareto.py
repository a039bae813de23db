"""The 100-input task's Pareto figure: testing MSE against the number of active parameters.

After Fig. "pareto" of *Neural Power Units* (Heim, Pevný & Šmídl, NeurIPS 2020, arXiv
2006.01681), drawn by `nmheim/NeuralPowerUnits` `scripts/arithmetic/pareto.jl`: one panel per
task (+, ×, ÷, √), both axes log₁₀, x = parameters with |p| > 1e-2, y = testing MSE, one marker
per kept run (circle NPU, square RealNPU, pentagon NALU, diamond NMU, triangle NaiveNPU). Ours
are filled; the published points (`nalm/papers/npu/arithmetic100_pareto.tsv`) are drawn hollow
in the same colour, so the two can be compared panel by panel. Non-positive or non-finite
values cannot be drawn on log axes and are left out (the plot-data CSV keeps them).
"""

import math

from nalm.figures.npu_weights import PDF_METADATA

#: the colours Plots.jl gave the five series (plots/pareto.tex)
COLOURS = {"NPU": "#009AFA", "RealNPU": "#E36F47", "NALU": "#3EA44E", "NMU": "#C371D2", "NaiveNPU": "#AC8E18"}


def _drawable(x, y):
    return all(math.isfinite(v) and v > 0 for v in (x, y))


def draw(ours: list, published: list, models: list, tasks: list, path, titles: dict, markers: dict,
         ylim: dict | None = None) -> None:
    """`ours`, `published`: rows (op, model, active_parameters, test_mse)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(tasks), figsize=(13.0, 3.4), layout="constrained", squeeze=False)
    for k, task in enumerate(tasks):
        ax = axes[0, k]
        for model in models:
            colour, marker = COLOURS.get(model, "black"), markers.get(model, "o")
            for rows, filled in ((published, False), (ours, True)):
                points = [(x, y) for op, m, x, y in rows if op == task and m == model and _drawable(x, y)]
                if not points:
                    continue
                xs, ys = zip(*points)
                label = f"{model} (ours)" if filled else f"{model} (paper)"
                ax.scatter(xs, ys, marker=marker, s=22, alpha=0.75, label=label,
                           facecolors=colour if filled else "none", edgecolors=colour)
        ax.set_xscale("log")
        ax.set_yscale("log")
        if ylim and task in ylim:
            ax.set_ylim(*ylim[task])
        ax.set_title(titles.get(task, task))
        ax.set_xlabel("Nr. parameters (|p| > 1e-2)")
        if k == 0:
            ax.set_ylabel("Testing MSE")
        ax.grid(True, alpha=0.2)
    handles, labels = axes[0, -1].get_legend_handles_labels()
    for ax in axes[0, :-1]:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    figure.legend(handles, labels, loc="outside right center", fontsize=7)
    figure.savefig(path, metadata=PDF_METADATA if str(path).lower().endswith(".pdf") else None)
    plt.close(figure)
