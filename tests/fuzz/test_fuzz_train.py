"""`nalm train` fed malformed seeds, ranges, range ids, `--set` values, numbers and output paths,
one at a time in an otherwise valid call: each is one line and a non-zero exit before training
starts, and nothing in the working directory changes. The parsers behind them (seeds, ranges,
overrides) fed arbitrary text return a value or raise `UserError`, nothing else."""

import os

import pytest
from _fuzzing import COUNTS, assert_refused, call_nalm, fuzz, tree_digest
from hypothesis import given
from hypothesis import strategies as st

import nalm.core.engine
from nalm.commands.train import MAX_SEED, MAX_SEEDS, parse_seeds
from nalm.core.errors import UserError
from nalm.core.hyperparameters import FIELDS, parse_override
from nalm.core.outputs import check_output_directory, check_output_file
from nalm.core.ranges import parse_range

BASE = {
    "--preset": "NAU", "--op": "add", "--interpolation-range": "[1,2]", "--extrapolation-range": "[2,6]",
    "--seeds": "0-1", "--iterations": "3", "--log-interval": "1", "--out": "out",
}  # fmt: skip


def _refused_by(parse, text) -> bool:
    try:
        parse(text)
    except UserError:
        return True
    return False


# ------------------------------------------------------------------ the parsers, on any text

seed_texts = st.text(alphabet="0123456789,- x.", max_size=14) | st.text(max_size=10) | st.sampled_from(
    ["99999999999", "0-4294967295", "4294967296", "0-4294967296", "0,0", "1-0", "", "-1", "0-999999,1000000-1000001"]
)


@fuzz(300)
@given(seed_texts)
def test_parse_seeds_returns_seeds_or_one_error(text):
    COUNTS["inputs"] += 1
    try:
        seeds = parse_seeds(text)
    except UserError as error:
        assert "\n" not in str(error)
        return
    assert seeds and len(seeds) == len(set(seeds)) <= MAX_SEEDS
    assert all(0 <= seed <= MAX_SEED for seed in seeds)


def test_a_seed_range_of_the_whole_seed_space_is_one_line():
    """`--seeds 0-4294967295` tried to build a list of 2**32 seeds (MAX_SEEDS caps a call)."""
    with pytest.raises(UserError, match="more than 1,000,000 seeds"):
        parse_seeds("0-4294967295")
    assert len(parse_seeds("0-999999")) == MAX_SEEDS


@fuzz(200)
@given(st.text(max_size=30))
def test_parse_range_returns_a_range_or_one_error(text):
    COUNTS["inputs"] += 1
    try:
        parse_range(text)
    except UserError as error:
        assert "\n" not in str(error).replace("\\n", "")


override_texts = st.builds(
    lambda key, value: f"{key}={value}",
    st.sampled_from(sorted(FIELDS)) | st.text(max_size=5),
    st.text(max_size=12) | st.sampled_from(["abc", "0", "1.5", "-4", "[1,2]", "[100,10]", "{a: 1}", "maybe", ".nan",
                                              "1e999", "[", "{", "null", "~", "[1e-7,abc]", "!!python/name:os.system"]),
) | st.text(max_size=15)  # fmt: skip


@fuzz(300)
@given(override_texts)
def test_parse_override_returns_a_value_or_one_error(text):
    COUNTS["inputs"] += 1
    try:
        parse_override(text)
    except UserError:
        pass


@pytest.mark.parametrize("check", [check_output_directory, check_output_file])
def test_a_path_holding_a_nul_is_one_line(check):
    """Found by the fuzz test: os.stat raised ValueError ('embedded null byte'), a traceback."""
    with pytest.raises(UserError, match="cannot hold a NUL character"):
        check("out\0x", "--out")


# ------------------------------------------------------------------ nalm train, one bad option


def _bad(parse):
    return lambda text: _refused_by(parse, text)


bad_options = st.one_of(
    st.tuples(st.just("--seeds"), seed_texts.filter(_bad(parse_seeds))),
    st.tuples(st.sampled_from(["--interpolation-range", "--extrapolation-range"]),
              st.text(alphabet="[](),.-0123456789e ", max_size=14).filter(_bad(parse_range))),
    st.tuples(st.just("--range-id"), st.sampled_from(["..", ".", ".hidden", "a/b", "", "a\0b", "../up", "-x", "a b",
                                                      "é", "/abs"])),
    st.tuples(st.just("--set"), override_texts.filter(_bad(parse_override))),
    st.tuples(st.sampled_from(["--iterations", "--input-size", "--num-subsets"]),
              st.sampled_from(["-1", "-100000000000000000000", "abc", "1.5", "", "1e3"])),
    st.tuples(st.sampled_from(["--log-interval", "--threads"]), st.sampled_from(["0", "-1", "abc", ""])),
    st.tuples(st.sampled_from(["--subset-ratio", "--overlap-ratio"]), st.sampled_from(["nan", "-1", "2", "inf", "abc", ""])),
    st.tuples(st.just("--distribution"), st.sampled_from(["", "gauss", "truncated-normal 1", "benford x",
                                                          "truncated-normal a b c d", "truncated-normal 0 -1 0 1"])),
    st.tuples(st.sampled_from(["--preset", "--op", "--train-criterion", "--device"]), st.sampled_from(["", "NAUU", "x\0"])),
    st.tuples(st.just("--out"), st.sampled_from(["afile", "afile/x", "adir/../afile/y", "o\0ut", ""])),
    st.tuples(st.just("--manifest"), st.sampled_from(["adir", "afile/x", "adir/", "o\0ut", ""])),
)  # fmt: skip


@pytest.fixture
def no_training(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("training started although an input was malformed")

    monkeypatch.setattr(nalm.core.engine, "train_block", refuse)


@fuzz(120)
@given(option=bad_options)
def test_train_refuses_one_bad_option_before_training(tmp_path_factory, no_training, option):
    work = tmp_path_factory.mktemp("train")
    (work / "afile").write_text("keep\n")
    (work / "adir").mkdir()
    key, value = option
    arguments = {**BASE, key: value}
    argv = ["train", *[part for pair in arguments.items() for part in pair]]
    before = tree_digest(work)
    code, err = call_nalm(argv, cwd=work)
    assert_refused(code, err, argv)
    assert tree_digest(work) == before
    assert sorted(os.listdir(work)) == ["adir", "afile"]


def test_an_empty_out_is_one_line(tmp_path, no_training):
    """Found by the fuzz test: `--out ''` trained and wrote the runs into the working directory."""
    argv = ["train", *[part for pair in {**BASE, "--out": ""}.items() for part in pair]]
    code, err = call_nalm(argv, cwd=tmp_path)
    assert_refused(code, err, argv)
    assert "--out '': expected a directory name" in err and not os.listdir(tmp_path)
