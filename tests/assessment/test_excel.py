"""The Excel round trip (real .xlsx files written and read back) and every bad-file case; CSV the same path."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
    assert outcome.problems[0].reason == "该文件是 2025年4月 的模板，不是本期 (2025年3月)"


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


def test_a_long_csv_names_its_period_in_any_spelling_and_other_periods_are_refused_by_row(world):
    w, version, period = world  # 2025年3月
    csv = "unit,indicator,value,period\nC-A,fai,10,2025-3\nC-B,fai,11,2025-04\nC-B,jobs,30,2025年3月\n".encode()
    outcome = _import(w, version, period, csv, name="v.csv")
    assert [(p.row, p.reason) for p in outcome.problems] == [(3, "期间 2025-04 不是本期（2025年3月）")]
    ok = _import(w, version, period, b"unit,indicator,value,period\nC-A,fai,10,202503\nC-B,jobs,30,2025-03\n", name="v.csv")
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


def test_a_comma_that_is_not_thousands_grouping_is_refused_not_stored_as_51(world):
    w, version, period = world
    wb = _template(w, version, period)
    wb["数据"]["C4"], wb["数据"]["C5"] = "5,1", "5,100"  # 5,1 was once stored as 51
    outcome = _import(w, version, period, _bytes(wb))
    assert [(p.row, p.column) for p in outcome.problems] == [(4, "C")]
    assert "逗号用法不明确" in outcome.problems[0].reason and "5,100" in outcome.problems[0].reason
    assert not DataValue.objects.exists()


def test_a_formula_cell_without_a_cached_value_is_named_not_skipped(world):
    w, version, period = world
    wb = _template(w, version, period)
    ws = wb["数据"]
    ws["C4"], ws["D4"], ws["E4"] = 100, "=C4*2", 300  # openpyxl saves the formula without its result
    outcome = _import(w, version, period, _bytes(wb))
    assert [(p.sheet, p.row, p.column) for p in outcome.problems] == [("数据", 4, "D")]
    assert "公式没有计算结果" in outcome.problems[0].reason
    assert not DataValue.objects.exists()


def test_a_duplicated_indicator_column_is_named_instead_of_silently_winning(world):
    w, version, period = world
    wb = _template(w, version, period)
    ws = wb["数据"]
    ws.protection.sheet = False
    ws["F1"], ws["C4"], ws["F4"] = "fai", 1, 2  # a second fai column
    outcome = _import(w, version, period, _bytes(wb))
    assert [(p.row, p.column, p.reason) for p in outcome.problems] == [(1, "F", "指标 fai 的列重复（已在 C 列）")]
    assert not DataValue.objects.exists()


def test_a_blank_header_row_is_an_error_not_a_success_with_nothing_saved(world):
    w, version, period = world
    outcome = _import(w, version, period, ",,\nC-A,甲区,1\n".encode(), name="v.csv")
    assert not outcome.ok and "表头为空" in outcome.problems[0].reason and outcome.saved == 0


def test_csv_in_long_form_accepts_the_headers_kaohe_score_accepts(world):
    w, version, period = world
    csv = "单位,指标,值,期间\nC-A,fai,10,2025-03\nC-B,fai,12,2025-04\n".encode()
    outcome = _import(w, version, period, csv, name="v.csv")
    assert [(p.row, p.column) for p in outcome.problems] == [(3, "D")]  # 2025-04 is not this period (2025-03)
    ok = _import(w, version, period, "单位,指标,值\nC-A,fai,10\n".encode(), name="v.csv")
    assert ok.ok and ok.saved == 1


def test_an_oversized_upload_is_refused_before_it_is_read(world):
    w, version, period = world
    from kaohe.lib import tabular

    huge = b"unit,indicator,value\n" + b"C-A,fai,1\n" * 10
    outcome = excel.import_values(huge, "v.csv", user=w.submitter, version=version, period=period,
                                  responsible_unit=w.stats_bureau, limits=tabular.Limits(max_bytes=50))
    assert "文件过大" in outcome.problems[0].reason and not DataValue.objects.exists()


def test_targets_import_reads_aliased_headers_and_refuses_the_whole_file_on_any_bad_row(world, client_for):
    w, version, period = world
    from kaohe.assessment.models import Target
    from kaohe.assessment.targets import import_targets
    from kaohe.lib.tabular import TabularError

    assert import_targets(version, "单位,指标,目标\nC-A,jobs,1200\nC-B,jobs,\"1,500\"\n".encode(), "t.csv", w.office) == 2
    assert sorted(Target.objects.values_list("target", flat=True)) == [Decimal("1200"), Decimal("1500")]
    bad = '单位代码,指标代码,目标值\nC-A,jobs,"5,1"\nC-Q,jobs,3\nC-B,nope,4\nC-B,jobs,9\nC-B,jobs,8\n'
    with pytest.raises(TabularError) as err:
        import_targets(version, bad.encode(), "t.csv", w.office)
    assert [(e.row, e.column, e.header, e.reason[:12]) for e in err.value.errors] == [
        (2, "C", "目标值", "“5,1”逗号用法不明确"),
        (3, "A", "单位代码", "未知单位 C-Q"),
        (4, "B", "指标代码", "未知指标 nope"),
        (6, "A", "单位代码", "与第5行重复"),
    ]
    assert str(err.value.errors[1]) == "第3行A列“单位代码”：未知单位 C-Q"
    assert sorted(Target.objects.values_list("target", flat=True)) == [Decimal("1200"), Decimal("1500")]  # unchanged


def test_the_upload_page_gives_the_readers_reasons_in_english_when_asked(world, client_for):
    from django.conf import settings as django_settings

    w, version, period = world
    wb = _template(w, version, period)
    wb["数据"]["C4"] = "5,1"
    c = client_for(w.submitter)
    c.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("assessment:upload", args=[version.pk, period.pk, w.stats_bureau.pk])
    body = c.post(url, {"file": SimpleUploadedFile("t.xlsx", _bytes(wb))}).content.decode()
    assert "ambiguous comma: thousands must be grouped by three" in body and "逗号用法不明确" not in body


FUZZ_CELL = st.one_of(
    st.none(), st.integers(min_value=-10**20, max_value=10**20), st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
    st.sampled_from(["=C4+1", "5,1", "5,100", "1e400", "１２．５", "5%", "—", "1.2万", "#DIV/0!"]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(FUZZ_CELL, min_size=6, max_size=6))
def test_any_cells_in_the_template_are_saved_whole_or_refused_with_named_problems(world, cells):
    w, version, period = world
    wb = _template(w, version, period)
    ws = wb["数据"]
    for (r, c), value in zip([(r, c) for r in (4, 5) for c in "CDE"], cells, strict=True):
        ws[f"{c}{r}"] = value.replace("\x00", "") if isinstance(value, str) else value
    try:
        data = _bytes(wb)
    except Exception:  # noqa: BLE001 — openpyxl refuses some texts; there is no file to upload
        return
    before = DataValue.objects.count()
    outcome = _import(w, version, period, data)
    if not outcome.ok:
        assert all(p.reason for p in outcome.problems)
        assert DataValue.objects.count() == before  # nothing saved
