"""Any ordinary torch model as R independent copies trained as one program.

`Vectorised(factory, runs)` holds every parameter (and buffer) of `factory()` with a leading
runs dimension and evaluates all copies at once with `torch.func.vmap` over
`torch.func.functional_call` of one template model (the "model ensembling" pattern of
`torch.func.stack_module_state`). The engine then trains it like an arithmetic module: one
loss per run, one optimiser step for all runs.

Initialisation: run r's copy is `factory()` built under torch's global generator seeded from
run r's own generator, so a run's initial weights depend on its seed alone and follow the
model's usual (PyTorch default) initialisation.

Randomness inside `forward` (dropout) is drawn with `vmap(randomness="different")`: independent
per run, but from torch's global generator, so such a model's numbers depend on the block.
"""

import torch
from torch import nn
from torch.func import functional_call, vmap


def _key(name: str) -> str:
    return name.replace(".", "__")


class Vectorised(nn.Module):
    """R independent copies of `factory()`; inputs `[R, ...]` (or `[1, ...]`, shared) → `[R, ...]`."""

    def __init__(self, factory, runs: int):
        super().__init__()
        if runs < 1:
            raise ValueError("runs must be positive")
        self.factory, self.runs = factory, runs
        template = factory()
        # the template is not a submodule: its own tensors are never trained or moved
        self.__dict__["template"] = template.to("meta")
        self.parameter_names = [name for name, _ in template.named_parameters()]
        self.buffer_names = [name for name, _ in template.named_buffers()]
        self.stacked = nn.ParameterDict({
            _key(name): nn.Parameter(torch.zeros(runs, *p.shape, dtype=p.dtype), requires_grad=p.requires_grad)
            for name, p in factory().named_parameters()
        })
        for name, b in factory().named_buffers():
            self.register_buffer(f"buffer__{_key(name)}", torch.zeros(runs, *b.shape, dtype=b.dtype))

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        runs = list(range(self.runs)) if runs is None else [int(run) for run in runs]
        for run, generator in zip(runs, generators):
            seed = int(torch.randint(0, 2**62, (1,), generator=generator))
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(seed)
                fresh = self.factory()
            for name, p in fresh.named_parameters():
                self.stacked[_key(name)][run] = p.detach().to(self.stacked[_key(name)].device)
            for name, b in fresh.named_buffers():
                getattr(self, f"buffer__{_key(name)}")[run] = b.to(getattr(self, f"buffer__{_key(name)}").device)

    def _state(self):
        parameters = {name: self.stacked[_key(name)] for name in self.parameter_names}
        buffers = {name: getattr(self, f"buffer__{_key(name)}") for name in self.buffer_names}
        return parameters, buffers

    def forward(self, x, log=None):
        parameters, buffers = self._state()

        def one_run(p, b, xi):
            return functional_call(self.template, (p, b), (xi,))

        if x.shape[0] != self.runs:
            # a shared [1, ...] input as an explicit [R, ...] view: the same kernels, so the same
            # bits, as per-run inputs
            x = x.expand(self.runs, *x.shape[1:])
        return vmap(one_run, randomness="different")(parameters, buffers, x)

    def regularizers(self) -> dict:
        return {}

    @torch.no_grad()
    def project_(self) -> None:
        """No clamp."""

    def train(self, mode: bool = True):
        super().train(mode)
        self.template.train(mode)
        return self
