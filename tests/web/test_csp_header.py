"""Every page carries the Content-Security-Policy, and no template relies on what it forbids
(inline ``on…=`` handlers, ``javascript:`` links, inline ``<script>`` code)."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client

import kaohe

TEMPLATES = sorted(Path(kaohe.__file__).parent.rglob("templates/**/*.html"))
HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)


def test_pages_carry_the_policy(db):
    response = Client().get("/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]


def test_the_production_policy_allows_no_eval(settings):
    assert "unsafe-eval" not in settings.KAOHE_CSP_DEFAULT and "unsafe-inline" not in settings.KAOHE_CSP_DEFAULT.split(";")[1]


def test_no_template_uses_inline_handlers_or_inline_scripts():
    offenders = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for pattern in (HANDLER, INLINE_SCRIPT):
            offenders += [f"{path.relative_to(Path(kaohe.__file__).parent)}: {m.group(0)}" for m in pattern.finditer(text)]
        if "javascript:" in text:
            offenders.append(f"{path}: javascript: URL")
    assert offenders == [], "use data-autosubmit / data-navigate (kaohe.js) or a static script:\n" + "\n".join(offenders)
