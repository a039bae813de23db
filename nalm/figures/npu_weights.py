"""The README example's figure: learned NPU and NAU weights above the perfect solution.

After `img/npu_example.png` of `nmheim/NeuralArithmetic.jl` (drawn by `examples/npu.jl`): six
heatmaps on one colour scale from -1 to 1 (Plots' `:bluesreds`, here matplotlib's `RdBu_r`:
blue negative, red positive), first row the learned NPU Re (6×2), NPU Im (6×2) and NAU W
(4×6), second row the same of the perfect solution; weights as [out, in] (Flux's layout), row 1
on top. Heim, Pevný & Šmídl, "Neural Power Units", NeurIPS 2020, arXiv 2006.01681.
"""

import numpy as np

#: fixed PDF metadata, so the same weights give the same bytes
PDF_METADATA = {"Creator": "nalm", "Producer": "nalm", "CreationDate": None, "ModDate": None}
PANELS = ("NPU Re", "NPU Im", "NAU W")


def example_weights(network) -> dict:
    """A runs=1 NPU(2,h) → NAU(h,4) chain's weights as [out, in] arrays (Flux's layout)."""
    npu, nau = network.layers
    return {
        "NPU Re": npu.W_real.detach()[0].T.numpy().astype(np.float64),
        "NPU Im": npu.W_im.detach()[0].T.numpy().astype(np.float64),
        "NPU g": npu.g.detach()[0].numpy().astype(np.float64),
        "NAU W": nau.W.detach()[0].numpy().astype(np.float64),
    }


def perfect_weights(solution: dict, sqrt_input: int = 1) -> dict:
    """The example's perfect solution (`nalm/papers/npu/example.yaml`); its √ row follows `sqrt_input`."""
    re = np.array(solution["Re"], dtype=np.float64)
    if sqrt_input == 0:
        re[2] = [0.5, 0.0]  # √a instead of the code's √b
    return {"NPU Re": re, "NPU Im": np.array(solution["Im"], dtype=np.float64),
            "NPU g": np.array(solution["g"], dtype=np.float64), "NAU W": np.array(solution["W"], dtype=np.float64)}


def plot_data_rows(learned: dict, perfect: dict) -> list:
    """solution, matrix, row, column, value: every plotted number (1-based rows and columns)."""
    rows = []
    for solution, weights in (("learned", learned), ("perfect", perfect)):
        for name in (*PANELS, "NPU g"):
            matrix = np.atleast_2d(weights[name])
            for i, j in np.ndindex(matrix.shape):
                rows.append((solution, name, i + 1, j + 1, float(matrix[i, j])))
    return rows


def draw(learned: dict, perfect: dict, path, scale=(-1.0, 1.0), titles=("Learned Solution", "Perfect Solution")) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(2, 3, figsize=(8.0, 3.7), gridspec_kw={"width_ratios": [2, 2, 6]},
                                layout="constrained")
    image = None
    for row, (weights, title) in enumerate(zip((learned, perfect), titles)):
        for column, name in enumerate(PANELS):
            ax = axes[row, column]
            matrix = weights[name]
            image = ax.imshow(matrix, cmap="RdBu_r", vmin=scale[0], vmax=scale[1], aspect="equal")
            ax.set_xticks(range(matrix.shape[1]), [str(k + 1) for k in range(matrix.shape[1])])
            ax.set_yticks(range(matrix.shape[0]), [str(k + 1) for k in range(matrix.shape[0])])
            ax.set_ylabel(name)
            if column == 1:
                ax.set_title(title)
    figure.colorbar(image, ax=axes[:, 2], shrink=0.8)
    figure.savefig(path, metadata=PDF_METADATA if str(path).lower().endswith(".pdf") else None)
    plt.close(figure)
