"""`nalm nalu-identity`: train MLPs of one or more activations on the identity task, as one block
(the NALU paper's §1.1, `nalm.tasks.identity_extrapolation`), and write every model's absolute
error at each test input, after the last update, to one CSV (and the job's provenance beside it,
`<out>.provenance.json`)."""

from nalm.core.errors import UserError


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "nalu-identity",
        help="NALU paper §1.1: MLPs learn the identity on [-5, 5]; their errors on [-20, 20]",
        description="Train one MLP 1-8-8-8-1 per activation and seed (one block, Adam, full batch) and "
        "write activation,seed,x,abs_error,train_mse,diverged: one row per model and test input. "
        "Example: nalm nalu-identity --activations ReLU6,Tanh --seeds 0-99 --out identity.csv",
    )
    parser.add_argument("--activations", required=True,
                        help="comma-separated, e.g. ReLU6,Tanh,PReLU (the reproduction's 14), or 'all'")
    parser.add_argument("--seeds", required=True, help="'0-99', '0,3,7' or a mix: one model each")
    parser.add_argument("--iterations", type=int, default=None, help="updates (default: the reproduction's 10000)")
    parser.add_argument("--out", required=True, help="output CSV")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.set_defaults(func=run)
    return parser


def run(args) -> int:
    from nalm.commands._nalu import experiment, hyperparameters, positive, train, write_csv, write_provenance
    from nalm.commands.train import parse_seeds
    from nalm.networks.mlp import RunsMLP
    from nalm.tasks.identity_extrapolation import IdentityBlock, IdentityRun, error_metric

    section = experiment("identity")
    names = {name.lower(): name for name in section["activations"]}
    given = list(section["activations"]) if args.activations == "all" else \
        [name.strip() for name in args.activations.split(",") if name.strip()]
    for name in given:
        if name.lower() not in names:
            raise UserError(f"unknown activation {name!r}: expected one of {', '.join(section['activations'])}")
    activations = [names[name.lower()] for name in given]
    if not activations or len(set(activations)) != len(activations):
        raise UserError(f"bad --activations {args.activations!r}: expected distinct names such as 'ReLU6,Tanh'")
    iterations = positive(section["iterations"] if args.iterations is None else args.iterations, "--iterations", 0)
    seeds = parse_seeds(args.seeds)
    runs = [IdentityRun(activation, seed) for activation in activations for seed in seeds]
    task = IdentityBlock(runs, tuple(section["train_integers"]), tuple(section["test_integers"]))
    network = RunsMLP(1, section["hidden_size"], section["hidden_layers"], 1, [run.activation for run in runs], len(runs))
    logs, _ = train(hyperparameters("identity", section), task, network, iterations, max(iterations, 1),
                    args.device, args.threads, f"nalu-identity {','.join(activations)}")
    rows = []
    for log in logs:
        for x in task.test_points:
            rows.append([log.run.activation, log.run.seed, x, float(log.metrics[error_metric(x)][-1]),
                         float(log.metrics["train_mse"][-1]), log.diverged[-1]])
    order = {name: k for k, name in enumerate(activations)}
    rows.sort(key=lambda row: (order[row[0]], row[1], row[2]))
    write_csv(args.out, ["activation", "seed", "x", "abs_error", "train_mse", "diverged"], rows)
    job = {"command": "nalu-identity", "experiment": "nalu-identity:" + "+".join(activations),
           "activations": activations, "seeds": seeds, "iterations": iterations}
    write_provenance(args.out, job, len(logs), args.device)
    return 0
