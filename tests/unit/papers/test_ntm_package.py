"""The NTM paper package (nalm/papers/ntm/): every number pinned against its source,
kdexd/ntm-pytorch (public copy vlgiitr/ntm-pytorch, commit 9bea8b1) and Graves, Wayne &
Danihelka, "Neural Turing Machines", arXiv 1410.5401."""

from nalm.papers import read_yaml
from nalm.tasks.ntm_evaluation import sweep_settings
from nalm.tasks.ntm_tasks import TASKS, build_task, training_facts

TASK_FILES = read_yaml("ntm", "tasks.yaml")
FIGURES = read_yaml("ntm", "figures.yaml")
STATEMENTS = read_yaml("ntm", "statements.yaml")


def test_task_json_files():
    """ntm/tasks/{copy,repeatcopy,associative,prioritysort}.json."""
    assert TASK_FILES["copy"]["json"] == {"task": "copy", "controller_size": 100, "memory_units": 128, "memory_unit_size": 20,
                                          "num_heads": 1, "seq_width": 8, "min_seq_len": 1, "max_seq_len": 20}
    assert TASK_FILES["repeatcopy"]["json"]["max_repeat"] == 10 and TASK_FILES["repeatcopy"]["json"]["max_seq_len"] == 10
    assert TASK_FILES["associative"]["json"]["seq_len"] == 3 and TASK_FILES["associative"]["json"]["max_item"] == 6
    assert TASK_FILES["prioritysort"]["json"]["num_heads"] == 5 and TASK_FILES["prioritysort"]["json"]["controller_size"] == 200
    assert (TASK_FILES["prioritysort"]["json"]["input_seq_len"], TASK_FILES["prioritysort"]["json"]["target_seq_len"]) == (20, 16)


def test_generators_and_models_follow_the_json():
    for task in TASKS:
        json, model = TASK_FILES[task]["json"], TASK_FILES[task]["model"]
        assert (model["controller_size"], model["memory_units"], model["memory_unit_size"], model["heads"]) == (
            json["controller_size"], json["memory_units"], json["memory_unit_size"], json["num_heads"])
        assert build_task(task).width == json["seq_width"]


def test_shipped_models_iterations_and_counts():
    """README ('trained upto 500k iterations ... 100k'), saved_models/*.pt names and sizes."""
    assert {t: TASK_FILES[t]["iterations"] for t in TASKS} == {
        "copy": 500_000, "repeatcopy": 100_000, "associative": 100_000, "prioritysort": 100_000}
    assert {t: TASK_FILES[t]["parameters"] for t in TASKS} == {
        "copy": 68_580, "repeatcopy": 68_701, "associative": 67_538, "prioritysort": 349_588}
    assert TASK_FILES["copy"]["checkpoint"] == "saved_models/saved_model_copy_500000.pt"


def test_evaluation_ranges_of_evaluate_py():
    assert TASK_FILES["copy"]["evaluation"] == {"min_seq_len": 20, "max_seq_len": 120}
    assert TASK_FILES["repeatcopy"]["evaluation"] == {"min_seq_len": 10, "max_seq_len": 20, "min_repeat": 10, "max_repeat": 20}
    assert TASK_FILES["associative"]["evaluation"] == {"min_item": 6, "max_item": 20}


def test_training_settings_of_train_py_and_args_py():
    facts = training_facts()
    assert facts["optimizer"] == "rmsprop" and facts["learning_rate"] == 1e-4
    assert facts["optimizer_options"] == {"alpha": 0.95, "momentum": 0.9, "eps": 1e-8}
    assert (facts["clip_grad_value"], facts["batch_size"], facts["log_interval"], facts["smoothing"]) == (10.0, 1, 200, 0.6)


def test_generalisation_sweeps_reach_the_repositorys_evaluation_ranges():
    """Beyond training, up to evaluate.py's (high-exclusive) ranges: copy 119, repeat copy 19, items 19."""
    top = {task: max(max(s.values()) for sweep in FIGURES[task]["generalisation"] for s in sweep_settings(sweep))
           for task in ("copy", "repeatcopy", "associative")}
    assert top == {"copy": 119, "repeatcopy": 19, "associative": 19}
    assert FIGURES["prioritysort"]["generalisation"] == []


def test_published_statements():
    assert STATEMENTS["paper"]["parameters"] == {"copy": 67561, "repeatcopy": 66111, "associative": 70330,
                                                 "ngrams": 61749, "prioritysort": 269038}
    assert STATEMENTS["paper"]["verified"] is False
    assert STATEMENTS["readme"]["copy"]["curve"]["readout"] is True
