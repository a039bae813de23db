"""Every number of the NALU paper's reproduction that nalm relies on, pinned to its file in
`nkarasovd/Neural_Arithmetic_Logic_Units` (HEAD 86d5bfc); paper: Trask et al., "Neural Arithmetic
Logic Units", NeurIPS 2018 (arXiv 1808.00508)."""

from nalm.papers import read_yaml

EXPERIMENTS = read_yaml("nalu", "experiments.yaml")
PUBLISHED = read_yaml("nalu", "published.yaml")
SETTINGS = read_yaml("nalu", "settings.yaml")


def test_identity_constants_of_train_mlp_py():
    identity = EXPERIMENTS["identity"]
    # TRAIN_BORDERS = [-5, 6], TEST_BORDERS = [-20, 21] through torch.arange
    assert identity["train_integers"] == [-5, 5] and identity["test_integers"] == [-20, 20]
    # MAX_ITERATIONS = 10000, LEARNING_RATE = 1e-2, Adam; range(100) models; MLP(1, 1, 3, 8)
    assert (identity["iterations"], identity["learning_rate"], identity["optimizer"]) == (10000, 0.01, "adam")
    assert (identity["models"], identity["hidden_layers"], identity["hidden_size"]) == (100, 3, 8)
    # src/utils.py ACTIVATIONS ('Threshold' commented out)
    assert identity["activations"] == ["Hardtanh", "Sigmoid", "ReLU6", "Tanh", "Tanhshrink", "Hardshrink",
                                       "LeakyReLU", "Softshrink", "Softsign", "ReLU", "PReLU", "Softplus",
                                       "ELU", "SELU"]


def test_static_constants_of_simple_function_learning_py():
    static = EXPERIMENTS["static"]
    # VECTOR_SIZE = 100; M, N = 0, 10; P, Q = 60, 100
    assert (static["vector_size"], static["a"], static["b"]) == (100, [0, 10], [60, 100])
    # generate_data(fn_str, 0.5, 50000, 5000); test bound right_bound * 5
    assert (static["train_bound"], static["train_samples"], static["test_samples"]) == (0.5, 50000, 5000)
    assert static["extrapolation_factor"] == 5
    # evaluate: Adam(lr=1e-2), train(..., int(1e5)); models 2 -> 2 -> 1
    assert (static["iterations"], static["learning_rate"], static["optimizer"]) == (100000, 0.01, "adam")
    assert (static["hidden_layers"], static["hidden_size"]) == (1, 2)
    # random_baseline(n_repeat=20), MLP(..., activation='relu')
    assert (static["baseline_models"], static["baseline_activation"]) == (20, "ReLU")
    # ARITHMETIC_FUNCTIONS order; README row labels
    assert [f["label"] for f in static["functions"].values()] == ["a + b", "a - b", "a x b", "a / b", "a ^ 2", "sqrt(a)"]


def test_language_constants_of_the_language_models():
    language = EXPERIMENTS["language"]
    # databuilder.py: range(0, 1000); split size=(169, 200, 631); include = range(20), range(20, 101, 10), 123
    assert language["numbers"] == [0, 999]
    assert language["split"] == {"train": 169, "validation": 200, "test": 631}
    assert language["always_train"] == list(range(20)) + list(range(20, 101, 10)) + [123]
    # numbers_representation.py NUMBER_CODES
    assert language["vocabulary"][:4] == ["", "minus", "zero", "one"]
    assert language["vocabulary"][22] == "twenty" and language["vocabulary"][29] == "ninety"
    assert language["vocabulary"][30:] == ["and", ",", "hundred"] and len(language["vocabulary"]) == 33
    # model.py / main.py: LanguageModel(len, 32, 1, ...), Adam(lr=1e-3), 100 x train(30)
    assert (language["embedding_size"], language["hidden_size"]) == (32, 32)
    assert (language["learning_rate"], language["evaluations"]) == (0.001, 100)
    assert (language["passes_per_evaluation"], language["samples_per_step"]) == (30, 30)
    assert language["mae_excluded_above"] == 1e9  # train.py: `out <= 1e+9`


def test_published_static_tables_of_src_results():
    static = PUBLISHED["static"]
    assert static["models"] == ["relu6", "none", "nac", "nalu"]  # header "Relu6 None NAC NALU"
    # src/results/interpolation.txt
    assert static["interpolation"] == {
        "add": [0.001, 0.000, 0.000, 0.002], "sub": [14.814, 0.054, 0.000, 0.000],
        "mul": [20.160, 1.630, 8.163, 0.210], "div": [3.673, 0.372, 1.515, 0.008],
        "square": [3.307, 4.094, 7.943, 0.215], "sqrt": [0.396, 0.407, 2.628, 0.068],
    }
    # src/results/extrapolation.txt
    assert static["extrapolation"] == {
        "add": [75.051, 0.013, 0.008, 0.000], "sub": [84.235, 0.001, 0.046, 0.000],
        "mul": [96.092, 64.749, 80.187, 53.327], "div": [14.941, 3.470, 16.827, 2.702],
        "square": [96.660, 67.518, 80.774, 54.451], "sqrt": [13.923, 16.103, 53.275, 0.403],
    }


def test_published_language_table_of_src_results():
    # src/results/language_models.txt: rows LSTM and LSTM_NALU
    assert PUBLISHED["language"]["lstm-linear"] == {"train": 111.6033, "validation": 141.3215, "test": 140.4769}
    assert PUBLISHED["language"]["lstm-nalu"] == {"train": 0.6885, "validation": 0.6727, "test": 0.7218}


def test_settings_differ_where_the_reproduction_departs_from_the_paper():
    reproduction, paper = SETTINGS["reproduction"], SETTINGS["paper"]
    assert (reproduction["static"]["input"], paper["static"]["input"]) == ("pair", "vector")
    assert reproduction["static"]["models"]["nalu"]["module"] == "NALU-nkarasovd"
    assert paper["static"]["models"]["nalu"]["module"] == "NALU-xavier"
    assert reproduction["language"]["models"]["lstm-nalu"]["network"] == "BigramNALU"  # no LSTM
    assert paper["language"]["models"]["lstm-nalu"]["network"] == "LSTMNALU"
    assert reproduction["language"]["models"]["lstm-linear"] == paper["language"]["models"]["lstm-linear"]
    for setting in (reproduction, paper):
        assert list(setting["static"]["models"]) == PUBLISHED["static"]["models"]
        assert list(setting["language"]["models"]) == ["lstm-linear", "lstm-nalu"]


def test_every_training_job_kind_has_a_measured_step_cost():
    # step_costs.yaml orders the training jobs (their Snakemake priority, workflow/rules/helpers/
    # nalu.smk): every static model of each setting and every language network has a positive cost
    costs = read_yaml("nalu", "step_costs.yaml")
    assert costs["identity"] > 0 and costs["static_samples"] == 512
    for setting, definition in SETTINGS.items():
        assert set(costs["static"][setting]) == set(definition["static"]["models"])
        assert all(cost > 0 for cost in costs["static"][setting].values())
    networks = {model["network"] for definition in SETTINGS.values() for model in definition["language"]["models"].values()}
    assert set(costs["language"]) == networks
    assert all(cost > 0 for cost in costs["language"].values())
