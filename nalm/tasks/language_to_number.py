"""Language to number translation: an English number phrase, one token at a time, to its value.

Trask et al., "Neural Arithmetic Logic Units", NeurIPS 2018 (arXiv 1808.00508), §4.3, with the
data and training loop of the PyTorch reproduction `nkarasovd/Neural_Arithmetic_Logic_Units`
(`src/language_models/`):

* Numbers 0 … 999 in English words from `num2words(n, lang="en")`, hyphens split into words
  ("twenty-five" → twenty, five; the English converter says "three hundred and twenty"), each
  word a token id of the reproduction's 33-word vocabulary, and the end-of-sequence id 0 last
  (`numbers_representation.py`). 0 … 999 use 30 of the words ("minus" and "," never occur) and
  1–5 words each.
* Split 169 / 200 / 631 (`databuilder.py`, `split_data`): the training set holds 0 … 19, 20,
  30, …, 100 and 123 (together every word), then the other 970 numbers, shuffled, give 139 more
  training numbers, 200 validation and 631 test numbers. Each run shuffles with its own stream
  (the reproduction: Python's unseeded `random.shuffle`).
* Training (`train.py`, `TrainModel.train(30)`, called 100 times by `main.py`): passes over the
  training set, each in a fresh random order, one number at a time; every 30 numbers one Adam
  step on the mean squared error of those 30 (the counter runs across passes). 30 passes of 169
  numbers are exactly 169 steps; after them, the training MAE of the 30 passes (outputs taken
  before each step), then the validation and test MAE.
* MAE of a split: Σ|ŷ − y| / (n − k), k the outputs that are NaN or above 1e9 (they stay in the
  sum: any NaN makes the MAE NaN). The training MAE divides by (169 − k)·30 over its 30 passes.

Mapping onto the engine: a batch is 30 consecutive numbers of the run's stream of passes (padded
token ids, `nalm.networks.language.PAD`); log steps every 169 iterations are the reproduction's
evaluations, so the metrics at t = 169·k are those after its k-th `train(30)` (t = 0: before any
training, which the reproduction does not print). Two departures, both inert unless outputs are
NaN: the reproduction skips a step whose last output is NaN, the engine does not (a NaN loss makes
the run's parameters NaN: it is then *diverged*, its metrics NaN); and the reproduction's
learning-rate scheduler, created but never stepped, is absent.

`predictions` holds every run's outputs for 0 … 999 at the last evaluation (or, with
`predict_at=k`, at the k-th evaluation only, counting t = 0 as the 0th: that saves their cost at
the others).
"""

from dataclasses import dataclass

import numpy as np
import torch

from nalm.core.errors import UserError
from nalm.core.protocol import Metric
from nalm.networks.language import PAD

#: stream ids of a language run's split and of its passes' orders
SPLIT_STREAM, ORDER_STREAM = 12, 13
#: tokens per sequence: at most 5 words, then the end-of-sequence id
SEQUENCE_LENGTH = 6

METRICS = (Metric("train_mae"), Metric("validation_mae"), Metric("test_mae"))


@dataclass(frozen=True)
class LanguageConstants:
    """The reproduction's data and loop (`nalm/papers/nalu/experiments.yaml`, section `language`)."""

    numbers: tuple
    split: tuple
    always_train: tuple
    vocabulary: tuple
    passes_per_evaluation: int
    samples_per_step: int
    excluded_above: float

    @classmethod
    def from_paper(cls) -> "LanguageConstants":
        from nalm.papers import read_yaml

        language = read_yaml("nalu", "experiments.yaml")["language"]
        split = language["split"]
        return cls(
            numbers=tuple(language["numbers"]),
            split=(split["train"], split["validation"], split["test"]),
            always_train=tuple(language["always_train"]),
            vocabulary=tuple(language["vocabulary"]),
            passes_per_evaluation=language["passes_per_evaluation"],
            samples_per_step=language["samples_per_step"],
            excluded_above=float(language["mae_excluded_above"]),
        )

    @property
    def steps_per_evaluation(self) -> int:
        """Optimiser steps between two evaluations: passes · train size / samples per step."""
        samples = self.passes_per_evaluation * self.split[0]
        if samples % self.samples_per_step:
            raise ValueError("a train(30) call would leave a partial step")
        return samples // self.samples_per_step


