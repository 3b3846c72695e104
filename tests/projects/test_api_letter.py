"""督办函 of a warned project through the API: the same .docx the project page's 生成督办函 hands
out (read back with python-docx), for the office and leaders; 甲区's own unit may not (403), 乙区's
office does not find 甲区's project (404), a bad id is refused (422)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from kaohe.lib.exports import DOCX_TYPE
from kaohe.orgs.models import ApiToken
from kaohe.projects import services
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(org_world):
    w = org_world
    w.project = ProjectFactory(unit=w.district_a, name="甲区智能制造产业园", milestones={"started": (dt.date(2026, 6, 1), None)})
    services.run_warnings(dt.date(2026, 11, 10))
    return w


def _get(user, path):
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user, 't')[1]}").get(f"/api/projects{path}")


def test_the_letter_is_the_pages_docx(w, client_for):
    got = _get(w.leader_a, f"/{w.project.pk}/letter.docx")
    assert got.status_code == 200
    assert got["Content-Type"] == DOCX_TYPE
    assert got["Content-Disposition"].startswith("attachment; filename*=UTF-8''") and ".docx" in got["Content-Disposition"]
    page = client_for(w.leader_a).get(reverse("projects:letter", args=[w.project.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(got.content)).paragraphs)
    assert text == "\n".join(p.text for p in Document(io.BytesIO(page.content)).paragraphs)
    assert "重大项目督办函" in text and "甲区：" in text and "甲区智能制造产业园" in text and "红灯项目" in text


def test_the_letter_is_for_the_office_and_leaders_in_scope(w):
    assert _get(w.assessed_a, f"/{w.project.pk}/letter.docx").status_code == 403
    assert _get(w.office_b, f"/{w.project.pk}/letter.docx").status_code == 404
    assert _get(w.office, "/0/letter.docx").status_code == 422
