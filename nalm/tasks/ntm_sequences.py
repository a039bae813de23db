"""What the four NTM tasks share: integer draws with the repository's quirk, the two-phase
protocol, padded batches for a block of runs, the loss and the bits-per-sequence error.

Graves, Wayne & Danihelka, *Neural Turing Machines*, arXiv 1410.5401 (2014), §4, as
`kdexd/ntm-pytorch` trains them (`train.py`, `ntm/datasets/*.py`; public copy
`vlgiitr/ntm-pytorch`):

* **protocol**: reset the NTM, feed the input rows (outputs ignored), then feed as many all-zero
  rows as the target has and collect those outputs;
* **loss**: binary cross-entropy averaged over the target's elements (`nn.BCELoss`);
* **bits per sequence**: Σ |1[y ≥ 0.5] − target| over the whole target sequence (not averaged);
* **integer draws**: the repository draws with `torch.randint(low, high)`, which excludes
  `high`, so its realised ranges are one short of its JSON files and README (copy 1–19, not
  1–20). `variant="repository"` reproduces that, `variant="paper"` includes `high`.

A *block* of R runs trains as one program. Each run draws its own sequences (and its random
initial reads r₀, before the sequence, as the repository's `reset()` does) from its own stream
(`nalm.core.random.run_generator(seed, DATA_STREAM)`), so they never depend on the block. The
sequences of one iteration (R runs × B sequences) are padded with zero rows after their last
output to the longest one; a run's outputs never depend on the steps after them (the NTM is
causal), and the padded steps are masked out of its loss and errors. With B > 1 sequences per
run, a run's loss is the mean over its sequences of each sequence's mean BCE (B = 1: the
repository's loss) and one update follows the B sequences.
"""

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from nalm.core.protocol import Metric
from nalm.core.random import DATA_STREAM, run_generator

VARIANTS = ("repository", "paper")
#: the repository's TensorBoard tags (`train.py`: `log_value('bit_error_per_sequence', …)`, `'train_loss'`)
TAG_BIT_ERROR = "bit_error_per_sequence"
TAG_LOSS = "train_loss"
METRICS = (Metric("bit_error", TAG_BIT_ERROR), Metric("bce", TAG_LOSS))
#: marks the target rows of steps that are not scored (input phase, padding)
UNSCORED = -1.0


def check_variant(variant: str) -> str:
    if variant not in VARIANTS:
        raise ValueError(f"bad task variant {variant!r}: expected one of {', '.join(VARIANTS)}")
    return variant


def draw_integer(rng: np.random.Generator, low: int, high: int, variant: str) -> int:
    """`torch.randint(low, high)` of the repository (low … high − 1), or the paper's low … high."""
    return int(rng.integers(low, high if variant == "repository" else high + 1))


def realised_range(low: int, high: int, variant: str) -> tuple:
    """The inclusive range `draw_integer` draws from."""
    return (low, high - 1) if variant == "repository" else (low, high)


def random_bits(rng: np.random.Generator, rows: int, width: int) -> np.ndarray:
    """Bernoulli(0.5) bits `[rows, width]` as float32."""
    return (rng.random((rows, width)) < 0.5).astype(np.float32)


@dataclass(frozen=True)
class NTMRun:
    """One run of a block: its seed and its group (the task: the run's directory)."""

    seed: int
    group: str


def pad_batch(sequences: list, runs: int, batch: int, input_size: int, output_size: int) -> tuple:
    """R·B (inputs, targets) pairs (run-major) as inputs `[R, B, T, I]` and targets `[R, B, T, O]`.

    Sequence k takes steps 0 … T_in − 1 (its input rows) and T_in … T_in + T_out − 1 (zero
    inputs, its targets); targets are `UNSCORED` everywhere else. T is the longest total.
    """
    steps = max(inputs.shape[0] + targets.shape[0] for inputs, targets in sequences)
    x = np.zeros((runs * batch, steps, input_size), dtype=np.float32)
    y = np.full((runs * batch, steps, output_size), UNSCORED, dtype=np.float32)
    for k, (inputs, targets) in enumerate(sequences):
        first = inputs.shape[0]
        x[k, :first] = inputs
        y[k, first : first + targets.shape[0]] = targets
    return (torch.from_numpy(x).view(runs, batch, steps, input_size),
            torch.from_numpy(y).view(runs, batch, steps, output_size))


