"""Neural Turing Machines: Graves, Wayne & Danihelka, *Neural Turing Machines*, arXiv 1410.5401
(2014), as reproduced by `kdexd/ntm-pytorch` (PyTorch; public copy `vlgiitr/ntm-pytorch`,
commit 9bea8b1fa262c2879959857cdfe6412904b06ff4): copy, repeat copy, associative recall and
priority sort.

The facts, as data:

* `tasks.yaml`: each task's repository JSON file (`ntm/tasks/<task>.json`), the NTM sizes the
  repository trains it with (`train.py`'s docstring; the shipped `saved_models/*.pt`), its
  parameter count, the iterations of its shipped model, `evaluate.py`'s ranges, the generator
  settings, and the training hyper-parameters (`train.py`, `ntm/args.py`);
* `figures.yaml`: what each task's figures show (generalisation sweeps, the long sequence of
  the bitmaps);
* `statements.yaml`: what the repository's README and the paper state about the results.
"""
