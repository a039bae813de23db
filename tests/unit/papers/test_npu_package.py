"""Every number of *Neural Power Units* (Heim, Pevný & Šmídl, NeurIPS 2020, arXiv 2006.01681) that
nalm uses, pinned against the original files: `nmheim/NeuralArithmetic.jl` (HEAD d1c18c0)
`examples/npu.jl`; `nmheim/NeuralPowerUnits` (HEAD e1b9a45) `scripts/simple/{dataset,run,plots,
results_table}.jl`, `scripts/arithmetic/{sobolconfigs,*_l1_runs,revalidate,results_table,pareto}.jl`,
`src/arithmetic_models.jl`, `plots/simple_err_table.tex`, `plots/arithmetic100_{val,mse}.tex`,
`plots/pareto.tex`, and the paper's `papers/main.tex` (Tables A2-A6)."""

import re
import statistics

import pytest

from nalm.analysis.npu_results import published_arithmetic100, published_layers
from nalm.papers import read_table, read_yaml


def test_example_setting():  # examples/npu.jl
    data = read_yaml("npu", "example.yaml")
    assert data["task"] == {"x_range": [-2.0, 2.0], "y_range": [0.01, 2.0], "sqrt_input": 1, "batch_size": 100}
    assert data["network"]["hidden"] == 6
    assert data["network"]["npu"]["options"] == {"init": "xavier-uniform", "gate_init": 0.5, "gate_gradient": "straight-through"}
    assert data["network"]["nau"]["options"] == {"init": "glorot-uniform", "clamp": False}
    assert data["training"] == {"optimizer": "adam", "learning_rate": 1e-3, "iterations": 50000, "beta": 1e-4,
                                "l1": "frobenius-sum", "seed": 0}
    solution = data["perfect_solution"]
    assert solution["Re"] == [[1, -1], [1, 1], [0, 0.5], [1, 0], [0, 0], [0, 1]]
    assert solution["Im"] == [[0, 0]] * 6 and solution["g"] == [1, 1]
    assert solution["W"] == [[0, 0, 0, 1, 0, 1], [0, 1, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0]]
    assert data["figure"]["scale"] == [-1.0, 1.0]  # clim=(-1,1)


def test_layer_comparison_setting():  # scripts/simple/dataset.jl, run.jl, plots.jl; main.tex §4.2
    data = read_yaml("npu", "layers.yaml")
    assert data["task"]["train_range"] == {"code": [0.1, 2.1], "paper": [0.1, 2.0]}
    assert (data["task"]["sqrt_input"], data["task"]["batch_size"], data["iterations"], data["runs"]) == (0, 100, 20000, 20)
    code = {model: (spec["code"]["optimizer"], spec["code"]["learning_rate"]) for model, spec in data["models"].items()}
    assert code == {"NPU": ("adam", 0.005), "RealNPU": ("adam", 0.005), "NMU": ("adam", 0.005),
                    "NALU": ("rmsprop", 0.005), "iNALU": ("rmsprop", 0.001), "Dense": ("adam", 0.005)}
    assert data["paper"] == {"optimizer": "adam", "learning_rate": 0.001}
    assert data["models"]["NPU"]["l1_beta"] == 0.0 and data["models"]["RealNPU"]["l1_beta"] == 0.0
    assert data["models"]["iNALU"]["saturation"] == {"weight": 1e-5, "t": 20.0}
    assert data["models"]["Dense"]["hidden"] == 50 and data["models"]["Dense"]["hidden_paper"] == 10
    assert [layer[:3] for layer in data["models"]["Dense"]["layers"]] == [["Dense", 2, 50], ["Dense", 50, 50], ["Dense", 50, 4]]
    assert [layer[:3] for layer in data["models"]["NPU"]["layers"]] == [["NPU", 2, 6], ["NAU", 6, 4]]
    assert data["models"]["NMU"]["layers"][0][3] == {"init": "rand", "clamp": "forward"}
    assert data["optimizer_options"]["rmsprop"] == {"alpha": 0.9, "eps": 1e-8}  # Flux RMSProp ρ = 0.9
    evaluation = data["evaluation"]
    assert evaluation["val_grid"] == [-4.1, 0.2, 4.0] and evaluation["sqrt_val_grid"] == [0.1, 0.1, 4.0]
    assert evaluation["train_grid"] == [0.1, 0.1, 2.0] and evaluation["selection"] == "val"
    assert evaluation["plotted_runs"] == {"NPU": 10, "RealNPU": 9, "NMU": 8, "NALU": 8, "iNALU": 4, "Dense": 1}
    figure = data["figure"]
    assert (figure["grid"], figure["sqrt_grid"], figure["clip"], figure["levels"], figure["colormap"]) == (
        [-4.1, 0.2, 4.0], [0.1, 0.1, 5.0], [-4.0, 2.0], 10, "inferno_r")
    assert figure["columns"] == ["NPU", "RealNPU", "NMU", "NALU", "iNALU", "Dense"]


