"""企业诉求 figures per unit (效能榜: 三率 and more), year to date, as at the end of a day.

For year *Y* and day *E* the universe is the requests received from 1 January of *Y* up to *E*
(its end, 24:00), counted under the unit the enterprise sits in, rolled up to the city's direct
child (a town's enterprises count for their district). Every clock is read *as it stood at the
end of E* from the event log, so a later event never changes an earlier period's figure.

==========================  =====================================================================
``ent_requests``            诉求件数: requests received
``ent_response_rate``       响应率 (%): of the requests whose 首次响应 was due by *E* or given by *E*,
                            the share responded to in time (事不过夜)
``enterprise_requests_rate`` 按时办结率 (%): of the rounds (办理轮次) whose 办结时限 fell by *E* or
                            that were answered by *E*, the share answered in time (a second round
                            after 不满意 counts again)
``ent_solve_rate``          解决率 (%): of the requests closed by *E* or sent back by an unsatisfied
                            enterprise by *E*, the share closed with the problem solved
``ent_satisfied_rate``      满意率 (%): of the 回访 answers given by *E*, 满意 or 基本满意
``enterprise_satisfaction`` 满意度得分 (分): the mean of the answers' points (满意 100, 基本满意 80,
                            不满意 0 by default, ``config.satisfaction_points``)
``ent_repeat_rate``         重复诉求率 (%): the share of requests repeating one of the same enterprise
                            and type within ``repeat_days`` (lower is better)
==========================  =====================================================================

A rate with an empty denominator is missing (None), never 0 or 100.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings

from kaohe.enterprise import config
from kaohe.enterprise.models import EnterpriseRequest, RequestStep, StepKind
from kaohe.orgs.calendar import work_calendar

INDICATORS: dict[str, tuple[str, str, str]] = {
    "ent_requests": ("企业诉求件数", "enterprise requests", "件"),
    "ent_response_rate": ("企业诉求响应率", "response rate", "%"),
    "enterprise_requests_rate": ("企业诉求按期办结率", "on-time resolution rate", "%"),
    "ent_solve_rate": ("企业诉求解决率", "resolution rate", "%"),
    "ent_satisfied_rate": ("企业诉求满意率", "satisfaction rate", "%"),
    "enterprise_satisfaction": ("企业服务满意度", "satisfaction score", "分"),
    "ent_repeat_rate": ("企业重复诉求率", "repeat-request rate", "%"),
}


def _rate(num: int, den: int) -> float | None:
    return None if den == 0 else num * 100.0 / den


def as_of_moment(end: dt.date) -> dt.datetime:
    """The end of day ``end`` (24:00 local time)."""
    return dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))


def compute(year: int, end: dt.date, rollup: dict[int, str]) -> dict[str, dict[str, tuple[float | None, list[int]]]]:
    """{unit code: {indicator: (value, request ids counted)}} for the units ``rollup`` maps to
    (enterprise unit id → unit code); requests outside the map are left out.

    One pass over the year: three queries (the requests as plain rows, their clock events, their
    回访 answers — each selected by the same period and units in the database, never by a list of
    ids) and each clock judged by :func:`kaohe.lib.deadlines.outcome` (the due moments of a
    working-day limit remembered per start day)."""
    from kaohe.enterprise.services import RESOLVE, RESPONSE, events_of_many, rounds
    from kaohe.lib.deadlines import outcome

    tz = ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    as_of = as_of_moment(end)
    period = EnterpriseRequest.objects.filter(received_at__gte=start, received_at__lt=as_of,
                                              enterprise__unit_id__in=list(rollup))
    rows = list(period.values_list("pk", "tier", "enterprise__unit_id", "closed_at", "solved", "repeat_of_id"))
    calendar = work_calendar()
    now = as_of - dt.timedelta(microseconds=1)
    events = events_of_many(period.values("pk"), (RESPONSE, RESOLVE))
    response_limit = config.response_limit()
    tiers = {t: config.tier_limit(t) for t in config.get("tiers")}
    points = config.get("satisfaction_points")
    dues: dict = {}
    answers = defaultdict(list)
    for rid, answer in RequestStep.objects.filter(request__in=period.values("pk"), kind=StepKind.VISIT, at__lt=as_of
                                                  ).order_by("at", "id").values_list("request_id", "satisfaction"):
        answers[rid].append(answer)
    tallies: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(lambda: [0, 0, []]))
    for pk, tier, unit_id, closed_at, solved, repeat_of_id in rows:
        t = tallies[rollup[unit_id]]
        mine = events.get(pk, {})
        t["ent_requests"][0] += 1
        t["ent_requests"][2].append(pk)
        measured = []
        if mine.get(RESPONSE):
            measured.append(("ent_response_rate", outcome(mine[RESPONSE], response_limit, calendar, now, dues)))
        for part in rounds(mine.get(RESOLVE, [])):  # every round counts: a late first answer stays late
            if part[0].at <= now:
                measured.append(("enterprise_requests_rate", outcome(part, tiers[tier], calendar, now, dues)))
        for code, (counted, in_time) in measured:
            if counted:
                t[code][1] += 1
                t[code][0] += in_time
                t[code][2].append(pk)
        closed = closed_at is not None and closed_at < as_of
        mine_answers = answers.get(pk, [])
        if closed or "unsatisfied" in mine_answers:
            t["ent_solve_rate"][1] += 1
            t["ent_solve_rate"][0] += bool(closed and solved)
            t["ent_solve_rate"][2].append(pk)
        for a in mine_answers:
            t["ent_satisfied_rate"][1] += 1
            t["ent_satisfied_rate"][0] += a in ("satisfied", "basic")
            t["enterprise_satisfaction"][1] += 1
            t["enterprise_satisfaction"][0] += points.get(a, 0)
        if mine_answers:
            t["ent_satisfied_rate"][2].append(pk)
            t["enterprise_satisfaction"][2].append(pk)
        t["ent_repeat_rate"][1] += 1
        t["ent_repeat_rate"][0] += repeat_of_id is not None
        t["ent_repeat_rate"][2].append(pk)
    out: dict[str, dict[str, tuple[float | None, list[int]]]] = {}
    for unit in sorted(set(rollup.values())):
        t = tallies.get(unit, {})
        values = {}
        for code in INDICATORS:
            num, den, ids = t.get(code, [0, 0, []])
            if code == "ent_requests":
                values[code] = (float(num), ids)
            elif code == "enterprise_satisfaction":
                values[code] = (None if den == 0 else num / den, ids)
            else:
                values[code] = (_rate(num, den), ids)
        out[unit] = values
    return out
