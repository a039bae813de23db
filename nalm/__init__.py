"""nalm: neural arithmetic logic modules, trained many runs at a time.

The library behind the reproducibility pipeline of the neural arithmetic literature
(first target: the single-module benchmark, figures 14-20 of Mistry, Farrahi and Hare,
"A Primer for Neural Arithmetic Logic Modules", JMLR 2022).
"""

__version__ = "0.1.0"
