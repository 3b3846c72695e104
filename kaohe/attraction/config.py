"""Attraction settings: ``settings.KAOHE_ATTRACTION`` (a dict) over these defaults.

- ``window_years``: a milestone after signing counts only within this many years of the
  signing date (认定期限, default 2);
- ``min_amount``: projects below this planned total investment (万元) never count (default 1000);
- ``confirm_stages``: stages that count only once the office has recognised them (认定);
  earlier stages count when recorded with their evidence;
- ``rush_days`` / ``rush_count`` / ``rush_lag_days``: 突击上报 — when a unit records at least
  ``rush_count`` milestones of one stage in the last ``rush_days`` days before a quarter's end,
  each dated more than ``rush_lag_days`` before it was recorded, they are held until the office
  has checked them;
- ``event_targets``: the yearly number of events per kind when a unit has no target of its own
  (综合性 5, 专题 10 — "5场以上", "10场以上").
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "window_years": 2,
    "min_amount": 1000,
    "confirm_stages": ["started", "in_stats", "producing", "effective"],
    "rush_days": 5,
    "rush_count": 5,
    "rush_lag_days": 30,
    "event_targets": {"comprehensive": 5, "thematic": 10},
}


def get(key: str) -> Any:
    return {**DEFAULTS, **settings.KAOHE_ATTRACTION}[key]
