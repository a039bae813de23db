"""The look of the Primer-style figures: legend labels, legend order, ggplot's colours.

After the original R code of `bmistry4/nalm-benchmark` (`export/_plot_parameter.r`,
`export/single_layer_task/benchmark/plot_results.r`) and ggplot2's defaults.
"""

import math

from nalm.core.errors import UserError

# Legend labels as R's plotmath draws them: NAC with a subscript + or a middle dot.
PLOT_LABEL = {"NAC+": r"$\mathrm{NAC}_{+}$", "NAC*": r"$\mathrm{NAC}_{\cdot}$"}
OPERATION_LONG = {"add": "addition", "sub": "subtraction", "mul": "multiplication", "div": "division"}
# The operation as the original R code labels it (LaTeX short form).
OPERATION_LATEX = {
    "add": r"$\bm{+}$", "sub": r"$\bm{-}$", "mul": r"$\bm{\times}$", "div": r"$\bm{\mathbin{/}}$",
}
COLLATIONS = ("icu", "c")


def legend_order(series, collation="icu"):
    """Series sorted as R's `as.factor()` sorts their labels (the original's model factor,
    `export/single_layer_task/_single_layer_task_expand_name.r` in `bmistry4/nalm-benchmark`)."""
    if collation not in COLLATIONS:
        raise UserError(f"unknown collation {collation!r}: expected icu or c")
    if collation == "c":
        return sorted(series, key=lambda s: s.label.encode("utf-8"))
    return sorted(series, key=lambda s: (s.label.casefold(), s.label))


def hue_palette(n, chroma=100.0, luminance=65.0, start=15.0):
    """ggplot's default discrete colours (`scales::hue_pal()`, the original plots') as `#RRGGBB`.

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
