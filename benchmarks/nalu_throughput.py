"""CPU cost of the NALU paper's training blocks (nalm/papers/nalu/), and what a config would take.

For every block kind the workflow trains (the identity MLPs of all activations; each static
model of each setting on 6 functions x the seeds; each language network), trains a few
iterations with one thread and prints the CPU milliseconds per iteration (process time: on a
busy machine it is steadier than wall time), then the CPU time each block would need at the
sizes of a config section, and the total.

    python benchmarks/nalu_throughput.py                      # config/config.yaml's sizes
    python benchmarks/nalu_throughput.py --overlay config/nalu-30min.yaml

Static blocks cost in proportion to the training samples (affine models excepted: they train on
moment points) and are measured at `--samples`; language and identity blocks at their own sizes.
"""

import argparse
import time
from pathlib import Path

import torch
import yaml

REPO = Path(__file__).resolve().parents[1]


def section(overlay):
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())["nalu"]
    if overlay:
        for key, value in (yaml.safe_load(Path(overlay).read_text()).get("nalu") or {}).items():
            config[key] = {**config[key], **value} if isinstance(value, dict) else value
    return config


def cpu_ms_per_iteration(block, iterations):
    block.train()  # warm-up: the first steps allocate
    started = time.process_time()
    block.iterations = iterations
    block.train()
    return 1000 * (time.process_time() - started) / (iterations + 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--overlay", default=None, help="a config overlay, e.g. config/nalu-30min.yaml")
    parser.add_argument("--samples", type=int, default=512, help="static training samples measured at")
    parser.add_argument("--iterations", type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(1)

    from nalm.commands._nalu import experiment, hyperparameters, setting_models
    from nalm.core.engine import Block
    from nalm.networks.mlp import RunsMLP
    from nalm.tasks import language_to_number as language
    from nalm.tasks import static_function as static
    from nalm.tasks.identity_extrapolation import IdentityBlock, IdentityRun

    config = section(args.overlay)
    seeds = config["seeds"]["count"]
    rows = []

    identity = experiment("identity")
    runs = [IdentityRun(a, s) for a in identity["activations"] for s in range(config["identity"]["models"])]
    task = IdentityBlock(runs, tuple(identity["train_integers"]), tuple(identity["test_integers"]))
    network = RunsMLP(1, 8, 3, 1, [r.activation for r in runs], len(runs))
    block = Block(hyperparameters("identity", identity), task, network, 2, 10**9)
    ms = cpu_ms_per_iteration(block, args.iterations)
    rows.append(("identity", "all activations", len(runs), ms, ms * config["identity"]["iterations"] / 1000))

    functions = list(experiment("static")["functions"])
    samples, steps = config["static"]["train_samples"], config["static"]["iterations"]
    for setting in config["settings"]:
        definitions = setting_models(setting, "static")
        for model, definition in definitions["models"].items():
            runs = [static.StaticRun(f, s) for f in functions for s in range(seeds)]
            affine = bool(definition.get("affine"))
            task = static.StaticBlock(runs, args.samples, definitions["input"], affine=affine)
            network = static.build_network(model, definition, task.input_size, 2, len(runs), "intended")
            block = Block(hyperparameters("static", experiment("static")), task, network, 2, 10**9)
            ms = cpu_ms_per_iteration(block, args.iterations)
            scale = 1.0 if affine else samples / args.samples
            rows.append((f"static {setting}", model, len(runs), ms, ms * scale * steps / 1000))

    section_language = config["language"]
    trained = set()
    for setting in config["settings"]:
        for model, definition in setting_models(setting, "language")["models"].items():
            if definition["network"] in trained:
                continue
            trained.add(definition["network"])
            runs = [language.LanguageRun(model, s) for s in range(seeds)]
            task = language.LanguageBlock(runs, predict_at=-1)
            network = language.build_network(model, definition, section_language["embedding_size"],
                                              section_language["hidden_size"], len(runs), "intended")
            block = Block(hyperparameters("language", experiment("language")), task, network, 2, 10**9)
            ms = cpu_ms_per_iteration(block, args.iterations)
            total = section_language["evaluations"] * task.steps_per_evaluation
            rows.append(("language", definition["network"], len(runs), ms, ms * total / 1000))

    print(f"{'block':<20} {'model':<16} {'runs':>5} {'CPU ms/it':>10} {'CPU s at config':>16}")
    for kind, model, runs, ms, seconds in rows:
        print(f"{kind:<20} {model:<16} {runs:>5} {ms:>10.2f} {seconds:>16.0f}")
    total = sum(row[4] for row in rows)
    print(f"total CPU: {total:,.0f} s = {total / 3600:.2f} h = {total / 86400:.2f} days "
          f"(evaluation and start-up not included; --cores 2 halves the wall time at best)")


if __name__ == "__main__":
    main()
