"""The office board's counts (kaohe.enterprise.board) on a hand-worked example, against the live
clocks computed from every request's event log, and the list's colour filter over every page."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from kaohe.enterprise import board, services
from kaohe.enterprise.models import OPEN_STATUSES, EnterpriseRequest
from kaohe.enterprise.rules import requests_for
from tests.enterprise.factories import EnterpriseFactory

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 10, 15, 0, tzinfo=TZ)  # a Tuesday; no holiday in November 2026


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def w(org_world, work_calendar):
    """Six requests, worked by hand at NOW (Tuesday 10 November, 15:00; the working day ends 17:30):

    - r1 融资 (3 working days) received Mon 2 Nov 10:00, routed to 甲区统计局: due Thu 5 Nov 17:30 → red;
    - r2 用地 (15 working days) received today 09:00, not routed (counted under 甲区): → green;
    - r3 政策咨询 (1 working day) received Mon 9 Nov 10:00: due today 17:30 → yellow;
    - r4 融资 received Wed 4 Nov, signed by 甲区统计局, paused (挂起) Thu 5 Nov 10:00: due Mon 9 Nov
      17:30 had it run on, but a paused clock stands still → green;
    - r5 政策咨询 received Tue 3 Nov, answered Wed 4 Nov: 已答复待回访, not open;
    - r6 乙区's 政策咨询 received Tue 3 Nov: due Wed 4 Nov 17:30 → red, seen by the city only.
    """
    w = org_world
    ent = EnterpriseFactory(unit=w.towns_a[0])
    ent_b = EnterpriseFactory(unit=w.towns_b[0])

    def new(e, rtype, when, first):
        return services.receive(e, rtype=rtype, title=f"{rtype}诉求", channel="office", first_unit=first, now=when)

    w.r1 = new(ent, "finance", at(2, 10), w.district_a)
    services.assign(w.r1, w.stats_a, now=at(2, 11))
    w.r2 = new(ent, "land", at(10, 9), w.district_a)
    w.r3 = new(ent, "policy", at(9, 10), w.district_a)
    w.r4 = new(ent, "finance", at(4, 10), w.district_a)
    services.assign(w.r4, w.stats_a, now=at(4, 10, 30))
    services.sign(w.r4, now=at(4, 11))
    services.pause(w.r4, "等待企业补充财务报表", now=at(5, 10))
    w.r5 = new(ent, "policy", at(3, 10), w.district_a)
    services.assign(w.r5, w.stats_a, now=at(3, 10, 30))
    services.sign(w.r5, now=at(3, 11))
    services.reply(w.r5, "已答复政策适用条件", now=at(4, 10))
    w.r6 = new(ent_b, "policy", at(3, 10), w.district_b)
    return w


def test_the_board_counts_are_the_hand_worked_ones_for_the_district(w, work_calendar):
    got = board.counts(requests_for(w.office_a), NOW, work_calendar)
    # by type: [red, yellow, green]
    assert [got.by_type["finance"][c] for c in board.COLOURS] == [1, 0, 1]  # r1 overdue, r4 paused
    assert [got.by_type["land"][c] for c in board.COLOURS] == [0, 0, 1]  # r2
    assert [got.by_type["policy"][c] for c in board.COLOURS] == [0, 1, 0]  # r3 due today; r5 answered, r6 乙区
    assert sum(sum(c.values()) for c in got.by_type.values()) == 4
    # by unit: [received, assigned, handling] and [red, yellow, green]
    stats, district = got.by_unit[w.stats_a.pk], got.by_unit[w.district_a.pk]
    assert [stats[s] for s in OPEN_STATUSES] == [0, 1, 1] and [stats[c] for c in board.COLOURS] == [1, 0, 1]
    assert [district[s] for s in OPEN_STATUSES] == [2, 0, 0] and [district[c] for c in board.COLOURS] == [0, 1, 1]
    assert set(got.by_unit) == {w.stats_a.pk, w.district_a.pk}
    assert dict(got.by_status) == {"received": 2, "assigned": 1, "handling": 1, "replied": 1}
    assert got.overdue == 1


def test_the_city_also_counts_the_other_district(w, work_calendar):
    got = board.counts(requests_for(w.office), NOW, work_calendar)
    assert [got.by_type["policy"][c] for c in board.COLOURS] == [1, 1, 0]  # r6 red, r3 yellow
    assert [got.by_unit[w.district_b.pk][c] for c in board.COLOURS] == [1, 0, 0]
    assert got.by_status["received"] == 3 and got.overdue == 2
    # a type filter narrows every count
    land = board.counts(requests_for(w.office).filter(rtype="land"), NOW, work_calendar)
    assert dict(land.by_status) == {"received": 1} and land.overdue == 0


@pytest.mark.parametrize("who", ["office", "office_a", "office_b", "leader_a"])
def test_the_board_counts_equal_the_live_clocks_from_the_event_logs(w, work_calendar, who):
    """The uncached computation: every open request's resolution clock from its events at NOW."""
    rows = requests_for(w.users[who])
    got = board.counts(rows, NOW, work_calendar)
    end = board.today_end(NOW, work_calendar)
    live = {t: {c: 0 for c in board.COLOURS} for t in got.by_type}
    open_rows = list(rows.filter(status__in=OPEN_STATUSES))
    clocks = services.clocks_of_many(open_rows, now=NOW, names=(services.RESOLVE,))
    for r in open_rows:
        c = clocks[r.pk][services.RESOLVE]
        colour = "green" if c.paused else "red" if c.overdue else "yellow" if c.due_at <= end else "green"
        live[r.rtype][colour] += 1
    assert {t: {c: got.by_type[t][c] for c in board.COLOURS} for t in got.by_type} == live
    assert got.overdue == sum(v["red"] for v in live.values())


