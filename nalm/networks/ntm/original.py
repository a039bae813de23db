"""The original repository's NTM weights in and out of `nalm.networks.ntm.NTM`, and its parameter counts.

`kdexd/ntm-pytorch` (public copy `vlgiitr/ntm-pytorch`, commit 9bea8b1) stores one NTM as a
`state_dict` with these names (`ntm/ntm.py`, `ntm/modules/*.py`); heads are a `ModuleList`
ordered r₁, w₁, r₂, w₂, …, so read head k is `heads.{2k}` and write head k `heads.{2k+1}`:

    controller.controller_net.{weight_ih, weight_hh, bias_ih, bias_hh}   LSTMCell
    controller.out_net.{weight, bias}                                    output layer
    controller.{h,c}_bias_fc.{weight, bias}                              h₀, c₀ (biases; weights fed 0)
    memory.memory_bias_fc.{weight, bias}                                 M₀ = σ(bias) (weight fed 0)
    heads.<j>.{key, key_strength, interpolation_gate, shift_weighting,
               sharpen_factor, write_data}_fc.{weight, bias}

Some of these never change in training and are not parameters here: the weights of the
zero-input layers (`*_bias_fc.weight`: N·M + 2C numbers) and the read heads' write layers
(`write_data_fc` of `heads.<2k>`, computed and never used: H·(C·M + M)). The repository's
totals include them (`original_parameter_count`).
"""

import numpy as np
import torch

from nalm.networks.ntm.heads import layer_blocks

_HEAD_LAYERS = {
    "key": "key_fc", "key_strength": "key_strength_fc", "interpolation_gate": "interpolation_gate_fc",
    "shift_weighting": "shift_weighting_fc", "sharpen_factor": "sharpen_factor_fc", "add": "write_data_fc",
}  # fmt: skip


def original_parameter_count(config) -> int:
    """Parameters of the repository's NTM of these sizes (what its `ntm.parameters()` holds)."""
    C, N, M, H = config.controller_size, config.memory_units, config.memory_unit_size, config.heads
    I, O = config.input_size, config.output_size
    lstm = 4 * C * (I + H * M) + 4 * C * C + 2 * 4 * C
    output = O * (C + H * M) + O
    zero_input_layers = 2 * (C + C) + (N * M + N * M)  # h/c_bias_fc, memory_bias_fc: weight + bias
    head = M * C + M + 3 * (C + 1) + 3 * C + 3 + M * C + M  # key, β, g, γ, s, write data
    return lstm + output + zero_input_layers + 2 * H * head


def never_trained_count(config) -> int:
    """Of those, the numbers that never change: zero-input weights and the read heads' write layers."""
    C, N, M, H = config.controller_size, config.memory_units, config.memory_unit_size, config.heads
    return N * M + 2 * C + H * (M * C + M)


def _head_tensors(network, kind, k, run):
    weight = (network.read_head_weight if kind == "r" else network.write_head_weight)[run, k]
    bias = (network.read_head_bias if kind == "r" else network.write_head_bias)[run, k]
    return weight, bias


