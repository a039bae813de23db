# Export: one job per experiment reads all its runs into one tidy CSV
# (single-module-benchmark.md §5.3 columns plus parsed ones). The run directories are
# passed explicitly, so runs left over from another config are never picked up.


rule export:
    input:
        experiment_manifests,
    output:
        "results/tables/{experiment}.csv",
    params:
        runs=export_run_dirs,
    log:
        "results/logs/export/{experiment}.log",
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 2000 * attempt,
        runtime=lambda wildcards, attempt: 20 * attempt,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "nalm export {params.runs} --jobs {threads} --out {output} > {log} 2>&1"
