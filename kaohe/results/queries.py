"""Read-side of results: the rows each page shows (boards with arrows, profiles, scorecards, movers).

Plain functions over the stored rows; views only pick the run and render.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count
from django.utils.translation import gettext_noop

from kaohe.assessment.models import PeriodKind
from kaohe.engine.platform import Bands
from kaohe.lib.numbers import number, rounded_float
from kaohe.lib.periods import PeriodKind as Kind
from kaohe.results.models import (
    RANK_ORDER,
    Flag,
    FlagKind,
    RunBoard,
    RunIndicator,
    RunTotal,
    ScoringRun,
)

PAGE_SIZE = 50
RUN_CACHE_SECONDS = 3600


def run_cached(run: ScoringRun, name: str, compute):
    """Cache data derived only from a sealed run's rows (they never change; the key carries the hash)."""
    from django.core.cache import cache

    if not run.sealed:
        return compute()
    key = f"results:run:{run.pk}:{run.content_hash[:16]}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, RUN_CACHE_SECONDS)
    return value


def previous_run(run: ScoringRun) -> ScoringRun | None:
    """The same scheme's current run for the period before (last month, last quarter…)."""
    before = run.period_value.previous()
    return (
        ScoringRun.objects.current()
        .family(run).filter(kind=run.kind, year=before.year, number=before.number)
        .exclude(pk=run.pk)
        .order_by("-id")
        .first()
    )


def group_names(run: ScoringRun) -> dict[str, str]:
    """Peer group code → name for the run's year (codes when no PeerGroup is stored)."""
    from kaohe.orgs.models import PeerGroup

    def compute():
        codes = groups_of(run)
        names = dict(PeerGroup.objects.filter(year=run.year, code__in=codes).values_list("code", "name"))
        return {c: names.get(c, c) for c in codes}

    return run_cached(run, "group_names", compute)


def indicator_names(run: ScoringRun) -> dict[str, dict]:
    """Indicator code → {"name", "unit"} of the run's scheme, with the inputs it collected (derived
    indicators' sources) by name too — what a diff of two runs names its changed values by."""
    names = dict(run.scheme_meta.get("indicators", {}))
    if run.scheme_version_id:
        for code, name, uom in run.scheme_version.indicators.values_list("code", "name", "unit_of_measure"):
            names.setdefault(code, {"name": name, "unit": uom})
    return names


def groups_of(run: ScoringRun) -> list[str]:
    return run_cached(run, "groups", lambda: list(
        RunTotal.objects.filter(run=run).order_by("group").values_list("group", flat=True).distinct()))


def board_meta(run: ScoringRun, code: str) -> dict | None:
    for b in run.scheme_meta.get("boards", []):
        if b["code"] == code:
            return b
    return None


