# Training: one job trains one block (config `block`: range pairs x seeds of one
# experiment) as one vectorised program. Every run writes its own directory
# results/runs/<experiment>/<range-id>/seed<k>/ (docs/run-format.md); the job's declared
# output is a manifest listing the runs' metrics.csv, written only once every one of
# them exists (metrics.csv is renamed into place last, so a listed run is complete).


rule train:
    output:
        manifest="results/runs/{experiment}/blocks/{block}.txt",
    params:
        arguments=train_arguments,
        revision=train_revision,
        metrics=block_metrics,
        out="results/runs/{experiment}",
    log:
        "results/logs/train/{experiment}/{block}.log",
    benchmark:
        "results/benchmarks/train/{experiment}/{block}.tsv"
    threads: 1
    resources:
        mem_mb=train_mem_mb,
        runtime=train_runtime,
    conda:
        "../../envs/nalm.yaml"
    shell:
        "nalm train {params.arguments} --threads {threads} --out {params.out} > {log} 2>&1"
        " && ls -1 {params.metrics} > {output.manifest}"