def test_table_a2():  # plots/simple_err_table.tex
    table = published_layers()
    assert len(table) == 24
    assert table[("add", "NPU")] == (0.2, 0.11) and table[("add", "RealNPU")] == (0.08, 0.021)
    assert table[("mult", "NMU")] == (0.005, 0.004) and table[("div", "NMU")] == (11.399, 0.035)
    assert table[("div", "Dense")] == (14.16, 0.23) and table[("sqrt", "RealNPU")] == (0.004, 0.001)
    assert table[("sqrt", "iNALU")] == (0.049, 0.011) and table[("mult", "NALU")] == (4.55, 0.2)
    assert [table[("add", m)][0] for m in ("NMU", "NALU", "iNALU", "Dense")] == [0.2, 2.69, 2.18, 2.103]
    assert [table[("mult", m)][0] for m in ("NPU", "RealNPU", "iNALU", "Dense")] == [0.37, 0.066, 3.453, 3.546]
    assert [table[("div", m)][0] for m in ("NPU", "RealNPU", "NALU", "iNALU")] == [0.23, 0.085, 3.33, 2.54]
    assert [table[("sqrt", m)][0] for m in ("NPU", "NMU", "NALU", "Dense")] == [0.031, 0.16, 0.034, 0.084]


def test_arithmetic100_setting():  # sobolconfigs.jl, *_l1_runs.jl, revalidate.jl; main.tex Tables A5, A6
    data = read_yaml("npu", "arithmetic100.yaml")
    assert (data["input_size"], data["subset"], data["overlap"], data["batch_size"]) == (100, 0.5, 0.25, 128)
    assert (data["beta_step"], data["beta_growth"], data["optimizer"]) == (10000, 10.0, "rmsprop")
    tasks = data["tasks"]
    assert {t: tasks[t]["learning_rate"] for t in tasks} == {"add": 1e-2, "mult": 5e-3, "div": 5e-3, "sqrt": 5e-3}
    assert {t: tasks[t]["beta"] for t in tasks} == {"add": [1e-5, 1e-4], "mult": [1e-5, 1e-4],
                                                    "div": [1e-9, 1e-7], "sqrt": [1e-6, 1e-4]}
    assert tasks["mult"]["beta_paper"] == [1e-5, 1e-7]
    assert {t: tasks[t]["train"] for t in tasks} == {"add": [-1.0, 1.0], "mult": [-1.0, 1.0], "div": [0.0, 0.5], "sqrt": [0.0, 2.0]}
    assert {t: tasks[t]["validation"] for t in tasks} == {"add": [-5.0, 5.0], "mult": [-5.0, 5.0],
                                                          "div": [-2.0, 2.5], "sqrt": [0.0, 6.0]}
    assert {t: tasks[t]["test"] for t in tasks} == {"add": [-2.0, 2.0], "mult": [-2.0, 2.0], "div": [-0.5, 0.0], "sqrt": [0.0, 4.0]}
    assert {t: tasks[t]["test_paper"] for t in tasks} == {"add": [-4.0, 4.0], "mult": [-4.0, 4.0],
                                                          "div": [-0.5, 0.5], "sqrt": [0.0, 4.0]}
    assert {t: (tasks[t]["iterations"], tasks[t]["runs_in_code"]) for t in tasks} == {
        "add": (100000, 10), "mult": (100000, 20), "div": (100000, 10), "sqrt": (100000, 10)}
    assert data["code_overrides"] == {"NMU": {"add": {"beta_start": 1e-7, "iterations": 10000},
                                              "mult": {"beta_start": 1e-9, "iterations": 20000}}}
    layers = {model: spec["layers"] for model, spec in data["models"].items()}
    assert layers["NPU"][1] == ["NPU", 100, 1, {"init": "rand/10", "gate_init": 1.0, "gate_gradient": "clamp"}]
    assert layers["RealNPU"][1][3]["gate_init"] == 0.5
    assert all(spec[0] == ["NAU", 100, 100, {"init": "rand/10", "clamp": False}] for m, spec in layers.items()
               if m in ("NPU", "RealNPU", "NaiveNPU", "NMU"))
    assert layers["NALU"] == [["NALU-jl", 100, 100, {"init": "rand/10"}], ["NALU-jl", 100, 1, {"init": "rand/10"}]]
    assert data["reported_models"] == ["NPU", "RealNPU", "NALU", "NMU", "NaiveNPU"]
    reporting = data["reporting"]
    assert (reporting["keep_best"], reporting["active_threshold"], reporting["active_threshold_paper"]) == (10, 1e-2, 1e-3)