def words(number: int) -> list:
    """English words of `number` as the reproduction splits them (`_string2lst`)."""
    from num2words import num2words

    return num2words(int(number), lang="en").replace("-", " ").replace(",", " ,").split(" ")


def encode(number: int, vocabulary) -> list:
    """Token ids of `number`'s words, then the end-of-sequence id 0."""
    index = {word: k for k, word in enumerate(vocabulary)}
    try:
        return [index[word] for word in words(number)] + [0]
    except KeyError as error:
        raise UserError(f"num2words gave {error.args[0]!r} for {number}, a word outside the vocabulary") from None


def token_table(constants: LanguageConstants) -> torch.Tensor:
    """Token ids of every number, `[numbers, SEQUENCE_LENGTH]` int64, padded with `PAD`."""
    low, high = constants.numbers
    table = torch.full((high - low + 1, SEQUENCE_LENGTH), PAD, dtype=torch.int64)
    for row, number in enumerate(range(low, high + 1)):
        ids = encode(number, constants.vocabulary)
        if len(ids) > SEQUENCE_LENGTH:
            raise UserError(f"{number} has {len(ids) - 1} words: at most {SEQUENCE_LENGTH - 1} expected")
        table[row, : len(ids)] = torch.tensor(ids)
    return table


def split(constants: LanguageConstants, seed: int) -> tuple:
    """(train, validation, test) numbers of one run: the fixed training numbers first, then its shuffle."""
    low, high = constants.numbers
    fixed = list(constants.always_train)
    rest = np.setdiff1d(np.arange(low, high + 1), fixed)
    rng = np.random.Generator(np.random.PCG64DXSM(np.random.SeedSequence([seed, SPLIT_STREAM])))
    rest = rest[rng.permutation(len(rest))]
    train, validation, test = constants.split
    if train < len(fixed) or train + validation + test != high - low + 1:
        raise UserError(f"bad split {constants.split}: it must cover {low}..{high} and hold the {len(fixed)} fixed numbers")
    extra = train - len(fixed)
    return (
        fixed + [int(n) for n in rest[:extra]],
        [int(n) for n in rest[extra : extra + validation]],
        [int(n) for n in rest[extra + validation :]],
    )


@dataclass(frozen=True)
class LanguageRun:
    """One run of a block: its model (the run's group) and seed."""

    model: str
    seed: int

    @property
    def group(self) -> str:
        return self.model


