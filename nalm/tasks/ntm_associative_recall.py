"""The NTM associative recall task (Graves, Wayne & Danihelka, *Neural Turing Machines*, arXiv
1410.5401, §4.3; `kdexd/ntm-pytorch`, `ntm/datasets/associative.py`, `ntm/tasks/associative.json`).

A list of n items, each 3 random 6-bit vectors (JSON: n in 2–6; the repository's
`torch.randint` realises 2–5), then a query: one of the items, q drawn from 0 … n − 2 (never the
last item, whose successor does not exist; `torch.randint(0, n − 1)` in both variants). Input
`((3 + 1)(n + 1) + 1) × (6 + 2)`: item i has a delimiter row 4i (channel 6) and its vectors in
rows 4i + 1 … 4i + 3; row 4n is the query delimiter (channel 7), rows 4n + 1 … 4n + 3 the
query item, row 4n + 4 the query delimiter again. Target `3 × 6`: item q + 1.
Evaluation (`evaluate.py`): n from 6 to 20 (realised 6–19).
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
class AssociativeRecallTask:
    width: int = 6
    item_length: int = 3
    min_items: int = 2
    max_items: int = 6
    variant: str = "repository"

    name = "associative"
    setting_names = ("items",)

    def __post_init__(self):
        check_variant(self.variant)
        if not 2 <= self.min_items < self.max_items:
            raise ValueError(f"bad item counts {self.min_items}..{self.max_items}: expected 2 <= min < max")

    @property
    def input_size(self) -> int:
        return self.width + 2

    @property
    def output_size(self) -> int:
        return self.width

    def training_ranges(self) -> dict:
        return {"items": realised_range(self.min_items, self.max_items, self.variant)}

    def sample(self, rng: np.random.Generator, items: int | None = None) -> tuple:
        if items is None:
            items = draw_integer(rng, self.min_items, self.max_items, self.variant)
        if items < 2:
            raise ValueError(f"associative recall needs at least 2 items, got {items}")
        span = self.item_length + 1
        vectors = random_bits(rng, items * self.item_length, self.width).reshape(items, self.item_length, self.width)
        query = int(rng.integers(0, items - 1))
        inputs = np.zeros((span * (items + 1) + 1, self.width + 2), dtype=np.float32)
        for i in range(items):
            inputs[span * i, self.width] = 1.0
            inputs[span * i + 1 : span * (i + 1), : self.width] = vectors[i]
        inputs[span * items, self.width + 1] = 1.0
        inputs[span * items + 1 : span * (items + 1), : self.width] = vectors[query]
        inputs[span * (items + 1), self.width + 1] = 1.0
        return inputs, vectors[query + 1].copy()
