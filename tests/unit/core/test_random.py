"""`nalm.core.random.uniform_mantissas`: the floats of numpy's `Generator.random`, bit for bit, drawn
from the raw PCG64DXSM words, and the generator left where `random` would leave it."""

import numpy as np
import pytest

from nalm.core.random import UNIFORM_BITS, run_generator, uniform_mantissas


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(72, 2, 128), (3, 5), (7,)])  # even counts, and odd ones (the fallback)
def test_mantissas_scaled_are_generator_random(dtype, shape):
    reference, ours = run_generator(3, 1), run_generator(3, 1)
    for _ in range(3):
        expected = reference.random(shape, dtype=dtype)
        got = np.empty(shape, dtype)
        uniform_mantissas(ours, got)
        assert np.array_equal(got * dtype(2.0 ** -UNIFORM_BITS[np.dtype(dtype)]), expected)
    assert np.array_equal(reference.random(5), ours.random(5))  # both streams at the same place


def test_a_buffered_half_word_is_used_first():
    reference, ours = run_generator(4, 1), run_generator(4, 1)
    reference.random(1, dtype=np.float32)  # leaves the high half of a word buffered
    ours.random(1, dtype=np.float32)
    got = np.empty(10, np.float32)
    uniform_mantissas(ours, got)
    assert np.array_equal(got * np.float32(2.0 ** -24), reference.random(10, dtype=np.float32))
