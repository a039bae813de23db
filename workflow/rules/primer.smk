# The Primer's single-module benchmark, figures 14-20 (Mistry, Farrahi & Hare, JMLR 2022):
#
#   nalm thresholds (per figure) -> results/thresholds/<figure>.csv
#   nalm train (per block: range pairs x seeds of one experiment) -> results/runs/<experiment>/
#   nalm export (per experiment) -> results/tables/<experiment>.csv
#   nalm summarize + nalm plot (per figure) -> results/figures/<figure>.pdf (+ plot data, LaTeX)
#
# The experiments and figures are the paper package's (nalm/papers/primer/experiments.tsv,
# figures.yaml); the config section `primer` chooses range pairs, seeds, blocks and may override
# single experiments (config/README.md).

include: "helpers/primer.smk"


# ---------------------------------------------------------------- rules


localrules:
    primer_thresholds,
    primer_summarize,
    primer_plot,


# Monte Carlo success thresholds: one small file per figure with exactly the cases it needs.
# Inputs of the summary only, so regenerating them never retrains anything.
rule primer_thresholds:
    output:
        PRIMER_PATHS["thresholds"],
    params:
        cases=primer_threshold_cases,
        epsilon=PRIMER_CONFIG["thresholds"]["epsilon"],
        samples=PRIMER_CONFIG["thresholds"]["samples"],
        seed=PRIMER_CONFIG["thresholds"]["seed"],
    wildcard_constraints:
        figure=PRIMER_WILDCARDS["figure"],
    log:
        "results/logs/thresholds/{figure}.log",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "nalm thresholds {params.cases} --epsilon {params.epsilon}"
        " --samples {params.samples} --seed {params.seed} --out {output} > {log} 2>&1"


# One job trains one block as one vectorised program. Every run writes its own directory
# results/runs/<experiment>/<range-id>/seed<k>/ (docs/run-format.md); the job's declared output
# is a manifest listing every run file with its size, written by `nalm train` once all of them
# exist. Before planning, the export compares each manifest with the disk (primer_manifests).
PRIMER_TRAIN = "nalm train {params.arguments} --threads {threads} --out {params.out} --manifest {params.manifest}"
#: after a command's output in {log}: on failure, its one-line error on the console too
ERROR_LINE = " > {log} 2>&1 || {{ tail -n 1 {log} >&2; exit 1; }}"


rule primer_train:
    output:
        manifest=PRIMER_PATHS["manifest"],
    params:
        arguments=primer_train_arguments,
        revision=lambda wildcards: PRIMER_EXPERIMENTS[wildcards.experiment]["revision"],
        manifest=primer_manifest,
        out=lambda wildcards: PRIMER_PATHS["runs"].format(experiment=wildcards.experiment),
    wildcard_constraints:
        experiment=PRIMER_WILDCARDS["experiment"],
        block=PRIMER_WILDCARDS["block"],
    log:
        "results/logs/train/{experiment}/{block}.log",
    benchmark:
        "results/benchmarks/train/{experiment}/{block}.tsv"
    threads: primer_train_threads
    priority: primer_train_priority
    resources:
        mem_mb=primer_train_mem_mb,
        runtime=primer_train_runtime,
    conda:
        "../../envs/nalm.yaml"
    shell:
        f"{PRIMER_TRAIN}{ERROR_LINE}"


# A block whose runs were deleted or damaged after training (a file of its manifest missing or of
# another size) is trained again here, with the same arguments (the same bytes on the CPU), when
# the export asks for the block's next retrain marker (primer_manifests). The manifest is an
# ancient() input: the repair waits for a train job of the same block, but a newer manifest never
# reruns it.
rule primer_retrain:
    input:
        ancient(PRIMER_PATHS["manifest"]),
    output:
        PRIMER_PATHS["retrain"],
    params:
        arguments=primer_train_arguments,
        manifest=primer_manifest,
        out=lambda wildcards: PRIMER_PATHS["runs"].format(experiment=wildcards.experiment),
    wildcard_constraints:
        experiment=PRIMER_WILDCARDS["experiment"],
        block=PRIMER_WILDCARDS["block"],
        n=r"[0-9]+",
    log:
        "results/logs/train/{experiment}/{block}.retrain{n}.log",
    threads: primer_train_threads
    resources:
        mem_mb=primer_train_mem_mb,
        runtime=primer_train_runtime,
    conda:
        "../../envs/nalm.yaml"
    shell:
        f"{PRIMER_TRAIN}{ERROR_LINE}\n"
        "echo 'block retrained: its runs no longer matched {input}' > {output}"


# One job per experiment reads all its runs into one tidy CSV. The run directories are passed
# explicitly, so runs left over from another config are never picked up, and a missing or
# damaged one fails the job naming it (nalm export); --unmark-damaged removes that run's
# metrics.csv, so that the next `snakemake` trains its block again (primer_manifests).
rule primer_export:
    input:
        primer_manifests,
    output:
        PRIMER_PATHS["table"],
    params:
        runs=lambda wildcards: " ".join(primer_run_dirs(wildcards.experiment)),
    wildcard_constraints:
        experiment=PRIMER_WILDCARDS["experiment"],
    log:
        "results/logs/export/{experiment}.log",
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 2000 * attempt,
        runtime=lambda wildcards, attempt: 20 * attempt,
    conda:
        "../../envs/nalm.yaml"
    shell:
        f"nalm export {{params.runs}} --unmark-damaged --jobs {{threads}} --out {{output}}{ERROR_LINE}"


# Per figure: the summary statistics of its experiments' tables against its thresholds, then
# the three-panel plot with its plot data and LaTeX table.
rule primer_summarize:
    input:
        tables=primer_figure_tables,
        thresholds=PRIMER_PATHS["thresholds"],
    output:
        report(
            PRIMER_PATHS["summary"],
            caption="../report/primer_summary.rst",
            category="Primer: single-module benchmark",
            subcategory="{figure}",
            labels={"file": "per-cell summary (CSV)"},
        ),
    wildcard_constraints:
        figure=PRIMER_WILDCARDS["figure"],
    log:
        "results/logs/summarize/{figure}.log",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "nalm summarize {input.tables} --thresholds {input.thresholds} --out {output}"
        " > {log} 2>&1"


rule primer_plot:
    input:
        PRIMER_PATHS["summary"],
    output:
        pdf=report(
            PRIMER_PATHS["figure"],
            caption="../report/primer_figure.rst",
            category="Primer: single-module benchmark",
            subcategory="{figure}",
            labels={"file": "figure (PDF)"},
        ),
        data=report(
            PRIMER_PATHS["plot_data"],
            caption="../report/primer_plot_data.rst",
            category="Primer: single-module benchmark",
            subcategory="{figure}",
            labels={"file": "plot data (CSV)"},
        ),
        table=report(
            PRIMER_PATHS["latex"],
            caption="../report/primer_latex.rst",
            category="Primer: single-module benchmark",
            subcategory="{figure}",
            labels={"file": "LaTeX table"},
        ),
    params:
        figure=lambda wildcards: PRIMER_FIGURES[wildcards.figure]["id"],
        title=lambda wildcards: PRIMER_FIGURES[wildcards.figure]["title"],
        experiments=primer_figure_caption_lines,
    wildcard_constraints:
        figure=PRIMER_WILDCARDS["figure"],
    log:
        "results/logs/plot/{figure}.log",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "SOURCE_DATE_EPOCH=0 nalm plot {input} --figure {params.figure} --out {output.pdf}"
        " > {log} 2>&1"
