# The report's run tables, per paper (included after every paper's rules: it reads their blocks):
#
#   nalm provenance (per paper and scope) -> results/run_tables/<paper>/<scope>_provenance.csv
#   nalm timing     (per paper and scope) -> results/run_tables/<paper>/<scope>_timing.csv
#
# A scope is the set of training jobs behind one report subcategory: a figure for the Primer and
# the division paper (its experiments' blocks), a task for the NTM, an experiment for the NPU, the
# MNIST heads, and the NALU paper's identity, static and language jobs. Both tables join each
# paper's default targets, so `snakemake` builds them and `snakemake --report` shows them under the
# paper's category, beside the figures they describe. Provenance reads the runs' run.json through
# their block manifests, or the provenance sidecar each NALU job writes beside its table of runs
# (`<table>.provenance.json`); timing reads the benchmark file Snakemake writes for every training
# job (its `benchmark:` directive).

include: "helpers/report.smk"


localrules:
    report_provenance,
    report_timing,


rule report_provenance:
    input:
        report_provenance_inputs,
    output:
        report(
            REPORT_PATHS["provenance"],
            caption="../report/run_provenance.rst",
            category=lambda wildcards: REPORT_CATEGORIES[wildcards.paper],
            subcategory="{scope}",
            labels={"file": "run provenance (CSV)"},
        ),
    params:
        paper=lambda wildcards: REPORT_PAPERS[wildcards.paper],
        kind=report_provenance_flag,
    wildcard_constraints:
        paper="|".join(REPORT_SCOPES),
        scope=r"[A-Za-z0-9_+-]+",
    log:
        "results/logs/run_tables/{paper}/{scope}_provenance.log",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "nalm provenance {params.kind} {input} --out {output} > {log} 2>&1"


rule report_timing:
    input:
        report_trained,
    output:
        report(
            REPORT_PATHS["timing"],
            caption="../report/run_timing.rst",
            category=lambda wildcards: REPORT_CATEGORIES[wildcards.paper],
            subcategory="{scope}",
            labels={"file": "training time (CSV)"},
        ),
    params:
        paper=lambda wildcards: REPORT_PAPERS[wildcards.paper],
        benchmarks=report_benchmarks,
        manifests=report_manifest_flags,
    wildcard_constraints:
        paper="|".join(REPORT_SCOPES),
        scope=r"[A-Za-z0-9_+-]+",
    log:
        "results/logs/run_tables/{paper}/{scope}_timing.log",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "nalm timing {params.benchmarks} {params.manifests} --out {output} > {log} 2>&1"
