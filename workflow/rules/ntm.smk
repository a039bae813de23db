# Neural Turing Machine tasks (Graves, Wayne & Danihelka, arXiv 1410.5401) as kdexd/ntm-pytorch
# trains and evaluates them: copy, repeat copy, associative recall, priority sort.
#
#   nalm ntm-train (per task and block of seeds) -> results/runs/ntm/<task>/seed<k>/ (+ checkpoint.npz)
#   nalm ntm-evaluate (ours + the repository's trained model) -> results/tables/ntm/<task>_generalisation.csv
#   nalm ntm-plot all (per task) -> results/figures/ntm/<task>_{learning_curve,generalisation,bitmaps}.pdf
#   nalm ntm-plot curve (copy, beside the repository's own runs) -> results/figures/ntm/copy_vs_original.pdf
#
# The config section `ntm` is the budget (config/README.md); evaluation reads the checkpoints,
# so it reruns without retraining.

include: "helpers/ntm.smk"


localrules:
    ntm_figures,
    ntm_copy_vs_original,


# One job trains a block of seeds of one task as one program; each run writes its directory and
# checkpoint; the declared output is a manifest of the runs' metrics.csv (written last).
rule ntm_train:
    output:
        manifest=NTM_PATHS["manifest"],
    params:
        arguments=ntm_train_arguments,
        revision=NTM_CONFIG["revision"],
        metrics=ntm_block_metrics,
        out=lambda wildcards: NTM_PATHS["runs"],
    wildcard_constraints:
        task=NTM_WILDCARDS["task"],
        block=NTM_WILDCARDS["block"],
    log:
        "results/logs/ntm/train/{task}/{block}.log",
    benchmark:
        "results/benchmarks/ntm/train/{task}/{block}.tsv"
    threads: 1
    priority: ntm_train_priority
    resources:
        mem_mb=ntm_train_mem_mb,
        runtime=ntm_train_runtime,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "nalm ntm-train {params.arguments} --threads {threads} --out {params.out} > {log} 2>&1"
        " && ls -1 {params.metrics} > {output.manifest}"


# Ours and the repository's trained model on the same sequences, many per setting. Reads the
# checkpoints only: changing the evaluation never retrains.
rule ntm_evaluate:
    input:
        manifests=ntm_manifests,
        original=NTM_ORIGINAL_MODEL,
    output:
        report(
            NTM_PATHS["table"],
            caption="../report/ntm_generalisation_table.rst",
            category="Neural Turing Machines",
            subcategory="{task}",
            labels={"file": "generalisation table (CSV)"},
        ),
    params:
        runs=lambda wildcards: " ".join(ntm_run_dirs(wildcards.task)),
        sequences=NTM_CONFIG["evaluation"]["sequences"],
        seed=NTM_CONFIG["evaluation"]["seed"],
    wildcard_constraints:
        task=NTM_WILDCARDS["task"],
    log:
        "results/logs/ntm/evaluate/{task}.log",
    benchmark:
        "results/benchmarks/ntm/evaluate/{task}.tsv"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
        runtime=lambda wildcards, attempt: 60 * attempt,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "nalm ntm-evaluate --task {wildcards.task} --runs {params.runs} --original {input.original}"
        " --sequences {params.sequences} --seed {params.seed} --threads {threads} --out {output} > {log} 2>&1"


# The task's three figures in one job: learning curve (runs), generalisation (the table),
# bitmaps (one long sequence through the median run's checkpoint and the repository's model).
rule ntm_figures:
    input:
        manifests=ntm_manifests,
        table=NTM_PATHS["table"],
        original=NTM_ORIGINAL_MODEL,
    output:
        curve=report(
            NTM_PATHS["curve"],
            caption="../report/ntm_figure.rst",
            category="Neural Turing Machines",
            subcategory="{task}",
            labels={"file": "learning curve (PDF)"},
        ),
        generalisation=report(
            NTM_PATHS["generalisation"],
            caption="../report/ntm_figure.rst",
            category="Neural Turing Machines",
            subcategory="{task}",
            labels={"file": "generalisation (PDF)"},
        ),
        bitmaps=report(
            NTM_PATHS["bitmaps"],
            caption="../report/ntm_figure.rst",
            category="Neural Turing Machines",
            subcategory="{task}",
            labels={"file": "bitmaps (PDF)"},
        ),
        data=[
            report(
                NTM_PATHS[f"{kind}_data"],
                caption="../report/ntm_plot_data.rst",
                category="Neural Turing Machines",
                subcategory="{task}",
                labels={"file": f"{name} plot data (CSV)"},
            )
            for kind, name in (("curve", "learning curve"), ("generalisation", "generalisation"), ("bitmaps", "bitmaps"))
        ],
    params:
        runs=lambda wildcards: " ".join(ntm_run_dirs(wildcards.task)),
        seed=NTM_CONFIG["evaluation"]["seed"],
        out=lambda wildcards, output: str(Path(output.curve).parent),
    wildcard_constraints:
        task=NTM_WILDCARDS["task"],
    log:
        "results/logs/ntm/figures/{task}.log",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "SOURCE_DATE_EPOCH=0 nalm ntm-plot all --task {wildcards.task} --runs {params.runs} --table {input.table}"
        " --original {input.original} --seed {params.seed} --out {params.out} > {log} 2>&1"


# Validation: our copy runs beside the repository's own copy runs (trained here with its code,
# tests/validation/ntm_original_copy_windows.csv says how).
rule ntm_copy_vs_original:
    input:
        manifests=ntm_task_manifests("copy"),
        original=NTM_ORIGINAL_COPY_WINDOWS,
    output:
        pdf=report(
            NTM_PATHS["copy_vs_original"],
            caption="../report/ntm_figure.rst",
            category="Neural Turing Machines",
            subcategory="copy",
            labels={"file": "learning curve beside the repository's runs (PDF)"},
        ),
        data=report(
            NTM_PATHS["copy_vs_original_data"],
            caption="../report/ntm_plot_data.rst",
            category="Neural Turing Machines",
            subcategory="copy",
            labels={"file": "learning curve beside the repository's runs: plot data (CSV)"},
        ),
    params:
        runs=" ".join(ntm_run_dirs("copy")),
    log:
        "results/logs/ntm/copy_vs_original.log",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "SOURCE_DATE_EPOCH=0 nalm ntm-plot curve --task copy --runs {params.runs}"
        " --original-windows {input.original} --out {output.pdf} > {log} 2>&1"
