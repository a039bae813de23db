"""`nalm nalu-language`: train one model of one setting on language-to-number translation for
several seeds, as one block (the NALU paper's §4.3, `nalm.tasks.language_to_number`); write every
run's MAEs at each evaluation, and its predictions for 0 … 999 after the last one (and the job's
provenance beside the MAEs, `<out>.provenance.json`)."""

COLUMNS = ["setting", "model", "seed", "step", "evaluation", "train_mae", "validation_mae", "test_mae", "diverged"]
PREDICTION_COLUMNS = ["setting", "model", "seed", "number", "split", "prediction"]


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "nalu-language",
        help="NALU paper §4.3: one model (lstm-linear, lstm-nalu) translates number words to values, seeds as one block",
        description="Train the model for every seed (Adam; 30 numbers per step; an evaluation every "
        "30 passes) and write " + ",".join(COLUMNS) + " (one row per run and evaluation) and, with "
        "--predictions, " + ",".join(PREDICTION_COLUMNS) + ". Example: nalm nalu-language --setting "
        "reproduction --model lstm-nalu --seeds 0-24 --out nalu.csv --predictions nalu_predictions.csv",
    )
    parser.add_argument("--setting", required=True, help="reproduction or paper")
    parser.add_argument("--model", required=True, help="lstm-linear or lstm-nalu")
    parser.add_argument("--seeds", required=True, help="'0-24', '0,3,7' or a mix")
    parser.add_argument("--evaluations", type=int, default=None, help="train(30) calls (default: the reproduction's 100)")
    parser.add_argument("--embedding-size", type=int, default=None, help="default: the reproduction's 32")
    parser.add_argument("--hidden-size", type=int, default=None, help="LSTM width (default: the reproduction's 32)")
    parser.add_argument("--nac-initialisation", default="measured", choices=["measured", "intended"],
                        help="reproduction's NALU cell: weights measured in its processes (default) or as its code meant them")
    parser.add_argument("--out", required=True, help="output CSV of the MAEs")
    parser.add_argument("--predictions", default=None, help="output CSV of the predictions for every number")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.set_defaults(func=run)
    return parser


def run(args) -> int:
    from nalm.commands._nalu import experiment, hyperparameters, model_definition, positive, train, write_csv, write_provenance
    from nalm.commands.train import parse_seeds
    from nalm.core.errors import UserError
    from nalm.tasks.language_to_number import LanguageBlock, LanguageRun, build_network

    section = experiment("language")
    model = model_definition(args.setting, "language", args.model)
    seeds = parse_seeds(args.seeds)
    evaluations = positive(section["evaluations"] if args.evaluations is None else args.evaluations, "--evaluations")
    embedding = positive(args.embedding_size or section["embedding_size"], "--embedding-size")
    hidden = positive(args.hidden_size or section["hidden_size"], "--hidden-size")
    task = LanguageBlock([LanguageRun(args.model, seed) for seed in seeds], predict_at=evaluations)
    try:
        network = build_network(args.model, model, embedding, hidden, len(seeds), args.nac_initialisation, task.constants)
    except ValueError as error:
        # the measured pool holds the reproduction's matrices at its own sizes only
        raise UserError(f"bad --hidden-size {hidden} / --embedding-size {embedding} for --nac-initialisation "
                        f"{args.nac_initialisation}: {error} (the measured weights fit the reproduction's sizes; "
                        "use --nac-initialisation intended for others)") from None
    steps = task.steps_per_evaluation
    logs, _ = train(hyperparameters("language", section), task, network, evaluations * steps, steps,
                    args.device, args.threads, f"nalu-language {args.setting} {args.model}")
    rows = []
    for log in logs:
        for k, step in enumerate(log.steps):
            rows.append([args.setting, args.model, log.run.seed, step, step // steps,
                         *(float(log.metrics[name][k]) for name in COLUMNS[5:8]), log.diverged[k]])
    rows.sort(key=lambda row: (row[2], row[3]))
    write_csv(args.out, COLUMNS, rows)
    if args.predictions:
        low = task.constants.numbers[0]
        rows = []
        for r, log in enumerate(logs):
            split_of = {}
            for name, part in zip(("train", "validation", "test"), task.splits[r]):
                split_of.update({int(row): name for row in part})
            for row, value in enumerate(task.predictions[r].tolist()):
                rows.append([args.setting, args.model, log.run.seed, row + low, split_of[row], float(value)])
        rows.sort(key=lambda row: (row[2], row[3]))
        write_csv(args.predictions, PREDICTION_COLUMNS, rows)
    job = {"command": "nalu-language", "experiment": f"nalu-language:{args.setting}:{args.model}",
           "setting": args.setting, "model": args.model, "seeds": seeds, "evaluations": evaluations,
           "embedding_size": embedding, "hidden_size": hidden, "nac_initialisation": args.nac_initialisation}
    write_provenance(args.out, job, len(logs), args.device, [args.out, *([args.predictions] if args.predictions else [])])
    return 0
