"""Every arithmetic module as an ordinary torch layer (no runs dimension), for any model.

    from nalm.layers import NAU, NPU
    model = torch.nn.Sequential(NPU(2, 4), NAU(4, 4))     # as NeuralArithmetic.jl's Chain
    y = model(x)                                           # x: [..., 2] -> y: [..., 4]

A layer here *is* the runs-dimension module of `nalm.modules` with one run: the same formula,
initialisation, clamp and regularisers, written once. Inputs of any leading shape `[..., I]`
give outputs `[..., O]`. Initial weights come from torch's global generator
(`torch.manual_seed` makes them reproducible), as for torch's own layers.

What the training engine does for a module and a plain optimiser loop does not, the layer
offers as methods: `project_()` (the clamp some modules apply after every optimiser step,
e.g. the NAU's W ∈ [-1, 1]), `regularizers()` (the module's raw regulariser terms by name,
each a scalar), and `sparsity_error()`.
"""

import sys

import torch
from torch import nn

from nalm import modules


class ArithmeticLayer(nn.Module):
    """A registered arithmetic module (`nalm modules` lists them) with a single run."""

    module_name: str = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # the docstring points at the one formula: the runs-dimension module's
        module_class = modules.module_class(cls.module_name)
        source_doc = sys.modules[module_class.__module__].__doc__ or ""
        summary = (module_class.__doc__ or source_doc.split("\n\n")[0] or cls.module_name).strip()
        cls.__doc__ = (
            f"{summary}\n\nThe layer form of `{module_class.__module__}.{module_class.__name__}` (registry "
            f"name {cls.module_name!r}): formula, paper and initialisation are documented there."
        )

    def __init__(self, in_features: int, out_features: int, **options):
        super().__init__()
        self.module = modules.build(self.module_name, in_features, out_features, runs=1, **options)
        self.in_features, self.out_features = in_features, out_features
        self.reset_parameters()

    @torch.no_grad()
    def reset_parameters(self, generator: torch.Generator | None = None) -> None:
        """Draw the module's initial weights (from `generator`, else from torch's global one)."""
        if generator is None:
            generator = torch.Generator().manual_seed(int(torch.randint(0, 2**62, (1,))))
        self.module.reset_parameters([generator])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-1] != self.in_features:
            raise ValueError(f"{type(self).__name__} takes {self.in_features} inputs, got shape {tuple(x.shape)}")
        leading = x.shape[:-1]
        y = self.module(x.reshape(1, -1, self.in_features))  # [1, N, O]
        return y.reshape(*leading, self.out_features)

    def regularizers(self) -> dict:
        """The module's raw regulariser terms by name (e.g. the NAU's sparsity term `W`), scalars."""
        return {name: term[0] for name, term in self.module.regularizers().items()}

    @torch.no_grad()
    def project_(self) -> None:
        """The module's clamp, to call after every optimiser step (a no-op for most modules)."""
        self.module.project_()

    @torch.no_grad()
    def sparsity_error(self) -> torch.Tensor:
        return self.module.sparsity_error()[0]

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}"


class NAC(ArithmeticLayer):
    module_name = "NAC+"


class NACMul(ArithmeticLayer):
    module_name = "NAC*"


class NALU(ArithmeticLayer):
    module_name = "NALU"


class GNALU(ArithmeticLayer):
    module_name = "G-NALU"


class iNALU(ArithmeticLayer):  # noqa: N801  (the paper's spelling)
    module_name = "iNALU"


class NAU(ArithmeticLayer):
    module_name = "NAU"


class NMU(ArithmeticLayer):
    module_name = "NMU"


class NPU(ArithmeticLayer):
    module_name = "NPU"


class RealNPU(ArithmeticLayer):
    module_name = "RealNPU"


class NRU(ArithmeticLayer):
    module_name = "NRU"


class NMRU(ArithmeticLayer):
    module_name = "NMRU"


class PlainNMRU(ArithmeticLayer):
    module_name = "NMRU-plain"


class GatedNMRU(ArithmeticLayer):
    module_name = "NMRU-gated"


class MCFC(ArithmeticLayer):
    module_name = "MCFC"


class MulMCFC(ArithmeticLayer):
    module_name = "MulMCFC"


class MulMCFCSignINALU(ArithmeticLayer):
    module_name = "MulMCFCSignINALU"


class MulMCFCSignRealNPU(ArithmeticLayer):
    module_name = "MulMCFCSignRealNPU"


class NaiveNPU(ArithmeticLayer):
    module_name = "NaiveNPU"


class RealNaiveNPU(ArithmeticLayer):
    module_name = "RealNaiveNPU"


class FluxNALU(ArithmeticLayer):
    module_name = "NALU-jl"


class FluxINALU(ArithmeticLayer):
    module_name = "iNALU-jl"


class NkarasovdNAC(ArithmeticLayer):
    module_name = "NAC-nkarasovd"


class NkarasovdNALU(ArithmeticLayer):
    module_name = "NALU-nkarasovd"


class XavierNAC(ArithmeticLayer):
    module_name = "NAC-xavier"


class XavierNALU(ArithmeticLayer):
    module_name = "NALU-xavier"
