"""The NTM repeat copy task (Graves, Wayne & Danihelka, *Neural Turing Machines*, arXiv 1410.5401,
§4.2; `kdexd/ntm-pytorch`, `ntm/datasets/repeatcopy.py`, `ntm/tasks/repeatcopy.json`).

A sequence of L random 8-bit vectors and a repeat count R (JSON: L and R in 1–10; the
repository's `torch.randint` realises 1–9 each). Input `(L + 2) × (W + 2)`: row 0 the start
delimiter (channel W), rows 1 … L the vectors, row L + 1 carries the normalised repeat count
(R − μ)/σ in channel W + 1. Target `(L·R + 1) × (W + 1)`: the vectors R times, then an end
marker (channel W) on its own row.

Normalisation (the paper: mean 0, variance 1). σ = √(((max − min + 1)² − 1)/12) in both
variants; μ = (max − min)/2 in the repository (`normalise`, a slip for (max + min)/2, so μ = 4.5
for 1–10), μ = (max + min)/2 in the paper's variant. μ and σ come from the training bounds and
stay fixed at evaluation (the repository's `evaluate.py` recomputes them from its evaluation
bounds 10–20, which encodes the same R differently from training; not reproduced).
Evaluation (`evaluate.py`): L and R from 10 to 20 (realised 10–19) together.
"""

import math
from dataclasses import dataclass

import numpy as np

from nalm.tasks.ntm_sequences import (
    check_variant,
    draw_integer,
    random_bits,
    realised_range,
)


@dataclass(frozen=True)
class RepeatCopyTask:
    width: int = 8
    min_length: int = 1
    max_length: int = 10
    min_repeats: int = 1
    max_repeats: int = 10
    variant: str = "repository"

    name = "repeatcopy"
    setting_names = ("length", "repeats")

    def __post_init__(self):
        check_variant(self.variant)
        if not 1 <= self.min_length < self.max_length or not 1 <= self.min_repeats < self.max_repeats:
            raise ValueError("bad repeat copy ranges: expected 1 <= min < max for lengths and repeats")

    @property
    def input_size(self) -> int:
        return self.width + 2

    @property
    def output_size(self) -> int:
        return self.width + 1

    def training_ranges(self) -> dict:
        return {"length": realised_range(self.min_length, self.max_length, self.variant),
                "repeats": realised_range(self.min_repeats, self.max_repeats, self.variant)}

    def repeat_encoding(self) -> tuple:
        """(μ, σ) of the repeat-count channel."""
        low, high = self.min_repeats, self.max_repeats
        sigma = math.sqrt(((high - low + 1) ** 2 - 1) / 12)
        mu = (high - low) / 2 if self.variant == "repository" else (high + low) / 2
        return mu, sigma

    def sample(self, rng: np.random.Generator, length: int | None = None, repeats: int | None = None) -> tuple:
        if length is None:
            length = draw_integer(rng, self.min_length, self.max_length, self.variant)
        if repeats is None:
            repeats = draw_integer(rng, self.min_repeats, self.max_repeats, self.variant)
        bits = random_bits(rng, length, self.width)
        mu, sigma = self.repeat_encoding()
        inputs = np.zeros((length + 2, self.width + 2), dtype=np.float32)
        inputs[0, self.width] = 1.0
        inputs[1 : length + 1, : self.width] = bits
        inputs[length + 1, self.width + 1] = (repeats - mu) / sigma
        targets = np.zeros((length * repeats + 1, self.width + 1), dtype=np.float32)
        targets[: length * repeats, : self.width] = np.tile(bits, (repeats, 1))
        targets[length * repeats, self.width] = 1.0
        return inputs, targets
