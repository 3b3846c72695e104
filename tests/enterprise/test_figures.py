"""The 效能榜 figures (三率 and more), hand-worked, and the indicator source feeding a scheme."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kaohe.assessment import sources
from kaohe.enterprise import services
from kaohe.enterprise.figures import compute
from kaohe.enterprise.sources import unit_rollup
from tests.enterprise.factories import EnterpriseFactory

TZ = ZoneInfo("Asia/Shanghai")


def at(m, d, h=10, mi=0):
    return dt.datetime(2025, m, d, h, mi, tzinfo=TZ)


@pytest.fixture
def w(org_world, work_calendar):
    w = org_world
    ent = EnterpriseFactory(unit=w.towns_a[0])
    ent_b = EnterpriseFactory(unit=w.district_b)

    def new(e, rtype, when, first):
        return services.receive(e, rtype=rtype, title=f"{rtype}诉求", channel="office", first_unit=first, now=when)

    # r1: 融资 (3 WD, due Thu 25th 17:30) — responded the same day, answered Wed, 满意 → closed
    r1 = new(ent, "finance", at(9, 22), w.district_a)
    services.assign(r1, w.stats_a, now=at(9, 22, 11))
    services.sign(r1, now=at(9, 22, 12))
    services.respond(r1, "已联系企业财务", now=at(9, 22, 16))
    services.reply(r1, "已协调贴息", now=at(9, 24))
    services.visit(r1, "satisfied", now=at(9, 25))
    # r2: 审批 (3 WD, due 25th) — first response next morning (late), answered Fri 26th (late), 不满意 → round 2
    r2 = new(ent, "permits", at(9, 22), w.district_a)
    services.assign(r2, w.stats_a, now=at(9, 22, 11))
    services.sign(r2, now=at(9, 23, 9))
    services.respond(r2, "已电话联系企业", now=at(9, 23, 10))
    services.reply(r2, "请补充材料", now=at(9, 26, 10))
    services.visit(r2, "unsatisfied", comment="未解决", now=at(9, 26, 15))
    # r3: 融资 again within 30 days (a repeat of r1), received Mon 29th, no response by the 30th
    new(ent, "finance", at(9, 29), w.district_a)
    # r4 in 乙区: responded and answered in time, 基本满意
    r4 = new(ent_b, "policy", at(9, 22), w.district_b)
    services.assign(r4, w.stats_b, now=at(9, 22, 11))
    services.sign(r4, now=at(9, 22, 12))
    services.reply(r4, "政策已发文件", now=at(9, 22, 15))
    services.visit(r4, "basic", now=at(9, 23))
    return w


def test_the_figures_by_hand(w):
    figures = compute(2025, dt.date(2025, 9, 30), unit_rollup(["C-A", "C-B"]))
    a = {k: v for k, (v, _ids) in figures["C-A"].items()}
    b = {k: v for k, (v, _ids) in figures["C-B"].items()}
    assert a["ent_requests"] == 3
    # 响应率: r1 in time; r2 late (next morning); r3 due Mon 29th 17:30, none by the 30th → 1 of 3
    assert a["ent_response_rate"] == pytest.approx(100 / 3)
    # 按期办结率 over rounds: r1 round 1 in time; r2 round 1 late (26th > 25th); r2 round 2 from Fri 26th 15:00 has
    # 3 WD = Sun 28th (调休上班), Mon 29th, Tue 30th → due 30th 17:30, unanswered at 24:00 → overdue, counted, late;
    # r3 is due 10 Oct (1–8 Oct off) → not yet counted. 1 in time of 3.
    assert a["enterprise_requests_rate"] == pytest.approx(100 / 3)
    # 解决率: r1 closed and solved, r2 sent back unsatisfied → 1 of 2
    assert a["ent_solve_rate"] == 50
    # 满意率 and 满意度得分 over the answers: 满意 (100) and 不满意 (0)
    assert a["ent_satisfied_rate"] == 50 and a["enterprise_satisfaction"] == 50
    # 重复诉求率: r3 repeats r1 (same enterprise, 融资, 7 days later) → 1 of 3
    assert a["ent_repeat_rate"] == pytest.approx(100 / 3)
    assert (b["ent_requests"], b["ent_response_rate"], b["enterprise_requests_rate"], b["ent_solve_rate"],
            b["ent_satisfied_rate"], b["enterprise_satisfaction"], b["ent_repeat_rate"]) == (1, 100, 100, 100, 100, 80, 0)


def test_an_earlier_day_sees_the_clocks_as_they_stood(w):
    figures = compute(2025, dt.date(2025, 9, 24), unit_rollup(["C-A"]))
    a = {k: v for k, (v, _ids) in figures["C-A"].items()}
    # on the 24th: r1 answered in time, r2 not yet due (25th) and not answered → only r1 counts
    assert a["ent_requests"] == 2 and a["enterprise_requests_rate"] == 100
    assert a["ent_satisfied_rate"] is None  # no answers yet: missing, not 0


def test_the_source_is_registered_and_answers_a_request(w):
    source = sources.get("enterprise")
    assert source is not None and "enterprise_requests_rate" in source.indicators
    found = source.compute(sources.SourceRequest(2025, dt.date(2025, 9, 30), ("C-A", "C-B"),
                                                 ("enterprise_satisfaction", "ent_solve_rate")))
    values = {(f.unit, f.indicator): f.value for f in found}
    assert values == {("C-A", "enterprise_satisfaction"): 50, ("C-A", "ent_solve_rate"): 50,
                      ("C-B", "enterprise_satisfaction"): 80, ("C-B", "ent_solve_rate"): 100}
    assert len(found[0].inputs["requests"]) == 3 and found[0].inputs_hash
