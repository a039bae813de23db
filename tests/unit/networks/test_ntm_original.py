"""The repository's trained models run by our NTM give the repository's outputs.

tests/fixtures/ntm/ntm_original_<task>.npz hold the trained weights of kdexd/ntm-pytorch's
shipped models (saved_models/saved_model_{copy_500000,repeatcopy_100000,associative_100000,
prioritysort_100000}.pt; public copy vlgiitr/ntm-pytorch, commit 9bea8b1), three sequences per
task, the random initial reads r₀ its reset() drew for each, and the repository's outputs at
every step (exported once with the repository's own code, torch 2.13 CPU, float32; the JSON
beside each file says how). The priority-sort model learned the repository's column-wise
target, so it is an equivalence check of the forward pass only.
"""

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from nalm.networks.ntm import NTMInput
from nalm.networks.ntm.original import (
    load_original_model,
    original_names,
    read_original_file,
)
from nalm.tasks.ntm_tasks import TASKS, model_config

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ntm"
#: float32 outputs of two implementations that sum in different orders
ATOL = 1e-4


def fixture(task):
    return read_original_file(FIXTURES / f"ntm_original_{task}.npz")


def run_sequence(network, arrays, k, trace=None):
    inputs, targets = arrays[f"input/{k}"], arrays[f"target/{k}"]
    steps = np.concatenate([inputs, np.zeros((targets.shape[0], inputs.shape[1]), np.float32)])
    x = NTMInput(torch.from_numpy(steps)[None, None], torch.from_numpy(arrays[f"r0/{k}"])[None, None])
    with torch.no_grad():
        return network(x, trace=trace)[0, 0].numpy()


@pytest.mark.parametrize("task", TASKS)
def test_original_outputs_at_every_step(task):
    network = load_original_model(FIXTURES / f"ntm_original_{task}.npz", task)
    arrays = fixture(task)
    for k in range(3):
        outputs = run_sequence(network, arrays, k)
        np.testing.assert_allclose(outputs, arrays[f"output/{k}"], atol=ATOL, rtol=0)
        target_phase = outputs[-arrays[f"target/{k}"].shape[0] :]
        meta = json.loads((FIXTURES / f"ntm_original_{task}.json").read_text())
        bits = np.abs((target_phase >= 0.5) - arrays[f"target/{k}"]).sum()
        assert bits == meta["sequences"][k]["bit_errors"]


@pytest.mark.parametrize("task", TASKS)
def test_fixture_holds_exactly_the_trained_weights(task):
    arrays = fixture(task)
    weights = sorted(name[len("weight/") :] for name in arrays if name.startswith("weight/"))
    assert weights == sorted(original_names(model_config(task)))


def test_original_head_weightings_at_every_step():
    """Copy, sequence 0: every head's weighting after each step (heads r1, w1) and the final memory."""
    network = load_original_model(FIXTURES / "ntm_original_copy.npz", "copy")
    arrays = fixture("copy")
    trace = {}
    run_sequence(network, arrays, 0, trace)
    weightings = torch.stack(trace["head_weights"])[:, 0, 0].numpy()
    np.testing.assert_allclose(weightings, arrays["head_weights/0"], atol=ATOL, rtol=0)
    np.testing.assert_allclose(trace["memory"][0, 0].numpy(), arrays["memory_final/0"], atol=ATOL, rtol=0)


def test_shipped_copy_model_copies():
    """The README's copy model (500,000 iterations) makes no error on its three sequences."""
    arrays = fixture("copy")
    network = load_original_model(FIXTURES / "ntm_original_copy.npz", "copy")
    for k in range(3):
        assert arrays[f"target/{k}"].shape[0] in (6, 12, 18)
        outputs = run_sequence(network, arrays, k)[-arrays[f"target/{k}"].shape[0] :]
        assert np.array_equal(outputs >= 0.5, arrays[f"target/{k}"] == 1)
