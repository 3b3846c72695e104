"""差距分析 and 模拟测算 for one unit in one run: the engine's answers on the run's stored inputs.

Every figure comes from ``kaohe.engine.gap`` called on the inputs the run scored (the
same call ``kaohe gap`` makes), so the page and the command line cannot disagree; this
module only adds the names the page shows (which unit holds the place to reach).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from kaohe.engine import gap as engine_gap
from kaohe.results.models import RANK_ORDER, RunTotal, ScoringRun
from kaohe.results.queries import run_cached
from kaohe.results.runs import Inputs, engine_inputs


@dataclass
class Gap:
    label: str
    points: float
    target_total: float


def report(run: ScoringRun, unit_code: str) -> dict[str, Any]:
    """The engine's gap report (``GapReport.to_dict()``) of ``unit_code`` on the run's inputs.

    Cached per run and unit: a sealed run's inputs never change."""

    def compute() -> dict[str, Any]:
        e = engine_inputs(Inputs.from_bytes(run.inputs))
        return engine_gap.gap(e.scheme, e.values, e.units, e.targets, unit_code, period=e.period).to_dict()

    return run_cached(run, f"gap:{unit_code}", compute)


def place_gaps(run: ScoringRun, unit_code: str) -> dict[str, Any]:
    """Points to the next place, the leader and each better tier (the engine's ``targets``)."""
    me = RunTotal.objects.get(run=run, unit_code=unit_code)
    group = list(RunTotal.objects.filter(run=run, group=me.group).order_by(RANK_ORDER, "unit_code")
                 .values_list("unit_code", "unit_name", "total", "rank", "tier"))
    gaps: list[Gap] = []
    tier_gaps: list[Gap] = []
    seen_totals: set[float] = set()
    for t in report(run, unit_code)["targets"]:
        total, needed = t["total"], t["points_needed"]
        if total is None or needed is None:
            continue
        if t["target"].startswith("tier:"):
            tier_gaps.append(Gap(t["target"][len("tier:"):], needed, total))
            continue
        if total in seen_totals:  # the leader is the next place: one row
            continue
        seen_totals.add(total)
        holder = next((g for g in group if g[2] == total), None)
        if holder is not None:
            gaps.append(Gap(_("追上第%(r)s名（%(name)s）") % {"r": holder[3], "name": holder[1]}, needed, total))
    return {"me": me, "group": group, "gaps": gaps, "tier_gaps": tier_gaps}


def best_value_indicators(run: ScoringRun, unit_code: str, limit: int = 8) -> list[dict]:
    """Indicators where the least improvement gains the most points (``kaohe.engine.gap``)."""
    meta = run.scheme_meta.get("indicators", {})
    rows = engine_gap.report_steps(report(run, unit_code), limit=limit)
    for r in rows:
        r["name"] = meta.get(r.get("indicator") or r["code"], {}).get("name", r["name"])
    return rows


def what_if(run: ScoringRun, unit_code: str, changes: dict[str, float]) -> dict[str, Any]:
    """Re-score the run's stored inputs with ``indicator → value`` changed for the unit (the engine's
    ``what_if``)."""
    e = engine_inputs(Inputs.from_bytes(run.inputs))
    out = engine_gap.what_if(e.scheme, e.values, e.units, e.targets, unit_code, changes, period=e.period)
    before, after = out["before"], out["after"]
    return {
        "total": after["total"], "rank": after["rank"], "tier": after["tier"],
        "old_total": before["total"], "old_rank": before["rank"], "old_tier": before["tier"],
        "group_size": out["n_group"],
        "boards": [{"code": b["code"], "name": b["name"], "old": b["rank_before"], "new": b["rank_after"]}
                   for b in out["boards"]],
    }
