# The division paper's arithmetic MNIST experiment: config section, blocks, output paths and the
# input functions of its rules (workflow/rules/division_mnist.smk). Its facts (task, heads,
# figures) are nalm/papers/division/mnist.yaml's.

DIVISION_MNIST_CONFIG = paper_section("division_mnist")
DIVISION_MNIST_PAPER = read_paper_yaml("division", "mnist.yaml")

#: every path the arithmetic MNIST rules write, defined once
DIVISION_MNIST_PATHS = {
    "runs": "results/runs/division/mnist/{head}",
    "manifest": "results/runs/division/mnist/{head}/blocks/{block}.txt",
    "selected": "results/tables/division/mnist_selected.csv",
    "summary": "results/tables/division/mnist_summary.csv",
    "figure": "results/figures/division/{figure}.pdf",
    "plot_data": "results/figures/division/{figure}_plot_data.csv",
    "latex": "results/figures/division/{figure}.tex",
}
DIVISION_MNIST_WILDCARDS = {
    "head": "|".join(DIVISION_MNIST_PAPER["heads"]),
    "block": r"f[0-9]+(-[0-9]+)?(_[0-9]+(-[0-9]+)?)*",
    "figure": "|".join(DIVISION_MNIST_PAPER["figures"]),
}


def _runs_of(folds):
    """Consecutive stretches of `folds`, for a short block id (1,2,3,5 -> [1,2,3], [5])."""
    stretches = []
    for fold in folds:
        if stretches and fold == stretches[-1][-1] + 1:
            stretches[-1].append(fold)
        else:
            stretches.append([fold])
    return stretches


def _division_mnist_blocks():
    """block id -> folds: folds of one training size (KFold gives the first 81 % 10 folds one
    more test pair), cut into jobs of at most block.folds folds."""
    task = DIVISION_MNIST_PAPER["task"]
    pairs, folds = len(task["digits"]) ** 2, task["folds"]
    classes = {}
    for fold in sorted(DIVISION_MNIST_CONFIG["folds"]):
        classes.setdefault(fold < pairs % folds, []).append(fold)
    blocks = {}
    for members in classes.values():
        for chunk in chunks(members, DIVISION_MNIST_CONFIG["block"]["folds"]):
            blocks["f" + "_".join(seed_list(run) for run in _runs_of(chunk))] = chunk
    return blocks


DIVISION_MNIST_BLOCKS = _division_mnist_blocks()
DIVISION_MNIST_HEADS = list(DIVISION_MNIST_CONFIG["heads"])


def division_mnist_targets():
    return [DIVISION_MNIST_PATHS["figure"].format(figure=figure) for figure in DIVISION_MNIST_PAPER["figures"]]


PAPER_TARGETS["division_mnist"] = division_mnist_targets


# ---------------------------------------------------------------- input functions


def division_mnist_run_dirs(head, folds=None):
    root = DIVISION_MNIST_PATHS["runs"].format(head=head)
    return [f"{root}/fold{fold}/seed{fold}" for fold in (folds or sorted(DIVISION_MNIST_CONFIG["folds"]))]


def division_mnist_train_arguments(wildcards):
    """Everything that decides a block's numbers, shell-quoted (a param: a change retrains it)."""
    arguments = [
        "--head", wildcards.head,
        "--folds", seed_list(DIVISION_MNIST_BLOCKS[wildcards.block]),
        "--epochs", str(DIVISION_MNIST_CONFIG["epochs"]),
        "--samples-per-pair", str(DIVISION_MNIST_CONFIG["samples_per_pair"]),
        "--execution", DIVISION_MNIST_CONFIG["execution"],
        "--device", config["device"],
    ]  # fmt: skip
    if DIVISION_MNIST_CONFIG["mnist_dir"]:
        arguments += ["--mnist-dir", DIVISION_MNIST_CONFIG["mnist_dir"]]
    return shlex.join(arguments)


def division_mnist_block_metrics(wildcards):
    folds = DIVISION_MNIST_BLOCKS[wildcards.block]
    return " ".join(f"{run}/metrics.csv" for run in division_mnist_run_dirs(wildcards.head, folds))


def division_mnist_train_runtime(wildcards, attempt):
    """Minutes for a cluster's wall-time limit: ~100 image pairs/s per CPU core, doubled per retry."""
    pairs = 73 * DIVISION_MNIST_CONFIG["samples_per_pair"] * (DIVISION_MNIST_CONFIG["epochs"] + 1)
    runs = len(DIVISION_MNIST_BLOCKS[wildcards.block])
    return attempt * (10 + runs * pairs * 14 // (100 * 60 * 10))


def division_mnist_train_mem_mb(wildcards, attempt):
    return attempt * (3000 + 600 * len(DIVISION_MNIST_BLOCKS[wildcards.block]))


def division_mnist_manifests(wildcards):
    return [
        DIVISION_MNIST_PATHS["manifest"].format(head=head, block=block)
        for head in DIVISION_MNIST_HEADS
        for block in DIVISION_MNIST_BLOCKS
    ]


def division_mnist_all_run_dirs(wildcards):
    return " ".join(run for head in DIVISION_MNIST_HEADS for run in division_mnist_run_dirs(head))