def test_the_page_shows_the_counts_and_the_overdue_list(w, client_for):
    response = client_for(w.office).get(reverse("enterprise:board"))
    got = board.counts(requests_for(w.office), timezone.now(), services.work_calendar())
    rows = {label: counts for label, counts, _total in response.context["type_rows"]}
    assert rows["融资"] == [got.by_type["finance"][c] for c in board.COLOURS]
    assert response.context["overdue_count"] == got.overdue
    assert [r.pk for r in response.context["overdue"]][:2] == [w.r6.pk, w.r1.pk]  # most overdue first
    assert dict(response.context["status_counts"])["已答复待回访"] == 1


def test_the_red_list_finds_overdue_requests_on_every_page_not_only_the_newest_fifty(w, client_for):
    ent = EnterpriseFactory(unit=w.towns_a[1])
    for i in range(50):  # fifty newer requests, none overdue
        services.receive(ent, rtype="land", title=f"新诉求{i}", channel="office", first_unit=w.district_a)
    html = client_for(w.office_a).get(reverse("enterprise:requests") + "?status=open&clock=red").content.decode()
    assert f'data-request="{w.r1.pk}"' in html
    assert html.count('data-request="') == EnterpriseRequest.objects.filter(
        board.colour_q("red", timezone.now(), services.work_calendar()), status__in=OPEN_STATUSES,
        first_unit=w.district_a).count() >= 1
    # without ?status=open the colour still means the open requests of that colour
    alone = client_for(w.office_a).get(reverse("enterprise:requests") + "?clock=red").content.decode()
    assert alone.count('data-request="') == html.count('data-request="')
    assert "新诉求" not in html


def _done(html: str) -> dict[str, str]:
    """The status cards of the board page: {label: count}."""
    import re

    cards = html.split('id="status-counts"')[1].split("</div>\n</div>")[0]
    return dict(re.findall(r'<div class="stat-label">([^<]+)</div><div class="stat-value">(\d+)', cards))


def test_the_cached_counts_are_per_scope_and_the_same_as_computed_afresh(w, client_for, work_calendar):
    from django.core.cache import cache

    # 甲区 has one answered request (r5), 乙区 none; each office reads its own, twice (the second from the cache)
    for _ in range(2):
        assert _done(client_for(w.office_a).get(reverse("enterprise:board")).content.decode())["已答复待回访"] == "1"
        assert _done(client_for(w.office_b).get(reverse("enterprise:board")).content.decode())["已答复待回访"] == "0"
    # the same scope shares the entry (甲区's leader), the city has its own
    assert _done(client_for(w.leader_a).get(reverse("enterprise:board")).content.decode())["已答复待回访"] == "1"
    assert _done(client_for(w.office).get(reverse("enterprise:board")).content.decode())["已答复待回访"] == "1"
    # the cached counts are the uncached computation's
    for who in ("office", "office_a", "office_b"):
        warm = board.counts(requests_for(w.users[who]), NOW, work_calendar)
        cache.clear()
        assert board.counts(requests_for(w.users[who]), NOW, work_calendar).by_status == warm.by_status, who
    # anonymous: the login page, no counts
    response = client_for(w.anonymous).get(reverse("enterprise:board"))
    assert response.status_code == 302 and "status-counts" not in response.content.decode()


def test_a_step_on_a_request_shows_at_once_on_the_board(w, client_for):
    client = client_for(w.office_a)
    assert _done(client.get(reverse("enterprise:board")).content.decode())["已办结"] == "0"
    services.visit(w.r5, "satisfied")  # 回访 满意 → 办结
    counts = _done(client.get(reverse("enterprise:board")).content.decode())
    assert counts["已办结"] == "1" and counts["已答复待回访"] == "0"
