"""承诺事项进展公示: the .docx opened back — its sentences from the data (hand-counted), A4, the list as 附件."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from docx import Document
from docx.shared import Mm

from kaohe.commitments import notice, public, services
from tests.commitments.conftest import claim, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(campaign, org_world, item):
    m1, m2, m3 = item.milestones.order_by("seq")
    services.report_progress(m1, 100, "完成", reported_on=dt.date(2025, 4, 28))
    services.report_progress(m2, 100, "完成", reported_on=dt.date(2025, 9, 29))
    services.report_progress(m3, 100, "完成", reported_on=dt.date(2025, 11, 20))
    services.close(item, fulfilled=True, note="完成", closed_on=dt.date(2025, 11, 25))
    published(campaign, org_world.towns_a[1], org_world.office_a)  # 甲二镇: nothing reached
    claim(campaign, org_world.stats_a)  # 甲区统计局: claimed, not published
    c = public.post_comment(item, public.verify_code("13800001111", public.request_code("13800001111")), "好")
    public.moderate(c, approve=True, user=org_world.office_a)
    return campaign


def _text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    body = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(cell.text for t in doc.tables for row in t.rows for cell in row.cells)
    return body + "\n" + cells


def test_the_notice_says_it_in_the_practices_sentences(year):
    c = notice.content(year, dt.date(2025, 12, 1))
    text = "\n".join(p for _h, paras in c.sections for p in paras)
    # 3 claimed, 2 published; 1 fulfilled = 50%; 1 going, lagging (its 4-30, 9-30, 11-28 are past)
    assert "共认领承诺事项3项，经审核对外公示2项" in text
    assert "截至2025年12月1日，已兑现1项，占50%；推进中1项，其中1项有节点逾期未完成" in text
    # 6 milestones due by 12-01, the fulfilled item's 3 on time → 50%
    assert "到期节点6个，按期完成3个，按期完成率50%" in text
    assert "群众公开留言1条，责任单位已答复0条，占0%" in text
    assert c.lagging_rows == [["2", "甲二镇", "张局长", "老旧小区加装电梯", "0"]]


def test_the_docx_opens_back_in_a4_with_the_list_as_an_attachment(year):
    data = notice.render(notice.content(year, dt.date(2025, 12, 1)))
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    assert abs(section.top_margin - Mm(37)) < Mm(1)
    text = _text(data)
    assert "关于2025年“百名局长百件事”承诺事项进展情况的公示" in text.replace("\n", "")
    assert "附件" in text and "承诺事项进展情况一览表" in text and "甲一街道" in text and "已兑现" in text
    assert "甲区统计局" not in text.split("附件")[-1]  # not published: not in the list


@pytest.mark.parametrize("role,status", [("office_a", 200), ("leader_a", 200), ("office", 200), ("assessed_town_a", 403),
                                         ("office_b", 404), ("leader_b", 404)])
def test_who_may_generate_it(year, org_world, client_for, role, status):
    response = client_for(org_world.users[role]).get(reverse("commitments:notice", args=[year.pk]))
    assert response.status_code == status
    if status == 200:
        assert "公示" in _text(response.content)


@pytest.mark.parametrize("role,status", [("office_a", 302), ("leader_a", 403), ("office_b", 404)])
def test_the_notice_goes_into_the_register_as_a_draft_to_number_and_issue(year, org_world, client_for, role, status):
    from kaohe.documents.models import IssuedDocument

    response = client_for(org_world.users[role]).post(reverse("commitments:notice_draft", args=[year.pk]))
    assert response.status_code == status
    if status == 302:
        doc = IssuedDocument.objects.get()
        assert response["Location"] == reverse("reports:document", args=[doc.pk])
        assert (doc.kind, doc.unit, doc.source_id) == ("commitments", org_world.district_a, year.pk)
        assert "共认领承诺事项3项" in doc.text and doc.status == "draft"
    else:
        assert not IssuedDocument.objects.exists()
