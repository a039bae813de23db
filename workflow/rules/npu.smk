# Neural Power Units (Heim, Pevný & Šmídl, NeurIPS 2020, arXiv 2006.01681; originals:
# nmheim/NeuralArithmetic.jl examples/npu.jl, nmheim/NeuralPowerUnits scripts/simple/ and
# scripts/arithmetic/):
#
#   nalm npu-train (per model, and task)  -> results/runs/npu/<experiment>/[<task>/]<model>/seed<k>/
#   nalm npu-report example               -> results/figures/npu/npu_example.pdf
#   nalm npu-report layers                -> results/figures/npu/npu_layers.pdf, results/tables/npu/layers_error.{csv,tex}
#   nalm npu-report arithmetic100         -> results/figures/npu/npu_arithmetic100_pareto.pdf,
#                                            results/tables/npu/arithmetic100_mse.csv, arithmetic100_test_mse.tex
#
# Models, tasks and published numbers are nalm/papers/npu/'s; the config section `npu` chooses
# seeds, updates, models, tasks and the code/paper settings (config/README.md).

include: "helpers/npu.smk"


localrules:
    npu_example_figure,
    npu_layers_report,
    npu_arithmetic100_report,


# One job trains every seed of one model (and task) as one vectorised program; each run writes
# its own directory; the declared output is a manifest listing the runs' metrics.csv, written
# only once all exist (metrics.csv is renamed into place last).
rule npu_train:
    output:
        manifest=NPU_PATHS["manifest"],
    params:
        arguments=npu_train_arguments,
        metrics=npu_block_metrics,
        out=npu_block_out,
    wildcard_constraints:
        experiment=NPU_WILDCARDS["experiment"],
        block=NPU_WILDCARDS["block"],
    log:
        "results/logs/npu/train/{experiment}/{block}.log",
    benchmark:
        "results/benchmarks/npu/train/{experiment}/{block}.tsv"
    threads: 1
    priority: npu_train_priority
    resources:
        mem_mb=npu_train_mem_mb,
        runtime=npu_train_runtime,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "nalm npu-train {params.arguments} --threads {threads} --out {params.out} > {log} 2>&1"
        " && ls -1 {params.metrics} > {output.manifest}"


rule npu_example_figure:
    input:
        npu_manifests("example"),
    output:
        pdf=report(
            NPU_PATHS["example_figure"],
            caption="../report/npu_example.rst",
            category="Neural Power Units",
            subcategory="example",
            labels={"file": "figure (PDF)"},
        ),
        data=report(
            NPU_PATHS["example_data"],
            caption="../report/npu_plot_data.rst",
            category="Neural Power Units",
            subcategory="example",
            labels={"file": "plot data (CSV)"},
        ),
    params:
        runs=npu_run_dirs("example"),
    log:
        "results/logs/npu/example_figure.log",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "SOURCE_DATE_EPOCH=0 nalm npu-report example {params.runs} --figure {output.pdf}"
        " --plot-data {output.data} > {log} 2>&1"


# Table A2 beside ours and the 4 x 6 error grid of every model's best run (smallest summed val).
rule npu_layers_report:
    input:
        npu_manifests("layers"),
    output:
        pdf=report(
            NPU_PATHS["layers_figure"],
            caption="../report/npu_layers.rst",
            category="Neural Power Units",
            subcategory="layers",
            labels={"file": "figure (PDF)"},
        ),
        data=report(
            NPU_PATHS["layers_data"],
            caption="../report/npu_plot_data.rst",
            category="Neural Power Units",
            subcategory="layers",
            labels={"file": "plot data (CSV)"},
        ),
        table=report(
            NPU_PATHS["layers_table"],
            caption="../report/npu_table.rst",
            category="Neural Power Units",
            subcategory="layers",
            labels={"file": "table beside the published (CSV)"},
        ),
        latex=report(
            NPU_PATHS["layers_latex"],
            caption="../report/npu_table.rst",
            category="Neural Power Units",
            subcategory="layers",
            labels={"file": "LaTeX table"},
        ),
    params:
        runs=npu_run_dirs("layers"),
    log:
        "results/logs/npu/layers_report.log",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "SOURCE_DATE_EPOCH=0 nalm npu-report layers {params.runs} --figure {output.pdf} --plot-data {output.data}"
        " --table {output.table} --latex {output.latex} > {log} 2>&1"


# The testing and training MSE (median ± MAD of the kept runs) beside the published tables, and
# the Pareto figure of testing MSE against active parameters.
rule npu_arithmetic100_report:
    input:
        npu_manifests("arithmetic100"),
    output:
        pdf=report(
            NPU_PATHS["pareto_figure"],
            caption="../report/npu_arithmetic100.rst",
            category="Neural Power Units",
            subcategory="arithmetic100",
            labels={"file": "figure (PDF)"},
        ),
        data=report(
            NPU_PATHS["pareto_data"],
            caption="../report/npu_plot_data.rst",
            category="Neural Power Units",
            subcategory="arithmetic100",
            labels={"file": "plot data (CSV)"},
        ),
        table=report(
            NPU_PATHS["arithmetic100_table"],
            caption="../report/npu_table.rst",
            category="Neural Power Units",
            subcategory="arithmetic100",
            labels={"file": "table beside the published (CSV)"},
        ),
        latex=report(
            NPU_PATHS["arithmetic100_latex"],
            caption="../report/npu_table.rst",
            category="Neural Power Units",
            subcategory="arithmetic100",
            labels={"file": "LaTeX table (testing MSE)"},
        ),
    params:
        runs=npu_run_dirs("arithmetic100"),
        keep=NPU_CONFIG["arithmetic100"]["keep_best"],
    log:
        "results/logs/npu/arithmetic100_report.log",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "SOURCE_DATE_EPOCH=0 nalm npu-report arithmetic100 {params.runs} --keep-best {params.keep}"
        " --figure {output.pdf} --plot-data {output.data} --table {output.table} --latex {output.latex}"
        " > {log} 2>&1"
