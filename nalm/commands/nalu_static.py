"""`nalm nalu-static`: train one model of one setting on the static task for several functions and
seeds, as one block (the NALU paper's §4.1, `nalm.tasks.static_function`), and write every run's
scores at each log step to one CSV (and the job's provenance beside it, `<out>.provenance.json`)."""

from nalm.core.errors import UserError

COLUMNS = ["setting", "model", "function", "seed", "step", "train_mse", "interpolation_rmse",
           "extrapolation_rmse", "interpolation_score", "extrapolation_score",
           "baseline_interpolation_rmse", "baseline_extrapolation_rmse", "diverged"]


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "nalu-static",
        help="NALU paper §4.1: one model (ReLU6, None, NAC, NALU) on the static task, functions x seeds as one block",
        description="Train the model on each function and seed (full batch, Adam) and write "
        + ",".join(COLUMNS) + ": one row per run and log step. Scores are 100 x RMSE / RMSE of "
        "untrained ReLU networks. Example: nalm nalu-static --setting reproduction --model nalu "
        "--functions add,mul --seeds 0-24 --train-samples 1000 --iterations 20000 --out nalu.csv",
    )
    parser.add_argument("--setting", required=True, help="reproduction or paper")
    parser.add_argument("--model", required=True, help="relu6, none, nac or nalu")
    parser.add_argument("--functions", required=True, help="comma-separated: add, sub, mul, div, square, sqrt")
    parser.add_argument("--seeds", required=True, help="'0-24', '0,3,7' or a mix")
    parser.add_argument("--train-samples", type=int, default=None, help="training set size (default: the reproduction's 50000)")
    parser.add_argument("--iterations", type=int, default=None, help="updates (default: the reproduction's 100000)")
    parser.add_argument("--log-interval", type=int, default=None, help="default: --iterations (scores before and after training)")
    parser.add_argument("--nac-initialisation", default="measured", choices=["measured", "intended"],
                        help="reproduction's NACs: weights measured in its processes (default) or as its code meant them")
    parser.add_argument("--out", required=True, help="output CSV")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.set_defaults(func=run)
    return parser


def run(args) -> int:
    from nalm.commands._nalu import (
        experiment, hyperparameters, model_definition, positive, setting_models, train, write_csv, write_provenance,
    )
    from nalm.commands.train import parse_seeds
    from nalm.tasks.static_function import StaticBlock, StaticRun, build_network, check_function

    section = experiment("static")
    model = model_definition(args.setting, "static", args.model)
    functions = [check_function(name.strip()) for name in args.functions.split(",") if name.strip()]
    if not functions or len(set(functions)) != len(functions):
        raise UserError(f"bad --functions {args.functions!r}: expected distinct names such as 'add,mul'")
    seeds = parse_seeds(args.seeds)
    samples = positive(section["train_samples"] if args.train_samples is None else args.train_samples, "--train-samples")
    iterations = positive(section["iterations"] if args.iterations is None else args.iterations, "--iterations", 0)
    log_interval = positive(args.log_interval or max(iterations, 1), "--log-interval")
    input_kind = setting_models(args.setting, "static")["input"]
    runs = [StaticRun(function, seed) for function in functions for seed in seeds]
    task = StaticBlock(runs, samples, input_kind, affine=bool(model.get("affine")))
    network = build_network(args.model, model, task.input_size, section["hidden_size"], len(runs), args.nac_initialisation)
    logs, _ = train(hyperparameters("static", section), task, network, iterations, log_interval,
                    args.device, args.threads, f"nalu-static {args.setting} {args.model}")
    rows = []
    for r, log in enumerate(logs):
        baseline = task.baselines[r]
        for k, step in enumerate(log.steps):
            rows.append([args.setting, args.model, log.run.function, log.run.seed, step,
                         *(float(log.metrics[name][k]) for name in COLUMNS[5:10]),
                         float(baseline[0]), float(baseline[1]), log.diverged[k]])
    order = {name: k for k, name in enumerate(functions)}
    rows.sort(key=lambda row: (order[row[2]], row[3], row[4]))
    write_csv(args.out, COLUMNS, rows)
    job = {"command": "nalu-static", "experiment": f"nalu-static:{args.setting}:{args.model}:" + "+".join(functions),
           "setting": args.setting, "model": args.model, "functions": functions, "seeds": seeds,
           "train_samples": samples, "iterations": iterations, "log_interval": log_interval,
           "nac_initialisation": args.nac_initialisation}
    write_provenance(args.out, job, len(logs), args.device)
    return 0
