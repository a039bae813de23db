"""The arithmetic MNIST task: divide the left digit of an image by the right one.

Mistry, Farrahi & Hare, "Exploring the Learning Mechanisms of Neural Division Modules", TMLR 2022
(arXiv 2110.05177), `bmistry4/nalm-division`, `experiments/two_digit_mnist.py` with the flags of
`lfs_batch_jobs/two_digit_mnist/parallel_run.sh`; facts in `nalm/papers/division/mnist.yaml`.

* **Pairs and folds.** The 81 ordered digit pairs (a, b), a, b ∈ 1..9, in the script's order
  ("11", "12", …, "99"), split by sklearn's `KFold(n_splits=10, shuffle=True,
  random_state=RandomState(0))`: fold 0 tests 9 pairs and trains on 72, folds 1–9 test 8 and train
  on 73. Test pairs are digit combinations never seen in training.
* **Samples.** For every pair, `samples_per_pair` images (1,000 in the paper): one image of a and
  one of b drawn with replacement (training pairs from MNIST's training split, test pairs from its
  test split), side by side as a 28×56 image, scaled to [0, 1] and normalised with mean 0.1307 and
  std 0.3081. Target y = a / b (computed in float64, stored in float32); digit labels (a, b).
* **Training.** Adam, learning rate 1e-3, batches of 128 in a fresh random order every epoch (the
  last batch of an epoch is smaller), MSE loss on y plus the head's regularisers; no loss on the
  digit labels.
* **Metrics** (on the whole training and test sets, eval mode, at the first batch of every epoch,
  before its updates): output MSE; each digit estimate's MSE; accuracy (in %) of the output and of
  each digit estimate by exact float equality and after rounding to integers; output accuracy
  after rounding prediction and target to 4 and to 5 decimal places ((v·10ⁿ).round()/10ⁿ in
  float32). Event tags as the script's (`metric/train/output_rounded_5dp/acc`, …).

**Iterations and log steps.** The engine (`nalm.core.engine`) counts optimiser steps. Here one
iteration is one batch; an epoch is E = ⌈N_train / 128⌉ iterations; the log interval is E, so the
log step t = k·E is the first batch of epoch k and evaluates the network before that epoch's
updates, as the script does. Epochs 0 … `epochs` inclusive are trained (the script's
`range(max_epochs + 1)`): iterations = (epochs + 1)·E − 1 (the engine runs t = 0 … iterations).
The regulariser ramp counts epochs (`schedule_step(t)` = ⌊t / E⌋), as the script's
`w_scale = clip((epoch − start)/(end − start), 0, 1)` computed once per epoch.

**Blocks.** All runs of a block need the same E, so folds with different training sizes (fold 0
against 1–9) are trained in separate blocks (`size_classes`). Each run draws its image choices,
its epoch orders and its dropout masks from its own streams (`nalm.core.random.run_generator`),
keyed by its seed (the fold index, as the script seeds everything with it). Those draws are this
project's own, so runs agree with the original in distribution, not bit for bit.
"""

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
import torch

from nalm.core.errors import UserError
from nalm.core.protocol import Metric
from nalm.core.random import run_generator

#: this task's stream ids (`nalm.core.random.run_generator`): image choices, epoch orders, dropout
SAMPLES_STREAM, ORDER_STREAM, DROPOUT_STREAM = 21, 22, 23
#: pairs per evaluation chunk; fixed so that a run's sums never depend on its block
EVALUATION_CHUNK = 250
SPLITS = ("train", "test")

#: (metric suffix, event tag suffix) of one split, in the script's logging order
_SPLIT_METRICS = (
    ("output_mse", "output/mse"),
    ("label1_mse", "label1/mse"),
    ("label2_mse", "label2/mse"),
    ("output_acc", "output/acc"),
    ("label1_acc", "label1/acc"),
    ("label2_acc", "label2/acc"),
    ("output_rounded_acc", "output_rounded/acc"),
    ("label1_rounded_acc", "label1_rounded/acc"),
    ("label2_rounded_acc", "label2_rounded/acc"),
    ("output_rounded_4dp_acc", "output_rounded_4dp/acc"),
    ("output_rounded_5dp_acc", "output_rounded_5dp/acc"),
)
METRICS = (Metric("epoch", "epoch"),) + tuple(
    Metric(f"{split}_{name}", f"metric/{split}/{tag}") for split in SPLITS for name, tag in _SPLIT_METRICS
)


@cache
def paper() -> dict:
    """`nalm/papers/division/mnist.yaml`."""
    from nalm.papers import read_yaml

    return read_yaml("division", "mnist.yaml")


def digit_pairs(digits=None) -> list:
    """The ordered pairs (a, b) in the script's order: a outer, b inner."""
    digits = list(paper()["task"]["digits"] if digits is None else digits)
    return [(a, b) for a in digits for b in digits]


