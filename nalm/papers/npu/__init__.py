"""*Neural Power Units* (Niklas Heim, Tomáš Pevný, Václav Šmídl; NeurIPS 2020; arXiv 2006.01681).

The paper's facts as data, each file citing the original file it comes from:

* `example.yaml`: the README example of `nmheim/NeuralArithmetic.jl` (`examples/npu.jl`,
  picture `img/npu_example.png`): NPU(2,6) → NAU(6,4) learning f(a,b) = (a+b, ab, a/b, √b).
* `layers.yaml`: the layer comparison ("simple arithmetic task", paper §4.2 and Table A2;
  `nmheim/NeuralPowerUnits`, `scripts/simple/*.jl`; README picture `img/layers.png`).
* `layers_table_a2.tsv`: Table A2 as published (`plots/simple_err_table.tex`).
* `arithmetic100.yaml`: the 100-input arithmetic task (paper §4.3, Tables A4–A6;
  `scripts/arithmetic/*_l1_runs.jl`, `sobolconfigs.jl`, `revalidate.jl`, `pareto.jl`,
  `src/arithmetic_dataset.jl`, `src/arithmetic_models.jl`, `src/schedules.jl`).
* `arithmetic100_published.tsv`: the testing- and training-MSE tables as published
  (`plots/arithmetic100_val.tex`, `plots/arithmetic100_mse.tex`).
* `arithmetic100_pareto.tsv`: the points of the published Pareto figure (`plots/pareto.tex`).

Where the paper and its code disagree, each file records both and says which one the default
follows (the code, which produced the published numbers); the workflow's `npu:` config section
switches (config/README.md).

The original code is Julia: `nmheim/NeuralArithmetic.jl` (the layers; v0.3.0 is what the
paper's repository `nmheim/NeuralPowerUnits` pins, HEAD d1c18c0 is the README example's) and
`nmheim/NeuralPowerUnits` (HEAD e1b9a45; the experiments).
"""
