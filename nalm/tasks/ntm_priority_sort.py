"""The NTM priority sort task (Graves, Wayne & Danihelka, *Neural Turing Machines*, arXiv 1410.5401,
§4.5; `kdexd/ntm-pytorch`, `ntm/datasets/prioritysort.py`, `ntm/tasks/prioritysort.json`).

20 random 8-bit vectors, each with a priority drawn from U[−1, 1) in channel 8 (input
`20 × 9`, no delimiters). The NTM then gets 16 zero rows.

* `variant="paper"`: the target is the 16 highest-priority vectors in descending order of
  priority (bits only, `16 × 8`), the task the paper describes;
* `variant="repository"`: the repository's target, `torch.sort(input, 0, descending=True)`
  sorts every column of the input on its own, so each bit column of the target is its
  column's ones, then zeros, whatever the priorities. The repository's trained model learned
  this target.

The repository evaluates priority sort at its training sizes only.
"""

from dataclasses import dataclass

import numpy as np

from nalm.tasks.ntm_sequences import check_variant, random_bits


@dataclass(frozen=True)
class PrioritySortTask:
    width: int = 8
    input_length: int = 20
    target_length: int = 16
    variant: str = "paper"

    name = "prioritysort"
    setting_names = ()

    def __post_init__(self):
        check_variant(self.variant)
        if not 1 <= self.target_length <= self.input_length:
            raise ValueError(f"bad priority sort lengths {self.input_length}/{self.target_length}: expected 1 <= target <= input")

    @property
    def input_size(self) -> int:
        return self.width + 1

    @property
    def output_size(self) -> int:
        return self.width

    def training_ranges(self) -> dict:
        return {}

    def target(self, inputs: np.ndarray) -> np.ndarray:
        """The target of this variant for an input `[input_length, width + 1]`."""
        if self.variant == "repository":
            return -np.sort(-inputs, axis=0, kind="stable")[: self.target_length, : self.width]
        order = np.argsort(-inputs[:, self.width], kind="stable")
        return inputs[order[: self.target_length], : self.width].copy()

    def sample(self, rng: np.random.Generator) -> tuple:
        inputs = np.zeros((self.input_length, self.width + 1), dtype=np.float32)
        inputs[:, : self.width] = random_bits(rng, self.input_length, self.width)
        inputs[:, self.width] = rng.uniform(-1.0, 1.0, self.input_length)
        return inputs, self.target(inputs)
