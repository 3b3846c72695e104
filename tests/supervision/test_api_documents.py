"""督查文书 through the API: the 督办函 the sweep issues for a task overdue by five working days is
listed (``kind=supervise``) and downloaded as the page hands it out — the same .docx, as an
attachment — by whoever sees the task; 乙区's office does not find it (404), a role that does not
keep the ledger may not list (403), a bad kind or id is refused (422)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from docx import Document

from kaohe.lib.exports import DOCX_TYPE
from kaohe.orgs.models import ApiToken
from kaohe.supervision import documents, services
from kaohe.supervision.models import DocumentKind, TaskDocument
from tests.supervision.conftest import at

pytestmark = pytest.mark.django_db

API = "/api/supervision"


def _get(user, path, params=None):
    _token, key = ApiToken.issue(user, "测试")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}").get(f"{API}{path}", params or {})


@pytest.fixture
def letter(sv):
    """甲区's task of ten working days, signed, swept red on Sat 10/11 (调休): its 督办函."""
    task = sv.make("十个工作日", limit_workdays=10, now=at(2025, 9, 15))
    services.sign_task(task, user=sv.assessed_a, now=at(2025, 9, 15, 11))
    services.sweep(at(2025, 9, 28, 18))
    assert services.sweep(at(2025, 10, 11)).red == 1
    return TaskDocument.objects.get(task=task, kind=DocumentKind.SUPERVISE)


def test_the_supervision_letter_is_listed_and_downloaded_as_the_page_hands_it_out(sv, letter):
    listed = _get(sv.office_a, "/documents", {"kind": "supervise"})
    assert listed.status_code == 200
    assert [(d["id"], d["kind"], d["number"], d["task_id"]) for d in listed.json()] == [
        (letter.pk, "supervise", letter.number, letter.task_id)]
    got = _get(sv.assessed_a, f"/documents/{letter.pk}")
    assert got.status_code == 200
    assert got["Content-Type"] == DOCX_TYPE
    assert got["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    letter.refresh_from_db()
    page = Client()
    page.force_login(sv.assessed_a)
    assert got.content == page.get(f"/supervision/documents/{letter.pk}/").content == documents.file_of(letter)
    text = "\n".join(p.text for p in Document(io.BytesIO(got.content)).paragraphs)
    assert "督办" in text and "甲区" in text


def test_the_letter_is_found_in_scope_only_and_bad_input_is_refused(sv, letter):
    assert _get(sv.office_b, f"/documents/{letter.pk}").status_code == 404
    assert _get(sv.office_b, "/documents", {"kind": "supervise"}).json() == []
    assert _get(sv.assessed_a, "/documents").status_code == 403
    assert _get(sv.office, "/documents", {"kind": "letter"}).status_code == 422
    assert _get(sv.office, "/documents/0").status_code == 422
