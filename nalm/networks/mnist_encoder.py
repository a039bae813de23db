"""The shared convolutional digit encoder of the arithmetic MNIST task, R runs at once.

Mistry, Farrahi & Hare, "Exploring the Learning Mechanisms of Neural Division Modules", TMLR 2022
(arXiv 2110.05177), `bmistry4/nalm-division`, `experiments/two_digit_mnist.py`, class
`Img2LabelsIndepImgClf` (after PyTorch's MNIST example). For an image of two digits side by side,
[B, 1, 28, 56]:

    halves   = the left and right 28×28 digits, stacked along the batch:  [2B, 1, 28, 28]
    h        = MaxPool2(ReLU(Conv(32→64, 3×3)(ReLU(Conv(1→32, 3×3)(halves)))))        [2B, 64, 12, 12]
    h        = Dropout(0.25)(h) → flatten (9216) → ReLU(Linear(9216→128)) → Dropout(0.5)
    p        = softmax(Linear(128→9)(h))                       (τ = 1; classes are the digits 1..9)
    z        = Σ_k p_k · k,  k = 1..9                          (soft-argmax, in training and evaluation)
    output   = z reshaped to [B, 2]: (left digit, right digit)

Conv and linear layers start from PyTorch's default initialisation (the original resets them with
`reset_parameters`).

Runs: `DigitEncoder` is the ordinary torch model; `VectorisedDigitEncoder` holds R copies
(`nalm.networks.vectorised.Vectorised`: stacked parameters, run r built from its own init
generator) and evaluates them either

* `execution="loop"`: one run after another, each with the very kernels a run alone uses, so a
  run's numbers are bit-identical alone and inside any block (the CPU default: also the faster
  one here, see `benchmarks/mnist_encoder_throughput.py`), or
* `execution="vmap"`: all runs as one `torch.func.vmap` program (conv2d becomes one grouped
  convolution), for accelerators; a run's rounding may then depend on R.

Dropout draws its masks from each run's own generator (passed to `forward`), not from torch's
global one, so a run's masks do not depend on its block either.
"""

import torch
import torch.nn.functional as F
from torch import nn
from torch.func import functional_call, vmap

from nalm.networks.vectorised import Vectorised

DIGITS = tuple(range(1, 10))
DROPOUT = (0.25, 0.5)
EXECUTIONS = ("loop", "vmap")
#: shape of the two dropout masks for one digit (after pooling; after the hidden layer)
MASK_SHAPES = ((64, 12, 12), (128,))


class DigitEncoder(nn.Module):
    """One run: [B, 1, 28, 56] two-digit images → [B, 2] soft-argmax digit estimates."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, len(DIGITS))

    def forward(self, x, mask1=None, mask2=None):
        """`mask1` [2B, 64, 12, 12] and `mask2` [2B, 128]: scaled dropout masks (None: no dropout)."""
        halves = torch.cat(x.split(x.shape[-1] // 2, -1), 0)  # [2B, 1, 28, 28]: left digits, then right
        h = F.max_pool2d(F.relu(self.conv2(F.relu(self.conv1(halves)))), 2)
        if mask1 is not None:
            h = h * mask1
        h = F.relu(self.fc1(torch.flatten(h, 1)))
        if mask2 is not None:
            h = h * mask2
        p = F.softmax(self.fc2(h), dim=1)
        z = p @ torch.arange(DIGITS[0], DIGITS[-1] + 1, dtype=p.dtype, device=p.device)  # [2B]
        return torch.stack(z.split(z.shape[0] // 2, 0), -1)  # [B, 2]


def dropout_masks(generator: torch.Generator, digits: int, dtype=torch.float32) -> tuple:
    """Scaled Bernoulli masks of both dropout layers for `digits` digit images of one run.

    An element is kept with probability 1 − p and then scaled by 1/(1 − p), as `nn.Dropout`.
    """
    masks = []
    for p, shape in zip(DROPOUT, MASK_SHAPES):
        keep = torch.rand((digits, *shape), generator=generator) >= p
        masks.append(keep.to(dtype) * (1.0 / (1.0 - p)))
    return tuple(masks)


class VectorisedDigitEncoder(Vectorised):
    """R copies of `DigitEncoder`: [R, B, 1, 28, 56] → [R, B, 2]."""

    def __init__(self, runs: int, execution: str = "loop"):
        if execution not in EXECUTIONS:
            raise ValueError(f"execution must be one of {EXECUTIONS}, not {execution!r}")
        super().__init__(DigitEncoder, runs)
        self.execution = execution

    def forward(self, x, dropout_generators=None):
        """`dropout_generators`: one torch generator per run (training); None: no dropout."""
        parameters, buffers = self._state()
        runs = self.runs
        masks = None
        if self.training and dropout_generators is not None:
            digits = 2 * x.shape[1]
            per_run = [dropout_masks(g, digits) for g in dropout_generators]
            masks = tuple(torch.stack([m[k] for m in per_run]).to(x.device) for k in range(2))

        def one_run(p, b, xi, *m):
            return functional_call(self.template, (p, b), (xi, *m))

        if self.execution == "vmap":
            return vmap(one_run)(parameters, buffers, x, *(masks or ()))
        outputs = []
        for r in range(runs):
            p = {name: value[r] for name, value in parameters.items()}
            b = {name: value[r] for name, value in buffers.items()}
            outputs.append(one_run(p, b, x[r], *([m[r] for m in masks] if masks else [])))
        return torch.stack(outputs)
