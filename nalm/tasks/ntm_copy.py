"""The NTM copy task (Graves, Wayne & Danihelka, *Neural Turing Machines*, arXiv 1410.5401, §4.1;
`kdexd/ntm-pytorch`, `ntm/datasets/copy.py`, `ntm/tasks/copy.json`).

A sequence of L random 8-bit vectors, L drawn from [min_length, max_length] (JSON 1–20; the
repository's `torch.randint` realises 1–19). Input `(L + 2) × (W + 2)`: row 0 is the start
delimiter (channel W), rows 1 … L the vectors (channels 0 … W − 1), row L + 1 the end
delimiter (channel W + 1). Target `L × W`: the vectors. The NTM then gets L zero rows and must
output the vectors in order. Evaluation (`evaluate.py`): L from 20 to 120 (realised 20–119).
"""

from dataclasses import dataclass

import numpy as np

from nalm.tasks.ntm_sequences import (
    check_variant,
    draw_integer,
    random_bits,
    realised_range,
)


@dataclass(frozen=True)
class CopyTask:
    width: int = 8
    min_length: int = 1
    max_length: int = 20
    variant: str = "repository"

    name = "copy"
    #: what an evaluation setting may fix
    setting_names = ("length",)

    def __post_init__(self):
        check_variant(self.variant)
        if not 1 <= self.min_length < self.max_length:
            raise ValueError(f"bad copy lengths {self.min_length}..{self.max_length}: expected 1 <= min < max")

    @property
    def input_size(self) -> int:
        return self.width + 2

    @property
    def output_size(self) -> int:
        return self.width

    def training_ranges(self) -> dict:
        """The inclusive ranges training sequences are drawn from."""
        return {"length": realised_range(self.min_length, self.max_length, self.variant)}

    def sample(self, rng: np.random.Generator, length: int | None = None) -> tuple:
        """(inputs, targets) of one sequence; `length` fixes L (evaluation)."""
        if length is None:
            length = draw_integer(rng, self.min_length, self.max_length, self.variant)
        bits = random_bits(rng, length, self.width)
        inputs = np.zeros((length + 2, self.width + 2), dtype=np.float32)
        inputs[0, self.width] = 1.0
        inputs[1 : length + 1, : self.width] = bits
        inputs[length + 1, self.width + 1] = 1.0
        return inputs, bits
