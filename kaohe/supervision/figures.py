"""Figures of supervision per lead unit as at a day (the indicator source and the boards).

- 按期办结率 (%): tasks due by the day that were reported done by their due moment ÷ tasks due by the day;
- 签收及时率 (%): tasks whose 签收 was due by the day, signed in time ÷ those tasks;
- 退回重办率 (%): tasks returned at least once ÷ tasks reported done (lower is better);
- 逾期件数: tasks due by the day not reported in time (still open, or done late);
- 黄色催办次数 / 红色督办次数: the ladder's yellows and reds (the scheme deducts points per colour).

Only tasks assigned in the day's year count; a unit's figures include the units below it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from kaohe.lib.numbers import round_half_up
from kaohe.orgs.models import OrgUnit
from kaohe.supervision.models import Task

INDICATORS = {
    "supervision_ontime_rate": ("督办事项按期办结率", "On-time completion of supervision tasks"),
    "supervision_sign_rate": ("督办事项签收及时率", "Timely sign-off of supervision tasks"),
    "supervision_return_rate": ("督办事项退回重办率", "Share of supervision tasks returned"),
    "supervision_overdue": ("督办事项逾期件数", "Overdue supervision tasks"),
    "supervision_yellow": ("督办黄色催办次数", "Yellow urgings"),
    "supervision_red": ("督办红色督办次数", "Red supervision letters"),
}


def _rate(num: int, den: int) -> float | None:
    return float(round_half_up(num / den * 100, 2)) if den else None


def unit_figures(day: dt.date, unit_codes: list[str] | None = None) -> dict[str, dict[str, float | None]]:
    """{unit code: {indicator: value}} as at the end of ``day``."""
    end = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))
    units = OrgUnit.objects.all()
    parents = dict(units.values_list("pk", "parent_id"))
    codes = dict(units.values_list("pk", "code"))
    wanted = set(unit_codes) if unit_codes is not None else set(codes.values())
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = Task.objects.filter(year=day.year, assigned_at__isnull=False, assigned_at__lte=end).values_list(
        "lead_unit_id", "due_at", "reported_at", "sign_due_at", "signed_at", "returned_count", "yellow_count",
        "red_count", "closed_at")
    for lead, due, reported, sign_due, signed, returned, yellow, red, _closed in rows:
        chain, current = [], lead
        while current is not None:
            if codes[current] in wanted:
                chain.append(codes[current])
            current = parents.get(current)
        if not chain:
            continue
        done_by_end = reported is not None and reported <= end
        c = {}
        if due is not None and due <= end:
            c["due"] = 1
            c["ontime"] = int(done_by_end and reported <= due)
            c["overdue"] = 1 - c["ontime"]
        if sign_due is not None and sign_due <= end:
            c["sign_due"] = 1
            c["sign_ok"] = int(signed is not None and signed <= sign_due)
        if done_by_end:
            c["reported"] = 1
            c["returned"] = int(returned > 0)
        c["yellow"], c["red"] = yellow, red
        for code in chain:
            for key, value in c.items():
                counts[code][key] += value
    out = {}
    for code in wanted:
        c = counts.get(code, {})
        out[code] = {
            "supervision_ontime_rate": _rate(c.get("ontime", 0), c.get("due", 0)),
            "supervision_sign_rate": _rate(c.get("sign_ok", 0), c.get("sign_due", 0)),
            "supervision_return_rate": _rate(c.get("returned", 0), c.get("reported", 0)) if c.get("reported") else 0.0,
            "supervision_overdue": float(c.get("overdue", 0)),
            "supervision_yellow": float(c.get("yellow", 0)),
            "supervision_red": float(c.get("red", 0)),
        }
    return out
