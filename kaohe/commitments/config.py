"""Commitments settings: ``settings.KAOHE_COMMITMENTS`` (a dict) over these defaults.

- ``remind_workdays``: N — a milestone is 临近 when N working days or fewer are left (today and its
  date counted); the unit is reminded on the first such day (5);
- ``jobs``: the scheduled jobs (``kaohe.lib.jobs``): ``daily`` — 节点临近提醒 and 逾期通知, on
  working days.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "remind_workdays": 5,
    "jobs": {"daily": {"enabled": True, "workdays_only": True}},
}


def get(key: str) -> Any:
    return {**DEFAULTS, **settings.KAOHE_COMMITMENTS}[key]
