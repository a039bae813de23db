"""Loss-weight schedules of the training loop (`bmistry4/nalm-benchmark`,
`experiments/single_layer_benchmark.py`)."""

from decimal import Decimal


def ramp(iteration: int, start: float, end: float) -> float:
    """s(t) = max(0, min(1, (t - start) / (end - start))): the linear regulariser ramp."""
    return max(0.0, min(1.0, (iteration - start) / (end - start)))


def beta(iteration: int, start: float, end: float, step: int = 10_000, growth: float = 10.0) -> float:
    """β(t) of the NPU L1 term (`--reg-scale-type heim`, `--regualizer-beta-step/-growth`).

    β starts at `start`; at every t > 0 with t % step == 0 it is multiplied by `growth` while
    it is below `end` (divided while above, if start > end). Decimal arithmetic keeps the
    values exact, e.g. 1e-7, 1e-6, 1e-5 for the NPU on mul.
    """
    value, end_value = Decimal(str(start)), Decimal(str(end))
    factor = Decimal(str(growth))
    if factor == factor.to_integral_value():
        factor = factor.to_integral_value()
    for _ in range(iteration // step):
        if value < end_value:
            value *= factor
        elif value > end_value:
            value /= factor
    return float(value)
