"""Figures 14–20 of the Primer (Mistry, Farrahi & Hare, JMLR 2022, arXiv 2101.09530).

Pinned against `bmistry4/nalm-benchmark`: `export/single_layer_task/benchmark/plot_results.r`,
`plot_results_multiop.r` and `export/_plot_parameter.r` (layout, dodge, error bars, ggsave size,
outputs), `csv_merger.r` and the README's figure table (models per figure), and R's defaults
that those scripts rely on (`scales::hue_pal()` colours; `as.factor()` and string sorting in the
ICU/en_* or C collation).
"""

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from nalm.analysis.thresholds import RANGE_PAIRS  # noqa: E402
from nalm.cli import main  # noqa: E402
from nalm.core.ranges import parse_range  # noqa: E402
from nalm.figures.definitions import get_figure, paper_figures  # noqa: E402
from nalm.figures.style import hue_palette, legend_order  # noqa: E402
from nalm.figures.three_panel import (  # noqa: E402
    FACET_TITLES,
    build_plot,
    plot_data,
    read_summaries,
    save_plot,
    select_cells,
)

# R's string order of the x labels, as in the original figures (C and ICU collation agree).
X_ORDER = ["U[-0.2,-0.1)", "U[-1.2,-1.1)", "U[-2,-1)", "U[-2,2)", "U[-20,-10)",
           "U[0.1,0.2)", "U[1,2)", "U[1.1,1.2)", "U[10,20)"]


def test_hue_palette_matches_ggplot():
    """scales::hue_pal() values (ggplot's default discrete colours)."""
    assert hue_palette(1) == ["#F8766D"]
    assert hue_palette(2) == ["#F8766D", "#00BFC4"]
    assert hue_palette(5) == ["#F8766D", "#A3A500", "#00BF7D", "#00B0F6", "#E76BF3"]
    assert hue_palette(6) == ["#F8766D", "#B79F00", "#00BA38", "#00BFC4", "#619CFF", "#F564E3"]
    assert hue_palette(7) == ["#F8766D", "#C49A00", "#53B400", "#00C094", "#00B6EB", "#A58AFF", "#FB61D7"]


def _labels(figure, collation="icu"):
    return [s.label for s in legend_order(get_figure(figure).series, collation)]


def test_legend_orders_of_the_original_figures():
    """as.factor() order under ICU (default) and C collation; the models of each figure."""
    nac_plus, nac_dot = r"$\mathrm{NAC}_{+}$", r"$\mathrm{NAC}_{\bullet}$"
    assert _labels("fig14") == [nac_plus, "G-NALU", "iNALU", "NALU", "NAU"]
    assert _labels("fig15_sub") == _labels("fig14")
    assert _labels("fig16") == [nac_dot, "G-NALU", "iNALU", "NALU", "NMU", "NPU", "Real NPU"]
    assert _labels("fig17") == [nac_dot, "G-NALU", "iNALU", "NALU", "NPU", "Real NPU"]
    assert _labels("fig14", "c") == [nac_plus, "G-NALU", "NALU", "NAU", "iNALU"]
    assert _labels("fig18") == ["iNALU"] and _labels("fig20") == ["NAU"]
    assert _labels("fig19") == ["NAU (add)", "NAU (sub)"]


def test_figure_definitions_of_figures_14_to_20():
    sizes = {f.figure_id: f.input_size for f in paper_figures().values()}
    assert sizes == {"fig14": 2, "fig15": 2, "fig16": 2, "fig17": 2, "fig18": 10, "fig19": 10, "fig20": 100}
    fig19 = get_figure("fig19_nau_in10_add_sub")
    assert [(s.module, s.operation) for s in fig19.series] == [("NAU", "add"), ("NAU", "sub")]
    assert [s.plot_label for s in get_figure("fig16").series][0] == r"$\mathrm{NAC}_{\cdot}$"
    assert get_figure("fig14").series[0].plot_label == r"$\mathrm{NAC}_{+}$"


def synthetic_summary(modules=("NAC+", "NALU", "NAU", "iNALU", "G-NALU"), operation="add", size=2):
    """One cell per module × range; NAU on U[1,2] has no solved seed (NaN means)."""
    rows = []
    for m, module in enumerate(modules):
        for r, (_, interpolation, extrapolation) in enumerate((k, *v) for k, v in RANGE_PAIRS.items()):
            unsolved = module == "NAU" and interpolation == "[1,2]"
            rate = 0.0 if unsolved else 0.1 * ((m + r) % 10)
            rows.append({
                "module": module, "operation": operation, "input.size": size,
                "interpolation.range": parse_range(interpolation).threshold_label,
                "extrapolation.range": parse_range(extrapolation).threshold_label,
                "threshold": 1e-6, "n": 25, "solved": round(rate * 25),
                "success.rate.mean": rate, "success.rate.lower": max(0.0, rate - 0.1),
                "success.rate.upper": min(1.0, rate + 0.1),
                "converged.at.mean": np.nan if unsolved else 1000.0 * (m + r + 1),
                "converged.at.lower": np.nan if unsolved else 500.0 * (m + r + 1),
                "converged.at.upper": np.nan if unsolved else 2000.0 * (m + r + 1),
                "sparse.error.mean": np.nan if unsolved else 0.01 * (m + 1),
                "sparse.error.lower": np.nan if unsolved else 0.005 * (m + 1),
                "sparse.error.upper": np.nan if unsolved else 0.02 * (m + 1),
            })
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def fig14_drawn(tmp_path_factory):
    path = tmp_path_factory.mktemp("plot") / "summary.csv"
    synthetic_summary().to_csv(path, index=False)
    cells, present = select_cells(read_summaries([path]), get_figure("fig14"))
    data = plot_data(cells)
    plot = build_plot(data, present)
    return present, plot.draw(), data


