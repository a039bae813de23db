"""The rules tests/conftest.py imposes on every test, checked on a throw-away test suite.

A temporary project gets a copy of tests/conftest.py and .ci/allowed-skips, and a few tests
that skip, touch the project root or carry the `cluster` marker; pytest runs it in a
subprocess, with and without CI=true. `.ci/skips.py` then reads its JUnit report.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from xml.etree import ElementTree

import pytest

REPO = Path(__file__).resolve().parents[1]

SUITE = {
    "test_skips.py": '''
        import pytest

        def test_fixture_missing():
            pytest.skip("shared/fixtures/original-events is not available")

        @pytest.mark.cluster
        def test_on_the_cluster():
            pass

        @pytest.mark.xfail(reason="known", strict=True)
        def test_expected_failure():
            assert False

        def test_plain():
            pass
    ''',
    "test_module_skip.py": '''
        import pytest

        pytest.importorskip("a_plugin_that_is_not_installed")

        def test_never_runs():
            pass
    ''',
    "test_root.py": '''
        from pathlib import Path

        def test_writes_results_into_the_root():
            root = Path(__file__).resolve().parents[1]
            (root / "results").mkdir(exist_ok=True)
            (root / "results" / "fig.pdf").write_text("x")
    ''',
}


@pytest.fixture
def project(tmp_path):
    (tmp_path / ".ci").mkdir()
    (tmp_path / ".ci" / "allowed-skips").write_text((REPO / ".ci" / "allowed-skips").read_text())
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "conftest.py").write_text((REPO / "tests" / "conftest.py").read_text())
    for name, text in SUITE.items():
        (tests / name).write_text(textwrap.dedent(text))
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    cluster: needs a SLURM cluster\n")
    return tmp_path


def run(project, *args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("CI", "NALM_CLUSTER_TESTS")}
    environment.update(env)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", "--junitxml=report.xml", *args],
        cwd=project, env=environment, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    return result.stdout + result.stderr


def outcomes(project):
    """{test name or collected file: outcome} from the run's JUnit report.

    An outcome is `passed`, `failure`, `error`, `skipped` or `xfail`; a test that passed and
    then failed in teardown reads `error`.
    """
    found = {}
    for case in ElementTree.parse(project / "report.xml").iter("testcase"):
        name = case.get("name") or case.get("classname")
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        if "skipped" in kinds and case.find("skipped").get("type") == "pytest.xfail":
            kinds = ["xfail"]
        found[name] = kinds[-1] if kinds else "passed"
    return found


def test_outside_ci_a_skip_is_a_skip_and_cluster_tests_are_opt_in(project):
    output = run(project, "tests", "--deselect", "tests/test_root.py")
    assert outcomes(project) == {
        "test_fixture_missing": "skipped", "test_on_the_cluster": "skipped",
        "test_expected_failure": "xfail", "test_plain": "passed", "tests.test_module_skip": "skipped",
    }, output  # fmt: skip
    assert "SLURM cluster tests are opt-in: run them with `make test-cluster`" in output
    run(project, "tests/test_skips.py", NALM_CLUSTER_TESTS="1")
    assert outcomes(project)["test_on_the_cluster"] == "passed"


def test_under_ci_only_listed_skips_are_allowed(project):
    output = run(project, "tests/test_skips.py", CI="true")
    assert outcomes(project) == {
        "test_fixture_missing": "failure", "test_on_the_cluster": "skipped",  # listed: allowed
        "test_expected_failure": "xfail", "test_plain": "passed",
    }, output  # fmt: skip
    assert "skipped with CI=true" in output and "original-events is not available" in output
    # .ci/skips.py reads the report: one skip, the allowed one
    check = subprocess.run([sys.executable, str(REPO / ".ci" / "skips.py"), str(project / "report.xml")],
                           capture_output=True, text=True, check=False)  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    assert "== 1 skipped (0 not allowed" in check.stdout
    # a module that skips at collection (a missing plugin) fails the run under CI
    output = run(project, "tests/test_module_skip.py", CI="true")
    assert outcomes(project) == {"tests.test_module_skip": "error"}, output


def test_skip_report_fails_on_a_skip_outside_the_list(project):
    run(project, "tests", "--deselect", "tests/test_root.py")  # outside CI: the skips stay skips
    check = subprocess.run([sys.executable, str(REPO / ".ci" / "skips.py"), str(project / "report.xml")],
                           capture_output=True, text=True, check=False)  # fmt: skip
    assert check.returncode == 1
    assert "== 3 skipped (2 not allowed" in check.stdout
    assert "UNEXPECTED SKIP" in check.stderr and "original-events is not available" in check.stderr


def test_a_test_writing_into_the_project_root_fails(project):
    output = run(project, "tests/test_root.py")
    assert outcomes(project) == {"test_writes_results_into_the_root": "error"}, output
    assert "this test wrote into the repository root (results)" in output
