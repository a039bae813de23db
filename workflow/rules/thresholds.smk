# Monte Carlo success thresholds (single-module-benchmark.md §4): one small file per
# figure with exactly the cases it needs. They are inputs of the summary only, so
# regenerating them never retrains anything.


rule thresholds:
    output:
        "results/thresholds/{figure}.csv",
    params:
        cases=threshold_cases,
        epsilon=config["thresholds"]["epsilon"],
        samples=config["thresholds"]["samples"],
        seed=config["thresholds"]["seed"],
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
