# Figures: per figure, the summary statistics (single-module-benchmark.md §6) of its
# experiments' tables against its thresholds, then the plot (§7) with its plot data and
# LaTeX table. Both are cheap local rules.


rule summarize:
    input:
        tables=figure_tables,
        thresholds="results/thresholds/{figure}.csv",
    output:
        "results/summaries/{figure}.csv",
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


rule plot:
    input:
        "results/summaries/{figure}.csv",
    output:
        pdf=report(
            "results/figures/{figure}.pdf",
            caption="../report/figure.rst",
            category="Figures",
            labels={"figure": "{figure}"},
        ),
        data="results/figures/{figure}_plot_data.csv",
        table="results/figures/{figure}.tex",
    params:
        figure=figure_id,
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
