"""Trained NTMs on disk: one run's weights and configuration as a `.npz` file with stable bytes.

    save_checkpoint(path, network, run, metadata)   # run `run` of an `NTM` (no runs dimension)
    network, metadata = load_checkpoints([path, ...])   # an `NTM` with one run per file

A checkpoint is a zip archive that `numpy.load` reads: `config.json` (the `NTMConfig` and the
caller's metadata: task, seed, iterations, …) and one `<parameter>.npy` per parameter of the
run. Entries are written in name order with a fixed time stamp, so the same weights give the
same bytes (`torch.save` embeds a random id).
"""

import dataclasses
import io
import json
import zipfile

import numpy as np
import torch

from nalm.core.atomic import write_bytes_atomic

CONFIG_ENTRY = "config.json"
_STAMP = (1980, 1, 1, 0, 0, 0)


def _entry(archive, name, data: bytes):
    info = zipfile.ZipInfo(name, date_time=_STAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def checkpoint_bytes(network, run: int, metadata: dict) -> bytes:
    """The checkpoint file of run `run` of `network` (an `NTM`)."""
    header = {"ntm": dataclasses.asdict(network.config), **metadata}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _entry(archive, CONFIG_ENTRY, (json.dumps(header, indent=2, sort_keys=True) + "\n").encode())
        for name, parameter in sorted(network.named_parameters()):
            array = io.BytesIO()
            np.lib.format.write_array(array, parameter[run].detach().cpu().numpy(), allow_pickle=False)
            _entry(archive, f"{name}.npy", array.getvalue())
    return buffer.getvalue()


def save_checkpoint(path, network, run: int, metadata: dict) -> None:
    write_bytes_atomic(path, checkpoint_bytes(network, run, metadata))


def read_checkpoint(path) -> tuple:
    """(header dict, {parameter name: array}) of one checkpoint file."""
    with np.load(path, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files if name != CONFIG_ENTRY}
    with zipfile.ZipFile(path) as archive:
        header = json.loads(archive.read(CONFIG_ENTRY))
    return header, arrays


def load_checkpoints(paths) -> tuple:
    """An `NTM` whose run k holds the weights of `paths[k]` (all of one configuration), and the
    files' headers in order."""
    from nalm.networks.ntm import NTM, NTMConfig

    read = [read_checkpoint(path) for path in paths]
    if not read:
        raise ValueError("no checkpoint to load")
    configs = {json.dumps(header["ntm"], sort_keys=True) for header, _ in read}
    if len(configs) != 1:
        raise ValueError(f"the checkpoints hold {len(configs)} different NTM configurations: load them separately")
    network = NTM(NTMConfig(**read[0][0]["ntm"]), len(read))
    with torch.no_grad():
        for name, parameter in network.named_parameters():
            for run, (_, arrays) in enumerate(read):
                if name not in arrays:
                    raise ValueError(f"{paths[run]}: no weights for {name!r}")
                parameter[run] = torch.from_numpy(arrays[name])
    return network, [header for header, _ in read]
