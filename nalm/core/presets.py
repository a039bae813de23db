"""Presets: the per-module, per-op hyper-parameters of a paper, as data.

Every paper package may ship a `presets.yaml` (`nalm/papers/<paper>/presets.yaml`); each preset
names a registered module and overrides the defaults of `nalm.core.hyperparameters`.
`resolve(name, op, overrides)` applies, in order: defaults, the preset, its `op_overrides[op]`,
then the caller's overrides (e.g. `nalm train --set regularizer_ramp=[50000,75000]`).
Preset names are unique across papers.
"""

from functools import cache

import yaml

from nalm.core.errors import UserError
from nalm.core.hyperparameters import FIELDS as _FIELDS
from nalm.core.hyperparameters import Hyperparameters, parse_override  # noqa: F401  (re-exported)
from nalm.papers import paper_files

OPS = ("add", "sub", "mul", "div", "reciprocal")  # reciprocal: the division-module paper's 1/a task
PRESETS_FILE = "presets.yaml"
_PRESET_ONLY = {"ops", "op_overrides"}


@cache
def _load_presets() -> tuple:
    presets = {}
    for paper, resource in paper_files(PRESETS_FILE):
        data = yaml.safe_load(resource.read_text()) or {}
        for name, preset in data.items():
            if name in presets:
                raise ValueError(f"preset {name!r} is defined twice (papers/{paper}/{PRESETS_FILE})")
            presets[name] = {**preset, "paper": paper}
    return tuple(presets.items())


def load_presets() -> dict:
    """All presets by name (each with the `paper` that defines it), from every paper package."""
    return {name: {k: v for k, v in preset.items() if k != "paper"} for name, preset in _load_presets()}


def preset_paper(name: str) -> str:
    """The paper package that defines preset `name`."""
    return dict(_load_presets())[name]["paper"]


def _check_keys(where: str, values: dict) -> None:
    unknown = set(values) - _FIELDS - _PRESET_ONLY
    if unknown:
        raise UserError(
            f"unknown hyper-parameter {sorted(unknown)[0]!r} in {where}: expected one of {', '.join(sorted(_FIELDS))}"
        )


def _coerce(values: dict) -> dict:
    out = dict(values)
    for key in ("regularizer_ramp", "beta"):
        if key in out and out[key] is not None:
            pair = out[key]
            if not (isinstance(pair, (list, tuple)) and len(pair) == 2):
                raise UserError(f"bad value {pair!r} for {key}: expected a pair [start, end]")
            out[key] = (pair[0], pair[1])
    return out


def resolve(name: str, op: str, overrides: dict | None = None) -> Hyperparameters:
    """The hyper-parameters of preset `name` for operation `op`, with `overrides` applied last."""
    presets = load_presets()
    if name not in presets:
        raise UserError(f"unknown preset {name!r}: expected one of {', '.join(sorted(presets))}")
    if op not in OPS:
        raise UserError(f"unknown op {op!r}: expected one of {', '.join(OPS)}")
    preset = dict(presets[name])
    ops = preset.pop("ops", list(OPS))
    if op not in ops:
        raise UserError(f"preset {name!r} is not defined for op {op!r}: expected one of {', '.join(ops)}")
    op_overrides = (preset.pop("op_overrides", None) or {}).get(op, {})
    overrides = dict(overrides or {})
    _check_keys(f"preset {name!r}", preset)
    _check_keys(f"preset {name!r} op {op!r}", op_overrides)
    _check_keys("the overrides", overrides)
    values = {**preset, **op_overrides, **overrides}
    values = _coerce(values)
    values.setdefault("module", name)
    try:
        return Hyperparameters(preset=name, op=op, **values)
    except TypeError as error:
        raise UserError(f"bad preset {name!r}: {error}") from None
