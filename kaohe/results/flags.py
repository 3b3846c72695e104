"""红旗激励榜 and 黄灯提醒榜: flag rules applied to each sealed monthly run.

Rules are configured per scheme (a :class:`FlagPolicy` by scheme code, or the scheme's
``platform.flags``, validated by the engine); without them the defaults apply::

    platform:
      flags:
       red:
        - {rule: board_first}            # first place on each board in each peer group
        - {rule: best_growth}            # the biggest rise of the total against last month, per group
      yellow:
        - {rule: board_last}             # last place on each board in each peer group
        - {rule: target_missed, times: 2}  # missing a monthly target N months in a row

``best_growth`` takes ``measure: total`` (points, default) or ``measure: rank``
(places gained). Flags are derived data: recomputing a run's flags replaces them.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import models, transaction
from django.utils.translation import gettext as _

from kaohe.assessment.models import PeriodKind
from kaohe.engine.platform import DEFAULT_FLAGS, FlagRules
from kaohe.engine.scheme import Scheme, load_flag_rules
from kaohe.lib.numbers import rounded_float
from kaohe.results.models import Flag, FlagKind, FlagPolicy, RunBoard, RunTotal, ScoringRun
from kaohe.results.runs import Inputs, run_scheme


def scheme_rules(scheme: Scheme, scheme_code: str | None = None, owner_unit_id: int | None = None) -> FlagRules:
    """The flag rules: the owner's FlagPolicy for the scheme (else one for the scheme code without an
    owner), else the scheme's ``platform.flags``, else the defaults."""
    policy = None
    if scheme_code:
        policies = FlagPolicy.objects.filter(scheme_code=scheme_code).filter(
            models.Q(owner_unit_id=owner_unit_id) | models.Q(owner_unit__isnull=True))
        policy = min(policies, key=lambda p: p.owner_unit_id is None, default=None)
    if policy is not None and policy.rules:
        return load_flag_rules(policy.rules)
    return scheme.platform.flags or DEFAULT_FLAGS


def previous_monthly(run: ScoringRun, back: int = 1) -> ScoringRun | None:
    number, year = run.number - back, run.year
    while number < 1:
        number += 12
        year -= 1
    return (
        ScoringRun.objects.current()
        .family(run).filter(kind=PeriodKind.MONTH, year=year, number=number)
        .exclude(pk=run.pk)
        .order_by("-id")
        .first()
    )


def missed_targets(run: ScoringRun) -> dict[str, set[str]]:
    """unit → indicators whose monthly target the unit missed in this run.

    A year-to-date indicator (数值类型 累计值) has the year's target: its month's target is the
    time-proportional share (序时目标, target × month ÷ 12) — without it every unit misses an
    annual amount every month until December."""
    inputs = Inputs.from_bytes(run.inputs)
    targets = inputs.target_map()
    if not targets:
        return {}
    values = inputs.value_map()
    leaves = list(run_scheme(inputs.scheme).leaves())
    directions = {leaf.indicator: leaf.direction for leaf in leaves}
    schedule = run.number / 12 if run.kind == PeriodKind.MONTH else 1.0
    ytd = {leaf.indicator for leaf in leaves if leaf.platform.value_kind == "ytd"}
    missed: dict[str, set[str]] = defaultdict(set)
    for (unit, indicator), target in targets.items():
        if target is None:
            continue
        if indicator in ytd:
            target = target * schedule
        value = values.get((unit, indicator))
        lower = directions.get(indicator) == "lower"
        if value is None or (value > target if lower else value < target):
            missed[unit].add(indicator)
    return missed


