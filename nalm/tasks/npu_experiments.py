"""The NPU paper's three experiments, assembled from its paper package: task, network and
hyper-parameters of one model, for a block of runs.

*Neural Power Units* (Heim, Pevný & Šmídl, NeurIPS 2020, arXiv 2006.01681). The facts are the
paper package's (`nalm/papers/npu/`: `example.yaml`, `layers.yaml`, `arithmetic100.yaml`); this
file only reads them and applies the *settings*, the switches between what the original code
did (the default: it produced the published numbers) and what the paper says where they differ:

* `example` (`nmheim/NeuralArithmetic.jl`, `examples/npu.jl`): `l1` (`frobenius-sum`: Julia's
  norm(ps, 1); `elementwise`), `sqrt_input` (1: √b as the code; 0: √x as the README text),
  `gate_gradient` (`straight-through` as NeuralArithmetic.jl; `clamp`).
* `layers` (`nmheim/NeuralPowerUnits`, `scripts/simple/`): `train_range` (code U(0.1, 2.1) |
  paper U(0.1, 2)), `hyperparameters` (code: run.jl's optimiser and learning rate per model |
  paper: ADAM, 0.001 for all), `gate_gradient` (`clamp` as v0.3.0 | `straight-through`),
  `inalu_t` (the iNALU saturation threshold run.jl leaves unset: 20), `dense_hidden` (10 as
  Table A3, which reproduces Table A2's Dense column; run.jl at HEAD has 50, which does not).
* `arithmetic100` (`scripts/arithmetic/`): `test_range` (code: revalidate.jl's | paper: Table
  A5's), `beta` (code | paper: Table A6's βend 1e-7 for mult), `code_overrides` (true: the NMU's
  own βstart and iterations in add_l1_runs.jl and mult_l1_runs.jl | false), `l1`,
  `gate_gradient`.

Updates: the original makes N updates; the engine runs t = 0 .. iterations inclusive, so it is
given N - 1 (`engine_iterations`) and the final metrics are measured after the last update. The
engine grows β at t % 10,000 == 0, one update after `ExpSchedule` (which counts before the
update); iNALU's saturation term starts with update N/2 + 1 as in run.jl.
"""

import math
from dataclasses import dataclass

from nalm.core.errors import UserError
from nalm.core.hyperparameters import Hyperparameters

EXPERIMENTS = ("example", "layers", "arithmetic100")

#: setting -> (allowed values or a type, default) per experiment
SETTINGS = {
    "example": {
        "l1": (("frobenius-sum", "elementwise"), "frobenius-sum"),
        "sqrt_input": ((0, 1), 1),
        "gate_gradient": (("straight-through", "clamp"), "straight-through"),
    },
    "layers": {
        "train_range": (("code", "paper"), "code"),
        "hyperparameters": (("code", "paper"), "code"),
        "gate_gradient": (("clamp", "straight-through"), "clamp"),
        "inalu_t": (float, 20.0),
        "dense_hidden": (int, 10),
    },
    "arithmetic100": {
        "test_range": (("code", "paper"), "code"),
        "beta": (("code", "paper"), "code"),
        "code_overrides": ((True, False), True),
        "l1": (("frobenius-sum", "elementwise"), "frobenius-sum"),
        "gate_gradient": (("clamp", "straight-through"), "clamp"),
    },
}


def _paper(name):
    from nalm.papers import read_yaml

    return read_yaml("npu", f"{name}.yaml")


def resolve_settings(experiment: str, given: dict | None) -> dict:
    """Defaults overridden by `given`; a one-line UserError names a bad key or value."""
    if experiment not in EXPERIMENTS:
        raise UserError(f"unknown experiment {experiment!r}: expected one of {', '.join(EXPERIMENTS)}")
    table = SETTINGS[experiment]
    settings = {key: default for key, (_, default) in table.items()}
    for key, value in (given or {}).items():
        if key not in table:
            raise UserError(f"unknown setting {key!r} for {experiment}: expected one of {', '.join(table)}")
        allowed = table[key][0]
        if isinstance(allowed, tuple):
            if value not in allowed or type(value) is not type(allowed[0]):
                raise UserError(f"bad setting {key}={value!r}: expected one of {', '.join(map(str, allowed))}")
        else:
            try:
                value = allowed(value)
            except (TypeError, ValueError):
                raise UserError(f"bad setting {key}={value!r}: expected a {allowed.__name__}") from None
            if not value > 0:
                raise UserError(f"bad setting {key}={value!r}: expected a positive number")
        settings[key] = value
    return settings


