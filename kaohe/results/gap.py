"""差距分析 and 模拟测算 for one unit in one run: the engine's answers on the run's stored inputs.

Every figure comes from ``kaohe.engine.gap`` called on the inputs the run scored (the
same call ``kaohe gap`` makes), so the page and the command line cannot disagree; this
module only adds the names the page shows (which unit holds the place to reach).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kaohe.engine import gap as engine_gap
from kaohe.lib.numbers import NumberError, parse_float
from kaohe.results.models import RANK_ORDER, RunTotal, ScoringRun
from kaohe.results.queries import run_cached
from kaohe.results.runs import Inputs, engine_inputs


@dataclass
class Gap:
    label: str
    points: float
    target_total: float
    #: 下一档数值: the one indicator step (the engine's ``next_value``, re-scored) that reaches this total alone.
    reach: dict | None = None

#: Methods whose next value is another unit's value (the one above, the best, the others' mean):
#: before publication an assessed unit may not see it.
RELATIVE_METHODS = frozenset({"rank_points", "rank_ratio", "efficacy", "minmax", "mean_relative"})


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


def best_value_indicators(run: ScoringRun, unit_code: str, limit: int = 8, *, rivals_hidden: bool = False) -> list[dict]:
    """Indicators where the least improvement gains the most points (``kaohe.engine.gap``), each with
    its indicator's unit of measure. With ``rivals_hidden`` (an unpublished run seen by an assessed
    unit) a next value that is another unit's value is withheld, with what it would bring."""
    meta = run.scheme_meta.get("indicators", {})
    rows = engine_gap.report_steps(report(run, unit_code), limit=limit)
    for r in rows:
        info = meta.get(r.get("indicator") or r["code"], {})
        r["name"] = info.get("name", r["name"])
        r["unit"] = info.get("unit") or ""
        if rivals_hidden and r["method"] in RELATIVE_METHODS:
            r.update(next_value=None, new_total=None, new_rank=None)
    return rows


def add_reach(gaps: list[Gap], best: list[dict], precision: int = 2) -> list[Gap]:
    """下一档数值 for each place or tier to reach: the first indicator step, in the order of ``best``
    (least improvement for most points), whose re-scored total (the engine's ``new_total``) reaches the
    target's total alone — nothing is computed here, the engine re-scored every step."""
    for g in gaps:
        g.reach = next(({"name": b["name"], "value": b["value"], "next_value": b["next_value"], "unit": b.get("unit", "")}
                        for b in best if b.get("next_value") is not None and b.get("new_total") is not None
                        and round(b["new_total"], precision) >= round(g.target_total, precision)), None)
    return gaps


def unit_gap(run: ScoringRun, unit_code: str, *, rivals_hidden: bool) -> dict[str, Any]:
    """差距分析 as the page and the API show it: ``place_gaps`` with each place's 下一档数值 and the
    best-value indicators. With ``rivals_hidden`` (before publication, an assessed unit) the unit
    sees only itself: no rival's name, total or the cut-offs derived from them (places and tiers
    are rivals' totals), and no next value that is another unit's value."""
    gaps = place_gaps(run, unit_code)
    if rivals_hidden:
        gaps = {**gaps, "gaps": [], "tier_gaps": [], "group": [g for g in gaps["group"] if g[0] == unit_code]}
    best = best_value_indicators(run, unit_code, rivals_hidden=rivals_hidden)
    add_reach(gaps["gaps"] + gaps["tier_gaps"], best)
    return {**gaps, "best": best, "rivals_hidden": rivals_hidden}


def current_values(run: ScoringRun, unit_code: str) -> dict[str, float | None]:
    """indicator → the value the run scored for the unit (what 模拟测算 may change)."""
    return dict(run.indicator_rows.filter(unit_code=unit_code).values_list("indicator", "value"))


def what_if_changes(current: Mapping[str, float | None], raw: Mapping[str, object]) -> tuple[dict[str, float], list[str]]:
    """The changed values of a 模拟测算 (``indicator → typed value``) through the one number parser:
    finite and bounded (inf, nan and 1e308 are refused, each named), blanks and unchanged values
    left out. Returns (changes, errors in the user's language)."""
    changes: dict[str, float] = {}
    errors: list[str] = []
    for indicator, value in raw.items():
        if indicator not in current or (isinstance(value, str) and value.strip() == "") or value is None:
            continue
        try:
            number = parse_float(value)
        except NumberError as exc:
            errors.append(_("“%(ind)s”：%(raw)s 不是数字") % {"ind": indicator, "raw": value} + f"（{exc.text(get_language())}）")
            continue
        if number is None:
            continue
        if current[indicator] is None or abs(number - current[indicator]) > 1e-12:
            changes[indicator] = number
    return changes, errors


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
