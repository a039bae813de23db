"""The hyper-parameters of a block of runs: optimiser, schedules, regularisers, clipping.

Their defaults are the argument defaults of the Primer's single-module benchmark script
(`bmistry4/nalm-benchmark`, `experiments/single_layer_benchmark.py`); a paper's presets
(`nalm/papers/<paper>/presets.yaml`, loaded by `nalm.core.presets`) override them, and a user
overrides those with `--set key=value`.
"""

import dataclasses
from dataclasses import dataclass, field

import yaml

from nalm.core.errors import UserError


@dataclass(frozen=True)
class Hyperparameters:
    """Everything the training engine needs besides the task.

    The defaults are the argparse defaults of `bmistry4/nalm-benchmark`'s
    `experiments/single_layer_benchmark.py`; the loss terms follow its training loop.
    """

    preset: str
    #: the registered arithmetic module (tasks whose network is one module); None otherwise
    module: str | None = None
    #: the arithmetic operation of tasks that have one; None otherwise
    op: str | None = None
    module_options: dict = field(default_factory=dict)
    #: `adam`, `sgd` or `rmsprop` (`nalm.core.optim`); the Primer's script uses Adam throughout
    optimizer: str = "adam"
    #: extra keyword arguments of the optimiser, e.g. {momentum: 0.9} for RMSprop
    optimizer_options: dict = field(default_factory=dict)
    learning_rate: float = 1e-3
    batch_size: int = 128
    #: λ of the module's sparsity regulariser `W` (`--regualizer`), scaled by the ramp s(t)
    regularizer: float = 10.0
    #: s(t) = clip((t - start) / (end - start), 0, 1); never active by default (1e6 -> 2e6)
    regularizer_ramp: tuple = (1_000_000, 2_000_000)
    #: L1 over every parameter, weighted by β(t) (`--regualizer-l1`)
    l1: bool = False
    #: the norm of that term: 1 (Σ|p|) or 2 (Σ‖p‖₂ per parameter tensor, not squared; the
    #: division-module paper's `--lp-norm 2` appendix run, `bmistry4/nalm-division`,
    #: `stable_nalu/functional/regualizer.py` `lp_norm`)
    lp_norm: int = 1
    #: β(t): starts at beta[0], multiplied by beta_growth every beta_step iterations while < beta[1]
    beta: tuple = (1e-5, 1e-4)
    beta_step: int = 10_000
    beta_growth: float = 10.0
    #: `heim`: NPU-style terms use β(t); `madsen`: they use s(t) (`--reg-scale-type`)
    reg_scale_type: str = "heim"
    regularizer_npu_w: float = 0.0
    regularizer_gate: float = 0.0
    #: iNALU: add weight·R when the last logged validation MSE < mse_below and t > after_iteration
    inalu_regularizer: dict | None = None
    clip_grad_value: float | None = None
    clip_grad_norm: float | None = None
    #: iNALU re-initialisation (`--reinit`): interval, max_stored_losses, loss_threshold
    reinit: dict | None = None
    #: flags that only shape the original run name (`nalm.runs.names`)
    original: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


FIELDS = {f.name for f in dataclasses.fields(Hyperparameters)}


def parse_override(text: str) -> tuple:
    """`key=value` with a YAML value (`regularizer_ramp=[50000,75000]`, `learning_rate=5e-3`)."""
    if "=" not in text:
        raise UserError(f"bad override {text!r}: expected key=value")
    key, raw = text.split("=", 1)
    key = key.strip()
    if key not in FIELDS or key in ("preset", "op"):
        raise UserError(f"unknown hyper-parameter {key!r} in {text!r}: expected one of {', '.join(sorted(FIELDS - {'preset', 'op'}))}")
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        raise UserError(f"bad value in {text!r}: expected a YAML value") from None
    return key, _numbers(value)


def _numbers(value):
    """YAML 1.1 reads `5e-3` (and JSON's `1e-07`) as a string; numbers are what every numeric key
    wants, also inside lists such as `beta=[1e-07,1e-05]`."""
    if isinstance(value, list):
        return [_numbers(item) for item in value]
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value