def models(experiment: str) -> list:
    """The model labels of an experiment, in the paper's order."""
    if experiment == "example":
        return ["NPU-NAU"]
    return list(_paper(experiment)["models"])


def tasks(experiment: str) -> list:
    """The tasks of an experiment (the 100-input task's ops; one unnamed task otherwise)."""
    return list(_paper("arithmetic100")["tasks"]) if experiment == "arithmetic100" else [None]


def build_layer(spec, runs: int, overrides: dict | None = None):
    """One runs-dimension layer from `[module, in, out, options]` (a registry name, or Dense)."""
    from nalm import modules
    from nalm.networks.dense import Dense

    name, inputs, outputs, options = spec
    options = {**(options or {}), **(overrides or {})}
    if name == "Dense":
        return Dense(inputs, outputs, runs, **options)
    return modules.build(name, inputs, outputs, runs, **options)


@dataclass
class Setup:
    """Everything that decides a block's numbers, but its seeds."""

    experiment: str
    model: str
    task_name: str | None
    settings: dict
    hyper: Hyperparameters
    layers: list            # [module, in, out, options] per layer
    l1: str                 # the Chain's term: frobenius-sum, elementwise or none
    saturation: bool
    updates: int            # the original's number of updates
    task: object            # PowerTask or SobolArithmeticTask
    ranges: dict            # validation and test ranges (arithmetic100)

    @property
    def engine_iterations(self) -> int:
        return self.updates - 1

    def network(self, runs: int):
        from nalm.networks.chain import Chain

        return Chain(*(build_layer(spec, runs) for spec in self.layers), l1=self.l1, saturation=self.saturation)

    def block(self, seeds: list):
        """The task bound to one run per seed (group: the model label)."""
        if self.experiment == "arithmetic100":
            from nalm.tasks.sobol_arithmetic import Run, SobolArithmeticBlock

            runs = [Run(seed, self.model) for seed in seeds]
            return SobolArithmeticBlock(self.task, runs, self.ranges["validation"], self.ranges["test"])
        from nalm.tasks.npu_arithmetic import PowerTaskBlock, Run

        return PowerTaskBlock(self.task, [Run(seed, self.model) for seed in seeds])

    def record(self) -> dict:
        """What run.json records about the setup."""
        return {
            "experiment": self.experiment, "model": self.model, "task": self.task_name,
            "settings": self.settings, "updates": self.updates, "layers": self.layers, "l1": self.l1,
            "ranges": self.ranges,
        }


def _l1_hyper(l1: str, beta: float | tuple) -> dict:
    """The engine's hyper-parameters for β(t)·norm(ps, 1) under each reading of the norm."""
    start, end = (beta, beta) if isinstance(beta, (int, float)) else beta
    if l1 == "none" or (start == 0 and end == 0):
        return {"l1": False, "regularizer_npu_w": 0.0}
    base = {"beta": (float(start), float(end)), "reg_scale_type": "heim"}
    if l1 == "elementwise":
        return {**base, "l1": True, "regularizer_npu_w": 0.0}
    return {**base, "l1": False, "regularizer_npu_w": 1.0}


def _layer_overrides(layers, settings, hidden=None):
    """The layer specs with the settings that touch layers applied (`hidden`: the Dense
    model's hidden width in the paper package, replaced by the `dense_hidden` setting)."""
    result = []
    for name, inputs, outputs, options in layers:
        options = dict(options or {})
        if name in ("NPU", "RealNPU") and "gate_gradient" in settings:
            options["gate_gradient"] = settings["gate_gradient"]
        if name == "Dense" and hidden is not None:
            inputs = settings["dense_hidden"] if inputs == hidden else inputs
            outputs = settings["dense_hidden"] if outputs == hidden else outputs
        result.append([name, inputs, outputs, options])
    return result


def setup(experiment: str, model: str, task_name: str | None = None, settings: dict | None = None,
          updates: int | None = None) -> Setup:
    """The setup of one model (and, for `arithmetic100`, one task) under `settings`."""
    settings = resolve_settings(experiment, settings)
    if experiment == "example":
        return _example(model, settings, updates)
    if experiment == "layers":
        return _layers(model, settings, updates)
    return _arithmetic100(model, task_name, settings, updates)


def _check_updates(updates):
    if updates is not None and (not isinstance(updates, int) or updates < 1):
        raise UserError(f"bad number of updates {updates!r}: expected a positive integer")