def award_flags(run: ScoringRun) -> list[Flag]:
    """Apply the scheme's flag rules to a sealed monthly run; replaces this run's flags.

    Reasons are stored in the source language (Chinese) whatever the request's language,
    so the same run always gets the same flags."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return _award_flags(run)


@transaction.atomic
def _award_flags(run: ScoringRun) -> list[Flag]:
    Flag.objects.filter(run=run).delete()
    if run.kind != PeriodKind.MONTH or not run.sealed:
        return []
    scheme = run_scheme(Inputs.from_bytes(run.inputs).scheme)
    rules = scheme_rules(scheme, run.scheme_code, run.owner_unit_id)
    names = {b.code: b.name for b in scheme.boards}
    flags: list[Flag] = []
    seen: set[tuple] = set()

    def add(kind: str, rule: str, unit: str, unit_name: str, group: str, board: str, reason: str) -> None:
        key = (kind, rule, unit, board)
        if key in seen:
            return
        seen.add(key)
        flags.append(Flag(run=run, year=run.year, month=run.number, kind=kind, rule=rule, unit_code=unit,
                          unit_name=unit_name, group=group, board=board, reason=reason[:300]))

    # units not assessed (不参与排名) hold no board place: no first or last flag
    boards = list(RunBoard.objects.filter(run=run, rank__isnull=False)
                  .values_list("board", "group", "unit_code", "unit_name", "rank", "score"))
    last_rank: dict[tuple[str, str], int] = {}
    size: dict[tuple[str, str], int] = defaultdict(int)
    for board, group, _u, _n, rank, _s in boards:
        last_rank[(board, group)] = max(rank, last_rank.get((board, group), 0))
        size[(board, group)] += 1
    totals = {t.unit_code: t for t in RunTotal.objects.filter(run=run)}
    prev = previous_monthly(run)
    from kaohe.results.queries import group_names

    gname = group_names(run)

    for kind in ("red", "yellow"):
        for item in getattr(rules, kind):
            rule = item.rule
            if rule == "board_first":
                for board, group, unit, name, rank, score in boards:
                    if rank == 1:
                        add(kind, rule, unit, name, group, board,
                            _("%(board)s%(group)s组第1名（%(score).2f分）") % {"board": names.get(board, board), "group": gname.get(group, group), "score": rounded_float(score, 2)})
            elif rule == "board_last":
                for board, group, unit, name, rank, score in boards:
                    if size[(board, group)] > 1 and rank == last_rank[(board, group)]:
                        add(kind, rule, unit, name, group, board,
                            _("%(board)s%(group)s组末位（%(score).2f分）") % {"board": names.get(board, board), "group": gname.get(group, group), "score": rounded_float(score, 2)})
            elif rule == "best_growth" and prev is not None:
                measure = item.measure
                before = {t.unit_code: t for t in RunTotal.objects.filter(run=prev)}
                by_group: dict[str, list[tuple[float, RunTotal]]] = defaultdict(list)
                for code, t in totals.items():
                    b = before.get(code)
                    if b is None or not (t.assessed and b.assessed):  # no total: no growth
                        continue
                    gain = (b.rank - t.rank) if measure == "rank" else round(t.total - b.total, 6)
                    by_group[t.group].append((gain, t))
                for group, gains in by_group.items():
                    best = max(g for g, _t in gains)
                    if best <= 0:
                        continue
                    for gain, t in gains:
                        if gain == best:
                            text = (_("较上月前进%(n)d位") % {"n": gain}) if measure == "rank" else (_("较上月增加%(n).2f分，组内增幅第一") % {"n": rounded_float(gain, 2)})
                            add(kind, rule, t.unit_code, t.unit_name, group, "", text)
            elif rule == "target_missed":
                times = item.times
                streak = missed_targets(run)
                earlier = run
                for _i in range(times - 1):
                    earlier = previous_monthly(earlier) if earlier else None
                    if earlier is None:
                        streak = {}
                        break
                    other = missed_targets(earlier)
                    streak = {u: inds & other.get(u, set()) for u, inds in streak.items()}
                ind_names = {code: meta.get("name", code) for code, meta in run.scheme_meta.get("indicators", {}).items()}
                for unit, inds in sorted(streak.items()):
                    if not inds or unit not in totals:
                        continue
                    t = totals[unit]
                    add(kind, rule, unit, t.unit_name, t.group, "",
                        _("连续%(n)d个月未完成月度目标：%(inds)s") % {"n": times, "inds": "、".join(ind_names.get(i, i) for i in sorted(inds))})
    Flag.objects.bulk_create(flags)
    return flags


def yearly_tally(year: int, scheme_code: str | None = None, owner_unit_id: int | None = None) -> list[dict]:
    """Per unit: red flags and yellow lights in ``year`` (current runs only), most red first; with
    ``scheme_code``, of that owner's scheme only."""
    current = ScoringRun.objects.current().filter(year=year, kind=PeriodKind.MONTH)
    if scheme_code:
        current = current.of_scheme(owner_unit_id, scheme_code)
    tally: dict[str, dict] = {}
    for code, name, group, kind in Flag.objects.filter(run__in=current).values_list("unit_code", "unit_name", "group", "kind"):
        row = tally.setdefault(code, {"unit": code, "name": name, "group": group, "red": 0, "yellow": 0})
        row["red" if kind == FlagKind.RED else "yellow"] += 1
    return sorted(tally.values(), key=lambda r: (-r["red"], r["yellow"], r["unit"]))
