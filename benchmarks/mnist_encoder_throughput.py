"""Arithmetic MNIST: the digit encoder's training throughput, loop against vmap execution.

    OMP_NUM_THREADS=1 python benchmarks/mnist_encoder_throughput.py [--runs 1 5] [--steps 3]

For blocks of R runs it times training steps (forward + backward of the encoder and the NMRU head on
batches of 128 two-digit images per run, dropout on) with `execution="loop"` (one run after the
other, a run's own kernels) and `execution="vmap"` (one `torch.func.vmap` program: grouped
convolutions), prints image pairs per second and checks whether run 0's output in the block equals
the same run alone, bit for bit. Then it projects one run-epoch of the paper's setting (73,000
training pairs, plus the evaluation of 81,000 pairs forward only, costed at a third of a step) and
of config/division_mnist-quick.yaml from the CPU time of the fastest execution. One thread; CPU
time is what a busy shared machine changes least (its load is printed with the wall times).
"""

import argparse
import os
import time

import torch

from nalm.core.random import init_generator
from nalm.networks.digit_arithmetic import DigitArithmeticNetwork, build_head


def network(runs, execution, seeds=None):
    seeds = list(range(runs)) if seeds is None else seeds
    net = DigitArithmeticNetwork(build_head("module", runs, "NMRU"), runs, execution)
    net.reset_parameters([init_generator(s) for s in seeds])
    net.set_dropout_generators([torch.Generator().manual_seed(100 + s) for s in seeds])
    return net


def time_steps(net, x, target, steps):
    net.train()
    net(x)[..., 0].sub(target).square().mean(dim=1).sum().backward()  # warm-up
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(steps):
        net.zero_grad(set_to_none=True)
        net(x)[..., 0].sub(target).square().mean(dim=1).sum().backward()
    return (time.perf_counter() - started) / steps, (time.process_time() - cpu_started) / steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, nargs="+", default=[1, 5])
    parser.add_argument("--steps", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; torch {torch.__version__}, 1 thread")
    pairs_per_second = {}
    for runs in args.runs:
        generator = torch.Generator().manual_seed(runs)
        x = torch.randn(runs, 128, 1, 28, 56, generator=generator)
        target = torch.rand(runs, 128, generator=generator) * 8
        for execution in ("loop", "vmap"):
            seconds, cpu_seconds = time_steps(network(runs, execution), x, target, args.steps)
            pairs_per_second[runs, execution] = runs * 128 / cpu_seconds
            alone = network(1, execution, [0]).eval()
            block = network(runs, execution).eval()
            with torch.no_grad():
                same = torch.equal(alone(x[:1])[0], block(x)[0])
            print(f"R={runs:2d} {execution:4s}: {seconds:6.2f} s/step wall, {cpu_seconds:6.2f} s CPU, "
                  f"{runs * 128 / cpu_seconds:6.1f} image pairs per CPU-second; run 0 alone == in the block: {same}")
    best = max(pairs_per_second.values())
    for name, train_pairs, eval_pairs, epochs, runs in (
        ("paper (73,000 pairs, epochs 0-1000, 50 runs)", 73_000, 81_000, 1001, 50),
        ("division_mnist-quick (292 pairs, epochs 0-4, 50 runs)", 292, 324, 5, 50),
    ):
        run_epoch = (train_pairs + eval_pairs / 3) / best
        total = run_epoch * epochs * runs
        print(f"{name}: {run_epoch:,.0f} CPU-s per run-epoch, {total / 3600:,.1f} CPU-hours in all (projected)")


if __name__ == "__main__":
    main()
