"""The Neural Turing Machine with a runs dimension (Graves, Wayne & Danihelka, *Neural Turing
Machines*, arXiv 1410.5401, 2014), as `kdexd/ntm-pytorch` implements it.

* `ntm.py`: `NTM(config, runs)`, `NTMConfig` (sizes and the repository's/paper's variant),
  `NTMInput` (a batch of sequences with their initial reads);
* `controller.py`: the LSTM controller and output layer;
* `heads.py`: what each head computes from the controller, and its layers' initialisation;
* `addressing.py`: content addressing, interpolation, circular shift, sharpening;
* `memory.py`: initial memory, read, and the two writes (repository: full erase; paper: erase + add);
* `original.py`: the repository's state_dict names in and out, and its parameter counts.
"""

from nalm.networks.ntm.ntm import (
    INITIAL_READS,
    NTM,
    VARIANTS,
    NTMConfig,
    NTMInput,
    initial_read_bound,
)

__all__ = ["INITIAL_READS", "NTM", "VARIANTS", "NTMConfig", "NTMInput", "initial_read_bound"]
