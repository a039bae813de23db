"""Division by small numbers: nalm against the original code, side by side (issue 10, item 4b/4c).

Mistry, Farrahi & Hare, "Exploring the Learning Mechanisms of Neural Division Modules", TMLR 2022
(arXiv 2110.05177); the original's runs are `bmistry4/nalm-division`'s
`experiments/single_layer.py` with the flags of
`lfs_batch_jobs/single_layer_task/neurips_2021/divBy0.sh` (`division_run_original_cells.sh`).
The committed per-seed outcomes come from `division_small_numbers.py`; docs/validation-division.md
("Side by side with the original") explains the cells and the numbers. The statistics are those
of docs/validation.md (`compare_outcomes.py`).
"""

import csv
import math

import cells as primer_cells
import compare_outcomes
import division_small_numbers as small
import pytest

from nalm.cli import main


def table(path):
    return compare_outcomes.read_outcomes(path)


def by_cell(rows):
    out = {}
    for row in rows:
        out.setdefault(row["cell"], []).append(row)
    return out


def test_both_sides_have_seeds_0_to_24_of_every_cell_and_its_threshold():
    for path in (small.NALM_OUTCOMES, small.ORIGINAL_OUTCOMES):
        cells = by_cell(table(path))
        assert sorted(cells) == sorted(small.CELLS), path.name
        for cell, rows in cells.items():
            assert sorted(int(r["seed"]) for r in rows) == list(small.SEEDS), (
                path.name,
                cell,
            )
            assert {float(r["threshold"]) for r in rows} == {small.threshold(cell)}, (
                path.name,
                cell,
            )
            assert {int(r["last_step"]) for r in rows} == {
                small.CELLS[cell].iterations
            }, (path.name, cell)


def test_the_cells_are_ones_where_a_success_rate_test_can_detect_a_difference():
    for cell, rows in by_cell(table(small.NALM_OUTCOMES)).items():
        solved = sum(r["solved"] == "1" for r in rows)
        assert 0 < solved < len(rows), (cell, solved)


@pytest.mark.parametrize("cell", list(small.CELLS))
def test_success_rates_and_final_mse_agree(cell):
    original = [r for r in table(small.ORIGINAL_OUTCOMES) if r["cell"] == cell]
    ours = [r for r in table(small.NALM_OUTCOMES) if r["cell"] == cell]
    result = compare_outcomes.compare_cell(original, ours)
    assert result["fisher_p"] >= 0.05, result
    low, high = result["rate_difference_ci"]
    assert low <= 0 <= high, result
    if not math.isnan(result["mw_solved_at_p"]):
        assert result["mw_solved_at_p"] >= 0.001, result
    assert result["ks_final_p"] >= 0.001, result
    assert result["mw_final_p"] >= 0.001, result


#: cell -> its gold weights (`nalm.analysis.gold_errors`: module, task, U[0, 10^k))
GOLD = {
    "NRU-easy-z1": ("NRU", "easy", -4),
    "NRU-easy-z2": ("NRU", "easy", -3),
    "NRU-easy-z3": ("NRU", "easy", -2),
    "NMRU-medium5k-z4": ("NMRU", "medium", -1),
}


def floor(cell):
    """The test MSE of the cell's gold weights as nalm's division runs evaluate it
    (`EvaluationSet.mse`, the division paper's `evaluation: float32`)."""
    from nalm.analysis import gold_errors
    from nalm.core.ranges import parse_range
    from nalm.tasks.single_module import TEST_SEED, EvaluationSet, SingleModuleTask

    module, task, exponent = GOLD[cell]
    op, size, ratio, subsets = gold_errors.TASKS[task]
    evaluation = small.papers.read_yaml("division", "task_defaults.yaml")["evaluation"]
    test = EvaluationSet(
        SingleModuleTask(op, size, ratio, 0.0, subsets, evaluation=evaluation),
        [parse_range(gold_errors.range_text(exponent))],
        [0],
        TEST_SEED,
        extrapolation=True,
    )
    return float(test.mse(gold_errors._module(module, task))[0])


