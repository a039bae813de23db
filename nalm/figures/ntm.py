"""The NTM tasks' figures: learning curves, generalisation sweeps, target-vs-output bitmaps.

After the pictures of `kdexd/ntm-pytorch`'s README (`images/*_loss.png`: TensorBoard curves of
the bits per sequence, smoothing 0.6; `images/copy_1.png` etc.: target and output as black
and white squares), for Graves, Wayne & Danihelka, *Neural Turing Machines*, arXiv 1410.5401:

* learning curve: bits per sequence vs iteration, every run's windowed means; the median over
  seeds (raw, light) with its 0.6-smoothed line (dark) and the interquartile band;
* generalisation: mean bits per sequence vs the swept setting, median over our seeds with the
  interquartile band, and the repository's trained model on the same sequences; the training
  range is shaded;
* bitmaps: one long sequence's target and each model's thresholded output, wrong bits in red.
"""

import math

import numpy as np

#: fixed PDF metadata, so the same inputs give the same bytes
PDF_METADATA = {"Creator": "nalm", "Producer": "nalm", "CreationDate": None, "ModDate": None}
TITLES = {"copy": "Copy", "repeatcopy": "Repeat copy", "associative": "Associative recall", "prioritysort": "Priority sort"}
OURS, ORIGINAL = "#1f77b4", "#ff7f0e"


def tensorboard_smooth(values, weight: float = 0.6) -> np.ndarray:
    """TensorBoard's scalar smoothing of 2018: last ← weight·last + (1 − weight)·value, starting
    at the first value; NaN values are skipped (kept NaN)."""
    out = np.full(len(values), np.nan)
    last = None
    for k, value in enumerate(values):
        if not math.isfinite(value):
            continue
        last = value if last is None else weight * last + (1 - weight) * value
        out[k] = last
    return out


def curve_summary(steps, runs: np.ndarray, weight: float) -> dict:
    """Per step over the runs `[runs, steps]`: quartiles and the smoothed median."""
    with np.errstate(all="ignore"):
        finite = np.isfinite(runs)
        q = {name: np.array([np.quantile(runs[finite[:, k], k], p) if finite[:, k].any() else np.nan
                             for k in range(runs.shape[1])]) for name, p in (("q25", 0.25), ("median", 0.5), ("q75", 0.75))}
    q["smoothed"] = tensorboard_smooth(q["median"], weight)
    q["step"] = np.asarray(steps)
    return q


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 8, "pdf.compression": 6, "svg.hashsalt": "nalm"})
    return plt


def _save(figure, path):
    figure.savefig(path, metadata=PDF_METADATA if str(path).lower().endswith(".pdf") else None)


def draw_curves(path, task: str, curves: list, chance: float | None = None, title_note: str = "") -> None:
    """`curves`: [(label, colour, summary from `curve_summary`, runs)], drawn on one axis."""
    plt = _pyplot()
    figure, ax = plt.subplots(figsize=(6.0, 3.2), layout="constrained")
    for label, colour, summary, runs in curves:
        steps = summary["step"]
        ax.fill_between(steps, summary["q25"], summary["q75"], color=colour, alpha=0.18, linewidth=0)
        ax.plot(steps, summary["median"], color=colour, alpha=0.35, linewidth=0.8)
        ax.plot(steps, summary["smoothed"], color=colour, linewidth=1.6,
                label=f"{label}: median of {runs} runs (smoothed 0.6), interquartile band")
    if chance is not None:
        ax.axhline(chance, color="0.5", linestyle=":", linewidth=1, label=f"chance ({chance:g} bits)")
    ax.set_xlabel("iteration (sequences per run)")
    ax.set_ylabel("bits wrong per sequence")
    ax.set_ylim(bottom=0)
    ax.set_title(f"{TITLES.get(task, task)}: learning curve{title_note}")
    ax.legend(frameon=False, fontsize=7)
    _save(figure, path)
    plt.close(figure)


def draw_generalisation(path, task: str, panels: list) -> None:
    """`panels`: [{title, xlabel, x, trained (lo, hi) or None, ours: (median, q25, q75) or None,
    seeds, original: values or None, categorical: bool}]."""
    plt = _pyplot()
    figure, axes = plt.subplots(1, len(panels), figsize=(3.4 * len(panels) + 0.6, 3.0), layout="constrained", squeeze=False)
    for ax, panel in zip(axes[0], panels):
        x = np.arange(len(panel["x"])) if panel.get("categorical") else np.asarray(panel["x"], dtype=float)
        if panel.get("trained") is not None:
            low, high = panel["trained"]
            ax.axvspan(low - 0.5, high + 0.5, color="0.92", linewidth=0, label="training range")
        if panel.get("ours") is not None:
            median, q25, q75 = panel["ours"]
            ax.fill_between(x, q25, q75, color=OURS, alpha=0.2, linewidth=0)
            ax.plot(x, median, color=OURS, marker="o", markersize=3, linewidth=1.3,
                    label=f"nalm: median of {panel['seeds']} runs, interquartile band")
        if panel.get("original") is not None:
            ax.plot(x, panel["original"], color=ORIGINAL, marker="s", markersize=3, linewidth=1.3,
                    label="repository's trained model")
        if panel.get("categorical"):
            ax.set_xticks(x, panel["x"])
        ax.set_xlabel(panel["xlabel"])
        ax.set_ylabel("mean bits wrong per sequence")
        ax.set_ylim(bottom=0)
        ax.set_title(panel["title"], fontsize=8)
    axes[0][0].legend(frameon=False, fontsize=6.5)
    figure.suptitle(f"{TITLES.get(task, task)}: generalisation", fontsize=9)
    _save(figure, path)
    plt.close(figure)


def draw_bitmaps(path, task: str, setting_label: str, target: np.ndarray, outputs: list) -> None:
    """`target` `[T, O]`; `outputs`: [(label, probabilities `[T, O]`)]. Columns are time steps."""
    plt = _pyplot()
    from matplotlib.colors import ListedColormap

    rows = 1 + len(outputs)
    width = min(16.0, 1.5 + 0.09 * target.shape[0])
    figure, axes = plt.subplots(rows, 1, figsize=(width, 0.35 + rows * (0.12 * target.shape[1] + 0.35)), layout="constrained",
                                squeeze=False)
    # 0: zero bit, 1: one bit, 2: wrong bit
    colours = ListedColormap(["#f0f0f0", "#333333", "#d62728"])
    axes[0][0].imshow(target.T, cmap=colours, vmin=0, vmax=2, aspect="equal", interpolation="nearest")
    axes[0][0].set_ylabel("target", rotation=0, ha="right", va="center")
    for ax, (label, output) in zip(axes[1:, 0], outputs):
        bits = (output >= 0.5).astype(float)
        shown = np.where(bits != target, 2.0, bits)
        wrong = int((bits != target).sum())
        ax.imshow(shown.T, cmap=colours, vmin=0, vmax=2, aspect="equal", interpolation="nearest")
        ax.set_ylabel(f"{label}\n{wrong} wrong", rotation=0, ha="right", va="center")
    for ax in axes[:, 0]:
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0][0].set_title(f"{TITLES.get(task, task)}: target and outputs ({setting_label}; wrong bits red)", fontsize=8)
    _save(figure, path)
    plt.close(figure)
