"""企业诉求办理通报: a draft in the documents register on the GB/T 9704 layout, opened back as .docx."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from docx import Document

from kaohe.documents.models import IssuedDocument
from kaohe.documents.services import preview
from kaohe.enterprise import services
from tests.enterprise.factories import EnterpriseFactory

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def w(org_world, work_calendar):
    w = org_world
    ent = EnterpriseFactory(unit=w.towns_a[0])
    done = services.receive(ent, rtype="finance", title="贷款贴息", channel="office", first_unit=w.district_a,
                            now=dt.datetime(2025, 9, 22, 10, tzinfo=TZ))
    services.assign(done, w.stats_a, now=dt.datetime(2025, 9, 22, 11, tzinfo=TZ))
    services.sign(done, now=dt.datetime(2025, 9, 22, 12, tzinfo=TZ))
    services.reply(done, "贴息已拨付", now=dt.datetime(2025, 9, 23, 10, tzinfo=TZ))
    services.visit(done, "satisfied", now=dt.datetime(2025, 9, 24, 10, tzinfo=TZ))
    late = services.receive(ent, rtype="land", title="扩产用地", channel="office", first_unit=w.district_a,
                            now=dt.datetime(2025, 9, 1, 10, tzinfo=TZ))
    services.escalate(late, now=dt.datetime(2025, 9, 25, 10, tzinfo=TZ))
    return w


def test_the_office_drafts_the_bulletin_and_it_reads_back(w, client_for):
    response = client_for(w.office).post(reverse("enterprise:bulletin"), {"period": "2025-09"})
    doc = IssuedDocument.objects.get(kind="enterprise")
    assert response.status_code == 302 and response["Location"] == reverse("reports:document", args=[doc.pk])
    text = "\n".join(p.text for p in Document(io.BytesIO(preview(doc))).paragraphs)
    assert "关于2025年9月企业诉求办理情况的通报" in text
    assert "共受理企业诉求2件，已办结1件，占50.0%" in text
    assert "超期未办结并已提请督办的企业诉求1件" in text
    tables = Document(io.BytesIO(preview(doc))).tables
    cells = [[c.text for c in row.cells] for row in tables[0].rows]
    assert cells[1][:2] == ["甲区", "2"] and cells[2][:2] == ["乙区", "0"]


def test_only_an_office_drafts_it(w, client_for):
    for user in ("leader", "assessed_a", "submitter", "district_submitter_a"):
        assert client_for(w.users[user]).post(reverse("enterprise:bulletin"), {"period": "2025-09"}).status_code == 403
    assert client_for(w.office_b).post(reverse("enterprise:bulletin"), {"period": "2025-09"}).status_code == 302