@pytest.mark.parametrize("cell", list(small.CELLS))
def test_nalm_evaluates_the_gold_weights_as_the_original(cell):
    """The original's float32 `MSELoss` over the whole test set (`nalm.analysis.gold_errors.gold_error`,
    which reproduces the paper's thresholds) and nalm's evaluation of the same weights: the same bits."""
    from nalm.analysis import gold_errors

    assert floor(cell) == gold_errors.gold_error(*GOLD[cell])


@pytest.mark.parametrize("cell", list(small.CELLS))
def test_solved_runs_on_both_sides_sit_on_the_same_evaluation_of_the_gold_weights(cell):
    """A solved run holds the gold weights, so its test MSE is the gold weights' MSE: on both
    sides the same bits, below the cell's threshold (docs/validation-division.md)."""
    gold = floor(cell)
    for path in (small.ORIGINAL_OUTCOMES, small.NALM_OUTCOMES):
        solved = {
            float(r["extrapolation_mse_best"])
            for r in table(path)
            if r["cell"] == cell and r["solved"] == "1"
        }
        assert solved == {gold}, (path.name, cell, solved, gold)
    assert gold <= small.threshold(cell)


def test_the_summary_of_the_original_runs_matches_their_outcomes():
    """Item 4c: `nalm export --reader division` + `nalm division-summary --per-run` of the
    original's event files (committed output, `division_small_numbers.py check`) give, run for
    run, the best step, its test MSE and *solved* of the independent extraction."""
    ours = {(r["cell"], int(r["seed"])): r for r in table(small.ORIGINAL_OUTCOMES)}
    with open(small.ORIGINAL_SUMMARY, newline="") as handle:
        summary = list(csv.DictReader(handle))
    assert len(summary) == len(ours)
    for row in summary:
        mine = ours[row["cell"], int(row["seed"])]
        assert float(row["best.step"]) == float(mine["best_step"]), row
        assert small.float32(row["extrapolation.last"]) == small.float32(
            mine["extrapolation_mse_best"]
        ), row
        assert (row["solved"] == "TRUE") == (mine["solved"] == "1"), row


def test_the_prefix_covers_solved_and_unsolved_runs_of_the_outcome_tables():
    committed = {
        (r["cell"], int(r["seed"])): r["solved"] for r in table(small.NALM_OUTCOMES)
    }
    recorded = {(r["cell"], int(r["seed"])) for r in table(small.NALM_PREFIX)}
    assert recorded == {
        (cell, seed) for cell, seeds in small.PREFIX_SEEDS.items() for seed in seeds
    }
    for cell, seeds in small.PREFIX_SEEDS.items():
        assert {committed[cell, seed] for seed in seeds} == {"0", "1"}, cell


@pytest.mark.parametrize("cell", list(small.PREFIX_SEEDS))
def test_committed_nalm_runs_are_this_commits(cell, tmp_path):
    """The runs of the nalm table were trained by this commit's code: a sample of them, retrained
    with the same command for PREFIX_ITERATIONS, logs the same bits."""
    seeds = small.PREFIX_SEEDS[cell]
    assert (
        main(
            small.train_argv(cell, seeds, tmp_path, iterations=small.PREFIX_ITERATIONS)
        )
        == 0
    )
    committed = [r for r in table(small.NALM_PREFIX) if r["cell"] == cell]
    for seed in seeds:
        now = primer_cells.logged_prefix(
            small.run_dir(tmp_path, cell, seed), small.PREFIX_ITERATIONS
        )
        old = [
            (int(r["step"]), r["tag"], float(r["value"]))
            for r in committed
            if int(r["seed"]) == seed
        ]
        assert [(s, t) for s, t, _ in now] == [(s, t) for s, t, _ in old], (cell, seed)
        for (step, tag, value), (_, _, recorded) in zip(now, old):
            assert primer_cells.same_value(value, recorded), (
                f"{cell} seed {seed} step {step} {tag}: {value!r} now, {recorded!r} committed: training "
                "changed, run tests/validation/division_small_numbers.py nalm and re-check "
                "docs/validation-division.md"
            )
