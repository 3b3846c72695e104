"""Files of results through the JSON API: the board and scorecard exports are the pages' .xlsx (read
back with openpyxl), an appeal filed with its 材料 (multipart) goes through the page's checks and
its attachment is downloaded only through the authorised path (as an attachment, nosniff) — each
with a 403 role, 乙区's same-role outsider (404) and a refusal (422)."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kaohe.lib.exports import XLSX_TYPE
from kaohe.orgs.models import ApiToken
from kaohe.results.models import Appeal, AppealAttachment
from tests import factories as f
from tests.results.test_scope import rw  # noqa: F401 — the fixture: the city's runs and 甲区's own

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def t(rw, settings, tmp_path):  # noqa: F811
    settings.KAOHE_PRIVATE_ROOT = tmp_path / "private"
    rw.tokens = {name: ApiToken.issue(user, "t")[1] for name, user in rw.w.users.items() if name != "anonymous"}
    rw.tokens["norole"] = ApiToken.issue(f.UserFactory(username="norole"), "t")[1]
    return rw


def api(t, role):
    return Client(HTTP_AUTHORIZATION=f"Bearer {t.tokens[role]}")


def page(t, role):
    client = Client()
    client.force_login(t.w.users[role])
    return client


def sheet(content: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


# ---- exports ------------------------------------------------------------------------------------


def test_the_board_export_is_the_pages_xlsx(t):
    got = api(t, "office").get(f"/api/results/runs/{t.feb.pk}/boards/ZX/export.xlsx")
    assert got.status_code == 200
    assert got["Content-Type"] == XLSX_TYPE
    assert got["Content-Disposition"].startswith("attachment; filename*=UTF-8''") and ".xlsx" in got["Content-Disposition"]
    rows = sheet(got.content)
    assert rows == sheet(page(t, "office").get(f"/results/boards/{t.feb.pk}/ZX/", {"format": "xlsx"}).content)
    assert rows[0][:3] == ("排名", "单位", "得分")
    assert [r[1] for r in rows[1:]] == ["丁区", "甲区", "乙区", "丙区"]  # 丁区 first on 争先榜 in February (GDP 9)


def test_before_publication_an_assessed_unit_exports_only_its_own_row(t):
    rows = sheet(api(t, "assessed_a").get(f"/api/results/runs/{t.feb.pk}/boards/ZX/export.xlsx").content)
    assert [r[1] for r in rows[1:]] == ["甲区"]
    assert api(t, "norole").get(f"/api/results/runs/{t.feb.pk}/boards/ZX/export.xlsx").status_code == 403
    assert api(t, "office_b").get(f"/api/results/runs/{t.dm.pk}/boards/ZX/export.xlsx").status_code == 404
    assert api(t, "office").get(f"/api/results/runs/{t.feb.pk}/boards/NO/export.xlsx").status_code == 404
    assert api(t, "office").get(f"/api/results/runs/{t.feb.pk}/boards/ZX/export.xlsx", {"group": "G" * 65}).status_code == 422


def test_the_scorecard_export_is_the_pages_xlsx(t):
    got = api(t, "leader").get(f"/api/results/runs/{t.feb.pk}/scorecard/export.xlsx", {"sort": "name"})
    assert got.status_code == 200 and got["Content-Type"] == XLSX_TYPE
    assert got["Content-Disposition"].startswith("attachment;")
    rows = sheet(got.content)
    assert rows == sheet(page(t, "leader").get(f"/results/runs/{t.feb.pk}/scorecard/", {"format": "xlsx", "sort": "name"}).content)
    assert rows[0] == ("排名", "单位", "总分", "等次", "地区生产总值增速", "固定资产投资", "企业满意度")
    assert [r[1] for r in rows[1:]] == sorted(["甲区", "乙区", "丙区", "丁区"])
    assert api(t, "norole").get(f"/api/results/runs/{t.feb.pk}/scorecard/export.xlsx").status_code == 403
    assert api(t, "office_b").get(f"/api/results/runs/{t.dm.pk}/scorecard/export.xlsx").status_code == 404
    assert api(t, "office").get(f"/api/results/runs/{t.feb.pk}/scorecard/export.xlsx", {"filter": "x"}).status_code == 422


# ---- appeal attachments -------------------------------------------------------------------------


def upload(t, role, pub, *files, **fields):
    data = {"indicator": "GDP", "reason": "街道数据漏报", **fields, "attachments": list(files)}
    return api(t, role).post(f"/api/results/publications/{pub.pk}/appeals/upload", data)


def test_an_appeal_is_filed_with_its_attachment_and_the_office_downloads_it(t, settings):
    made = upload(t, "assessed_town_a", t.district_pub, SimpleUploadedFile("证明材料.pdf", PDF), claimed_value="8.5")
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["unit"], body["indicator"], body["claimed_value"]) == ("C-A-01", "GDP", 8.5)
    [att] = body["attachments"]
    assert (att["name"], att["content_type"]) == ("证明材料.pdf", "application/pdf")
    got = api(t, "office_a").get(f"/api/results/appeals/attachments/{att['id']}")
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert got["Content-Type"] == "application/pdf" and got["X-Content-Type-Options"] == "nosniff"
    assert got["Content-Disposition"].startswith("attachment;")
    # The appeal's own unit reads it too; 甲区's assessed unit (not the appellant) may not; 乙区 does not find it.
    assert api(t, "assessed_town_a").get(f"/api/results/appeals/attachments/{att['id']}").status_code == 200
    assert api(t, "assessed_a").get(f"/api/results/appeals/attachments/{att['id']}").status_code == 403
    assert api(t, "office_b").get(f"/api/results/appeals/attachments/{att['id']}").status_code == 404
    assert api(t, "office_a").get(f"/api/results/appeals/{body['id']}").json()["attachments"] == [att]
    stored = [p for p in Path(settings.KAOHE_PRIVATE_ROOT).rglob("*") if p.is_file()]
    assert len(stored) == 1 and stored[0].read_bytes() == PDF


@pytest.mark.parametrize("name, data", [
    ("说明.html", b"<html><script>alert(document.cookie)</script></html>"),
    ("图.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("伪装.pdf", b"<html><script>alert(1)</script></html>"),
])
def test_an_attachment_the_page_refuses_is_refused_and_leaves_nothing(t, settings, name, data):
    before = Appeal.objects.count()
    got = upload(t, "assessed_town_a", t.district_pub, SimpleUploadedFile("好.pdf", PDF), SimpleUploadedFile(name, data))
    assert got.status_code == 422
    assert "不接受该类型" in got.json()["detail"] or "不符" in got.json()["detail"]
    assert Appeal.objects.count() == before and not AppealAttachment.objects.exists()
    assert not [p for p in Path(settings.KAOHE_PRIVATE_ROOT).rglob("*") if p.is_file()]


@pytest.mark.parametrize("value", ["inf", "nan", "1e308", "abc"])
def test_a_claimed_value_that_is_not_a_finite_number_is_refused(t, value):
    got = upload(t, "assessed_town_a", t.district_pub, claimed_value=value)
    assert got.status_code == 422 and "claimed_value" in got.json()["detail"]


def test_only_the_assessed_unit_files_and_another_district_does_not_find_the_publication(t):
    assert upload(t, "leader_a", t.district_pub).status_code == 403
    assert upload(t, "assessed_town_b", t.district_pub).status_code == 404
