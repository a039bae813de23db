# The NALU paper's three experiments (Trask et al., "Neural Arithmetic Logic Units", NeurIPS 2018,
# arXiv 1808.00508) as the PyTorch reproduction nkarasovd/Neural_Arithmetic_Logic_Units runs them,
# in two settings (nalm/papers/nalu/settings.yaml): `reproduction` (its code, quirks included) and
# `paper` (the paper's definitions).
#
#   nalm nalu-identity (activations x models, one block)  -> results/runs/nalu/identity/<block>.csv
#   nalm nalu-plot identity                                -> results/figures/nalu/extrapolation_failure.pdf
#   nalm nalu-static (setting, model; functions x seeds)   -> results/runs/nalu/<setting>/static/<model>_<block>.csv
#   nalm nalu-table static (setting, test set)             -> results/tables/nalu/static_<column>_<setting>.csv + .tex
#   nalm nalu-language (network; seeds)                    -> results/runs/nalu/language/<network>.csv (+ predictions)
#   nalm nalu-table language, nalm nalu-plot language      -> results/tables/nalu/language_<setting>.csv + .tex,
#                                                             results/figures/nalu/language_predictions_<setting>.pdf
#
# Every training job also writes its provenance beside its table, `<table>.csv.provenance.json`
# (nalm/runs/provenance.py), which the report's provenance tables read (workflow/rules/report.smk).
# The config section `nalu` chooses sizes (config/README.md).

include: "helpers/nalu.smk"


localrules:
    nalu_identity_plot,
    nalu_static_table,
    nalu_language_table,
    nalu_language_plot,


# All models of a block of activations train as one program; the CSV holds every model's
# absolute error at each test input after the last update.
rule nalu_identity:
    output:
        runs=NALU_PATHS["identity_runs"],
        provenance=f"{NALU_PATHS['identity_runs']}.provenance.json",  # nalm.runs.provenance.sidecar_path
    params:
        arguments=nalu_identity_arguments,
        revision=NALU_CONFIG["revision"],
    wildcard_constraints:
        block=NALU_WILDCARDS["block"],
    log:
        "results/logs/nalu/identity/{block}.log",
    benchmark:
        "results/benchmarks/nalu/identity/{block}.tsv"
    threads: 1
    priority: nalu_identity_priority
    resources:
        mem_mb=2000,
        runtime=lambda wildcards, attempt: 30 * attempt,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "nalm nalu-identity {params.arguments} --threads {threads} --out {output.runs} > {log} 2>&1"


rule nalu_identity_plot:
    input:
        nalu_identity_runs,
    output:
        pdf=report(
            NALU_PATHS["identity_figure"],
            caption="../report/nalu_identity.rst",
            category="NALU paper (Trask et al. 2018)",
            subcategory="identity",
            labels={"file": "extrapolation failure (PDF)"},
        ),
        data=report(
            NALU_PATHS["identity_data"],
            caption="../report/nalu_plot_data.rst",
            category="NALU paper (Trask et al. 2018)",
            subcategory="identity",
            labels={"file": "extrapolation failure: plot data (CSV)"},
        ),
    log:
        "results/logs/nalu/plot/identity.log",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "SOURCE_DATE_EPOCH=0 nalm nalu-plot identity {input} --out {output.pdf} > {log} 2>&1"


# One model of one setting on a block of functions, every seed, as one program.
rule nalu_static:
    output:
        runs=NALU_PATHS["static_runs"],
        provenance=f"{NALU_PATHS['static_runs']}.provenance.json",  # nalm.runs.provenance.sidecar_path
    params:
        arguments=nalu_static_arguments,
        revision=NALU_CONFIG["revision"],
    wildcard_constraints:
        setting=NALU_WILDCARDS["setting"],
        model=NALU_WILDCARDS["model"],
        block=NALU_WILDCARDS["block"],
    log:
        "results/logs/nalu/static/{setting}/{model}_{block}.log",
    benchmark:
        "results/benchmarks/nalu/static/{setting}/{model}_{block}.tsv"
    threads: 1
    priority: nalu_static_priority
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
        runtime=nalu_static_runtime,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "nalm nalu-static {params.arguments} --threads {threads} --out {output.runs} > {log} 2>&1"


