"""Project settings: ``settings.KAOHE_PROJECTS`` (a dict) over these defaults.

- ``warnings``: overrides of :class:`kaohe.projects.warnings.WarningRules`;
- ``problem_due_hours``: time to solve a problem (事不过夜: 24);
- ``problem_escalate_city_hours``: overdue this long → the city leader (default 48).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from kaohe.projects.warnings import WarningRules

DEFAULTS: dict[str, Any] = {"warnings": {}, "problem_due_hours": 24, "problem_escalate_city_hours": 48}


def get(key: str) -> Any:
    return {**DEFAULTS, **getattr(settings, "KAOHE_PROJECTS", {})}[key]


def warning_rules() -> WarningRules:
    return WarningRules.from_mapping(get("warnings"))