def sequence_scores(output: torch.Tensor, targets: torch.Tensor) -> tuple:
    """Per sequence `[R, B]`: mean BCE over the scored elements, and bits wrong at threshold 0.5."""
    scored = targets >= 0
    truth = targets.clamp(min=0)
    bce = torch.where(scored, F.binary_cross_entropy(output, truth, reduction="none"), 0.0)
    counts = scored.sum(dim=(2, 3))
    mean_bce = bce.sum(dim=(2, 3)) / counts
    with torch.no_grad():
        wrong = ((output >= 0.5).to(truth.dtype) != truth) & scored
        bits = wrong.sum(dim=(2, 3)).to(output.dtype)
    return mean_bce, bits


@dataclass
class _Window:
    """Sums since the last log step (the repository logs means over 200 iterations)."""

    bits: torch.Tensor | None = None
    bce: torch.Tensor | None = None
    iterations: int = 0


class SequenceBlock:
    """One NTM task bound to the runs of a block (`nalm.core.protocol.BlockTask`).

    `evaluate` returns the mean bits per sequence and mean BCE of the training sequences since
    the previous log step (the repository's logged values: training windows, no validation
    set); NaN at step 0, before any sequence.
    """

    metrics = METRICS
    selection_metric = "bit_error"

    def __init__(self, task, runs: list, batch_size: int = 1, heads: int = 1, memory_unit_size: int = 20,
                 random_initial_reads: bool = True):
        if batch_size < 1:
            raise ValueError(f"bad batch size {batch_size!r}: expected a positive integer")
        self.task, self.runs, self.batch_size = task, list(runs), batch_size
        self.heads, self.memory_unit_size = heads, memory_unit_size
        self.random_initial_reads = random_initial_reads
        self.streams = [run_generator(run.seed, DATA_STREAM) for run in self.runs]
        self.window = _Window()

    def run_details(self, r: int) -> dict:
        return {"task": self.task.name, "task_variant": self.task.variant, "batch_size": self.batch_size}

    def next_batch(self) -> tuple:
        from nalm.networks.ntm import NTMInput, initial_read_bound

        bound = initial_read_bound(self.memory_unit_size)
        sequences, reads = [], []
        for rng in self.streams:
            for _ in range(self.batch_size):
                if self.random_initial_reads:  # drawn before the sequence, as the repository's reset()
                    reads.append(rng.uniform(-bound, bound, (self.heads, self.memory_unit_size)))
                sequences.append(self.task.sample(rng))
        R, B = len(self.runs), self.batch_size
        inputs, targets = pad_batch(sequences, R, B, self.task.input_size, self.task.output_size)
        initial_reads = None
        if self.random_initial_reads:
            initial_reads = torch.from_numpy(np.asarray(reads, dtype=np.float32)).view(R, B, self.heads, self.memory_unit_size)
        return NTMInput(inputs, initial_reads), targets

    def loss(self, output: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        mean_bce, bits = sequence_scores(output, targets)
        loss = mean_bce.mean(dim=1)
        with torch.no_grad():
            window = self.window
            bits, bce = bits.mean(dim=1), loss.detach()
            window.bits = bits if window.bits is None else window.bits + bits
            window.bce = bce if window.bce is None else window.bce + bce
            window.iterations += 1
        return loss

    def evaluate(self, network) -> dict:
        window, R = self.window, len(self.runs)
        if window.iterations == 0:
            nan = torch.full((R,), math.nan)
            return {"bit_error": nan, "bce": nan.clone()}
        values = {"bit_error": window.bits / window.iterations, "bce": window.bce / window.iterations}
        self.window = _Window()
        return values

    def to(self, device) -> None:
        """Nothing fixed to move: every batch is drawn fresh."""
