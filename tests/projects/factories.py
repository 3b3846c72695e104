"""Factories for major projects: ``ProjectFactory(unit=..., milestones={"started": (planned, actual)})``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kaohe.projects import services
from kaohe.projects.models import Project

_seq = iter(range(1, 10**6))


def ProjectFactory(*, unit, milestones: dict | None = None, user=None, **kw) -> Project:
    """A 2026 city-level industry project of 2亿 with a 1亿 plan for the year, via the service."""
    n = next(_seq)
    data = {
        "code": f"P{n:05d}",
        "name": f"测试项目{n}",
        "owner_enterprise": f"测试企业{n}",
        "unit": unit,
        "total_investment": Decimal("20000"),
        "year": 2026,
        "year_plan": Decimal("10000"),
        "leader_name": "王副市长",
        "task_force": "先进制造专班",
        "signed_on": dt.date(2025, 12, 1),
    }
    data.update(kw)
    return services.create_project(data, milestones=milestones, user=user)