rule nalu_static_table:
    input:
        nalu_static_runs,
    output:
        table=report(
            NALU_PATHS["static_table"],
            caption="../report/nalu_static_table.rst",
            category="NALU paper (Trask et al. 2018)",
            subcategory="static",
            labels={"file": "{column}, {setting} setting (CSV)"},
        ),
        latex=report(
            NALU_PATHS["static_latex"],
            caption="../report/nalu_static_table.rst",
            category="NALU paper (Trask et al. 2018)",
            subcategory="static",
            labels={"file": "{column}, {setting} setting (LaTeX)"},
        ),
    wildcard_constraints:
        setting=NALU_WILDCARDS["setting"],
        column=NALU_WILDCARDS["column"],
    log:
        "results/logs/nalu/table/static_{column}_{setting}.log",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "nalm nalu-table static {input} --setting {wildcards.setting} --column {wildcards.column}"
        " --out {output.table} > {log} 2>&1"


# One network (a model that both settings define alike trains once) for every seed, as one program.
rule nalu_language:
    output:
        runs=NALU_PATHS["language_runs"],
        predictions=NALU_PATHS["language_predictions"],
        provenance=f"{NALU_PATHS['language_runs']}.provenance.json",  # nalm.runs.provenance.sidecar_path
    params:
        arguments=nalu_language_arguments,
        revision=NALU_CONFIG["revision"],
    wildcard_constraints:
        run=NALU_WILDCARDS["run"],
    log:
        "results/logs/nalu/language/{run}.log",
    benchmark:
        "results/benchmarks/nalu/language/{run}.tsv"
    threads: 1
    priority: nalu_language_priority
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
        runtime=lambda wildcards, attempt: 60 * attempt,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "nalm nalu-language {params.arguments} --threads {threads} --out {output.runs}"
        " --predictions {output.predictions} > {log} 2>&1"


rule nalu_language_table:
    input:
        nalu_language_inputs("language_runs"),
    output:
        table=report(
            NALU_PATHS["language_table"],
            caption="../report/nalu_language_table.rst",
            category="NALU paper (Trask et al. 2018)",
            subcategory="language",
            labels={"file": "MAE table, {setting} setting (CSV)"},
        ),
        latex=report(
            NALU_PATHS["language_latex"],
            caption="../report/nalu_language_table.rst",
            category="NALU paper (Trask et al. 2018)",
            subcategory="language",
            labels={"file": "MAE table, {setting} setting (LaTeX)"},
        ),
    wildcard_constraints:
        setting=NALU_WILDCARDS["setting"],
    log:
        "results/logs/nalu/table/language_{setting}.log",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "nalm nalu-table language {input} --setting {wildcards.setting} --out {output.table} > {log} 2>&1"


rule nalu_language_plot:
    input:
        nalu_language_inputs("language_predictions"),
    output:
        pdf=report(
            NALU_PATHS["language_figure"],
            caption="../report/nalu_language.rst",
            category="NALU paper (Trask et al. 2018)",
            subcategory="language",
            labels={"file": "predictions, {setting} setting (PDF)"},
        ),
        data=report(
            NALU_PATHS["language_data"],
            caption="../report/nalu_plot_data.rst",
            category="NALU paper (Trask et al. 2018)",
            subcategory="language",
            labels={"file": "predictions, {setting} setting: plot data (CSV)"},
        ),
    wildcard_constraints:
        setting=NALU_WILDCARDS["setting"],
    log:
        "results/logs/nalu/plot/language_{setting}.log",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "SOURCE_DATE_EPOCH=0 nalm nalu-plot language {input} --setting {wildcards.setting}"
        " --out {output.pdf} > {log} 2>&1"
