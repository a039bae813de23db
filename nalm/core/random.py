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


def init_generator(seed: int) -> torch.Generator:
    """The torch generator a run draws its initial (and iNALU re-initialised) weights from."""
    state = np.random.SeedSequence([seed, INIT_STREAM]).generate_state(1, np.uint64)[0]
    return torch.Generator().manual_seed(int(state) & 0x7FFF_FFFF_FFFF_FFFF)
