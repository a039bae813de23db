"""The Primer's single-module benchmark: Mistry, Farrahi & Hare, "A Primer for Neural Arithmetic
Logic Modules", JMLR 2022 (arXiv 2101.09530); code `bmistry4/nalm-benchmark`.

Data files (read by `nalm` through `nalm.papers.tables` and by the workflow,
`workflow/rules/primer.smk`): `presets.yaml` (per-module, per-op hyper-parameters),
`ranges.yaml` (the nine range pairs r1..r9), `experiments.tsv` (module preset x op x input size
x iterations), `figures.yaml` (figures 14-20: which experiments, with which labels).
"""
