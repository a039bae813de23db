"""Composite networks with a runs dimension: what the engine trains when a task needs more than
one arithmetic module.

* `stack.Stack`: arithmetic modules (runs dimension) applied in order, e.g. NPU(2, 6) then
  NAU(6, 4) for R runs at once, with their regularisers, clamps and logs combined.
* `vectorised.Vectorised`: any ordinary torch model (an MLP, a convolutional encoder) made
  into R independent copies trained as one program with `torch.func` (`stack_module_state`-style
  stacked parameters, `functional_call`, `vmap`), each copy initialised from its run's own
  random stream.

Each follows the network protocol of `nalm.core.protocol`. Which guarantees hold for which
network (a run's bits alone vs inside a block) is written in docs/architecture.md.
"""
