"""The NPU paper's experiments as assembled by nalm/tasks/npu_experiments.py: which hyper-parameters,
networks and sets each code/paper setting gives (Heim, Pevný & Šmídl, "Neural Power Units",
NeurIPS 2020, arXiv 2006.01681; `nmheim/NeuralPowerUnits` `scripts/simple/run.jl`,
`scripts/arithmetic/*_l1_runs.jl`; `nmheim/NeuralArithmetic.jl` `examples/npu.jl`)."""

import math

import pytest

from nalm.core.errors import UserError
from nalm.papers import read_yaml
from nalm.tasks.npu_experiments import SETTINGS, resolve_settings, setup


def test_example():
    s = setup("example", "NPU-NAU")
    assert (s.updates, s.engine_iterations, s.hyper.learning_rate, s.hyper.optimizer) == (50000, 49999, 1e-3, "adam")
    assert s.task.x_range == (-2.0, 2.0) and s.task.y_range == (0.01, 2.0) and s.task.sqrt_input == 1
    npu, nau = s.network(1).layers
    assert (npu.gate_gradient, nau.clamp, nau.init, npu.output_size) == ("straight-through", False, "glorot-uniform", 6)
    assert setup("example", "NPU-NAU", settings={"sqrt_input": 0}).task.sqrt_input == 0


def test_layer_comparison_code_and_paper():
    nalu = setup("layers", "NALU")
    assert (nalu.hyper.optimizer, nalu.hyper.learning_rate, nalu.hyper.optimizer_options) == (
        "rmsprop", 0.005, {"alpha": 0.9, "eps": 1e-8})
    assert nalu.task.x_range == (0.1, 2.1) and nalu.updates == 20000
    paper = setup("layers", "NALU", settings={"hyperparameters": "paper", "train_range": "paper"})
    assert (paper.hyper.optimizer, paper.hyper.learning_rate, paper.task.x_range) == ("adam", 0.001, (0.1, 2.0))
    npu = setup("layers", "NPU")
    assert (npu.hyper.l1, npu.hyper.regularizer_npu_w, npu.l1) == (False, 0.0, "none")  # βl1 = 0
    inalu = setup("layers", "iNALU")
    # run.jl: 10,000 updates of MSE, then 10,000 with 1e-5·inalu_reg; update t + 1 is the engine's t
    assert inalu.hyper.inalu_regularizer == {"weight": 1e-5, "after_iteration": 9999, "mse_below": math.inf}
    assert inalu.saturation and all(layer.saturation == 20.0 for layer in inalu.network(1).layers)
    dense = setup("layers", "Dense")  # Table A3's hidden size by default: it reproduces Table A2
    assert [(l.input_size, l.output_size) for l in dense.network(1).layers] == [(2, 10), (10, 10), (10, 4)]
    dense = setup("layers", "Dense", settings={"dense_hidden": 50})  # run.jl's hdim
    assert [(l.input_size, l.output_size) for l in dense.network(1).layers] == [(2, 50), (50, 50), (50, 4)]
    assert SETTINGS["layers"]["dense_hidden"][1] == read_yaml("npu", "layers.yaml")["models"]["Dense"]["hidden_paper"]
    assert SETTINGS["layers"]["inalu_t"][1] == read_yaml("npu", "layers.yaml")["models"]["iNALU"]["saturation"]["t"]


def test_arithmetic100_code_overrides_and_paper_readings():
    nmu = setup("arithmetic100", "NMU", "add")
    assert (nmu.hyper.beta, nmu.updates, nmu.hyper.learning_rate) == ((1e-7, 1e-4), 10000, 1e-2)
    assert setup("arithmetic100", "NMU", "mult").updates == 20000
    plain = setup("arithmetic100", "NMU", "add", settings={"code_overrides": False})
    assert (plain.hyper.beta, plain.updates) == ((1e-5, 1e-4), 100000)
    mult = setup("arithmetic100", "NPU", "mult", settings={"beta": "paper", "test_range": "paper"})
    assert mult.hyper.beta == (1e-5, 1e-7) and mult.ranges["test"] == [-4.0, 4.0]
    div = setup("arithmetic100", "NPU", "div")
    assert div.ranges == {"validation": [-2.0, 2.5], "test": [-0.5, 0.0]}
    assert (div.hyper.optimizer, div.hyper.optimizer_options["alpha"], div.hyper.batch_size) == ("rmsprop", 0.9, 128)
    assert (div.hyper.beta_step, div.hyper.beta_growth, div.hyper.regularizer_npu_w) == (10000, 10.0, 1.0)
    npu = div.network(1).layers[1]
    assert (npu.init, npu.gate_init, npu.gate_gradient) == ("rand/10", 1.0, "clamp")


def test_bad_settings_and_names_are_one_line_errors():
    with pytest.raises(UserError, match="unknown setting 'foo' for layers"):
        resolve_settings("layers", {"foo": 1})
    with pytest.raises(UserError, match="bad setting train_range='both'"):
        resolve_settings("layers", {"train_range": "both"})
    with pytest.raises(UserError, match="bad setting sqrt_input=True"):
        resolve_settings("example", {"sqrt_input": True})
    with pytest.raises(UserError, match="bad setting dense_hidden=-3"):
        resolve_settings("layers", {"dense_hidden": -3})
    with pytest.raises(UserError, match="unknown model 'NAC'"):
        setup("layers", "NAC")
    with pytest.raises(UserError, match="unknown task 'sub'"):
        setup("arithmetic100", "NPU", "sub")
    with pytest.raises(UserError, match="bad number of updates 0"):
        setup("layers", "NPU", updates=0)
