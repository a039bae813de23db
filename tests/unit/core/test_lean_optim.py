"""The bare-kernel optimisers give torch's foreach Adam and RMSprop updates bit for bit
(`torch/optim/adam.py` `_multi_tensor_adam`, `torch/optim/rmsprop.py` `_multi_tensor_rmsprop`)."""

import pytest
import torch

from nalm.core.hyperparameters import Hyperparameters
from nalm.core.lean_optim import LeanAdam, LeanRMSprop
from nalm.core.optim import build_optimizer

CASES = [
    (LeanAdam, torch.optim.Adam, {}),
    (LeanAdam, torch.optim.Adam, {"betas": (0.8, 0.99), "eps": 1e-6}),
    (LeanAdam, torch.optim.Adam, {"weight_decay": 1e-3}),
    (LeanRMSprop, torch.optim.RMSprop, {}),
    (LeanRMSprop, torch.optim.RMSprop, {"alpha": 0.95, "momentum": 0.9, "eps": 1e-8}),
    (LeanRMSprop, torch.optim.RMSprop, {"alpha": 0.9, "weight_decay": 1e-2}),
]


def _parameters(seed):
    generator = torch.Generator().manual_seed(seed)
    return [torch.randn(25, 1, 3, generator=generator).requires_grad_(),
            torch.randn(25, 4, generator=generator, dtype=torch.float64).requires_grad_()]


@pytest.mark.parametrize("lean_class, torch_class, options", CASES)
def test_updates_are_torchs_bit_for_bit(lean_class, torch_class, options):
    ours, theirs = _parameters(0), _parameters(0)
    lean = lean_class(ours, lr=0.01, **options)
    reference = torch_class(theirs, lr=0.01, foreach=True, **options)
    generator = torch.Generator().manual_seed(1)
    for step in range(40):
        lean.zero_grad(set_to_none=True)
        reference.zero_grad(set_to_none=True)
        for k, (p, q) in enumerate(zip(ours, theirs)):
            if k == 1 and step % 7 == 3:
                continue  # no gradient this step: skipped, its step count not advanced
            grad = torch.randn(p.shape, generator=generator, dtype=p.dtype) * 10 ** (step % 5 - 2)
            p.grad, q.grad = grad.clone(), grad.clone()
        lean.step()
        reference.step()
        for p, q in zip(ours, theirs):
            assert torch.equal(p, q), (step, options)
    for p, q in zip(ours, theirs):
        assert lean.state[p]["step"] == int(reference.state[q]["step"])
        for name, value in reference.state[q].items():
            if name != "step":
                assert torch.equal(lean.state[p][name], value)


def test_build_optimizer_uses_the_lean_classes_only_where_they_cover_the_options():
    p = [torch.zeros(2, 1, 2, requires_grad=True)]
    assert isinstance(build_optimizer(Hyperparameters(preset="t"), p), LeanAdam)
    rmsprop = Hyperparameters(preset="t", optimizer="rmsprop", optimizer_options={"alpha": 0.9, "eps": 1e-8})
    assert isinstance(build_optimizer(rmsprop, p), LeanRMSprop)
    centered = Hyperparameters(preset="t", optimizer="rmsprop", optimizer_options={"centered": True})
    assert isinstance(build_optimizer(centered, p), torch.optim.RMSprop)
    amsgrad = Hyperparameters(preset="t", optimizer_options={"amsgrad": True})
    assert isinstance(build_optimizer(amsgrad, p), torch.optim.Adam)
    assert isinstance(build_optimizer(Hyperparameters(preset="t", optimizer="sgd"), p), torch.optim.SGD)
