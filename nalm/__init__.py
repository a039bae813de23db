"""nalm: neural arithmetic logic modules, trained many runs at a time.

The library behind the reproducibility pipeline of the neural arithmetic literature
(first target: the single-module benchmark, figures 14-20 of Mistry, Farrahi and Hare,
"A Primer for Neural Arithmetic Logic Modules", JMLR 2022).

On x86-64, torch's CPU kernels are pinned to their AVX2 versions (`ATEN_CPU_CAPABILITY=avx2`,
read by torch at its first tensor operation) unless the environment already names a capability:
the AVX-512 kernels a newer CPU would otherwise pick sum and round in another order, so the same
config and seed would give other bits there (measured: the division paper's NRU runs differ from
their committed record in the 7th significant digit on an AVX-512 machine, agree with it under
AVX2). `nalm.cpu_capability()` says which kernels are in use.
"""

import os
import platform

__version__ = "0.1.0"

#: the kernel set every number of this project was recorded with (x86-64)
CPU_CAPABILITY = "avx2"

if platform.machine().lower() in ("x86_64", "amd64"):
    os.environ.setdefault("ATEN_CPU_CAPABILITY", CPU_CAPABILITY)


def cpu_capability() -> str:
    """The CPU kernel set torch dispatches to in this process (e.g. `AVX2`)."""
    import torch

    return torch.backends.cpu.get_cpu_capability()
