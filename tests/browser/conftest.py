"""Real Chromium for the browser tests: one launch per module, Debian's binary, no downloads.

``OUTPUT`` is where screenshots land (var/test-output/); look at them after a change.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

OUTPUT = Path(os.environ.get("KAOHE_TEST_OUTPUT", Path(__file__).resolve().parents[2] / "var" / "test-output"))
CHROMIUM = os.environ.get("KAOHE_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling home, and this
# closed network refuses every connection.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        # scripts/run_tests.py deselects browser tests when Chromium is missing (and fails in CI),
        # so this only guards a direct pytest call on a machine without it.
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()
