"""What the engine trains against: a task bound to a block of runs, and a network of R runs.

The engine (`nalm.core.engine`) knows no particular task or network. A *block* is R runs
trained as one tensor program; each run has a seed and belongs to a *group* (a range pair, a
fold, a model variant: whatever the task varies within a block), which also names its
directory (`<out>/<group>/seed<k>/`, `nalm.runs.directory`).

`BlockTask` — one task bound to the runs of a block (made by a task file in `nalm/tasks/`):

* `runs`: the run specifications, in block order; each has `.seed` and `.group`.
* `metrics`: the `Metric`s that `evaluate` returns, in the order of `metrics.csv`'s columns.
* `selection_metric`: the metric iNALU's regulariser gate and re-initialisation test watch
  (the original's "last logged validation MSE").
* `next_batch()` → `(inputs, targets)`, each with a leading runs dimension; every run draws
  from its own random stream, so its batches do not depend on the block.
* `loss(output, targets)` → `[R]`: the training criterion of each run.
* `evaluate(network)` → `{metric name: [R] tensor}`: called at log steps, in eval mode, without
  gradients, before the step's training batch.
* `to(device)`: move fixed evaluation data.
* `run_details(r)` → dict: task facts about run r recorded in its `run.json` (optional).
* `schedule_step(t)` → int: the step the regulariser ramp sees at iteration t (optional; the
  iteration itself when absent). An epoch-based task returns the epoch of t.

`Network` — any `torch.nn.Module` whose every trainable parameter has a leading runs
dimension R, with the arithmetic modules' small protocol (`nalm.modules.base`):
`reset_parameters(generators, runs=None)`, `forward(x, log=None)`, `regularizers()`,
`project_()`. `nalm.networks` builds composite ones (stacks of modules, vectorised ordinary
torch models).
"""

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import torch


@dataclass(frozen=True)
class Metric:
    """One logged quantity: its `metrics.csv` column and its event tag (None: not in events)."""

    name: str
    tag: str | None = None


@runtime_checkable
class BlockTask(Protocol):
    runs: list
    metrics: tuple
    selection_metric: str

    def next_batch(self) -> tuple: ...

    def loss(self, output: torch.Tensor, targets: torch.Tensor) -> torch.Tensor: ...

    def evaluate(self, network) -> dict: ...

    def to(self, device) -> None: ...


@runtime_checkable
class Network(Protocol):
    runs: int

    def reset_parameters(self, generators, runs=None) -> None: ...

    def forward(self, x, log=None): ...

    def regularizers(self) -> dict: ...

    def project_(self) -> None: ...
