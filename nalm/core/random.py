"""Per-run random streams: a run's data and initial weights depend on its seed alone.

Every run of a block draws from streams keyed by (seed, stream id) (numpy `SeedSequence`
spawn keys, PCG64DXSM bit generators), never from a global generator, so which other runs
share its block cannot change its numbers. Tasks pick stream ids for what they draw; the
initial (and re-initialised) weights come from `init_generator`.
"""

import numpy as np
import torch

#: Stream ids of the single-module task (data, mirrored sides) and of every network's weights.
DATA_STREAM, SIDE_STREAM, INIT_STREAM = 1, 2, 3


def run_generator(seed: int, stream: int) -> np.random.Generator:
    """One of a run's own random streams; depends on the seed alone, never on the block."""
    return np.random.Generator(np.random.PCG64DXSM(np.random.SeedSequence([seed, stream])))


#: bits of the mantissa numpy's `Generator.random` fills: float32 from a 32-bit word >> 8,
#: float64 from a 64-bit word >> 11 (`next_float` / `next_double` of numpy's bit generators)
UNIFORM_BITS = {np.dtype(np.float32): 24, np.dtype(np.float64): 53}


def uniform_mantissas(generator: np.random.Generator, out: np.ndarray) -> None:
    """Fill the float array `out` with k-bit integers m such that m·2⁻ᵏ is, bit for bit, what
    `generator.random(out=out, dtype=out.dtype)` would have written, and advance the generator
    as that call would (k = UNIFORM_BITS[out.dtype]).

    The words come from the bit generator's raw stream (`random_raw`), at about half the cost of
    `random` over a 225-run block's refill: a float32 takes the low then the high half of each 64-bit word, as numpy's
    buffered `next_uint32`. Where that order cannot be reproduced (a half word already buffered,
    or an odd count) it falls back to `random` itself. The caller applies the 2⁻ᵏ scale, which
    is exact, together with its own affine map.
    """
    bits = UNIFORM_BITS[out.dtype]
    count = out.size
    # (`state` builds a dict: read only where a buffered half word can matter)
    if bits == 24 and (count % 2 or generator.bit_generator.state.get("has_uint32", 0)):
        generator.random(out=out, dtype=out.dtype)
        np.multiply(out, float(1 << 24), out=out)
        return
    flat = out.reshape(-1)
    if bits == 24:
        words = generator.bit_generator.random_raw(count // 2).view(np.uint32)  # low word first
        flat[:] = np.right_shift(words, 8)
    else:
        flat[:] = np.right_shift(generator.bit_generator.random_raw(count), 11)


def init_generator(seed: int) -> torch.Generator:
    """The torch generator a run draws its initial (and iNALU re-initialised) weights from."""
    state = np.random.SeedSequence([seed, INIT_STREAM]).generate_state(1, np.uint64)[0]
    return torch.Generator().manual_seed(int(state) & 0x7FFF_FFFF_FFFF_FFFF)
