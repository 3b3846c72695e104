"""The Excel round trip (real .xlsx files written and read back) and every bad-file case; CSV the same path."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaohe.assessment import excel, services
from kaohe.assessment.models import DataValue
from tests.assessment.factories import adopted_version, periods, put

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_world):
    version = adopted_version(org_world)
    return org_world, version, periods(2025)[3]


def _template(w, version, period, ru=None):
    return openpyxl.load_workbook(io.BytesIO(excel.template_workbook(version, period, ru or w.stats_bureau)))


def _bytes(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _import(w, version, period, data, name="t.xlsx", **kw):
    return excel.import_values(data, name, user=w.submitter, version=version, period=period, responsible_unit=w.stats_bureau, **kw)


def test_the_template_lists_units_and_owned_indicators_locked_with_validation_and_instructions(world):
    w, version, period = world
    put(w, version, period, {("C-A", "fai"): "12.5"})
    wb = _template(w, version, period)
    ws = wb["数据"]
    assert [c.value for c in ws[1]] == ["单位代码", "单位名称", "fai", "jobs", "gdp"]
    assert ws["C2"].value == "固定资产投资" and ws["C3"].value == "亿元"
    assert [ws.cell(r, 1).value for r in (4, 5)] == ["C-A", "C-B"] and ws["C4"].value == 12.5
    assert ws.protection.sheet and ws["A4"].protection.locked and not ws["C4"].protection.locked
    rules = {str(dv.sqref): (dv.type, dv.operator) for dv in ws.data_validations.dataValidation}
    assert rules["D4:D5"] == ("whole", "greaterThanOrEqual") and rules["C4:C5"] == ("decimal", "greaterThanOrEqual")
    assert "数据填报模板" in wb["填报说明"]["A1"].value and wb["_meta"].sheet_state == "hidden"


def test_a_filled_template_round_trips_into_the_database(world):
    w, version, period = world
    wb = _template(w, version, period)
    ws = wb["数据"]
    ws["C4"], ws["D4"], ws["E4"] = 100, 2000, 300
    ws["C5"], ws["D5"], ws["E5"] = "88.5", 1500, 250
    outcome = _import(w, version, period, _bytes(wb))
    assert outcome.ok and outcome.saved == 6
    assert DataValue.objects.get(unit=w.district_b, indicator="fai").value == Decimal("88.5")
    again = _template(w, version, period)["数据"]
    assert [again["C4"].value, again["D5"].value] == [100, 1500]


def test_every_problem_is_listed_by_sheet_row_column_and_reason_and_nothing_is_saved(world):
    w, version, period = world
    wb = _template(w, version, period)
    ws = wb["数据"]
    ws.protection.sheet = False
    ws["C4"], ws["D4"] = "abc", 10.5  # not a number; not an integer
    ws["C5"] = -3  # negative where impossible
    ws["A6"], ws["C6"] = "C-X", 1  # unknown unit
    ws["F1"], ws["F4"] = "export", 5  # an indicator 统计局 does not own
    outcome = _import(w, version, period, _bytes(wb))
    problems = sorted((p.row or 0, p.column, p.reason) for p in outcome.problems)
    assert problems == [
        (1, "F", "指标 export 不由本单位负责填报"),
        (4, "C", "“abc”不是数字"),
        (4, "D", "10.5 应为整数"),
        (5, "C", "-3 为负数，该指标不能为负"),
        (6, "A", "未知单位：C-X"),
    ]
    assert all(p.sheet == "数据" for p in outcome.problems)
    assert not DataValue.objects.exists()


def test_the_user_may_confirm_saving_only_the_clean_rows(world):
    w, version, period = world
    wb = _template(w, version, period)
    ws = wb["数据"]
    ws["C4"], ws["C5"] = "abc", 7
    outcome = _import(w, version, period, _bytes(wb), partial=True)
    assert outcome.ok and outcome.saved == 1 and outcome.skipped_rows == [4]
    assert DataValue.objects.get().unit == w.district_b


@pytest.mark.parametrize("data, reason", [
    (b"not a spreadsheet", "无法作为 Excel 工作簿 (.xlsx) 打开"),
    (b"", "无法作为 Excel 工作簿 (.xlsx) 打开"),
])
def test_unreadable_files_get_a_plain_message(world, data, reason):
    w, version, period = world
    outcome = _import(w, version, period, data)
    assert [p.reason for p in outcome.problems] == [reason]


def test_a_workbook_without_the_data_sheet_is_refused(world):
    w, version, period = world
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    outcome = _import(w, version, period, _bytes(wb))
    assert outcome.problems[0].reason == "缺少工作表“数据”，请使用下载的模板"


def test_a_template_of_another_period_is_refused(world):
    w, version, period = world
    other = periods(2025)[4]
    outcome = _import(w, version, period, excel.template_workbook(version, other, w.stats_bureau))
    assert "2025-04" in outcome.problems[0].reason


def test_duplicate_unit_rows_are_reported(world):
    w, version, period = world
    wb = _template(w, version, period)
    ws = wb["数据"]
    ws["C4"] = 1
    ws["A6"], ws["C6"] = "C-A", 2
    outcome = _import(w, version, period, _bytes(wb))
    assert [(p.row, p.reason) for p in outcome.problems] == [(6, "与第 4 行重复")]


def test_a_cell_changed_by_someone_else_after_the_download_is_a_conflict(world):
    w, version, period = world
    wb = _template(w, version, period)
    put(w, version, period, {("C-A", "fai"): "50"}, user=w.office)
    wb["数据"]["C4"] = 40
    outcome = _import(w, version, period, _bytes(wb))
    assert "office" in outcome.problems[0].reason and "50" in outcome.problems[0].reason
    assert DataValue.objects.get().value == 50


def test_csv_in_long_form_goes_through_the_same_checks(world):
    w, version, period = world
    csv = b"unit,indicator,value\nC-A,fai,10\nC-B,fai,x\nC-Q,jobs,3\n"
    outcome = _import(w, version, period, csv, name="v.csv")
    assert sorted((p.row, p.reason) for p in outcome.problems) == [(3, "“x”不是数字"), (4, "未知单位：C-Q")]
    ok = _import(w, version, period, "unit,indicator,value\nC-A,fai,10\nC-B,jobs,30\n".encode("gb18030"), name="v.csv")
    assert ok.ok and ok.saved == 2


def test_csv_in_the_templates_wide_form(world):
    w, version, period = world
    csv = "单位代码,单位名称,fai,jobs\nC-A,甲区,1,2\nC-B,乙区,3,4\n".encode()
    outcome = _import(w, version, period, csv, name="v.csv")
    assert outcome.ok and outcome.saved == 4


def test_upload_page_shows_problems_then_saves_clean_rows_on_confirmation(world, client_for):
    w, version, period = world
    wb = _template(w, version, period)
    wb["数据"]["C4"], wb["数据"]["C5"] = "abc", 9
    c = client_for(w.submitter)
    url = reverse("assessment:upload", args=[version.pk, period.pk, w.stats_bureau.pk])
    r = c.post(url, {"file": SimpleUploadedFile("t.xlsx", _bytes(wb))})
    assert r.status_code == 200 and "“abc”不是数字" in r.content.decode()
    assert not DataValue.objects.exists()
    r2 = c.post(url, {"partial": "1", "token": r.context["token"], "filename": "t.xlsx"})
    assert r2.status_code == 302 and DataValue.objects.get().value == 9


def test_a_member_may_not_download_or_upload_another_units_template(world, client_for):
    w, version, period = world
    args = [version.pk, period.pk, w.stats_bureau.pk]
    c = client_for(w.submitter_b)
    assert c.get(reverse("assessment:template", args=args)).status_code == 403
    assert c.post(reverse("assessment:upload", args=args), {"file": SimpleUploadedFile("t.xlsx", b"x")}).status_code == 403


def test_the_submission_flow_uses_the_uploaded_values(world):
    w, version, period = world
    wb = _template(w, version, period)
    for r in (4, 5):
        for c, v in (("C", 10), ("D", 100), ("E", 300)):
            wb["数据"][f"{c}{r}"] = v
    assert _import(w, version, period, _bytes(wb)).ok
    services.submit(services.submission_for(version, w.stats_bureau, period), user=w.submitter)
