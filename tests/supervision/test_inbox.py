"""A unit's inbox: its three lists come from one query (window functions), each capped with its total
shown; the rest on 查看全部; as many queries for many tasks as for a few."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaohe.supervision import services, views
from tests.supervision.conftest import at

pytestmark = pytest.mark.django_db


def _inbox(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("supervision:inbox"), params)
    assert response.status_code == 200
    return response.content.decode(), len(queries.captured_queries)


def test_each_list_shows_its_first_rows_and_its_total(sv, client_for, monkeypatch):
    monkeypatch.setattr(views, "INBOX_ROWS", 2)
    # three to sign (sign deadlines 9/23, 9/24, 9/25 from 交办 on 9/22, 9/23, 9/24), one in hand, one co-handled
    for day in (24, 22, 23):
        sv.make(f"待签收{day}", now=at(2025, 9, day))
    signed = sv.make("办理中", now=at(2025, 9, 22))
    services.sign_task(signed, user=sv.assessed_a, now=at(2025, 9, 22, 11))
    sv.make("乙区牵头", lead=sv.district_b, co_units=[sv.district_a], now=at(2025, 9, 22))
    client = client_for(sv.assessed_a)
    page, few = _inbox(client)
    to_sign = page.split('data-testid="to-sign"')[1].split("</table>")[0]
    assert "待签收22" in to_sign and "待签收23" in to_sign and "待签收24" not in to_sign  # the two due first
    assert "共3项，显示2项" in page and "共1项" in page and "查看全部" in page
    assert "办理中" in page.split('data-testid="in-hand"')[1] and "乙区牵头" in page.split('data-testid="co-handled"')[1]
    page, _n = _inbox(client, more=1)
    assert "待签收24" in page and "查看全部" not in page
    _page, few = _inbox(client)  # warm (the first visit also loads the session and the unit tree)
    # six more tasks to sign: the same number of queries
    for i in range(6):
        sv.make(f"再交办{i}", now=at(2025, 9, 25))
    _page, many = _inbox(client)
    assert many == few


def test_an_outsiders_inbox_holds_none_of_the_districts_tasks(sv, client_for):
    sv.make("甲区的事项", now=at(2025, 9, 22))
    page, _n = _inbox(client_for(sv.assessed_b))
    assert "甲区的事项" not in page and "没有待签收的事项" in page


def test_the_unit_sees_how_often_it_was_asked_this_month(sv, client_for):
    from django.utils import timezone

    sv.make("本月一", now=timezone.now())
    sv.make("本月二", now=timezone.now())
    sv.make("去年的", now=at(2025, 9, 22))  # another month: not counted
    page, _n = _inbox(client_for(sv.assessed_a))
    assert "本月已向甲区交办或要求报送2次（减负上限8次）" in page