def kfold_test_positions(count: int, folds: int, random_state: int) -> list:
    """Test positions of each fold, as sklearn's `KFold(folds, shuffle=True, RandomState(s))`.

    One `RandomState(s).shuffle` of 0..count−1; the first count % folds folds hold one extra
    position; fold k tests the k-th consecutive slice of the shuffled order.
    """
    if not 2 <= folds <= count:
        raise UserError(f"bad number of folds {folds}: expected 2 .. {count}")
    order = np.arange(count)
    np.random.RandomState(random_state).shuffle(order)
    sizes = np.full(folds, count // folds)
    sizes[: count % folds] += 1
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    return [order[bounds[k]: bounds[k + 1]] for k in range(folds)]


def fold_pairs(fold: int, folds: int | None = None, random_state: int | None = None) -> tuple:
    """(training pairs, test pairs) of `fold`, each in pair order (as KFold's boolean masks give them)."""
    task = paper()["task"]
    folds = task["folds"] if folds is None else folds
    random_state = task["fold_random_state"] if random_state is None else random_state
    pairs = digit_pairs()
    if not isinstance(fold, int) or not 0 <= fold < folds:
        raise UserError(f"bad fold {fold!r}: expected an integer 0 .. {folds - 1}")
    test = kfold_test_positions(len(pairs), folds, random_state)[fold]
    tested = set(int(k) for k in test)
    return [pairs[k] for k in range(len(pairs)) if k not in tested], [pairs[k] for k in sorted(tested)]


@dataclass(frozen=True)
class MnistRun:
    """One run of a block: a fold, and the seed of its random streams (the fold, as the script)."""

    fold: int
    seed: int

    @property
    def group(self) -> str:
        return f"fold{self.fold}"


@dataclass(frozen=True)
class PairSamples:
    """One split of one run: image positions of the left and right digits, labels and targets."""

    left: np.ndarray  # positions in the split's images
    right: np.ndarray
    labels: np.ndarray  # [N, 2] float32: (a, b)
    targets: np.ndarray  # [N] float32: a / b computed in float64

    def __len__(self) -> int:
        return len(self.left)


def draw_samples(digits, split: str, pairs: list, samples_per_pair: int, generator) -> PairSamples:
    """`samples_per_pair` (left image, right image) draws per pair, with replacement, in pair order."""
    left, right, labels = [], [], []
    for a, b in pairs:
        of_a, of_b = digits.indices_of(split, a), digits.indices_of(split, b)
        if len(of_a) == 0 or len(of_b) == 0:
            raise UserError(f"the MNIST {split} split has no image of digit {a if len(of_a) == 0 else b}")
        left.append(of_a[generator.integers(0, len(of_a), samples_per_pair)])
        right.append(of_b[generator.integers(0, len(of_b), samples_per_pair)])
        labels.append(np.tile([a, b], (samples_per_pair, 1)))
    labels = np.concatenate(labels).astype(np.float64)
    return PairSamples(
        np.concatenate(left), np.concatenate(right), labels.astype(np.float32),
        (labels[:, 0] / labels[:, 1]).astype(np.float32),
    )


def compose(digits, split: str, samples: list, positions: list) -> torch.Tensor:
    """Normalised two-digit images [R, n, 1, 28, 56] of each run's samples at `positions`."""
    images = digits.images(split)
    mean, std = (paper()["task"]["normalize"][key] for key in ("mean", "std"))
    pixels = np.stack([
        np.concatenate((images[s.left[p]], images[s.right[p]]), axis=-1) for s, p in zip(samples, positions)
    ])
    # ToTensor (÷255 in float32), then Normalize((x − mean) / std), as the script's transforms
    x = torch.from_numpy(pixels).to(torch.float32).div_(255.0)
    return x.sub_(mean).div_(std).unsqueeze(2)


def round_dp(values: torch.Tensor, places: int) -> torch.Tensor:
    """(v·10ⁿ).round()/10ⁿ in the tensor's dtype: the script's `round_n_dp`."""
    return (values * 10**places).round() / (10**places)


class ArithmeticMnistBlock:
    """The task bound to the runs of a block (`nalm.core.protocol.BlockTask`)."""

    metrics = METRICS
    selection_metric = "train_output_mse"

    def __init__(self, digits, runs: list, samples_per_pair: int, batch_size: int = 128):
        if samples_per_pair < 1 or batch_size < 1:
            raise UserError(f"bad samples per pair {samples_per_pair} / batch size {batch_size}: expected >= 1")
        self.digits, self.runs = digits, list(runs)
        self.samples_per_pair, self.batch_size = samples_per_pair, batch_size
        self.pairs = [fold_pairs(run.fold) for run in self.runs]
        self.samples = {split: [] for split in SPLITS}
        for run, (train_pairs, test_pairs) in zip(self.runs, self.pairs):
            generator = run_generator(run.seed, SAMPLES_STREAM)
            self.samples["train"].append(draw_samples(digits, "train", train_pairs, samples_per_pair, generator))
            self.samples["test"].append(draw_samples(digits, "test", test_pairs, samples_per_pair, generator))
        sizes = {split: {len(s) for s in self.samples[split]} for split in SPLITS}
        if len(sizes["train"]) != 1 or len(sizes["test"]) != 1:
            raise UserError(
                f"folds {[run.fold for run in self.runs]} have different numbers of pairs: "
                "train folds of different sizes (fold 0 against 1-9) in separate blocks"
            )
        self.train_size = sizes["train"].pop()
        self.iterations_per_epoch = math.ceil(self.train_size / batch_size)
        self.orders = [run_generator(run.seed, ORDER_STREAM) for run in self.runs]
        self.device = torch.device("cpu")
        self._iteration = 0
        self._order = None

    def iterations(self, epochs: int) -> int:
        """The engine's `iterations` for epochs 0 … `epochs` inclusive."""
        return (epochs + 1) * self.iterations_per_epoch - 1

    def schedule_step(self, t: int) -> int:
        """The epoch of iteration t: what the regulariser ramp counts."""
        return t // self.iterations_per_epoch

    def dropout_generators(self) -> list:
        """Each run's torch generator for its dropout masks."""
        generators = []
        for run in self.runs:
            state = np.random.SeedSequence([run.seed, DROPOUT_STREAM]).generate_state(1, np.uint64)[0]
            generators.append(torch.Generator().manual_seed(int(state) & 0x7FFF_FFFF_FFFF_FFFF))
        return generators

    def to(self, device) -> None:
        self.device = torch.device(device)

    def next_batch(self):
        """The next batch of every run: images [R, b, 1, 28, 56] and targets [R, b]."""
        k = self._iteration % self.iterations_per_epoch
        if k == 0:
            self._order = [generator.permutation(self.train_size) for generator in self.orders]
        self._iteration += 1
        begin, end = k * self.batch_size, min((k + 1) * self.batch_size, self.train_size)
        positions = [order[begin:end] for order in self._order]
        samples = self.samples["train"]
        images = compose(self.digits, "train", samples, positions)
        targets = torch.from_numpy(np.stack([s.targets[p] for s, p in zip(samples, positions)]))
        return images, targets

    def loss(self, output, targets):
        """Per-run MSE of the output over the batch."""
        return (output[..., 0] - targets).square().mean(dim=1)

    @torch.no_grad()
    def _evaluate_split(self, network, split: str) -> dict:
        samples = self.samples[split]
        count = len(samples[0])
        runs = len(self.runs)
        squared = torch.zeros(runs, 3, dtype=torch.float64)
        correct = torch.zeros(runs, 8, dtype=torch.float64)
        for begin in range(0, count, EVALUATION_CHUNK):
            positions = [np.arange(begin, min(begin + EVALUATION_CHUNK, count))] * runs
            images = compose(self.digits, split, samples, positions).to(self.device)
            z = network.digits(images)
            y = network.head_output(z)[..., 0].cpu()
            z = z.cpu()
            target = torch.from_numpy(np.stack([s.targets[p] for s, p in zip(samples, positions)]))
            labels = torch.from_numpy(np.stack([s.labels[p] for s, p in zip(samples, positions)]))
            squared[:, 0] += (y - target).square().sum(dim=1).double()
            squared[:, 1:] += (z - labels).square().sum(dim=1).double()
            hits = [
                y == target, z[..., 0] == labels[..., 0], z[..., 1] == labels[..., 1],
                y.round() == target, z[..., 0].round() == labels[..., 0], z[..., 1].round() == labels[..., 1],
                round_dp(y, 4) == round_dp(target, 4), round_dp(y, 5) == round_dp(target, 5),
            ]  # fmt: skip
            correct += torch.stack([h.sum(dim=1) for h in hits], dim=1).double()
        mse = squared / count
        accuracy = 100.0 * correct / count
        values = [mse[:, 0], mse[:, 1], mse[:, 2], *accuracy.unbind(dim=1)]
        return {f"{split}_{name}": value.to(self.device) for (name, _), value in zip(_SPLIT_METRICS, values)}

    def evaluate(self, network) -> dict:
        epoch = self._iteration // self.iterations_per_epoch
        metrics = {"epoch": torch.full((len(self.runs),), float(epoch), device=self.device)}
        if self._iteration % self.iterations_per_epoch:
            # not an epoch's first batch (the engine also logs its last iteration): nothing the
            # script logs; `epoch_rows` drops the row
            nan = torch.full((len(self.runs),), math.nan, device=self.device)
            return {**metrics, **{metric.name: nan for metric in self.metrics[1:]}}
        for split in SPLITS:
            metrics.update(self._evaluate_split(network, split))
        return metrics

    def run_details(self, r: int) -> dict:
        train_pairs, test_pairs = self.pairs[r]
        return {
            "train_pairs": ["".join(map(str, pair)) for pair in train_pairs],
            "test_pairs": ["".join(map(str, pair)) for pair in test_pairs],
            "train_samples": len(self.samples["train"][r]),
            "test_samples": len(self.samples["test"][r]),
            "iterations_per_epoch": self.iterations_per_epoch,
        }


def epoch_rows(log, iterations_per_epoch: int):
    """`log` with only the rows of epoch starts (the engine also logs a run's last iteration)."""
    keep = [k for k, step in enumerate(log.steps) if step % iterations_per_epoch == 0]
    log.steps = [log.steps[k] for k in keep]
    log.diverged = [log.diverged[k] for k in keep]
    log.metrics = {name: [values[k] for k in keep] for name, values in log.metrics.items()}
    log.scalars = [entry for entry in log.scalars if entry[0] % iterations_per_epoch == 0]
    log.texts = [entry for entry in log.texts if entry[0] % iterations_per_epoch == 0]
    return log


def size_classes(folds: list, samples_per_pair: int) -> list:
    """The folds grouped by training size (each group can be one block), in the order given."""
    groups = {}
    for fold in folds:
        groups.setdefault(len(fold_pairs(fold)[0]) * samples_per_pair, []).append(fold)
    return list(groups.values())


# ---------------------------------------------------------------------------- heads


def head_names() -> list:
    return list(paper()["heads"])


def head_hyperparameters(head: str, overrides: dict | None = None):
    """The hyper-parameters of a head: its division preset with the MNIST script's values over it
    (`mnist.yaml`), or the script's defaults for DIV and MLP; `overrides` last."""
    from nalm.core.hyperparameters import Hyperparameters
    from nalm.core.presets import resolve

    heads = paper()["heads"]
    if head not in heads:
        raise UserError(f"unknown head {head!r}: expected one of {', '.join(heads)}")
    spec, task = heads[head], paper()["task"]
    values = {
        "learning_rate": task["learning_rate"], "batch_size": task["batch_size"], "regularizer": 0.0,
        **spec.get("set", {}), "original": dict(spec["original"]), **(overrides or {}),
    }  # fmt: skip
    if "preset" in spec:
        return resolve(spec["preset"], task["operation"], values)
    if "regularizer_ramp" in values:
        values["regularizer_ramp"] = tuple(values["regularizer_ramp"])
    try:
        return Hyperparameters(preset=f"mnist-{head}", op=task["operation"], **values)
    except TypeError as error:
        raise UserError(f"bad hyper-parameters for head {head!r}: {error}") from None


def build_network(head: str, hyper, runs: int, execution: str = "loop"):
    """The encoder and `head`'s head for `runs` runs (not yet initialised)."""
    from nalm.networks.digit_arithmetic import DigitArithmeticNetwork, build_head

    spec = paper()["heads"][head]
    network = spec.get("network", "module")
    head_module = build_head(network, runs, hyper.module, hyper.module_options)
    return DigitArithmeticNetwork(head_module, runs, execution)


def make_block(head: str, hyper, digits, runs: list, epochs: int, samples_per_pair: int,
               device: str = "cpu", execution: str = "loop"):
    """An engine block training `head` on the runs' folds for epochs 0 … `epochs`."""
    from nalm.core.engine import Block

    task = ArithmeticMnistBlock(digits, runs, samples_per_pair, hyper.batch_size)
    network = build_network(head, hyper, len(task.runs), execution)
    network.set_dropout_generators(task.dropout_generators())
    return Block(hyper, task, network, task.iterations(epochs), task.iterations_per_epoch, device)


def run_config(head: str, hyper, task: ArithmeticMnistBlock, log, epochs: int, execution: str) -> dict:
    """The run.json of one arithmetic MNIST run (docs/run-format.md)."""
    spec = paper()["heads"][head]
    return {
        "task": "arithmetic_mnist",
        "operation": paper()["task"]["operation"],
        "head": head,
        "label": spec["label"],
        "preset": hyper.preset,
        "module": hyper.module,
        "fold": log.run.fold,
        "seed": log.run.seed,
        "epochs": epochs,
        "samples_per_pair": task.samples_per_pair,
        "batch_size": hyper.batch_size,
        "iterations": task.iterations(epochs),
        "log_interval": task.iterations_per_epoch,
        "digits_source": task.digits.source,
        "execution": execution,
        **log.details,
        "hyperparameters": hyper.as_dict(),
        "original_experiment": spec["original"]["experiment"],
    }
