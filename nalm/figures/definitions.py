"""Definitions of figures 14–20 of the single-module benchmark (spec §7.1, §7.2).

A figure picks summary cells by (module, operation, input size) and names each selection
with its legend label. Legend order is the original's `as.factor()` sort of the R model
labels: ICU collation (case-insensitive, the default) or the C locale (byte order, which
puts iNALU last), §7.1.
"""

import math
from dataclasses import dataclass

from nalm.core.errors import UserError
from nalm.runs.names import R_MODEL_LABEL

# Legend labels as R's plotmath draws them (§7.1): NAC with a subscript + or a middle dot.
PLOT_LABEL = {"NAC+": r"$\mathrm{NAC}_{+}$", "NAC*": r"$\mathrm{NAC}_{\cdot}$"}
OPERATION_LONG = {"add": "addition", "sub": "subtraction", "mul": "multiplication", "div": "division"}
# §5.2: the operation as the original R code labels it (LaTeX short form).
OPERATION_LATEX = {
    "add": r"$\bm{+}$", "sub": r"$\bm{-}$", "mul": r"$\bm{\times}$", "div": r"$\bm{\mathbin{/}}$",
}
COLLATIONS = ("icu", "c")


@dataclass(frozen=True)
class Series:
    """One legend entry: the cells of `module` for `operation`, shown as `label`."""

    module: str
    operation: str
    label: str  # the original's model label (LaTeX for NAC), used in tables and plot data

    @property
    def plot_label(self):
        """The legend text: plotmath-like NAC subscripts unless the label was overridden."""
        if self.label == R_MODEL_LABEL.get(self.module):
            return PLOT_LABEL.get(self.module, self.label)
        return self.label


@dataclass(frozen=True)
class Figure:
    figure_id: str  # fig14
    name: str  # fig14_add, the workflow's target name
    input_size: int
    series: tuple

    @property
    def operations(self):
        return tuple(dict.fromkeys(series.operation for series in self.series))


def _series(modules, operation):
    return tuple(Series(module, operation, R_MODEL_LABEL[module]) for module in modules)


ADD_SUB = ("NAC+", "NALU", "NAU", "iNALU", "G-NALU")
FIGURES = {
    figure.figure_id: figure
    for figure in (
        Figure("fig14", "fig14_add", 2, _series(ADD_SUB, "add")),
        Figure("fig15", "fig15_sub", 2, _series(ADD_SUB, "sub")),
        Figure("fig16", "fig16_mul", 2, _series(("NAC*", "NALU", "NMU", "NPU", "RealNPU", "iNALU", "G-NALU"), "mul")),
        Figure("fig17", "fig17_div", 2, _series(("NAC*", "NALU", "NPU", "RealNPU", "iNALU", "G-NALU"), "div")),
        Figure("fig18", "fig18_inalu_in10_add", 10, _series(("iNALU",), "add")),
        # plot_results_multiop.r writes no table (§7.1); we write one for every figure.
        Figure(
            "fig19", "fig19_nau_in10_add_sub", 10,
            (Series("NAU", "add", "NAU (add)"), Series("NAU", "sub", "NAU (sub)")),
        ),
        Figure("fig20", "fig20_nau_in100_sub", 100, _series(("NAU",), "sub")),
    )
}


def get_figure(name):
    """A figure by id (`fig14`) or workflow name (`fig14_add`)."""
    for figure in FIGURES.values():
        if name in (figure.figure_id, figure.name):
            return figure
    known = ", ".join(f"{f.figure_id} ({f.name})" for f in FIGURES.values())
    raise UserError(f"unknown figure {name!r}: expected one of {known}")


def legend_order(series, collation="icu"):
    """Series sorted as R's `as.factor()` sorts their labels (§7.1)."""
    if collation not in COLLATIONS:
        raise UserError(f"unknown collation {collation!r}: expected icu or c")
    if collation == "c":
        return sorted(series, key=lambda s: s.label.encode("utf-8"))
    return sorted(series, key=lambda s: (s.label.casefold(), s.label))


def hue_palette(n, chroma=100.0, luminance=65.0, start=15.0):
    """ggplot's default discrete colours (`scales::hue_pal()`, §7.1) as `#RRGGBB`.

    Hues 15° + 360°·k/n, converted from CIE polar LUV (HCL) to sRGB with the D65 white point,
    as R's `hcl()` does.
    """
    white_x, white_y, white_z = 95.047, 100.0, 108.883
    white_u = 4 * white_x / (white_x + 15 * white_y + 3 * white_z)
    white_v = 9 * white_y / (white_x + 15 * white_y + 3 * white_z)

    def gamma(value):
        return 1.055 * value ** (1 / 2.4) - 0.055 if value > 0.00304 else 12.92 * value

    colours = []
    for k in range(n):
        hue = math.radians((start + 360.0 * k / n) % 360.0)
        u_star, v_star = chroma * math.cos(hue), chroma * math.sin(hue)
        y = white_y * (((luminance + 16) / 116) ** 3 if luminance > 7.999592 else luminance / 903.3)
        u = u_star / (13 * luminance) + white_u
        v = v_star / (13 * luminance) + white_v
        x = 9.0 * y * u / (4 * v)
        z = -x / 3 - 5 * y + 3 * y / v
        rgb = (
            (3.240479 * x - 1.537150 * y - 0.498535 * z) / white_y,
            (-0.969256 * x + 1.875992 * y + 0.041556 * z) / white_y,
            (0.055648 * x - 0.204043 * y + 1.057311 * z) / white_y,
        )
        channels = [int(255 * min(1.0, max(0.0, gamma(c))) + 0.5) for c in rgb]
        colours.append("#{:02X}{:02X}{:02X}".format(*channels))
    return colours
