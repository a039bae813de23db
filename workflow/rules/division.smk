# The division-module paper's single-module studies (Mistry, Farrahi & Hare, "Exploring the
# Learning Mechanisms of Neural Division Modules", TMLR 2022; bmistry4/nalm-division):
#
#   nalm train (per block: range pairs x seeds of one experiment) -> results/runs/division/<experiment>/
#   nalm export --reader division (per experiment) -> results/tables/division/<experiment>.csv
#   nalm division-summary + division-plot (per figure) -> results/figures/division/<figure>.pdf
#       (+ _plot_data.csv, .tex)
#   nalm gold-errors -> results/figures/division/divby0_gold_errors.pdf (+ data, .tex, thresholds)
#
# The experiments, range sets, thresholds and figures are the paper package's
# (nalm/papers/division/); the config section `division` chooses seeds, range pairs, blocks and
# may override single experiments (config/README.md).

include: "helpers/division.smk"


localrules:
    division_summarize,
    division_plot,
    division_gold_errors,


# One job trains one block of one experiment as one vectorised program; its declared output is a
# manifest of the runs' metrics.csv, written only once every one of them exists.
rule division_train:
    output:
        manifest=DIVISION_PATHS["manifest"],
    params:
        arguments=division_train_arguments,
        revision=lambda wildcards: DIVISION_EXPERIMENTS[wildcards.experiment]["revision"],
        metrics=division_block_metrics,
        out=lambda wildcards: DIVISION_PATHS["runs"].format(experiment=wildcards.experiment),
    wildcard_constraints:
        experiment=DIVISION_WILDCARDS["experiment"],
        block=DIVISION_WILDCARDS["block"],
    log:
        "results/logs/division/train/{experiment}/{block}.log",
    benchmark:
        "results/benchmarks/division/train/{experiment}/{block}.tsv"
    threads: division_train_threads
    priority: division_train_priority
    resources:
        mem_mb=division_train_mem_mb,
        runtime=division_train_runtime,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "nalm train {params.arguments} --threads {threads} --out {params.out} > {log} 2>&1"
        " && ls -1 {params.metrics} > {output.manifest}"


# One job per experiment: its runs' event files to one CSV, with the division paper's exporter
# rules (an NPU's W_im sparsity error is added to W_re's).
rule division_export:
    input:
        division_manifests,
    output:
        DIVISION_PATHS["table"],
    params:
        runs=lambda wildcards: " ".join(division_run_dirs(wildcards.experiment)),
    wildcard_constraints:
        experiment=DIVISION_WILDCARDS["experiment"],
    log:
        "results/logs/division/export/{experiment}.log",
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 2000 * attempt,
        runtime=lambda wildcards, attempt: 20 * attempt,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "nalm export {params.runs} --reader division --jobs {threads} --out {output} > {log} 2>&1"


# Per figure: the paper's selection rule and thresholds over its series' tables, then the plot.
rule division_summarize:
    input:
        division_figure_tables,
    output:
        report(
            DIVISION_PATHS["summary"],
            caption="../report/division_summary.rst",
            category="Division modules: single-module studies",
            subcategory="{figure}",
            labels={"file": "per-cell summary (CSV)"},
        ),
    params:
        tables=division_table_flags,
    wildcard_constraints:
        figure=DIVISION_WILDCARDS["figure"],
    log:
        "results/logs/division/summarize/{figure}.log",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "nalm division-summary --figure {wildcards.figure} {params.tables} --out {output} > {log} 2>&1"


rule division_plot:
    input:
        DIVISION_PATHS["summary"],
    output:
        pdf=report(
            DIVISION_PATHS["figure"],
            caption="../report/division_figure.rst",
            category="Division modules: single-module studies",
            subcategory="{figure}",
            labels={"file": "figure (PDF)"},
        ),
        data=report(
            DIVISION_PATHS["plot_data"],
            caption="../report/division_plot_data.rst",
            category="Division modules: single-module studies",
            subcategory="{figure}",
            labels={"file": "plot data (CSV)"},
        ),
        table=report(
            DIVISION_PATHS["latex"],
            caption="../report/division_latex.rst",
            category="Division modules: single-module studies",
            subcategory="{figure}",
            labels={"file": "LaTeX table"},
        ),
    params:
        title=lambda wildcards: DIVISION_FIGURES[wildcards.figure]["title"],
        experiments=division_figure_caption_lines,
    wildcard_constraints:
        figure=DIVISION_WILDCARDS["figure"],
    log:
        "results/logs/division/plot/{figure}.log",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "SOURCE_DATE_EPOCH=0 nalm division-plot {input} --figure {wildcards.figure} --out {output.pdf} > {log} 2>&1"


# The gold weights' test errors near zero (no training), and the division-by-small-numbers
# thresholds recomputed from them (compared with the paper's in tests/unit/analysis).
rule division_gold_errors:
    output:
        pdf=report(
            DIVISION_PATHS["gold"],
            caption="../report/division_gold_errors.rst",
            category="Division modules: single-module studies",
            subcategory="divby0_gold_errors",
            labels={"file": "figure (PDF)"},
        ),
        data=report(
            DIVISION_PATHS["gold_data"],
            caption="../report/division_gold_errors_data.rst",
            category="Division modules: single-module studies",
            subcategory="divby0_gold_errors",
            labels={"file": "plot data (CSV)"},
        ),
        table=report(
            DIVISION_PATHS["gold_latex"],
            caption="../report/division_gold_errors_data.rst",
            category="Division modules: single-module studies",
            subcategory="divby0_gold_errors",
            labels={"file": "LaTeX table"},
        ),
        thresholds=report(
            DIVISION_PATHS["gold_thresholds"],
            caption="../report/division_gold_errors_data.rst",
            category="Division modules: single-module studies",
            subcategory="divby0_gold_errors",
            labels={"file": "success thresholds (CSV)"},
        ),
    log:
        "results/logs/division/gold_errors.log",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "SOURCE_DATE_EPOCH=0 nalm gold-errors --out {output.pdf} --thresholds-out {output.thresholds} > {log} 2>&1"