@dataclass
class BoardRow:
    rank: int | None  # None: not assessed (不参与排名)
    unit_code: str
    unit_name: str
    group: str
    score: float
    prev_rank: int | None = None
    values: list[tuple[str, Any, float | None]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def change(self) -> int | None:
        return None if self.prev_rank is None or self.rank is None else self.prev_rank - self.rank

    @property
    def arrow(self) -> str:
        return arrow_html(self.change)

    @property
    def score_text(self) -> str:
        return number(self.score, 2)

    @property
    def value_texts(self) -> list[tuple[str, str]]:
        return [(number(v, 2), number(s, 2)) for _i, v, s in self.values]


def arrow_html(change: int | None):
    """Rank change as an arrow (rendered here: a page of 50 rows should not pay for 50 includes)."""
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext as _

    if change is None:
        return mark_safe(f'<span class="rk-flat" title="{_("无上期数据")}">—</span>')
    if change > 0:
        return mark_safe(f'<span class="rk-up" title="{_("较上期前进")}">↑{change}</span>')
    if change < 0:
        return mark_safe(f'<span class="rk-down" title="{_("较上期后退")}">↓{-change}</span>')
    return mark_safe(f'<span class="rk-flat" title="{_("名次不变")}">→</span>')


def board_rows(
    run: ScoringRun, board: str, group: str | None, *, visible: set[str] | None = None,
    page: int = 1, page_size: int = PAGE_SIZE, with_values: bool = True, previous: ScoringRun | None | bool = False,
) -> tuple[list[BoardRow], int]:
    """One page of a board within a group: rank, score, change vs last period, values behind."""
    qs = RunBoard.objects.filter(run=run, board=board)
    if group:
        qs = qs.filter(group=group)
    if visible is not None:
        qs = qs.filter(unit_code__in=visible)
        count = qs.count()
    else:
        count = run_cached(run, f"board_count:{board}:{group}", qs.count)
    start = (max(page, 1) - 1) * page_size
    rows = [
        BoardRow(r, u, n, g, s)
        for u, n, g, s, r in qs.order_by("group", RANK_ORDER, "unit_code").values_list(
            "unit_code", "unit_name", "group", "score", "rank")[start:start + page_size]
    ]
    codes = [r.unit_code for r in rows]
    prev = previous_run(run) if previous is False else previous
    if prev is not None and codes:
        before = dict(RunBoard.objects.filter(run_id=prev.pk, board=board, unit_code__in=codes).values_list("unit_code", "rank"))
        for row in rows:
            row.prev_rank = before.get(row.unit_code)
    meta = board_meta(run, board) or {"indicators": []}
    if with_values and codes and meta["indicators"]:
        by_unit: dict[str, dict[str, tuple]] = defaultdict(dict)
        for u, i, v, s in RunIndicator.objects.filter(run=run, unit_code__in=codes, indicator__in=meta["indicators"]).values_list(
            "unit_code", "indicator", "value", "score"):
            by_unit[u][i] = (v, s)
        for row in rows:
            row.values = [(i, *by_unit[row.unit_code].get(i, (None, None))) for i in meta["indicators"]]
    if codes:
        for u, kind, b in Flag.objects.filter(run=run, unit_code__in=codes, board__in=[board, ""]).values_list("unit_code", "kind", "board"):
            for row in rows:
                if row.unit_code == u and (b == board):
                    row.flags.append(kind)
    return rows, count


def movers(run: ScoringRun, limit: int = 8, visible: set[str] | None = None) -> list[dict]:
    """Units whose total rank changed most since the previous period."""
    prev = previous_run(run)
    if prev is None:
        return []
    before = dict(RunTotal.objects.filter(run=prev).values_list("unit_code", "rank"))
    out = []
    for code, name, group, rank, total in RunTotal.objects.filter(run=run).values_list("unit_code", "unit_name", "group", "rank", "total"):
        if visible is not None and code not in visible:
            continue
        if code in before and before[code] != rank:
            out.append({"unit": code, "name": name, "group": group, "rank": rank, "prev": before[code],
                        "change": before[code] - rank, "total": total})
    out.sort(key=lambda m: (-abs(m["change"]), -m["change"], m["unit"]))
    return out[:limit]


def flags_of(run: ScoringRun, visible: set[str] | None = None) -> dict[str, list[Flag]]:
    qs = Flag.objects.filter(run=run).order_by("kind", "group", "board", "unit_code")
    if visible is not None:
        qs = qs.filter(unit_code__in=visible)
    out: dict[str, list[Flag]] = {FlagKind.RED: [], FlagKind.YELLOW: []}
    for flag in qs:
        out[flag.kind].append(flag)
    return out


def standing(run: ScoringRun, unit_code: str) -> dict | None:
    """Where one unit stands in a run: its total, rank among its group (of how many), tier, and its
    place on each board of the run (of how many in the group). Three queries."""
    total = RunTotal.objects.filter(run=run, unit_code=unit_code).first()
    if total is None:
        return None
    peers = RunTotal.objects.filter(run=run, group=total.group).count()
    names = {b["code"]: b["name"] for b in run.scheme_meta.get("boards", [])}
    own = {b.board: b for b in RunBoard.objects.filter(run=run, unit_code=unit_code)}
    sizes = dict(RunBoard.objects.filter(run=run, group=total.group).values_list("board").annotate(n=Count("id")))
    boards = [{"code": code, "name": name, "rank": own[code].rank, "of": sizes.get(code, 0), "score": own[code].score}
              for code, name in names.items() if code in own]
    return {"run": run, "total": total, "of": peers, "boards": boards}


def history(unit_code: str, run: ScoringRun, kind: str = PeriodKind.MONTH) -> list[dict]:
    """Total, rank and tier over time for one unit in ``run``'s scheme family (current runs only)."""
    current = ScoringRun.objects.current().family(run).filter(kind=kind)
    rows = (
        RunTotal.objects.filter(unit_code=unit_code, run__in=current)
        .select_related(None)
        .values_list("run__year", "run__number", "run__label", "run_id", "total", "rank", "tier", "group")
        .order_by("run__year", "run__number")
    )
    return [{"year": y, "number": n, "label": lab, "run": rid, "total": t, "rank": r, "tier": tier, "group": g}
            for y, n, lab, rid, t, r, tier, g in rows]


@dataclass
class Profile:
    total: RunTotal
    group_size: int
    indicators: list[dict]
    radar: dict
    sentence_parts: dict


def profile(run: ScoringRun, unit_code: str) -> Profile | None:
    """单位画像 for one run: the indicator table with places and the radar against group mean and leader."""
    total = RunTotal.objects.filter(run=run, unit_code=unit_code).first()
    if total is None:
        return None
    meta = run.scheme_meta.get("indicators", {})
    group_stats = run_cached(run, f"group_stats:{total.group}", lambda: _group_stats(run, total.group))
    group_size, mean_cat, leader_cat, means = group_stats["size"], group_stats["mean_cat"], group_stats["leader_cat"], group_stats["means"]
    rows = []
    position = {code: n for n, code in enumerate(scheme_order(run, meta))}  # the scheme's order, not the codes'
    inds = sorted(RunIndicator.objects.filter(run=run, unit_code=unit_code), key=lambda r: (position.get(r.indicator, len(position)), r.indicator))
    for ind in inds:
        m = meta.get(ind.indicator, {})
        rows.append({
            "code": ind.indicator, "name": m.get("name", ind.indicator), "category": m.get("category_name", ""),
            "value": ind.value, "score": ind.score, "full_marks": ind.full_marks, "rank": ind.rank,
            "group_mean": means.get(ind.indicator), "unit": m.get("unit", ""),
            "is_full": ind.full_marks > 0 and ind.score >= ind.full_marks - 1e-9,
        })
    cats = run.scheme_meta.get("categories") or [{"code": c, "name": c} for c in sorted(total.categories)]
    radar = {
        "indicators": [c["name"] for c in cats if c["code"] in total.categories],
        "unit": [rounded_float(total.categories[c["code"]], 2) for c in cats if c["code"] in total.categories],
        "mean": [rounded_float(mean_cat.get(c["code"], 0.0), 2) for c in cats if c["code"] in total.categories],
        "leader": [rounded_float(leader_cat.get(c["code"], 0.0), 2) for c in cats if c["code"] in total.categories],
    }
    radar["max"] = max([*radar["unit"], *radar["mean"], *radar["leader"], 1.0])
    radar["maxes"] = [float(c.get("full_marks") or 0) or radar["max"] for c in cats if c["code"] in total.categories]
    parts = {"n": total.n_indicators or len(rows), "top3": total.top3, "first": total.first_places, "full": total.full_marks}
    return Profile(total, group_size, rows, radar, parts)


def _group_stats(run: ScoringRun, group: str) -> dict:
    """Group size, mean and leader category scores, and mean value per indicator (for profiles)."""
    group_totals = list(RunTotal.objects.filter(run=run, group=group).values_list("unit_code", "rank", "categories"))
    size = len(group_totals)
    leader_code = min(group_totals, key=lambda t: (t[1] is None, t[1] or 0, t[0]))[0] if group_totals else ""
    mean_cat: dict[str, float] = defaultdict(float)
    leader_cat: dict[str, float] = {}
    for code, _rank, categories in group_totals:
        for c, v in (categories or {}).items():
            mean_cat[c] += float(v) / max(size, 1)
        if code == leader_code:
            leader_cat = {c: float(v) for c, v in (categories or {}).items()}
    means = dict(
        RunIndicator.objects.filter(run=run, group=group).values("indicator").annotate(m=Avg("value"))
        .values_list("indicator", "m")
    )
    return {"size": size, "mean_cat": dict(mean_cat), "leader_cat": leader_cat, "means": means}


def band(score: float | None, full: float | None, bands: dict) -> str:
    """The scorecard colour of a score: the engine's 色带 rule (``platform.bands``) for the indicator."""
    return Bands(**bands).colour(score, full)


def scorecard(
    run: ScoringRun, group: str | None, *, visible: set[str] | None = None, flt: str = "", sort: str = "rank",
    threshold: float = 0.05,
) -> dict:
    """Units × indicators coloured by per-indicator bands, trend arrows beyond ``threshold`` of full marks."""
    meta = run.scheme_meta.get("indicators", {})
    totals = RunTotal.objects.filter(run=run)
    if group:
        totals = totals.filter(group=group)
    if visible is not None:
        totals = totals.filter(unit_code__in=visible)
    units = list(totals.order_by("group", RANK_ORDER, "unit_code").values_list("unit_code", "unit_name", "group", "rank", "total", "tier", "reason"))
    codes = [u[0] for u in units]
    present = set(RunIndicator.objects.filter(run=run, unit_code__in=codes[:1]).values_list("indicator", flat=True)) if codes else set()
    indicators = scheme_order(run, present)
    cells: dict[tuple[str, str], tuple] = {}
    qs = RunIndicator.objects.filter(run=run)
    if group:
        qs = qs.filter(group=group)
    for u, i, v, s, f, r in qs.values_list("unit_code", "indicator", "value", "score", "full_marks", "rank"):
        cells[(u, i)] = (v, s, f, r)
    prev = previous_run(run)
    before: dict[tuple[str, str], float] = {}
    if prev is not None:
        pq = RunIndicator.objects.filter(run=prev)
        if group:
            pq = pq.filter(group=group)
        before = {(u, i): s for u, i, s in pq.values_list("unit_code", "indicator", "score")}
    formed = [u[4] for u in units if u[4] is not None]  # units not assessed have no total
    avg_total = sum(formed) / len(formed) if formed else 0
    if flt == "top3":
        units = [u for u in units if u[3] is not None and u[3] <= 3]
    elif flt == "below_avg":
        units = [u for u in units if u[4] is not None and u[4] < avg_total]
    if sort in indicators:
        units.sort(key=lambda u: -(cells.get((u[0], sort), (None, -1))[1] or 0))
    elif sort == "name":
        units.sort(key=lambda u: u[1])
    rows = []
    for code, name, grp, rank, total, tier, reason in units:
        row_cells = []
        for ind in indicators:
            v, s, f, r = cells.get((code, ind), (None, None, None, None))
            trend = ""
            old = before.get((code, ind))
            if old is not None and s is not None and f:
                if s - old > threshold * f:
                    trend = "up"
                elif old - s > threshold * f:
                    trend = "down"
            row_cells.append({"value": v, "score": s, "full": f, "rank": r, "trend": trend,
                              "band": band(s, f, meta.get(ind, {}).get("bands", {}))})
        rows.append({"unit": code, "name": name, "group": grp, "rank": rank, "total": total, "tier": tier,
                     "reason": reason, "cells": row_cells})
    return {
        "indicators": [{"code": i, "name": meta.get(i, {}).get("name", i)} for i in indicators],
        "rows": rows, "average": avg_total,
    }


def scheme_order(run: ScoringRun, codes) -> list[str]:
    """``codes`` in the scheme's order (its leaves as the run's summary lists them), so a category's
    indicators stay together; codes the summary does not know come last, sorted."""
    codes = set(codes)
    meta = (run.scheme_meta or {}).get("indicators", {})
    # "order" is the leaf's place in the scheme (jsonb does not keep key order); runs summarised
    # before it was recorded fall back to the keys' order.
    known = sorted((c for c in meta if c in codes), key=lambda c: (meta[c].get("order", 0), list(meta).index(c)))
    return known + sorted(codes - set(meta))


def trend_note(run: ScoringRun) -> str:
    """Why a monthly total steps up during the year: quarterly indicators count from each
    quarter's last month, yearly ones in December (before that they score 0 for every unit)."""
    from django.utils.translation import gettext as _

    if run.kind != Kind.MONTH or run.scheme_version_id is None:
        return ""
    kinds = set(run.scheme_version.indicators.filter(is_scored=True).values_list("frequency", flat=True))
    parts = []
    if "quarterly" in kinds:
        parts.append(_("季度指标自3、6、9、12月起计入"))
    if "yearly" in kinds:
        parts.append(_("年度指标12月计入"))
    if not parts:
        return ""
    return _("月度总分：%(parts)s，其余月份按缺失规则计分，故总分在这些月份上升。") % {"parts": "，".join(parts)}


def indicator_header(meta: dict, code: str) -> str:
    """An indicator's column heading with its unit of measure: 一般公共预算收入（亿元）."""
    entry = meta.get(code, {})
    name, unit = entry.get("name", code), entry.get("unit") or ""
    return f"{name}（{unit}）" if unit else name


def tier_counts(run: ScoringRun) -> list[dict]:
    """Units per group and tier, groups in the scheme's order and tiers from the first down
    (units without a tier last)."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for g, t in RunTotal.objects.filter(run=run).values_list("group", "tier"):
        counts[(g, t or "—")] += 1
    levels = [lv.get("name") for lv in (run.scheme_meta or {}).get("tiers", {}).get("levels", [])]
    groups = groups_of(run)

    def key(item):
        (g, t), _n = item
        return (groups.index(g) if g in groups else len(groups), g,
                levels.index(t) if t in levels else len(levels), t)

    return [{"group": g, "tier": t, "count": c} for (g, t), c in sorted(counts.items(), key=key)]

#: The engine's warning codes in words for the office: (title with %(n)s, what each item names).
WARNING_KINDS = {
    "not_due": gettext_noop("%(n)s项%(freq)s指标不能按%(kind)s计分（按缺失规则计分）"),
    "indicator_absent": gettext_noop("%(n)s项指标本期无数据"),
    "missing_value": gettext_noop("%(n)s个指标值缺失，按缺失规则计分"),
    "not_assessed": gettext_noop("%(n)s个单位不参与排名"),
    "no_tier": gettext_noop("%(n)s个单位未落入任何等次"),
    "missing_target": gettext_noop("%(n)s个目标值缺失"),
    "target_zero": gettext_noop("%(n)s个目标值为零"),
    "unused_indicator": gettext_noop("%(n)s项数据不属于本方案，未使用"),
    "unused_target": gettext_noop("%(n)s个目标值不属于本方案，未使用"),
    "points_total": gettext_noop("分值合计与方案总分不一致（%(n)s处）"),
}
OTHER_WARNINGS = gettext_noop("其他计分提示%(n)s条")


FREQUENCY_WORDS = {"quarter": gettext_noop("季度"), "half": gettext_noop("半年"), "year": gettext_noop("年度")}
KIND_WORDS = {"month": gettext_noop("月"), "quarter": gettext_noop("季度"), "half": gettext_noop("半年")}


def _coarser_indicators(run: ScoringRun) -> dict[str, str]:
    """Indicators reported less often than the run's period (a yearly one in a monthly run) →
    the period kind they are reported for."""
    if run.scheme_version_id is None or run.kind not in KIND_WORDS:
        return {}
    months = Kind(run.kind).months
    out = {}
    for code, frequency in run.scheme_version.indicators.values_list("code", "frequency"):
        kind = Kind.of_frequency(frequency)
        if kind.months > months:
            out[code] = kind.value
    return out


def warning_count(groups: list[dict]) -> int:
    """The scoring warnings the office is shown (what :func:`warning_groups` lists)."""
    return sum(g["count"] for g in groups)


def warning_groups(run: ScoringRun) -> list[dict]:
    """The run's scoring warnings grouped by kind, in Chinese, with counts: ``[{"title":
    "18项指标本期无数据", "items": ["上级督查通报批评", …]}]`` (indicators and units by name;
    a missing value is listed per indicator with its units)."""
    from django.utils.translation import gettext as _

    warnings = list(run.warnings or [])
    if not warnings:
        return []
    meta = (run.scheme_meta or {}).get("indicators", {})
    names = {code: m.get("name") for code, m in meta.items()}
    if run.scheme_version_id:
        names.update(dict(run.scheme_version.indicators.values_list("code", "name")))
    units = dict(RunTotal.objects.filter(run=run).values_list("unit_code", "unit_name"))
    coarser = _coarser_indicators(run)
    collected = set(run.scheme_version.indicators.values_list("code", flat=True)) if run.scheme_version_id else set()
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for w in warnings:
        code = w.get("code") if w.get("code") in WARNING_KINDS else ""
        if code in ("indicator_absent", "missing_value") and w.get("indicator") in coarser:
            # a yearly indicator in a monthly run has no data by design: one line for all of them
            if code == "indicator_absent":
                by_kind[("not_due", coarser[w["indicator"]])].append(w)
            continue
        if code == "unused_indicator" and w.get("indicator") in collected:
            continue  # collected for another use (经济运行监测), not an input of the scheme's scores
        by_kind[code].append(w)
    out = []
    due_keys = sorted((k for k in by_kind if isinstance(k, tuple)), key=lambda k: -Kind(k[1]).months)
    for kind in [*due_keys, *WARNING_KINDS, ""]:
        items = by_kind.get(kind)
        if not items:
            continue
        if isinstance(kind, tuple):
            title = _(WARNING_KINDS["not_due"]) % {"n": len(items), "freq": _(FREQUENCY_WORDS[kind[1]]),
                                                   "kind": _(KIND_WORDS.get(run.kind, run.kind))}
            lines = ["、".join(dict.fromkeys(names.get(w["indicator"], w["indicator"]) for w in items))]
            out.append({"kind": "not_due", "title": title, "count": len(items), "items": lines})
            continue
        title = _(WARNING_KINDS.get(kind, OTHER_WARNINGS)) % {"n": len(items)}
        if kind == "missing_value":
            per: dict[str, list[str]] = defaultdict(list)
            for w in items:
                per[names.get(w.get("indicator"), w.get("indicator") or "")].append(units.get(w.get("unit"), w.get("unit") or ""))
            lines = [f"{ind}（{len(us)}）：{'、'.join(us[:12])}{'等' if len(us) > 12 else ''}" for ind, us in per.items()]
        elif kind in ("not_assessed", "no_tier"):
            lines = ["、".join(dict.fromkeys(units.get(w.get("unit"), w.get("unit") or "") for w in items))]
        elif kind:
            lines = ["、".join(dict.fromkeys(names.get(w.get("indicator"), w.get("indicator") or "") for w in items if w.get("indicator")))]
        else:
            lines = []
        out.append({"kind": kind or "other", "title": title, "count": len(items), "items": [x for x in lines if x]})
    return out
