"""Count the skips in pytest JUnit reports; fail on a skip whose reason .ci/allowed-skips lacks.

    python .ci/skips.py REPORT.xml [REPORT.xml ...]

Prints the number of skipped tests and each distinct reason; exits 1 when any reason matches
none of the regular expressions in .ci/allowed-skips (tests/conftest.py applies the same list
while the tests run under CI=true).
"""

import collections
import re
import sys
from pathlib import Path
from xml.etree import ElementTree

ALLOWED = Path(__file__).with_name("allowed-skips")


def allowed_patterns():
    lines = (line.split("#", 1)[0].strip() for line in ALLOWED.read_text().splitlines())
    return [re.compile(line) for line in lines if line]


def skips(report):
    """(test id, reason) of every skipped test case (xfails are not skips)."""
    for case in ElementTree.parse(report).iter("testcase"):
        for skipped in case.findall("skipped"):
            if skipped.get("type") == "pytest.xfail":
                continue
            test = f"{case.get('classname')}::{case.get('name')}"
            yield test, skipped.get("message", "").removeprefix("Skipped: ")


def main(reports):
    patterns = allowed_patterns()
    found = [skip for report in reports for skip in skips(report)]
    reasons = collections.Counter(reason for _, reason in found)
    unexpected = [(test, reason) for test, reason in found if not any(p.search(reason) for p in patterns)]
    print(f"== {len(found)} skipped ({len(unexpected)} not allowed by .ci/allowed-skips)")
    for reason, count in sorted(reasons.items()):
        print(f"   {count} x {reason}")
    for test, reason in unexpected:
        print(f"== UNEXPECTED SKIP {test}: {reason}", file=sys.stderr)
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
