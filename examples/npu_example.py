"""NeuralArithmetic.jl's README example with nalm's layers: NPU(2, 6) then NAU(6, 4) learn

    f(a, b) = (a + b, a·b, a/b, √b),   a ~ U(-2, 2),  b ~ U(0.01, 2)

(`nmheim/NeuralArithmetic.jl`, `examples/npu.jl`; Heim, Pevný & Šmídl, "Neural Power Units",
NeurIPS 2020, arXiv 2006.01681). Its setting: batches of 100, Adam with learning rate 1e-3,
50,000 steps, loss MSE + 1e-4·norm(params, 1), where Julia's norm of a collection of arrays is
the sum of their 2-norms (not the element-wise L1: `--l1 elementwise` for that reading).

    python examples/npu_example.py                  # the README's 50,000 steps
    python examples/npu_example.py --steps 2000     # a quick look
    python examples/npu_example.py --out npu.pdf    # learned weights above the perfect solution

The same run as a workflow target: `snakemake results/figures/npu/npu_example.pdf`.
"""

import argparse
import types

import torch

from nalm.layers import NAU, NPU


def batch(size):
    a = torch.rand(size) * 4 - 2
    b = torch.rand(size) * 1.99 + 0.01
    return torch.stack([a, b], dim=1), torch.stack([a + b, a * b, a / b, b.sqrt()], dim=1)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=50_000, help="optimiser steps (default: the README's 50,000)")
    parser.add_argument("--l1", choices=["frobenius-sum", "elementwise"], default="frobenius-sum")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", help="write the weights figure here (PDF or PNG)")
    args = parser.parse_args(argv)

    torch.manual_seed(args.seed)
    npu = NPU(2, 6, gate_gradient="straight-through")  # NeuralArithmetic.jl's NPU: Re Glorot, Im 0, g 0.5
    nau = NAU(6, 4, init="glorot-uniform", clamp=False)  # its NAU: W Glorot, no clamp
    model = torch.nn.Sequential(npu, nau)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    history = []
    for step in range(args.steps + 1):
        x, target = batch(100)
        mse = torch.nn.functional.mse_loss(model(x), target)
        if args.l1 == "frobenius-sum":
            l1 = sum(p.norm() for p in model.parameters())  # Julia's norm(params(model), 1)
        else:
            l1 = sum(p.abs().sum() for p in model.parameters())
        history.append(mse.item())
        if step % max(1, args.steps // 10) == 0 or step == args.steps:
            print(f"step {step:6d}  mse {mse.item():.3g}")
        if step == args.steps:
            break
        optimizer.zero_grad()
        (mse + 1e-4 * l1).backward()
        optimizer.step()

    torch.set_printoptions(precision=2, sci_mode=False)
    print("NPU Re [out, in]:", npu.module.W_real[0].T.detach(), sep="\n")
    print("NPU Im [out, in]:", npu.module.W_im[0].T.detach(), sep="\n")
    print("gate:", npu.module.g[0].detach().clamp(0, 1))
    print("NAU W [out, in]:", nau.module.W[0].detach(), sep="\n")
    if args.out:
        from nalm.figures import npu_weights
        from nalm.papers import read_yaml

        learned = npu_weights.example_weights(types.SimpleNamespace(layers=[npu.module, nau.module]))
        perfect = npu_weights.perfect_weights(read_yaml("npu", "example.yaml")["perfect_solution"])
        npu_weights.draw(learned, perfect, args.out)
    return history


if __name__ == "__main__":
    main()
