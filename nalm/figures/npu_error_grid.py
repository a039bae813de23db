"""The layer comparison's figure: log₁₀ absolute error of each model's best run over a grid.

After Fig. "simple_err" of *Neural Power Units* (Heim, Pevný & Šmídl, NeurIPS 2020, arXiv
2006.01681), the README picture `img/layers.png` of `nmheim/NeuralArithmetic.jl`, drawn by
`nmheim/NeuralPowerUnits` `scripts/simple/plots.jl`: a 4 × 6 grid of filled contour plots, rows
+, ×, ÷, √, one column per model, colour log₁₀|t - t̂| with NaN → 0 and ±Inf → ±maxintfloat,
clipped to [-4, 2], 10 levels, the reversed inferno map (bright = low error); x, y ∈ -4.1:0.2:4
for +, ×, ÷ and 0.1:0.1:5 for √.
"""

import numpy as np

from nalm.figures.npu_weights import PDF_METADATA

ROW_LABELS = {"add": "Addition", "mult": "Multiplication", "div": "Division", "sqrt": "Square-root"}
#: Julia's maxintfloat(Float32): where plots.jl sends ±Inf before clipping
MAX_INT_FLOAT32 = 16777216.0


def clipped_log_error(errors: np.ndarray, clip=(-4.0, 2.0)) -> np.ndarray:
    """log₁₀ of absolute errors as plots.jl's `rminvalid`: NaN → 0, ±Inf → ±maxintfloat, then clipped."""
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.log10(errors)
    value = np.where(np.isnan(value), 0.0, value)
    value = np.where(np.isposinf(value), MAX_INT_FLOAT32, value)
    value = np.where(np.isneginf(value), -MAX_INT_FLOAT32, value)
    return np.clip(value, *clip)


def draw(panels: dict, models: list, outputs: list, path, clip=(-4.0, 2.0), levels: int = 10,
         colormap: str = "inferno_r", titles: dict | None = None) -> None:
    """`panels[(output, model)] = (xs, ys, values [len(ys), len(xs)])` of clipped log errors."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    boundaries = np.linspace(clip[0], clip[1], levels)
    figure, axes = plt.subplots(len(outputs), len(models), figsize=(12.0, 7.7), sharex="row", sharey="row",
                                layout="constrained", squeeze=False)
    contour = None
    for i, output in enumerate(outputs):
        for j, model in enumerate(models):
            ax = axes[i, j]
            xs, ys, values = panels[(output, model)]
            contour = ax.contourf(xs, ys, values, levels=boundaries, cmap=colormap, vmin=clip[0], vmax=clip[1],
                                  extend="neither")
            if i == 0:
                ax.set_title((titles or {}).get(model, model))
            if j == 0:
                ax.set_ylabel(f"{ROW_LABELS.get(output, output)}\ny")
            if i == len(outputs) - 1:
                ax.set_xlabel("x")
        colorbar = figure.colorbar(contour, ax=axes[i, :], shrink=0.9, ticks=np.arange(clip[0], clip[1] + 1))
        colorbar.set_label(rf"$\log_{{10}}|t_{i + 1}-\hat t_{i + 1}|$")
    figure.savefig(path, metadata=PDF_METADATA if str(path).lower().endswith(".pdf") else None)
    plt.close(figure)
