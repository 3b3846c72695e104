"""Excel import (all or nothing, row/field/reason) and export (opened back; user text stays text)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kaohe.attraction.models import AttractionProject
from tests.attraction.factories import lead

pytestmark = pytest.mark.django_db
HEAD = ["项目名称", "投资方", "属地单位代码", "计划总投资（万元）", "用地面积（亩）", "线索来源", "首谈日期"]


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEAD)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _post(client, data: bytes):
    return client.post(reverse("attraction:import"), {"file": SimpleUploadedFile("leads.xlsx", data)})


def test_a_clean_file_imports_every_row(org_world, client_for):
    data = _xlsx([["甲区电池项目", "某电池公司", "C-A", "20,000", 50, "以商招商", "2026-05-06"],
                  ["甲一街道总部项目", "某总部", "C-A-01", 12000, None, "", None]])
    r = _post(client_for(org_world.assessed_a), data)
    assert r.status_code == 302
    p = AttractionProject.objects.get(name="甲区电池项目")
    assert (p.amount, p.land_mu, p.source, p.unit.code) == (Decimal("20000"), Decimal("50"), "investor", "C-A")
    assert AttractionProject.objects.get(name="甲一街道总部项目").unit.code == "C-A-01"


def test_one_bad_row_refuses_the_file_and_names_row_field_and_reason(org_world, client_for):
    lead(unit=org_world.district_b, name="已登记项目", investor="某集团")
    data = _xlsx([["好项目", "某公司", "C-A", 20000, None, "", None],
                  ["乙区项目", "某公司", "C-B", 20000, None, "", None],
                  ["带单位", "某公司", "C-A", "2亿", None, "", None],
                  ["已登记项目", "某集团", "C-A", 5000, None, "", None],
                  ["好项目", "某公司", "C-A", 100, None, "路演", "2026/13/01"]])
    r = _post(client_for(org_world.assessed_a), data)
    body = r.content.decode()
    assert r.status_code == 200 and "未导入任何数据" in body
    assert "第3行C列“属地单位代码”：无权为单位“C-B”登记项目" in body
    assert "第4行D列“计划总投资（万元）”：数值不要带单位" in body
    assert "第5行A列“项目名称”：已由乙区登记" in body
    assert "第6行A列“项目名称”：与第2行重复" in body and "第6行F列“线索来源”" in body and "第6行G列“首谈日期”" in body
    assert not AttractionProject.objects.filter(name="好项目").exists()


def test_the_export_opens_back_with_user_text_as_text(org_world, client_for):
    lead(unit=org_world.district_a, name="=HYPERLINK(\"http://x\")", investor="+86 公司", amount=Decimal("12345.5"))
    r = client_for(org_world.office).get(reverse("attraction:export"))
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("项目名称", "投资方", "投资方所在地", "属地单位代码")
    row = rows[1]
    assert row[0] == "=HYPERLINK(\"http://x\")" and row[1] == "+86 公司" and row[6] == 12345.5
    assert ws.cell(2, 1).data_type == "s"
