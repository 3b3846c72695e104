"""经济运行分析: the bulletin's text from the sentence templates, its .docx opened back, and who may have it."""

from __future__ import annotations

import io

import docx
import pytest
from django.urls import reverse

from kaohe.monitor import bulletin
from tests.monitor.factories import world_with_figures

pytestmark = pytest.mark.django_db

MAY = {"office", "leader"}
MEMBERS = {"submitter", "submitter_b", "assessed_a", "assessed_b", "office_a", "leader_a", "district_submitter_a",
           "assessed_town_a", "office_b", "leader_b", "district_submitter_b", "assessed_town_b"}


@pytest.fixture
def w(org_world):
    world_with_figures(org_world)
    return org_world


def test_the_analysis_is_written_from_the_data(w):
    b = bulletin.content(w.city, 2026, 3)
    assert b.title == "测试市2026年1–3月经济运行情况分析"
    lines = b.text.splitlines()
    assert lines[0] == "一、总体情况"
    assert "地区生产总值1–3月完成316.00亿元，增长5.3%" in lines[1]
    assert "二、一季度“开门红”情况" in lines
    assert "地区生产总值：一季度实现“开门红”的有甲区；未实现的有乙区，需加力追赶。" in lines
    assert any(line.startswith("（一）甲区。地区生产总值增长10.0%，高于全市平均4.7个百分点，居第1位") for line in lines)
    assert "一般公共预算收入增长10.0%（按上年同期数推算）" in b.text  # 33 ÷ 30 − 1: no published rate
    assert b.tables[0]["rows"][1] == ["甲区", "10.0（1）", "10.0（1）"]


def test_the_docx_opens_back_in_the_national_layout(w):
    data = bulletin.content(w.city, 2026, 6).docx()
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    assert (section.page_width, section.page_height) == (7560310, 10692130)  # A4 in EMU
    assert section.top_margin == 1332230  # 37 mm
    text = "\n".join(p.text for p in document.paragraphs)
    assert "测试市2026年1–6月经济运行情况分析" in text and "上半年“双过半”情况" in text
    assert "乙区" in text and "需加力追赶" in text
    table = document.tables[0]
    assert table.rows[0].cells[0].text == "地区" and table.rows[1].cells[0].text == "全市"


@pytest.mark.parametrize("role", sorted(MAY | MEMBERS | {"anonymous"}))
def test_who_may_download_it(w, client_for, role):
    response = client_for(w.users[role]).get(reverse("monitor:bulletin"), {"year": 2026, "month": 6})
    if role == "anonymous":
        assert response.status_code == 302
    elif role in MAY:
        assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    else:
        assert response.status_code == 403  # sees the monitor (its own units), not the city's bulletin


def test_the_office_drafts_it_into_the_register_and_issues_it_numbered(w, client_for):
    from kaohe.documents import services as documents
    from kaohe.documents.models import IssuedDocument

    response = client_for(w.office).post(reverse("monitor:bulletin_draft") + "?year=2026&month=3")
    assert response.status_code == 302
    draft = IssuedDocument.objects.get(kind="economy", unit=w.city, period="2026-03")
    assert draft.title == "测试市2026年1–3月经济运行情况分析" and not draft.is_issued
    assert "高于全市平均4.7个百分点" in draft.text  # the editable words
    issued = documents.issue(draft, user=w.office)
    assert issued.number.endswith("经分〔2026〕1号")  # 机关代字 = the unit's 简称 + 经分, first of the year
    for role in ("leader", "office_a", "office_b"):  # a leader reads; a district office drafts only its own unit's
        assert client_for(w.users[role]).post(reverse("monitor:bulletin_draft")).status_code == 403
