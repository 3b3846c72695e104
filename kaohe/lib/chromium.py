"""Where Debian's Chromium is: the one resolver for the test runner, the browser fixture and
the page benchmarks (Playwright's own browser downloads cannot run on our machines)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

# Debian installs /usr/bin/chromium; Ubuntu-like images name it chromium-browser.
_CANDIDATES = ("chromium", "chromium-browser")


def chromium_path() -> str | None:
    """``KAOHE_CHROMIUM`` when set (it must exist), else the first Chromium on PATH, else None."""
    configured = os.environ.get("KAOHE_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def missing_reason() -> str:
    """Why ``chromium_path()`` is None, in words an operator can act on."""
    configured = os.environ.get("KAOHE_CHROMIUM")
    if configured:
        return f"KAOHE_CHROMIUM={configured} does not exist"
    return "Chromium is not installed (apt-get install chromium fonts-noto-cjk)"
