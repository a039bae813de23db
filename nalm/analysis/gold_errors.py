"""Test errors of the division modules' hand-set gold weights near zero (division by small numbers).

Mistry, Farrahi & Hare, "Exploring the Learning Mechanisms of Neural Division Modules", TMLR 2022
(arXiv 2110.05177), appendix; `bmistry4/nalm-division`,
`export/single_layer_task/generate_divBy0_extrap_thresholds.py` (which wrote
`divBy0_test_errors.csv` and the `zero.range.*` thresholds of `exp_setups.csv`).

Three tasks on inputs from U[0, r), the fixed 10,000-sample test set of seed 8689336:

    easy    [a]    → 1/a    NRU W = [-1]      Real NPU W = [-1], g = [1]        NMRU W = [0, 1]
    medium  [a, b] → 1/a    NRU W = [-1, 0]   Real NPU W = [-1, 1], g = [1, 0]  NMRU W = [0, 0, 1, 0]
    hard    [a, b] → a/b    NRU W = [1, -1]   Real NPU W = [1, -1], g = [1, 1]  NMRU W = [1, 0, 0, 1]

The error is the float32 mean squared error (`torch.nn.MSELoss`) of each module's evaluation-mode
output (this project's modules, `nalm.modules`), and, for the figure only, of the Real NPU's
formula with ε = 0 ("RealNPU (eps=0)"): the ε inside |x| + ε is what breaks the Real NPU near 0.
A success threshold is that error plus float32 ε, added in float32.
"""

import functools
import math
from decimal import Decimal

import numpy as np
import torch

from nalm.tasks.single_module import TEST_SEED, SingleModuleTask, evaluation_inputs

TASKS = {  # name: (op, input size, subset ratio, subsets)
    "easy": ("reciprocal", 1, 1.0, 1),
    "medium": ("reciprocal", 2, 0.5, 2),
    "hard": ("div", 2, 0.5, 2),
}
GOLD = {  # module -> task -> parameters (shapes of nalm's modules, one run)
    "NRU": {"easy": {"W": [[[-1.0]]]}, "medium": {"W": [[[-1.0, 0.0]]]}, "hard": {"W": [[[1.0, -1.0]]]}},
    "RealNPU": {
        "easy": {"W_real": [[[-1.0]]], "g": [[1.0]]},
        "medium": {"W_real": [[[-1.0], [1.0]]], "g": [[1.0, 0.0]]},
        "hard": {"W_real": [[[1.0], [-1.0]]], "g": [[1.0, 1.0]]},
    },
    "NMRU": {"easy": {"W": [[[0.0, 1.0]]]}, "medium": {"W": [[[0.0, 0.0, 1.0, 0.0]]]}, "hard": {"W": [[[1.0, 0.0, 0.0, 1.0]]]}},
}
#: the figure's curves, in its legend order (`divBy0_gold_test_errors.r`)
CURVES = ("RealNPU", "RealNPU (eps=0)", "NRU", "NMRU")
#: the figure's ranges U[0, 10^k), k = -8 … 0; the thresholds use k = -4 … 0
FIGURE_EXPONENTS = tuple(range(-8, 1))
THRESHOLD_EXPONENTS = tuple(range(-4, 1))
FLOAT32_EPS = torch.finfo(torch.float32).eps


def range_text(exponent: int) -> str:
    """`[0,1e-4]`-style range of U[0, 10^k) as the divBy0 batch script writes it (`[0,1]` for k = 0)."""
    return "[0,1]" if exponent == 0 else f"[0,1e{exponent}]"


def figure_label(exponent: int) -> str:
    """`U[0,1e-8)` … `U[0,1e+0)`: the original's `f"U[0,{Decimal(r):.0e})"`."""
    return f"U[0,{Decimal(10.0**exponent):.0e})"


@functools.cache
def test_set(task: str, exponent: int):
    """(inputs [1, N, I] float32, targets [N] float32) of the original's test set for U[0, 10^k)."""
    from nalm.core.ranges import parse_range

    op, size, ratio, subsets = TASKS[task]
    spec = SingleModuleTask(op, size, ratio, 0.0, subsets)
    x = evaluation_inputs(parse_range(range_text(exponent)), size, TEST_SEED)
    targets = spec.targets_float64(x, 0).astype(np.float32)
    return torch.from_numpy(x.astype(np.float32)).unsqueeze(0), torch.from_numpy(targets)


def _module(name: str, task: str):
    from nalm import modules

    module = modules.build(name, TASKS[task][1], 1, 1)
    with torch.no_grad():
        for parameter, value in GOLD[name][task].items():
            getattr(module, parameter).copy_(torch.tensor(value))
    return module.eval()


def _real_npu_without_eps(x, task):
    gold = GOLD["RealNPU"][task]
    W, g = torch.tensor(gold["W_real"][0]), torch.tensor(gold["g"][0])
    r = g * x.abs() + (1 - g)
    k = g * torch.clamp(-torch.sign(x), min=0) * math.pi
    return torch.exp(torch.log(r) @ W) * torch.cos(k @ W)


@torch.no_grad()
def gold_error(curve: str, task: str, exponent: int) -> float:
    """The float32 test MSE of one curve's gold weights on one task and range."""
    x, targets = test_set(task, exponent)
    if curve == "RealNPU (eps=0)":
        prediction = _real_npu_without_eps(x[0], task)[:, 0]
    else:
        prediction = _module(curve, task)(x)[0, :, 0]
    return torch.nn.functional.mse_loss(prediction, targets).item()


def threshold(curve: str, task: str, exponent: int) -> float:
    """The success threshold: the gold error + float32 ε, added in float32."""
    error = torch.tensor(gold_error(curve, task, exponent), dtype=torch.float32)
    return (error + FLOAT32_EPS).item()


def gold_error_table():
    """The figure's data: module, parameter (task), test.mse, range (as `divBy0_test_errors.csv`)."""
    import pandas as pd

    rows = []
    for curve in ("NRU", "RealNPU", "RealNPU (eps=0)", "NMRU"):
        for task in TASKS:
            for exponent in FIGURE_EXPONENTS:
                rows.append({"module": curve, "parameter": task, "test.mse": gold_error(curve, task, exponent),
                             "range": figure_label(exponent)})
    return pd.DataFrame(rows)


def threshold_table():
    """The `zero.range.*` thresholds (set, operation, extrapolation.range, threshold) as `thresholds.tsv`."""
    import pandas as pd

    from nalm.core.ranges import parse_range

    suffix = {"NRU": "", "RealNPU": ".realnpu", "NMRU": ".nmru"}
    rows = []
    for task, (op, *_rest) in TASKS.items():
        for module in ("NRU", "RealNPU", "NMRU"):
            for exponent in THRESHOLD_EXPONENTS:
                rows.append({
                    "set": f"zero.range.{task}{suffix[module]}", "operation": op,
                    "extrapolation.range": parse_range(range_text(exponent)).threshold_label,
                    "threshold": threshold(module, task, exponent),
                })
    return pd.DataFrame(rows)
