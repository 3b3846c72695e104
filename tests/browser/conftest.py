"""Real Chromium for the browser tests: one launch per module, Debian's binary, no downloads.

``OUTPUT`` is where screenshots land (var/test-output/); look at them after a change.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kaohe.lib.chromium import chromium_path, missing_reason

OUTPUT = Path(os.environ.get("KAOHE_TEST_OUTPUT", Path(__file__).resolve().parents[2] / "var" / "test-output"))
# Without the background-networking flags Chromium keeps calling home, and this
# closed network refuses every connection.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    chromium = chromium_path()
    if chromium is None:
        # scripts/run_tests.py deselects browser tests when Chromium is missing (and fails in CI),
        # so this only guards a direct pytest call on a machine without it; with CI=true the
        # skip itself fails the run (tests/conftest.py).
        pytest.skip(missing_reason())
    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium, args=ARGS)
        yield launched
        launched.close()
