"""Every monitor page × every role of ``org_world``, the same-role outsiders included.

The pages open for every member; what they show is cut to the person's scope: the city sees
甲区 and 乙区, 甲区's people only 甲区 (乙区's only 乙区), a town neither. A unit page out of scope
is 404 — 乙区's office asking for 甲区 is not told it exists. Anonymous visitors go to the login.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from tests.monitor.factories import world_with_figures

pytestmark = pytest.mark.django_db

ROLES = [
    "office", "leader", "submitter", "submitter_b", "assessed_a", "assessed_b",
    "office_a", "leader_a", "district_submitter_a", "assessed_town_a",
    "office_b", "leader_b", "district_submitter_b", "assessed_town_b", "anonymous",
]
CITY = {"office", "leader", "submitter", "submitter_b"}
A = {"office_a", "leader_a", "district_submitter_a", "assessed_a"}
B = {"office_b", "leader_b", "district_submitter_b", "assessed_b"}
TOWNS = {"assessed_town_a", "assessed_town_b"}
MEMBERS = CITY | A | B | TOWNS
SEES_A = CITY | A
SEES_B = CITY | B


@pytest.fixture
def w(org_world):
    world_with_figures(org_world)
    return org_world


ROUTES = [
    ("monitor:board", [], MEMBERS),
    ("monitor:settings", [], MEMBERS),
    ("monitor:indicator", ["gdp"], MEMBERS),
    ("monitor:indicator", ["budget"], MEMBERS),
    ("monitor:unit", ["C-A"], SEES_A),
    ("monitor:unit", ["C-B"], SEES_B),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "args", "allowed"), ROUTES, ids=[f"{r[0]}{r[1]}" for r in ROUTES])
def test_role_by_page(w, client_for, role, name, args, allowed):
    client = client_for(w.users[role])
    url = reverse(name, args=args)
    for query in ({"year": 2026, "month": 6}, {"year": 2026, "month": 3, "format": "xlsx"}):
        response = client.get(url, query)
        if role == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"]
        elif role in allowed:
            assert response.status_code == 200, (role, url, query)
        else:
            assert response.status_code == 404, (role, url, query)


@pytest.mark.parametrize("role", sorted(MEMBERS))
def test_each_role_sees_its_own_units_only(w, client_for, role):
    client = client_for(w.users[role])
    page = client.get(reverse("monitor:board"), {"year": 2026, "month": 6}).content.decode()
    assert ("甲区" in page) == (role in SEES_A), role
    assert ("乙区" in page) == (role in SEES_B), role
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("monitor:indicator", args=["gdp"]),
                                                       {"year": 2026, "month": 6, "format": "xlsx"}).content))
    names = {row[0] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert ("甲区" in names) == (role in SEES_A) and ("乙区" in names) == (role in SEES_B), role


def test_the_excel_tables_carry_the_figures_and_their_units(w, client_for):
    client = client_for(w.leader)
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("monitor:indicator", args=["gdp"]),
                                                       {"year": 2026, "month": 3, "format": "xlsx"}).content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "测试市2026年1–3月 地区生产总值"
    head, a = rows[1], next(r for r in rows if r[0] == "甲区")
    assert head[1] == "总量（亿元）" and head[2] == "增速（%）" and head[6] == "与全市差距（个百分点）"
    assert a[1] == 110 and a[2] == 10.0 and a[4] == 1 and a[6] == 4.7
    assert dict(zip(head, a, strict=False))["开门红"] == "是"
    assert a[-1] == "增长10.0%，高于全市平均4.7个百分点，居第1位"
    board = openpyxl.load_workbook(io.BytesIO(client.get(reverse("monitor:board"), {"year": 2026, "month": 6,
                                                                                      "format": "xlsx"}).content))
    head = next(board.worksheets[0].iter_rows(min_row=2, max_row=2, values_only=True))
    assert head[1] == "地区生产总值增速（1–6月，%）" and head[4] == "一般公共预算收入增速（1–6月，%）"


def test_a_bad_period_is_404(w, client_for):
    assert client_for(w.leader).get(reverse("monitor:board"), {"year": 2026, "month": 13}).status_code == 404
    assert client_for(w.leader).get(reverse("monitor:indicator", args=["nope"])).status_code == 404


def test_the_settings_page_names_the_scheme_collecting_each_figure(w, client_for):
    page = client_for(w.leader).get(reverse("monitor:settings"), {"year": 2026}).content.decode()
    assert page.count("测试市高质量发展考核") == 3  # gdp, gdp_growth, budget: each collected once
    assert "重复采集" not in page and "未采集" not in page
    assert "未发布，按上年同期数推算" in page  # budget revenue has no published growth rate


@pytest.mark.parametrize("role", ["leader", "office_a", "office_b", "assessed_town_a", "anonymous"])
def test_the_api_gives_the_same_figures_cut_to_the_scope(w, client_for, role):
    client = client_for(w.users[role])
    response = client.get("/api/monitor/figures", {"indicator": "gdp", "year": 2026, "month": 5})
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    rows = {r["unit"]: r for r in response.json()}
    expected = {"leader": {"C-A", "C-B"}, "office_a": {"C-A"}, "office_b": {"C-B"}, "assessed_town_a": set()}[role]
    assert set(rows) == expected
    if "C-A" in rows:
        a = rows["C-A"]
        assert a["release"] == "1–3月" and a["growth"] == 10.0 and a["gap_pp"] == pytest.approx(4.7)
        assert a["kaimenhong"] is True and a["growth_rank"] == 1 and a["sentence"].startswith("增长10.0%")
    listed = client.get("/api/monitor/indicators").json()
    assert [i["code"] for i in listed] == ["gdp", "budget"] and listed[0]["releases"] == ["1–3月", "1–6月", "1–9月", "1–12月"]
    assert listed[1]["releases"][0] == "1–2月"


@pytest.mark.parametrize("role", ["office", "leader", "office_b", "assessed_town_a"])
def test_a_city_without_monitored_indicators_gets_an_empty_state_not_a_404(org_world, client_for, role):
    # no world_with_figures: the city has no monitored indicator, yet the navigation offers 经济运行监测
    client = client_for(org_world.users[role])
    home = client.get("/").content.decode()
    assert reverse("monitor:board") in home
    response = client.get(reverse("monitor:board"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="monitor-empty"' in page and "本市尚未设置经济运行监测指标" in page
