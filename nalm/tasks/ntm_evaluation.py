"""Scoring trained NTMs on fixed sequences: generalisation sweeps and single long sequences.

The repository's `evaluate.py` (`kdexd/ntm-pytorch`) scores one random sequence per run;
here every setting (e.g. copy length 60) is scored on S sequences, the same S for every model
(ours and the repository's): they are drawn from a stream keyed by the evaluation seed and the
setting alone, with their initial reads r₀ (drawn before each sequence, as in training).
Result per model and setting: the mean bits per sequence, the mean BCE, and the number of
sequences with no wrong bit.
"""

import numpy as np
import torch

from nalm.tasks.ntm_sequences import pad_batch, sequence_scores

#: stream id of evaluation sequences (training data uses `nalm.core.random.DATA_STREAM`); the
#: stream of a setting is keyed by (seed, this id, the setting's values in name order)
EVALUATION_STREAM = 11


def sweep_settings(sweep: dict) -> list:
    """The settings of one generalisation sweep (`nalm/papers/ntm/figures.yaml`), in order."""
    settings = []
    for value in sweep["values"]:
        setting = dict(sweep.get("fixed", {}))
        setting[sweep["vary"]] = value
        for other in sweep.get("together", []):
            setting[other] = value
        settings.append(setting)
    return settings


def setting_key(setting: dict) -> list:
    """A setting as integers in the task's setting order, for the stream key."""
    return [int(setting[name]) for name in sorted(setting)]


def evaluation_batch(task, setting: dict, sequences: int, seed: int, heads: int, unit_size: int) -> tuple:
    """(NTMInput `[1, S, T, I]`, targets `[1, S, T, O]`) of S sequences at `setting`."""
    from nalm.networks.ntm import NTMInput, initial_read_bound

    rng = np.random.Generator(np.random.PCG64DXSM(np.random.SeedSequence([seed, EVALUATION_STREAM, *setting_key(setting)])))
    bound = initial_read_bound(unit_size)
    reads, drawn = [], []
    for _ in range(sequences):
        reads.append(rng.uniform(-bound, bound, (heads, unit_size)))
        drawn.append(task.sample(rng, **setting))
    inputs, targets = pad_batch(drawn, 1, sequences, task.input_size, task.output_size)
    initial_reads = torch.from_numpy(np.asarray(reads, dtype=np.float32)).view(1, sequences, heads, unit_size)
    return NTMInput(inputs, initial_reads), targets


@torch.no_grad()
def score(network, batch, targets, chunk: int = 100) -> dict:
    """Per run `[R]`: mean bits per sequence, mean BCE, fraction of perfect sequences; chunks of
    `chunk` sequences bound the memory."""
    from nalm.networks.ntm import NTMInput

    network.eval()
    total = batch.inputs.shape[1]
    bits, bce = [], []
    for first in range(0, total, chunk):
        part = slice(first, first + chunk)
        steps = int((targets[:, part] >= 0).any(dim=(0, 1, 3)).nonzero().max()) + 1
        piece = NTMInput(batch.inputs[:, part, :steps], batch.initial_reads[:, part])
        mean_bce, wrong = sequence_scores(network(piece), targets[:, part, :steps].expand(network.runs, -1, -1, -1))
        bits.append(wrong)
        bce.append(mean_bce)
    bits, bce = torch.cat(bits, dim=1), torch.cat(bce, dim=1)
    return {"bit_error": bits.mean(dim=1), "bce": bce.mean(dim=1), "perfect": (bits == 0).double().mean(dim=1),
            "bits": bits}