def test_arithmetic100_published_tables():  # plots/arithmetic100_val.tex, arithmetic100_mse.tex
    table = published_arithmetic100()
    assert len(table) == 40
    test = {(op, m): table[("test", op, m)] for (mse, op, m) in table if mse == "test"}
    assert test[("add", "NPU")] == (0.092, 0.031) and test[("add", "NMU")] == (0.00602, 0.00019)
    assert test[("mult", "NALU")] == (2.9e83, 2.9e83) and test[("mult", "NMU")] == (1.7, 1.4)
    assert test[("div", "NPU")] == (1.0e-7, 1.0e-7) and test[("div", "NaiveNPU")] == (5.4e17, 5.4e17)
    assert test[("sqrt", "RealNPU")] == (0.017, 0.011) and test[("sqrt", "NMU")] == (10.96, 0.89)
    assert [test[(op, "RealNPU")][0] for op in ("add", "mult", "div")] == [0.063, 3.09, 1.4e-6]
    assert [test[(op, "NALU")][0] for op in ("add", "div", "sqrt")] == [740.0, 530.0, 7300.0]
    assert [test[(op, "NaiveNPU")][0] for op in ("add", "mult", "sqrt")] == [161.65, 3750.0, 9.3e8]
    assert [test[(op, "NPU")][0] for op in ("mult", "sqrt")] == [4.28, 0.054] and test[("div", "NMU")] == (1.622, 0.081)
    assert test[("add", "NALU")] == (740.0, 330.0) and test[("mult", "NaiveNPU")] == (3750.0, 870.0)
    train = {(op, m): table[("train", op, m)] for (mse, op, m) in table if mse == "train"}
    assert train[("add", "NMU")] == (0.00098, 0.00021) and train[("div", "NaiveNPU")] == (0.006485, 7.6e-5)
    assert train[("sqrt", "NaiveNPU")] == (9.300000000000001e24, 9.300000000000001e24)
    assert [train[("mult", m)][0] for m in ("NPU", "RealNPU", "NALU", "NMU", "NaiveNPU")] == [0.32, 0.2, 0.126, 0.109, 86.0]


def test_pareto_points_agree_with_the_published_table():  # plots/pareto.tex vs arithmetic100_val.tex
    rows = read_table("npu", "arithmetic100_pareto.tsv")
    assert len(rows) == 195
    points = {}
    for row in rows:
        points.setdefault((row["op"], row["model"]), []).append((float(row["active_parameters"]), float(row["test_mse"])))
    assert points[("add", "NPU")][0] == (1212.0, 0.0044327993)
    assert len(points[("mult", "NALU")]) == 8 and len(points[("div", "NaiveNPU")]) == 8
    # the kept runs of the figure are the table's: median of NPU +, RealNPU ÷ testing MSE
    assert statistics.median(y for _, y in points[("add", "NPU")]) == pytest.approx(0.092, rel=0.01)
    assert statistics.median(y for _, y in points[("sqrt", "RealNPU")]) == pytest.approx(0.017, rel=0.05)


def _strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


@pytest.mark.parametrize("name", ["example.yaml", "layers.yaml", "arithmetic100.yaml"])
def test_no_number_is_read_as_text(name):  # PyYAML reads 1.0e5 (no exponent sign) as a string
    texts = [s for s in _strings(read_yaml("npu", name)) if re.fullmatch(r"[-+]?[0-9.]+[eE][-+]?[0-9]+", s)]
    assert texts == []
    assert read_yaml("npu", "arithmetic100.yaml")["reporting"]["ylim"] == {"mult": [0.1, 1e5], "sqrt": [1e-4, 1e10]}
