"""Browser libraries are vendored at pinned versions with their licences; nothing loads from a CDN."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "kaohe" / "web" / "static" / "vendor"


def test_htmx_and_echarts_are_vendored_at_the_pinned_versions():
    assert 'version:"2.0.11"' in (VENDOR / "htmx.min.js").read_text(encoding="utf-8")
    assert 'version="5.6.0"' in (VENDOR / "echarts.min.js").read_text(encoding="utf-8")


def test_vendored_libraries_carry_their_licences():
    licences = VENDOR / "licenses"
    assert "Zero-Clause BSD" in (licences / "htmx-LICENSE.txt").read_text(encoding="utf-8")
    assert "Apache License" in (licences / "echarts-LICENSE.txt").read_text(encoding="utf-8")
    assert (licences / "echarts-NOTICE.txt").exists()


def test_no_template_loads_anything_from_another_host():
    remote = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.I)
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "kaohe").rglob("templates/**/*.html")
        if remote.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
