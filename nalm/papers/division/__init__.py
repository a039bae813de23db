"""The division-module paper: Mistry, Farrahi & Hare, "Exploring the Learning Mechanisms of Neural
Division Modules", TMLR 2022 (OpenReview HjelcW6wio; earlier version arXiv 2110.05177); code `bmistry4/nalm-division`.

Data files: `presets.yaml` (the Real NPU, NRU and NMRU presets of the main and appendix runs).
"""
