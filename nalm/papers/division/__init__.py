"""The division-module paper: Mistry, Farrahi & Hare, "Exploring the Learning Mechanisms of Neural
Division Modules", TMLR 2022 (OpenReview HjelcW6wio; earlier version arXiv 2110.05177); code
`bmistry4/nalm-division`.

Data files of its single-module studies: `presets.yaml` (the Real NPU, NRU and NMRU presets of the
batch scripts), `ranges.yaml` (the range sets of `lfs_batch_jobs/single_layer_task/neurips_2021/`),
`experiments.tsv` (one row per command of those scripts), `task_defaults.yaml` (task options
every row shares: the original's float32 evaluation), `thresholds.tsv` (the success
thresholds of `export/single_layer_task/exp_setups.csv`), `figures.yaml` (the figures of
`neurips_range*.r`). The arithmetic MNIST task has its own files (`mnist*.yaml`).
"""
