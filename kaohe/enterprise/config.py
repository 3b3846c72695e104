"""Enterprise-service settings: ``settings.KAOHE_ENTERPRISE`` (a dict) over these defaults.

- ``response_limit``: 首次响应 — **事不过夜**: a first substantive response by the cut-off of the
  working day the request is received (default 17:30); received after it (or on a day off), by
  the next working day's cut-off. A :class:`kaohe.lib.deadlines.TimeLimit` mapping.
- ``sign_limit``: 签收 by the handling unit after 分派 (default 1 working day).
- ``tiers``: 办结时限 per tier — 即办 (answered at intake), 2 working hours, 1 / 3 / 15 working days.
- ``type_tiers``: the default tier of each request type; ``urgent_tier``: the tier of an urgent
  request (unless its type's is shorter).
- ``satisfaction_points``: the 满意度得分 of each answer (满意 100, 基本满意 80, 不满意 0).
- ``repeat_days``: a request of the same enterprise and type within this many days of an earlier
  one counts as a repeat (重复诉求).
- ``auto_escalate_workdays``: overdue by this many working days → escalated to 督办 by the sweep
  (None: only by hand).
- ``link_days``: how long an enterprise's own link lasts; ``code_minutes``: a one-time code's life;
  ``code_per_hour`` / ``code_per_ip_hour``: codes sent per enterprise / per address in an hour;
  ``code_attempts``: wrong entries before a code is void; ``session_minutes``: how long a verified
  visit lasts; ``survey_days``: how long the satisfaction link lasts.
- ``attachment_types``: allowed extensions → content type; ``attachment_max_mb``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from kaohe.lib.deadlines import TimeLimit

DEFAULTS: dict[str, Any] = {
    "response_limit": {"workdays": 0, "cutoff": "17:30"},
    "sign_limit": {"workdays": 1},
    "tiers": {
        "immediate": {"workhours": 0},
        "hours2": {"workhours": 2},
        "wd1": {"workdays": 1},
        "wd3": {"workdays": 3, "yellow": 1},
        "wd15": {"workdays": 15, "yellow": 3},
    },
    "type_tiers": {"policy": "wd1", "land": "wd15", "finance": "wd3", "permits": "wd3", "talent": "wd3",
                   "utilities": "wd1", "other": "wd3"},
    "urgent_tier": "hours2",
    "satisfaction_points": {"satisfied": 100, "basic": 80, "unsatisfied": 0},
    "repeat_days": 30,
    "auto_escalate_workdays": 2,
    "link_days": 365,
    "code_minutes": 10,
    "code_per_hour": 5,
    "code_per_ip_hour": 20,
    "code_attempts": 5,
    "session_minutes": 120,
    "survey_days": 15,
    "attachment_types": {
        "pdf": "application/pdf", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ofd": "application/ofd",
    },
    "attachment_max_mb": 10,
}

TIER_ORDER = ("immediate", "hours2", "wd1", "wd3", "wd15")


def get(key: str) -> Any:
    return {**DEFAULTS, **settings.KAOHE_ENTERPRISE}[key]


def response_limit() -> TimeLimit:
    return TimeLimit.from_mapping(get("response_limit"), "KAOHE_ENTERPRISE response_limit")


def sign_limit() -> TimeLimit:
    return TimeLimit.from_mapping(get("sign_limit"), "KAOHE_ENTERPRISE sign_limit")


def tier_limit(tier: str) -> TimeLimit:
    tiers = get("tiers")
    if tier not in tiers:
        raise KeyError(f"KAOHE_ENTERPRISE tiers: no tier {tier!r}")
    return TimeLimit.from_mapping(tiers[tier], f"KAOHE_ENTERPRISE tiers.{tier}")


def default_tier(rtype: str, urgency: str) -> str:
    tier = get("type_tiers").get(rtype, "wd3")
    if urgency == "urgent":
        urgent = get("urgent_tier")
        if TIER_ORDER.index(urgent) < TIER_ORDER.index(tier):
            tier = urgent
    return tier
