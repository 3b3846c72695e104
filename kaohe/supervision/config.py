"""Supervision settings: ``settings.KAOHE_SUPERVISION`` (a dict) over these defaults.

- ``limits``: default 办理时限 in working days by source (practice: 公文 30, 会议纪要 20,
  领导批示 急件 3 (1–5) / 非急件 15 / 难件 30); a task may set its own;
- ``sign_workdays``: 签收 within this many working days of 交办 (1);
- ``remind_workdays``: N — 临近提醒 when this many working days or fewer are left (3);
- ``red_after_workdays``: M — overdue by this many working days after the 催办单 → 督办函 (5);
- ``yellows_for_red``: a second yellow (催办单) turns the task red (2);
- ``report_ceiling``: reports demanded of one unit in a month before the office is warned (8);
- ``prefixes``: 代字 of the documents (交办单/催办单/督办函/通报/周交办清单);
- ``issuer``: the issuing office's name on the documents when the unit has no other.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "limits": {
        "document": 30, "meeting": 20, "instruction": {"urgent": 3, "normal": 15, "hard": 30},
        "assessment": 20, "project": 10, "enterprise": 15, "manual": 20,
    },
    "sign_workdays": 1,
    "remind_workdays": 3,
    "red_after_workdays": 5,
    "yellows_for_red": 2,
    "report_ceiling": 8,
    "prefixes": {"assign": "督交", "urge": "督催", "supervise": "督函", "bulletin": "督通", "batch": "督周"},
    "issuer": "督查室",
}


def get(key: str) -> Any:
    return {**DEFAULTS, **settings.KAOHE_SUPERVISION}[key]


def default_limit(source_kind: str, urgency: str = "") -> int:
    """The default 办理时限 (working days) of a task from this source (a 批示 by its urgency)."""
    limits = get("limits")
    value = limits.get(source_kind, limits.get("manual", 20))
    if isinstance(value, dict):
        return int(value.get(urgency or "normal", value.get("normal", 15)))
    return int(value)
