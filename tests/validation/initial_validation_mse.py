"""Validation MSE at step 0 (after initialisation, before any update) for many seeds of one cell.

This checks initialisation and forward pass in distribution, without training: the fixed
validation set is the original's, so the step-0 MSE of a seed depends only on its initial
weights (and, for I > 2, operand offset). `initial_validation_mse.csv` holds 1000 seeds per
validation cell for the original (by constructing its network as its training script does and
evaluating it once, in a scratch environment) and for nalm (this script).

    python tests/validation/initial_validation_mse.py NPU mul '[-2,2]' '[[-6,-2],[2,6]]' 1000
"""

import sys

import numpy as np
import torch

from nalm.core.presets import resolve
from nalm.core.ranges import parse_range
from nalm.tasks.single_module import RunSpec, SingleModuleTask, make_block


def initial_validation_mse(preset, op, interpolation, extrapolation, seeds):
    runs = [RunSpec(parse_range(interpolation), parse_range(extrapolation), "init", s) for s in seeds]
    block = make_block(resolve(preset, op), SingleModuleTask(op), runs, 0)
    block.network.eval()
    with torch.no_grad():
        return block.task.validation.mse(block.network).numpy()


if __name__ == "__main__":
    preset, op, interpolation, extrapolation, n = sys.argv[1:6]
    values = initial_validation_mse(preset, op, interpolation, extrapolation, range(int(n)))
    np.savetxt(sys.stdout, values, fmt="%.7g")