def _points(axes):
    collection = axes.collections[0]  # geom_point draws first
    return collection.get_offsets(), [mcolors.to_hex(c).upper() for c in collection.get_facecolors()]


def test_facets_points_colours_and_missing_cell(fig14_drawn):
    """plot_results.r: three facets in order; 45 cells each; the NAU U[1,2) cell (0 solved) has a
    success-rate point but no solved-at or sparsity point; colours are the 5-hue palette."""
    _, figure, _ = fig14_drawn
    panels = [ax for ax in figure.axes if ax.collections]
    assert len(panels) == 3
    titles = [t.get_text() for t in figure.findobj(matplotlib.text.Text)]
    positions = [titles.index(FACET_TITLES[key]) for key in FACET_TITLES]
    assert positions == sorted(positions)
    counts = [len(_points(ax)[0]) for ax in panels]
    assert counts == [45, 44, 44]
    offsets, colours = _points(panels[1])
    assert set(colours) == set(hue_palette(5))
    nau = hue_palette(5)[4]  # NAU is last in the ICU legend order
    nau_ticks = sorted(round(x) for (x, _), c in zip(offsets, colours) if c == nau)
    assert 7 not in nau_ticks and len(nau_ticks) == 8  # tick 7 is U[1,2)


def test_axis_order_dodge_and_limits(fig14_drawn):
    """plot_results.r: lexicographic x order; model k of n at 0.3·((k − 0.5)/n − 0.5); y from 0."""
    _, figure, _ = fig14_drawn
    panels = [ax for ax in figure.axes if ax.collections]
    assert [t.get_text() for t in panels[0].get_xticklabels()] == X_ORDER
    offsets, colours = _points(panels[0])
    palette = hue_palette(5)
    for (x, _), colour in zip(offsets, colours):
        k = palette.index(colour) + 1
        assert x - round(x) == pytest.approx(0.3 * ((k - 0.5) / 5 - 0.5))
    for ax in panels:
        low, high = ax.get_ylim()
        assert low == pytest.approx(-0.05 * high / 1.05, rel=1e-6)  # limit 0 plus 5% expansion


def test_errorbars_alpha_and_width(fig14_drawn):
    """plot_results.r: error bars alpha 0.5, width 0.9/n after dodging."""
    _, figure, _ = fig14_drawn
    panel = [ax for ax in figure.axes if ax.collections][0]
    bars = panel.collections[1:]
    # matplotlib stores the alpha as an 8-bit channel: 128/255.
    assert bars and all(np.allclose(c.get_colors()[:, 3], 0.5, atol=1 / 255) for c in bars)
    widths = {round(abs(seg[1][0] - seg[0][0]), 6) for c in bars for seg in c.get_segments()
              if abs(seg[1][1] - seg[0][1]) < 1e-12}
    assert widths == {round(0.9 / 5, 6)}


def test_png_render_shows_the_palette(fig14_drawn, tmp_path):
    """Rendered with Agg: each model colour is present among the pixels."""
    present, _, data = fig14_drawn
    path = tmp_path / "fig.png"
    save_plot(build_plot(data, present), path, dpi=100)
    pixels = matplotlib.image.imread(path)[:, :, :3].reshape(-1, 3)
    for colour in hue_palette(5):
        target = np.array(mcolors.to_rgb(colour))
        assert np.min(np.abs(pixels - target).max(axis=1)) < 2 / 255, colour


def test_cli_outputs_are_byte_identical_on_repeat(tmp_path):
    """plot_results.r's outputs: PDF (fixed metadata), plot data CSV and LaTeX table; same bytes twice."""
    summary = tmp_path / "summary.csv"
    synthetic_summary(("NAU",), "sub", 100).to_csv(summary, index=False)
    outputs = []
    for attempt in ("a", "b"):
        pdf = tmp_path / attempt / "fig20.pdf"
        assert main(["plot", str(summary), "--figure", "fig20", "--out", str(pdf)]) == 0
        outputs.append([pdf.read_bytes(), (pdf.parent / "fig20_plot_data.csv").read_bytes(),
                        (pdf.parent / "fig20.tex").read_bytes()])
    assert outputs[0] == outputs[1]
    pdf_bytes, data_bytes, tex_bytes = outputs[0]
    assert b"CreationDate" not in pdf_bytes
    assert b"/MediaBox [ 0 0 554.31" in pdf_bytes  # 19.555 cm wide
    assert data_bytes.startswith(b'"","model","operation","parameter","key","mean.value",'
                                 b'"upper.value","lower.value","max.value","our.model"')
    assert b"\\begin{longtable}" in tex_bytes and b"25 seeds" in tex_bytes


def test_plot_data_has_three_keys_per_cell(fig14_drawn):
    _, _, data = fig14_drawn
    assert len(data) == 45 * 3
    assert list(data["key"][:3]) == ["success.rate", "converged.at", "sparse.error"]
    assert set(data.loc[data["model"] == "NAU", "our.model"]) == {True}


@pytest.mark.parametrize("argv, message", [
    (["--figure", "fig99"], "unknown figure 'fig99'"),
    (["--figure", "fig16"], "no cells for fig16"),
])
def test_plot_bad_input_is_one_line_error(tmp_path, argv, message):
    summary = tmp_path / "summary.csv"
    synthetic_summary(("NAU",)).to_csv(summary, index=False)
    result = subprocess.run(
        [sys.executable, "-m", "nalm.cli", "plot", str(summary), "--out", str(tmp_path / "f.pdf"), *argv],
        capture_output=True, text=True,
    )
    assert result.returncode == 2 and message in result.stderr
    assert result.stderr.count("\n") == 1
