"""The NALU paper's three experiments: Trask, Hill, Reed, Rae, Dyer & Blunsom, "Neural Arithmetic
Logic Units", NeurIPS 2018 (arXiv 1808.00508), §1.1 (numerical extrapolation failures of MLPs),
§4.1 (simple function learning, static task) and §4.3 (language to number translation), as the
PyTorch reproduction `nkarasovd/Neural_Arithmetic_Logic_Units` (HEAD 86d5bfc) runs them.

Data files (read by `nalm` and by the workflow, `workflow/rules/nalu.smk`):

* `experiments.yaml`: every constant of the reproduction's three scripts (ranges, sizes,
  iterations, learning rates, vocabulary, split), each with the file it comes from;
* `settings.yaml`: the two settings, `reproduction` (the repository's code, quirks included)
  and `paper` (the paper's definitions), as the networks each experiment trains;
* `published.yaml`: the reproduction's published numbers (README.md and `src/results/`), one
  unseeded run per cell;
* `figures.yaml`: the figures' and tables' labels;
* `initial_nac_weights.tsv`: initial NAC weights measured in the reproduction's own processes
  (its NAC weight comes from uninitialised memory; `nalm.networks.measured_init`).
"""
