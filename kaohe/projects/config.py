"""Project settings: ``settings.KAOHE_PROJECTS`` (a dict) over these defaults.

- ``warnings``: overrides of :class:`kaohe.projects.warnings.WarningRules`;
- ``problem_time_limit``: time to solve a problem, a :class:`kaohe.lib.deadlines.TimeLimit`
  mapping (default 事不过夜: ``{"workdays": 0, "yellow": 0.5}`` — by 17:30 of the working day
  it is raised, the next working day when raised after 17:30; 临近 in the last half day);
- ``problem_escalate_city_workdays``: overdue this many working days → the city leader (default 2).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from kaohe.lib.deadlines import TimeLimit
from kaohe.projects.warnings import WarningRules

DEFAULTS: dict[str, Any] = {
    "warnings": {},
    "problem_time_limit": {"workdays": 0, "yellow": 0.5},
    "problem_escalate_city_workdays": 2,
}


def get(key: str) -> Any:
    return {**DEFAULTS, **settings.KAOHE_PROJECTS}[key]


def warning_rules() -> WarningRules:
    return WarningRules.from_mapping(get("warnings"))


def problem_time_limit() -> TimeLimit:
    return TimeLimit.from_mapping(get("problem_time_limit"), "KAOHE_PROJECTS problem_time_limit")