def original_names(config) -> list:
    """The state_dict names that `load_original_weights` reads (the trained ones)."""
    names = [f"controller.controller_net.{n}" for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
    names += ["controller.out_net.weight", "controller.out_net.bias", "controller.h_bias_fc.bias",
              "controller.c_bias_fc.bias", "memory.memory_bias_fc.bias"]
    for k in range(config.heads):
        for j, write in ((2 * k, False), (2 * k + 1, True)):
            for name, _, _ in layer_blocks(config.memory_unit_size, write, erase=False):
                names += [f"heads.{j}.{_HEAD_LAYERS[name]}.weight", f"heads.{j}.{_HEAD_LAYERS[name]}.bias"]
    return names


@torch.no_grad()
def load_original_weights(network, weights: dict, run: int = 0) -> None:
    """Copy the repository's weights (state_dict name -> array) into run `run` of `network`.

    The network must be the repository's variant (`write="full_erase"`): the original has no
    erase layer.
    """
    config = network.config
    if config.erase:
        raise ValueError("the original NTM has no erase layer: load it into write='full_erase'")

    def get(name, shape):
        if name not in weights:
            raise KeyError(f"the original weights lack {name!r}")
        value = torch.as_tensor(np.asarray(weights[name]), dtype=network.lstm_weight_ih.dtype)
        if tuple(value.shape) != tuple(shape):
            raise ValueError(f"{name}: shape {tuple(value.shape)}, expected {tuple(shape)}")
        return value

    prefix = "controller.controller_net."
    for ours, theirs in ((network.lstm_weight_ih, "weight_ih"), (network.lstm_weight_hh, "weight_hh"),
                         (network.lstm_bias_ih, "bias_ih"), (network.lstm_bias_hh, "bias_hh")):
        ours[run] = get(prefix + theirs, ours.shape[1:])
    network.output_weight[run] = get("controller.out_net.weight", network.output_weight.shape[1:])
    network.output_bias[run] = get("controller.out_net.bias", network.output_bias.shape[1:])
    network.initial_hidden[run] = get("controller.h_bias_fc.bias", network.initial_hidden.shape[1:])
    network.initial_cell[run] = get("controller.c_bias_fc.bias", network.initial_cell.shape[1:])
    network.memory_bias[run] = get("memory.memory_bias_fc.bias", network.memory_bias.shape[1:])
    for k in range(config.heads):
        for j, kind in ((2 * k, "r"), (2 * k + 1, "w")):
            weight, bias = _head_tensors(network, kind, k, run)
            for name, first, rows in layer_blocks(config.memory_unit_size, kind == "w", erase=False):
                layer = f"heads.{j}.{_HEAD_LAYERS[name]}"
                weight[first : first + rows] = get(f"{layer}.weight", (rows, config.controller_size))
                bias[first : first + rows] = get(f"{layer}.bias", (rows,))


def original_weights(network, run: int = 0) -> dict:
    """Run `run`'s trained weights under the repository's state_dict names (inverse of loading)."""
    config = network.config
    out = {}
    prefix = "controller.controller_net."
    for ours, theirs in ((network.lstm_weight_ih, "weight_ih"), (network.lstm_weight_hh, "weight_hh"),
                         (network.lstm_bias_ih, "bias_ih"), (network.lstm_bias_hh, "bias_hh")):
        out[prefix + theirs] = ours[run].detach().cpu().numpy().copy()
    out["controller.out_net.weight"] = network.output_weight[run].detach().cpu().numpy().copy()
    out["controller.out_net.bias"] = network.output_bias[run].detach().cpu().numpy().copy()
    out["controller.h_bias_fc.bias"] = network.initial_hidden[run].detach().cpu().numpy().copy()
    out["controller.c_bias_fc.bias"] = network.initial_cell[run].detach().cpu().numpy().copy()
    out["memory.memory_bias_fc.bias"] = network.memory_bias[run].detach().cpu().numpy().copy()
    for k in range(config.heads):
        for j, kind in ((2 * k, "r"), (2 * k + 1, "w")):
            weight, bias = _head_tensors(network, kind, k, run)
            for name, first, rows in layer_blocks(config.memory_unit_size, kind == "w", erase=False):
                layer = f"heads.{j}.{_HEAD_LAYERS[name]}"
                out[f"{layer}.weight"] = weight[first : first + rows].detach().cpu().numpy().copy()
                out[f"{layer}.bias"] = bias[first : first + rows].detach().cpu().numpy().copy()
    return out


def read_original_file(path) -> dict:
    """An exported file of the repository's model (`tests/fixtures/ntm/ntm_original_<task>.npz`):
    {name: array}; weights are under `weight/<state_dict name>`."""
    with np.load(path, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def load_original_model(path, task: str):
    """A one-run `NTM` (the repository's variant and sizes for `task`) holding the exported weights."""
    from nalm.networks.ntm import NTM
    from nalm.tasks.ntm_tasks import model_config

    arrays = read_original_file(path)
    weights = {name[len("weight/"):]: value for name, value in arrays.items() if name.startswith("weight/")}
    network = NTM(model_config(task, "repository"), 1)
    load_original_weights(network, weights)
    return network