class LanguageBlock:
    """The language task bound to the runs of a block (`nalm.core.protocol.BlockTask`)."""

    metrics = METRICS
    selection_metric = "validation_mae"

    def __init__(self, runs: list, constants: LanguageConstants | None = None, predict_at: int | None = None):
        self.runs = list(runs)
        self.predict_at, self.evaluations = predict_at, 0
        self.constants = c = constants or LanguageConstants.from_paper()
        self.table = token_table(c)
        self.values = torch.arange(c.numbers[0], c.numbers[1] + 1, dtype=torch.float32)
        splits = [split(c, run.seed) for run in self.runs]
        offset = c.numbers[0]
        self.splits = [[torch.tensor(part) - offset for part in parts] for parts in splits]
        # per run: train / validation / test rows of the table: [R, n]
        self.rows = [torch.stack([parts[k] for parts in self.splits]) for k in range(3)]
        self.orders = [np.random.Generator(np.random.PCG64DXSM(np.random.SeedSequence([run.seed, ORDER_STREAM])))
                       for run in self.runs]
        self.steps_per_evaluation = c.steps_per_evaluation
        self._schedule, self._position = None, self.steps_per_evaluation
        R = len(self.runs)
        self._l1 = torch.zeros(R, dtype=torch.float64)
        self._excluded = torch.zeros(R, dtype=torch.int64)
        self.predictions = None

    def to(self, device) -> None:
        self.table, self.values = self.table.to(device), self.values.to(device)
        self.rows = [rows.to(device) for rows in self.rows]
        self._l1, self._excluded = self._l1.to(device), self._excluded.to(device)

    def _next_schedule(self) -> None:
        """The sample order of the next `passes_per_evaluation` passes, cut into steps: [R, steps, 30]."""
        c, train = self.constants, self.rows[0].shape[1]
        positions = np.stack([
            np.concatenate([generator.permutation(train) for _ in range(c.passes_per_evaluation)])
            for generator in self.orders
        ])  # fmt: skip
        positions = torch.from_numpy(positions).to(self.rows[0].device)
        self._schedule = self.rows[0].gather(1, positions).view(len(self.runs), -1, c.samples_per_step)
        self._position = 0

    def next_batch(self):
        if self._position == self.steps_per_evaluation:
            self._next_schedule()
        rows = self._schedule[:, self._position]
        self._position += 1
        return self.table[rows], self.values[rows]

    def _excluded_outputs(self, output: torch.Tensor) -> torch.Tensor:
        return (output.isnan() | (output > self.constants.excluded_above)).sum(dim=-1)

    def loss(self, output, targets):
        output = output[..., 0]
        with torch.no_grad():
            self._l1 += (output - targets).abs().double().sum(dim=1)
            self._excluded += self._excluded_outputs(output)
        return (output - targets).square().mean(dim=1)

    def _mae(self, network, rows: torch.Tensor) -> torch.Tensor:
        output = network(self.table[rows])[..., 0]
        total = (output - self.values[rows]).abs().double().sum(dim=1)
        return total / (rows.shape[1] - self._excluded_outputs(output))

    def evaluate(self, network) -> dict:
        c = self.constants
        seen = c.passes_per_evaluation * (c.split[0] - self._excluded)
        train = self._l1 / seen if self._schedule is not None else torch.full_like(self._l1, float("nan"))
        self._l1.zero_()
        self._excluded.zero_()
        if self.predict_at is None or self.evaluations == self.predict_at:
            everything = torch.arange(self.table.shape[0], device=self.table.device).expand(len(self.runs), -1)
            self.predictions = network(self.table[everything])[..., 0].detach().cpu()
        self.evaluations += 1
        return {
            "train_mae": train,
            "validation_mae": self._mae(network, self.rows[1]),
            "test_mae": self._mae(network, self.rows[2]),
        }

    def run_details(self, r: int) -> dict:
        train, validation, test = (part.tolist() for part in self.splits[r])
        offset = self.constants.numbers[0]
        return {"split": {"train": [n + offset for n in train], "validation": [n + offset for n in validation],
                          "test": [n + offset for n in test]}}


def build_network(model_id: str, model: dict, embedding_size: int, hidden_size: int, runs: int,
                  nac_initialisation: str = "measured", constants: LanguageConstants | None = None):
    """A language model of a setting (`nalm/papers/nalu/settings.yaml`) for `runs` runs.

    Models marked `measured_init` (the reproduction's NALU cell) start from initial NAC weights
    measured in the reproduction's own processes unless `nac_initialisation` is `intended`.
    """
    from nalm.networks import language
    from nalm.networks.measured_init import MeasuredPool, WithMeasuredInit
    from nalm.tasks.static_function import NAC_INITIALISATIONS

    if nac_initialisation not in NAC_INITIALISATIONS:
        raise UserError(f"unknown NAC initialisation {nac_initialisation!r}: expected one of {', '.join(NAC_INITIALISATIONS)}")
    vocabulary = len((constants or LanguageConstants.from_paper()).vocabulary)
    network = getattr(language, model["network"])(vocabulary, embedding_size, hidden_size, runs)
    if model.get("measured_init") and nac_initialisation == "measured":
        network = WithMeasuredInit(network, MeasuredPool.load("language", model_id))
    return network
