"""The NRU's initial weight on the division-by-small-numbers easy task (input [a], target 1/a).

Mistry, Farrahi & Hare, "Exploring the Learning Mechanisms of Neural Division Modules", TMLR 2022
(arXiv 2110.05177); `bmistry4/nalm-division`, `stable_nalu/layer/reciprocal_nmu.py`
(`reset_parameters`: U(-r, r), r = min(0.5, √3·√(2/(I+O))), so r = 0.5 for I = O = 1) and the
easy block of `lfs_batch_jobs/single_layer_task/neurips_2021/divBy0.sh` (`--input-size 1`).
docs/validation-division.md, item 4b, traces the easy task's early leaving of the solution to the
batches, not to where runs start: this pins that the start is the original's distribution.
"""

import math

from scipy.stats import kstest

from nalm.core.random import init_generator
from nalm.modules import build


def test_single_input_nru_starts_uniform_on_the_originals_half_width():
    # reciprocal_nmu.py at I = O = 1
    assert min(0.5, math.sqrt(3.0) * math.sqrt(2.0 / (1 + 1))) == 0.5
    runs = 4000
    module = build("NRU", input_size=1, runs=runs)
    # each seed's own generator, as the engine draws them
    module.reset_parameters([init_generator(seed) for seed in range(runs)])
    w = module.W.detach().reshape(-1).double()
    assert module.W.shape == (runs, 1, 1)
    assert -0.5 <= w.min() and w.max() <= 0.5
    assert 0.499 < w.abs().max()
    # U(-0.5, 0.5): the Kolmogorov-Smirnov test on 4,000 seeds' starts
    assert kstest(w.numpy(), "uniform", args=(-0.5, 1.0)).pvalue > 1e-3
    # symmetric about 0, as the original's: the share above 0 within 4 standard errors of 1/2
    assert abs((w > 0).double().mean().item() - 0.5) < 4 * math.sqrt(0.25 / runs)