def _example(model, settings, updates):
    from nalm.tasks.npu_arithmetic import PowerTask

    if model != "NPU-NAU":
        raise UserError(f"unknown model {model!r} for the example: expected NPU-NAU")
    _check_updates(updates)
    data = _paper("example")
    task = PowerTask(tuple(data["task"]["x_range"]), tuple(data["task"]["y_range"]),
                     settings["sqrt_input"], data["task"]["batch_size"])
    net, training = data["network"], data["training"]
    hidden = net["hidden"]
    npu_options = {**net["npu"]["options"], "gate_gradient": settings["gate_gradient"]}
    layers = [[net["npu"]["module"], 2, hidden, npu_options], [net["nau"]["module"], hidden, 4, net["nau"]["options"]]]
    hyper = Hyperparameters(
        preset="npu-example", optimizer=training["optimizer"], learning_rate=training["learning_rate"],
        batch_size=task.batch_size, regularizer=0.0, **_l1_hyper(settings["l1"], training["beta"]),
    )
    return Setup("example", model, None, settings, hyper, layers, settings["l1"], False,
                 updates or training["iterations"], task, {})


def _layers(model, settings, updates):
    from nalm.tasks.npu_arithmetic import PowerTask

    data = _paper("layers")
    if model not in data["models"]:
        raise UserError(f"unknown model {model!r} for the layer comparison: expected one of {', '.join(data['models'])}")
    _check_updates(updates)
    spec = data["models"][model]
    low, high = data["task"]["train_range"][settings["train_range"]]
    task = PowerTask((low, high), (low, high), data["task"]["sqrt_input"], data["task"]["batch_size"])
    training = spec["code"] if settings["hyperparameters"] == "code" else data["paper"]
    updates = updates or data["iterations"]
    extra = {}
    if "saturation" in spec:
        # run.jl: niters/2 updates of MSE only, then niters/2 with the term; the engine adds it
        # at every t > after_iteration (update t + 1), for every run (no MSE condition)
        extra["inalu_regularizer"] = {"weight": spec["saturation"]["weight"], "after_iteration": updates // 2 - 1,
                                      "mse_below": math.inf}
    layers = _layer_overrides(spec["layers"], settings, spec.get("hidden"))
    if "saturation" in spec:
        layers = [[name, i, o, {**options, "saturation": settings["inalu_t"]}] for name, i, o, options in layers]
    l1 = "frobenius-sum" if spec.get("l1_beta", 0.0) else "none"
    hyper = Hyperparameters(
        preset=f"npu-layers-{model}", optimizer=training["optimizer"], learning_rate=training["learning_rate"],
        optimizer_options=dict(data["optimizer_options"][training["optimizer"]]),
        batch_size=task.batch_size, regularizer=0.0, **_l1_hyper(l1, spec.get("l1_beta", 0.0)), **extra,
    )
    return Setup("layers", model, None, settings, hyper, layers, l1, "saturation" in spec, updates, task, {})


def _arithmetic100(model, task_name, settings, updates):
    from nalm.tasks.sobol_arithmetic import SobolArithmeticTask

    data = _paper("arithmetic100")
    if model not in data["models"]:
        raise UserError(f"unknown model {model!r} for the 100-input task: expected one of {', '.join(data['models'])}")
    if task_name not in data["tasks"]:
        raise UserError(f"unknown task {task_name!r}: expected one of {', '.join(data['tasks'])}")
    _check_updates(updates)
    spec = data["tasks"][task_name]
    beta = list(spec["beta_paper"] if settings["beta"] == "paper" and "beta_paper" in spec else spec["beta"])
    iterations = spec["iterations"]
    override = data["code_overrides"].get(model, {}).get(task_name) if settings["code_overrides"] else None
    if override:
        beta[0] = override.get("beta_start", beta[0])
        iterations = override.get("iterations", iterations)
    task = SobolArithmeticTask(task_name, tuple(spec["train"]), data["input_size"], data["subset"],
                               data["overlap"], data["batch_size"])
    test = spec["test"] if settings["test_range"] == "code" else spec["test_paper"]
    ranges = {"validation": list(spec["validation"]), "test": list(test)}
    layers = _layer_overrides(data["models"][model]["layers"], settings)
    hyper = Hyperparameters(
        preset=f"npu-arithmetic100-{model}", optimizer=data["optimizer"],
        optimizer_options=dict(data["optimizer_options"]), learning_rate=spec["learning_rate"],
        batch_size=data["batch_size"], regularizer=0.0, beta_step=data["beta_step"],
        beta_growth=data["beta_growth"], **_l1_hyper(settings["l1"], tuple(beta)),
    )
    return Setup("arithmetic100", model, task_name, settings, hyper, layers, settings["l1"], False,
                 updates or iterations, task, ranges)
