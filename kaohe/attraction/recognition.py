"""认定规则 (recognition): which milestones count in the figures, and the 突击上报 check.

A milestone counts (``Milestone.counted``) when all of these hold; otherwise ``hold`` names
the first that does not:

- ``stage``: 线索/在谈 are not results;
- ``excluded``: the project falls under an exclusion (不予认定情形: 房地产, 本地企业迁建…);
- ``below_min``: its planned investment is below ``min_amount`` (万元);
- ``unconfirmed``: the stage needs the office's recognition (认定: 开工 and after) and has none;
- ``window``: it came more than ``window_years`` after signing (cross-year projects count
  within two years);
- ``rush``: it was recorded in a suspected bulk report before a deadline and not yet checked.

"Counted once": a project has at most one milestone per stage (a database constraint), and
figures count a milestone in the year of its own date only — a 2025 signing is never counted
again in 2026. The same investor and project name cannot be entered twice (services).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from kaohe.attraction import config
from kaohe.attraction.models import Milestone, Stage

HOLDS = {
    "stage": _("线索、在谈阶段不计入实绩"),
    "excluded": _("属不予认定情形"),
    "below_min": _("计划总投资低于认定起点"),
    "unconfirmed": _("待认定"),
    "window": _("超出认定期限"),
    "rush": _("疑似突击上报，待核实"),
}
RESULT_STAGES = [s for s in Stage.values if s not in (Stage.LEAD, Stage.TALKS)]


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def hold_of(milestone: Milestone) -> str:
    """Why ``milestone`` does not count ("" when it does)."""
    project = milestone.project
    if milestone.stage not in RESULT_STAGES:
        return "stage"
    if project.exclusion_id:
        return "excluded"
    if Decimal(project.amount) < Decimal(str(config.get("min_amount"))):
        return "below_min"
    if milestone.stage in config.get("confirm_stages") and milestone.confirmed_at is None:
        return "unconfirmed"
    if milestone.stage != Stage.SIGNED and project.signed_on is not None:
        if milestone.on > add_years(project.signed_on, int(config.get("window_years"))):
            return "window"
    if milestone.rush_flag and milestone.rush_cleared_by_id is None:
        return "rush"
    return ""


def apply(milestone: Milestone) -> bool:
    """Set ``counted``/``hold`` from the rules; returns True when something changed (not saved)."""
    hold = hold_of(milestone)
    changed = (milestone.hold, milestone.counted) != (hold, not hold)
    milestone.hold, milestone.counted = hold, not hold
    return changed


def quarter_end(day: dt.date) -> dt.date:
    month = ((day.month - 1) // 3 + 1) * 3
    nxt = dt.date(day.year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def rush_batch(milestone: Milestone) -> list[Milestone]:
    """The milestones of a suspected bulk report (突击上报) that ``milestone`` belongs to, or [].

    Bulk = the unit recorded at least ``rush_count`` milestones of this stage in the last
    ``rush_days`` days before the quarter's end, each dated more than ``rush_lag_days``
    before it was recorded (back-filled rather than reported as it happened)."""
    recorded = milestone.recorded_at.date()
    end = quarter_end(recorded)
    start = end - dt.timedelta(days=int(config.get("rush_days")) - 1)
    if recorded < start:
        return []
    lag = dt.timedelta(days=int(config.get("rush_lag_days")))
    candidates = [
        m for m in Milestone.objects.filter(
            project__unit_id=milestone.project.unit_id, stage=milestone.stage,
            recorded_at__date__gte=start, recorded_at__date__lte=end,
        ).select_related("project")
        if m.recorded_at.date() - m.on > lag
    ]
    return candidates if len(candidates) >= int(config.get("rush_count")) else []
