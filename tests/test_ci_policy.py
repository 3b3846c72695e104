"""CI cannot pass by skipping: with CI=true a skipped test fails; the deselect list is the only way out."""

from __future__ import annotations

import sys
from pathlib import Path

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
CONFTEST = """
from tests.conftest import pytest_runtest_makereport  # noqa: F401  (the hook under test)
"""
SKIPPING = """
import pytest

def test_runs():
    assert True

def test_skips():
    pytest.skip("no such thing here")
"""


def _run(pytester, monkeypatch, ci: str):
    monkeypatch.setenv("CI", ci)
    monkeypatch.syspath_prepend(str(ROOT))
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_inner=SKIPPING)
    return pytester.runpytest_inprocess("-p", "no:django", "-p", "no:cacheprovider")


def test_a_skipped_test_fails_the_run_under_ci(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, "true")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*skipped under CI=true (Skipped: no such thing here)*tests/deselected.py*"])


def test_a_skipped_test_is_only_a_skip_outside_ci(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, "")
    result.assert_outcomes(passed=1, skipped=1)


def test_the_test_runner_fails_a_partition_that_collects_nothing():
    # An empty selection (-k matching nothing) is what a suite that "ran no test" looks like;
    # it passes only when a developer narrowed the run by hand (``make test ARGS``).
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import run_tests
    finally:
        sys.path.pop(0)
    args = ["-q", "-k", "no_test_is_named_like_this", "tests/test_settings_env.py"]
    assert run_tests.run("empty", {"DATABASE_URL": ""}, args, narrowed=False) == 5
    assert run_tests.run("empty", {"DATABASE_URL": ""}, args, narrowed=True) == 0
