"""差距分析 for one unit in one run: points to the next place, the leader and each tier; what-if re-scoring.

Place and tier gaps come from the stored totals (the arithmetic the engine already
did); the per-indicator "best value" list uses ``kaohe.engine.gap`` when the engine
provides it, else the unit's headroom (full marks − score); what-if re-scores the
run's stored inputs with changed values through the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from kaohe.results.models import RunIndicator, RunTotal, ScoringRun
from kaohe.results.runs import NON_ENGINE_KEYS, Inputs, engine_score, output_from_result


@dataclass
class Gap:
    label: str
    points: float
    target_total: float


def place_gaps(run: ScoringRun, unit_code: str) -> dict[str, Any]:
    me = RunTotal.objects.get(run=run, unit_code=unit_code)
    group = list(RunTotal.objects.filter(run=run, group=me.group).order_by("rank", "unit_code").values_list("unit_code", "unit_name", "total", "rank", "tier"))
    precision = int(run.scheme_meta.get("precision", 2) or 2)
    step = 10 ** -precision
    gaps: list[Gap] = []
    better = [g for g in group if g[2] > me.total]
    if better:
        nxt = min(better, key=lambda g: g[2])
        gaps.append(Gap(_("追上第%(r)s名（%(name)s）") % {"r": nxt[3], "name": nxt[1]}, round(nxt[2] - me.total, precision), nxt[2]))
        leader = group[0]
        if leader[0] != nxt[0]:
            gaps.append(Gap(_("追上第%(r)s名（%(name)s）") % {"r": 1, "name": leader[1]}, round(leader[2] - me.total, precision), leader[2]))
    tiers = run.scheme_meta.get("tiers") or {}
    levels = tiers.get("levels") or []
    tier_gaps: list[Gap] = []
    if tiers.get("by") == "bands":
        for level in levels:
            if level.get("min") is not None and float(level["min"]) > me.total:
                tier_gaps.append(Gap(str(level.get("name")), round(float(level["min"]) - me.total, precision), float(level["min"])))
    elif levels:
        # Quota tiers: reaching a tier means beating the last unit admitted to it.
        totals_by_tier: dict[str, list[float]] = {}
        for _c, _n, total, _r, tier in group:
            totals_by_tier.setdefault(tier or "", []).append(total)
        order = [str(level.get("name")) for level in levels]
        mine = order.index(me.tier) if me.tier in order else len(order)
        for name in order[:mine]:
            if totals_by_tier.get(name):
                bar = min(totals_by_tier[name])
                tier_gaps.append(Gap(name, round(max(bar - me.total, 0) + step, precision), bar))
    return {"me": me, "group": group, "gaps": gaps, "tier_gaps": tier_gaps}


def best_value_indicators(run: ScoringRun, unit_code: str, limit: int = 8) -> list[dict]:
    """Indicators where the least improvement gains the most points (``kaohe.engine.gap``), else headroom."""
    meta = run.scheme_meta.get("indicators", {})
    try:
        from kaohe.engine.gap import indicator_steps
    except ImportError:  # pragma: no cover - the engine provides it
        indicator_steps = None
    if indicator_steps is not None:
        inputs = Inputs.from_bytes(run.inputs)
        scheme = {k: v for k, v in inputs.scheme.items() if k not in NON_ENGINE_KEYS}
        rows = indicator_steps(scheme, inputs, unit_code, limit=limit)
        for r in rows:
            r.setdefault("name", meta.get(r.get("indicator") or r["code"], {}).get("name", r["code"]))
        return rows
    rows = []
    for ind in RunIndicator.objects.filter(run=run, unit_code=unit_code):
        headroom = round(ind.full_marks - ind.score, 4)
        if headroom <= 0:
            continue
        rows.append({"code": ind.indicator, "name": meta.get(ind.indicator, {}).get("name", ind.indicator), "value": ind.value,
                     "score": ind.score, "full_marks": ind.full_marks, "headroom": headroom, "rank": ind.rank})
    rows.sort(key=lambda r: (-r["headroom"], r["code"]))
    return rows[:limit]


def what_if(run: ScoringRun, unit_code: str, changes: dict[str, float]) -> dict[str, Any]:
    """Re-score the run's stored inputs with ``indicator → value`` changed for the unit."""
    inputs = Inputs.from_bytes(run.inputs)
    changed = inputs.with_values({(unit_code, k): v for k, v in changes.items()})
    out = output_from_result(engine_score(changed))
    me = next(t for t in out.totals if t["unit"] == unit_code)
    before = RunTotal.objects.get(run=run, unit_code=unit_code)
    group = sorted((t for t in out.totals if t["group"] == me["group"]), key=lambda t: (t["rank"], t["unit"]))
    boards = {(b["board"]): b["rank"] for b in out.boards if b["unit"] == unit_code}
    old_boards = dict(run.board_rows.filter(unit_code=unit_code).values_list("board", "rank"))
    return {
        "total": me["total"], "rank": me["rank"], "tier": me["tier"],
        "old_total": before.total, "old_rank": before.rank, "old_tier": before.tier,
        "group_size": len(group),
        "boards": [{"code": b["code"], "name": b["name"], "old": old_boards.get(b["code"]), "new": boards.get(b["code"])}
                   for b in run.scheme_meta.get("boards", [])],
    }
