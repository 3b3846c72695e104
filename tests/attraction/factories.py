"""Factories for attraction: a lead through the service, and a project walked along the pipeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kaohe.attraction import services
from kaohe.attraction.models import Decision, Stage

D = dt.date
_seq = iter(range(1, 10**6))

#: The default checklist's evaluator items at full marks (15 + 15 + 10).
FULL = {"fit": "15", "tech": "15", "energy": "10"}


def lead(*, unit, user=None, **kw):
    """A 5亿 lead (50,000万元 on 100亩, 4,000万元 tax a year: 500万元/亩, 40万元/亩·年)."""
    n = next(_seq)
    data = {"name": f"测试招商项目{n}", "investor": f"测试投资方{n}", "unit": unit, "amount": Decimal("50000"),
            "land_mu": Decimal("100"), "expected_tax": Decimal("4000"), "first_contact_on": D(2026, 1, 5)}
    data.update(kw)
    return services.create_project(data, user=user)


def admit(project, *, on=None, user=None):
    on = on or D(2026, 2, 1)
    return services.evaluate(project, scores=FULL, decision=Decision.APPROVED, decider="区招商项目评审委员会",
                             decided_on=on, user=user)


DATES = {Stage.TALKS: D(2026, 1, 20), Stage.SIGNED: D(2026, 2, 10), Stage.REGISTERED: D(2026, 3, 1),
         Stage.LANDED: D(2026, 4, 1), Stage.STARTED: D(2026, 5, 1), Stage.IN_STATS: D(2026, 6, 1),
         Stage.PRODUCING: D(2026, 8, 1), Stage.EFFECTIVE: D(2026, 10, 1)}


def walk(project, until, *, user=None, dates=None, confirm=True):
    """Advance ``project`` stage by stage up to ``until`` (admitting it before signing)."""
    dates = {**DATES, **(dates or {})}
    from kaohe.attraction.models import STAGE_ORDER

    for stage in STAGE_ORDER[STAGE_ORDER.index(project.stage) + 1: STAGE_ORDER.index(until) + 1]:
        if stage == Stage.SIGNED and not project.evaluations.exists():
            admit(project, on=dates[Stage.SIGNED] - dt.timedelta(days=5), user=user)
        m = services.advance(project, stage, on=dates[stage], evidence=f"{stage}佐证", user=user)
        if confirm and m.hold == "unconfirmed":
            services.confirm(m, user=user)
    project.refresh_from_db()
    return project
