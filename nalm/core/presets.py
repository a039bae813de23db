"""Module presets: the per-module, per-op hyper-parameters of a paper, as data.

A preset (in `nalm/presets.yaml`, and `nalm/presets_division.yaml` for the division paper)
names a registered module and overrides the defaults below, which are the original
script's argument defaults (`single-module-benchmark.md` §3.5). `resolve(name, op, overrides)`
applies, in order: defaults, the preset, its `op_overrides[op]`, then the caller's
overrides (e.g. `nalm train --set regularizer_ramp=[50000,75000]`).
"""

import dataclasses
from dataclasses import dataclass, field
from importlib import resources

import yaml

from nalm.core.errors import UserError

OPS = ("add", "sub", "mul", "div")
PRESET_FILES = ("papers/primer/presets.yaml", "papers/division/presets.yaml")


@dataclass(frozen=True)
class Hyperparameters:
    """Everything the training engine needs besides the task (defaults: §3.5)."""

    preset: str
    module: str
    op: str
    module_options: dict = field(default_factory=dict)
    learning_rate: float = 1e-3
    batch_size: int = 128
    #: λ of the module's sparsity regulariser `W`, scaled by the ramp s(t) (§2.6, §3.1 step 6)
    regularizer: float = 10.0
    #: s(t) = clip((t - start) / (end - start), 0, 1); never active by default (§3.5)
    regularizer_ramp: tuple = (1_000_000, 2_000_000)
    #: L1 over every parameter, weighted by β(t) (§2.8)
    l1: bool = False
    #: β(t): starts at beta[0], multiplied by beta_growth every beta_step iterations while < beta[1]
    beta: tuple = (1e-5, 1e-4)
    beta_step: int = 10_000
    beta_growth: float = 10.0
    #: `heim`: NPU-style terms use β(t); `madsen`: they use s(t) (§3.1 step 6)
    reg_scale_type: str = "heim"
    regularizer_npu_w: float = 0.0
    regularizer_gate: float = 0.0
    #: iNALU: add weight·R when the last logged validation MSE < mse_below and t > after_iteration (§2.5)
    inalu_regularizer: dict | None = None
    clip_grad_value: float | None = None
    clip_grad_norm: float | None = None
    #: iNALU re-initialisation: interval, max_stored_losses, loss_threshold (§2.5)
    reinit: dict | None = None
    #: flags that only shape the original run name (§5.2)
    original: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


_FIELDS = {f.name for f in dataclasses.fields(Hyperparameters)}
_PRESET_ONLY = {"ops", "op_overrides"}


def load_presets() -> dict:
    """All presets by name, from the preset files shipped with the package."""
    presets = {}
    for filename in PRESET_FILES:
        resource = resources.files("nalm").joinpath(filename)
        if not resource.is_file():
            continue
        data = yaml.safe_load(resource.read_text()) or {}
        for name, preset in data.items():
            if name in presets:
                raise ValueError(f"preset {name!r} is defined twice ({filename})")
            presets[name] = preset
    return presets


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


def parse_override(text: str) -> tuple:
    """`key=value` with a YAML value (`regularizer_ramp=[50000,75000]`, `learning_rate=5e-3`)."""
    if "=" not in text:
        raise UserError(f"bad override {text!r}: expected key=value")
    key, raw = text.split("=", 1)
    key = key.strip()
    if key not in _FIELDS or key in ("preset", "op"):
        raise UserError(f"unknown hyper-parameter {key!r} in {text!r}: expected one of {', '.join(sorted(_FIELDS - {'preset', 'op'}))}")
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        raise UserError(f"bad value in {text!r}: expected a YAML value") from None
    if isinstance(value, str):
        # YAML 1.1 reads `5e-3` as a string; numbers are what every numeric key wants.
        try:
            value = float(value)
        except ValueError:
            pass
    return key, value
