"""Initial NAC weights as the reproduction's processes actually get them, drawn from a measured pool.

The PyTorch reproduction `nkarasovd/Neural_Arithmetic_Logic_Units` of Trask et al., "Neural
Arithmetic Logic Units" (NeurIPS 2018, arXiv 1808.00508) makes every NAC weight once, at
construction, as tanh(Ŵ)·σ(M̂) of tensors that are not yet initialised (`src/models/nac.py`,
`NACCell.__init__`): its initial weights are whatever the allocator's memory held. That memory
is not random in any modelled sense (zeros, pointer bit patterns, values of freed tensors, now and
then NaN), so it is taken as data: `nalm/papers/nalu/initial_nac_weights.tsv` holds the initial
weights of every NAC cell of many models built by the reproduction's own scripts, and a run
draws one whole model (all its NAC matrices, in construction order) from that pool with its own
generator, after the network's own initialisation (which sets everything else, e.g. a NALU's
gate G). Whole models are drawn so that the matrices of one model keep their joint pattern (a
fresh process often gives every matrix of a model the same kind of memory).
"""

import struct

import torch

from nalm.papers import read_table

POOL_FILE = "initial_nac_weights.tsv"


def _matrix(shape: str, bits: str) -> torch.Tensor:
    rows, columns = (int(part) for part in shape.split("x"))
    values = [struct.unpack("<f", struct.pack("<I", int(word, 16)))[0] for word in bits.split(",")]
    if len(values) != rows * columns:
        raise ValueError(f"{POOL_FILE}: {len(values)} values for shape {shape}")
    return torch.tensor(values, dtype=torch.float32).view(rows, columns)


class MeasuredPool:
    """The measured models of one experiment and model name; each a list of NAC matrices."""

    def __init__(self, models: list):
        if not models:
            raise ValueError("an empty pool of measured initial weights")
        self.models = models

    @classmethod
    def load(cls, experiment: str, model: str) -> "MeasuredPool":
        rows = [row for row in read_table("nalu", POOL_FILE) if row["experiment"] == experiment and row["model"] == model]
        models = [
            [_matrix(shape, bits) for shape, bits in zip(row["shapes"].split(";"), row["bits"].split(";"))]
            for row in sorted(rows, key=lambda row: int(row["draw"]))
        ]
        if not models:
            raise ValueError(f"{POOL_FILE} has no measured {model} models of experiment {experiment!r}")
        return cls(models)

    def draw(self, generator: torch.Generator) -> list:
        """One measured model, chosen uniformly with the run's generator."""
        return self.models[int(torch.randint(len(self.models), (1,), generator=generator))]

    def check_fits(self, weights: list) -> None:
        """ValueError unless every measured model has one matrix of each weight's shape ([R, O, I]
        parameters, construction order): the pool holds the reproduction's sizes only."""
        for model in self.models:
            if len(model) != len(weights):
                raise ValueError(f"a measured model has {len(model)} NAC matrices, the network {len(weights)}")
            for parameter, matrix in zip(weights, model):
                if tuple(parameter.shape[1:]) != tuple(matrix.shape):
                    raise ValueError(f"measured matrix {tuple(matrix.shape)} for a weight of {tuple(parameter.shape[1:])}")

    @torch.no_grad()
    def assign_(self, weights: list, generators, runs) -> None:
        """Overwrite each run's NAC `weights` ([R, O, I] parameters, construction order) with a drawn model."""
        self.check_fits(weights)
        for run, generator in zip(runs, generators):
            for parameter, matrix in zip(weights, self.draw(generator)):
                parameter[run] = matrix


def nac_weights(network) -> list:
    """The NAC weights of a network in the reproduction's construction order.

    A `NAC-nkarasovd` has one (W); a `NALU-nkarasovd` two (additive, then multiplicative: its
    `NACCell_1`, `NACCell_2`); a `Stack` its layers' in order; other networks say with `nac_weights()`.
    """
    from nalm.modules.nalu_nkarasovd import UnconstrainedNAC, UntiedNALU
    from nalm.networks.stack import Stack

    if isinstance(network, UnconstrainedNAC):
        return [network.W]
    if isinstance(network, UntiedNALU):
        return [network.W_a, network.W_m]
    if isinstance(network, Stack):
        return [weight for layer in network.layers for weight in nac_weights(layer)]
    return network.nac_weights()


class WithMeasuredInit(torch.nn.Module):
    """A network whose NAC weights (`nac_weights`) start from a `MeasuredPool`."""

    def __init__(self, network, pool: MeasuredPool):
        super().__init__()
        pool.check_fits(nac_weights(network))  # a size the pool cannot fill fails here, not in training
        self.network, self.pool, self.runs = network, pool, network.runs

    @torch.no_grad()
    def reset_parameters(self, generators, runs=None) -> None:
        runs = list(range(self.runs)) if runs is None else [int(run) for run in runs]
        self.network.reset_parameters(generators, runs)
        self.pool.assign_(nac_weights(self.network), generators, runs)

    def forward(self, x, log=None):
        return self.network(x, log)

    def regularizers(self) -> dict:
        return self.network.regularizers()

    @torch.no_grad()
    def project_(self) -> None:
        self.network.project_()
