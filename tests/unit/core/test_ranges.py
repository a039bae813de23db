"""Range strings (`nalm.core.ranges`): the forms of `bmistry4/nalm-benchmark`'s
`experiments/single_layer_benchmark.py` (lists read by `ast.literal_eval`), and nothing else."""

import pytest

from nalm.core.errors import UserError
from nalm.core.ranges import parse_range


@pytest.mark.parametrize(
    "text",
    [
        "(1,2)",  # a tuple is not the original's list form
        "[(1,2),(3,4)]",
        "[[1,2],[3,4],()]",
        "[1,1" + "0" * 400 + "]",  # an integer beyond float range
        "[1,1e999]",
        "[True,2]",
        "[2,1]",
        "[[1,2],[3,5]]",
        "",
        "[" * 5000,
    ],
)
def test_malformed_ranges_are_one_line_errors(text):
    with pytest.raises(UserError, match="malformed range") as caught:
        parse_range(text)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "text, canonical",
    [("[1,2]", "[1,2]"), (" [ -6 , -2 ] ", "[-6,-2]"), ("[[-6,-2],[2,6]]", "[[-6,-2],[2,6]]"),
     ("[[1,2],[-2,-1],[]]", "[[1,2],[-2,-1],[]]"), ("[1.1,1.2]", "[1.1,1.2]")],
)  # fmt: skip
def test_the_original_forms_parse(text, canonical):
    assert parse_range(text).text == canonical


def test_python_sequences_given_directly_still_parse():
    # values read from YAML files reach parse_range as lists (tuples from code)
    assert parse_range([1, 2]).text == "[1,2]"
    assert parse_range((1, 2)).text == "[1,2]"
