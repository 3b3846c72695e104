"""What fuzzing the imports found (tests/test_import_fuzz.py), each case as a plain test: the
file is refused with its row, column and reason in Chinese and nothing is saved — on SQLite and
on PostgreSQL, where each of these was a 500 or a silent partial import before."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import Workbook

from kaohe.lib.tabular import TabularError

pytestmark = pytest.mark.django_db


def xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def refusal(call) -> list[tuple[int | None, str, str]]:
    with pytest.raises(TabularError) as refused:
        call()
    return [(e.row, e.column, e.reason) for e in refused.value.errors]


# ---- projects ----------------------------------------------------------------------------------


def _project(**kw):
    from tests.projects.test_excel import HEAD, row

    return [HEAD, row(**kw)]


@pytest.mark.parametrize("amount", ["999999999999.995", 999999999999.999])
def test_an_investment_that_the_database_would_round_up_to_its_bound_is_refused(org_world, amount):
    # Below 10^12, but DecimalField(14, 2) stores it as 1,000,000,000,000.00: PostgreSQL's
    # "numeric field overflow" was a 500; now the row and the column are named.
    from kaohe.projects import excel
    from kaohe.projects.models import Project

    [(row, column, reason)] = refusal(lambda: excel.import_projects(xlsx(_project(**{"总投资（万元）": amount})), user=org_world.office))
    assert (row, column) == (2, "J") and "超出允许范围" in reason
    assert not Project.objects.exists()


def test_a_project_name_longer_than_its_field_is_named_not_a_500(org_world):
    # 5,000 characters: stored on SQLite, "value too long for type character varying(200)" on PostgreSQL.
    from kaohe.projects import excel
    from kaohe.projects.models import Project

    [(row, column, reason)] = refusal(lambda: excel.import_projects(xlsx(_project(**{"项目名称": "长" * 5000})), user=org_world.office))
    assert (row, column) == (2, "B") and "内容过长（5,000 字，上限 200 字）" in reason
    assert not Project.objects.exists()


def test_a_nul_character_in_a_csv_cell_is_named_not_a_500(org_world):
    # PostgreSQL: "PostgreSQL text fields cannot contain NUL (0x00) bytes".
    from kaohe.projects import excel
    from kaohe.projects.models import Project

    [(row, column, reason)] = refusal(lambda: excel.import_projects(
        csv_bytes(_project(**{"业主单位": "甲\x00公司"})), user=org_world.office, filename="p.csv"))
    assert (row, column) == (2, "C") and "控制字符" in reason
    assert not Project.objects.exists()


def test_a_fractional_plan_year_is_refused_not_cut_to_a_whole_year(org_world):
    # 计划年度 2026.5 was stored as 2026.
    from kaohe.projects import excel

    [(row, column, reason)] = refusal(lambda: excel.import_projects(xlsx(_project(**{"计划年度": 2026.5})), user=org_world.office))
    assert (row, column) == (2, "K") and "应为整数" in reason


@pytest.mark.parametrize(("year", "month", "column"), [(999999999999, 3, "B"), (2026, 3.5, "C")])
def test_a_monthly_report_year_or_month_out_of_range_is_named(org_world, year, month, column):
    # 年度 999999999999 was a 500 on PostgreSQL (integer out of range); 月份 3.5 was month 3.
    from kaohe.projects import excel
    from kaohe.projects.models import MonthlyReport
    from tests.projects.factories import ProjectFactory

    ProjectFactory(code="XM001", unit=org_world.district_a)
    head = [h for _k, h in excel.REPORT_COLUMNS]
    data = xlsx([head, ["XM001", year, month, 100, 100, "进展", ""]])
    [(row, col, _reason)] = refusal(lambda: excel.import_reports(data, user=org_world.office))
    assert (row, col) == (2, column)
    assert not MonthlyReport.objects.exists()


# ---- supervision tasks -------------------------------------------------------------------------


def _task(limit, title="推进城东片区改造"):
    from kaohe.supervision.imports import TEMPLATE_HEADERS

    return [TEMPLATE_HEADERS, [title, "C-A", "", "", "会议纪要", "", "", limit, "", ""]]


@pytest.mark.parametrize("limit", [str(2**63), "99999999999", 251, 0])
def test_a_task_limit_beyond_what_the_form_allows_is_named_not_a_500(org_world, work_calendar, limit):
    # 2**63: OverflowError on SQLite, "integer out of range" on PostgreSQL; the form allows 1–250.
    from kaohe.supervision import imports
    from kaohe.supervision.models import Task

    [(row, column, reason)] = refusal(lambda: imports.import_tasks("t.xlsx", xlsx(_task(limit)), user=org_world.office))
    assert (row, column) == (2, "H") and "1–250" in reason
    assert not Task.objects.exists()


def test_a_task_limit_written_as_an_uncalculated_formula_is_named_not_skipped(org_world, work_calendar):
    # The cell read as blank and the task was saved with the source's default limit.
    from kaohe.supervision import imports
    from kaohe.supervision.models import Task

    [(row, column, reason)] = refusal(lambda: imports.import_tasks("t.xlsx", xlsx(_task("=10+10")), user=org_world.office))
    assert (row, column) == (2, "H") and "公式没有计算结果" in reason
    assert not Task.objects.exists()


def test_a_task_title_longer_than_its_field_is_named(org_world, work_calendar):
    from kaohe.supervision import imports

    [(row, column, reason)] = refusal(lambda: imports.import_tasks("t.xlsx", xlsx(_task(20, title="事" * 301)), user=org_world.office))
    assert (row, column) == (2, "A") and "上限 300 字" in reason


# ---- the working-day calendar, the enterprise register, attraction projects ---------------------


def test_a_calendar_date_written_as_an_uncalculated_formula_is_named_as_such(org_world):
    # It read as blank: "“”不是日期" named the row but not the reason.
    from kaohe.orgs import calendar
    from kaohe.orgs.models import WorkCalendarDay

    before = WorkCalendarDay.objects.count()
    data = xlsx([["日期", "类型", "说明"], [dt.date(2026, 10, 1), "放假", "国庆节"], ["=A2+1", "放假", "国庆节"]])
    [(row, column, reason)] = refusal(lambda: calendar.import_year("c.xlsx", data))
    assert (row, column) == (3, "A") and "公式没有计算结果" in reason
    assert WorkCalendarDay.objects.count() == before


def test_a_nul_character_in_a_calendar_note_is_named_not_a_500(org_world):
    from kaohe.orgs import calendar

    data = csv_bytes([["日期", "类型", "说明"], ["2026-10-01", "放假", "国\x00庆"]])
    [(row, column, reason)] = refusal(lambda: calendar.import_year("c.csv", data))
    assert (row, column) == (2, "C") and "控制字符" in reason


def test_an_enterprise_name_longer_than_its_field_is_named_not_cut_in_silence(org_world):
    # It was cut to 200 characters without a word.
    from kaohe.enterprise import excel
    from kaohe.enterprise.models import Enterprise

    head = [c.label for c in excel.COLUMNS]
    data = xlsx([head, ["91350100M000100Y43", "企" * 201, "", "规上", "C-A", "", "", "", "", "", "否"]])
    [(row, column, reason)] = refusal(lambda: excel.import_register(data, "e.xlsx", allowed_unit_ids=None, user=org_world.office))
    assert (row, column) == (2, "B") and "上限 200 字" in reason
    assert not Enterprise.objects.exists()


def test_an_attraction_amount_written_as_an_uncalculated_formula_is_named(org_world):
    from kaohe.attraction import excel

    head = [c.label for c in excel.COLUMNS]
    data = xlsx([head, ["新能源电池项目", "甲公司", "深圳", "C-A", "", "", "=1000*2", "", "", "", "", ""]])
    errors = refusal(lambda: excel.parse(data, "a.xlsx", org_world.office))
    assert any((row, column) == (2, "G") and "公式没有计算结果" in reason for row, column, reason in errors), errors


# ---- schemes (YAML) ----------------------------------------------------------------------------


def test_a_yaml_scheme_with_aliases_is_refused_before_it_is_expanded():
    # Nine lines of anchors and aliases nest into 9^9 strings when stored as JSON ("billion laughs").
    from kaohe.assessment import schemes

    bomb = 'name: 方案\nyear: 2026\na: &a ["x","x","x","x","x","x","x","x","x"]\n'
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [{', '.join(['*' + previous] * 9)}]\n"
    with pytest.raises(schemes.SchemeInvalid) as refused:
        schemes.parse_yaml(bomb)
    assert "不能使用 YAML 引用" in str(refused.value) and "第 4 行" in str(refused.value)


# ---- bulk writes: bulk_create/COPY do not send pre_save, so the bound guard is called by hand ---------------


@pytest.mark.parametrize("value", ["1e20", "999999999999999999.9999995", "NaN"])
def test_save_values_refuses_a_value_beyond_its_field_whatever_parsed_it(org_world, value):
    # save_values writes with bulk_create (and COPY on PostgreSQL from 5,000 values): a caller that
    # parsed with a wider bound than DataValue(24, 6) reached the database ("numeric field overflow").
    from decimal import Decimal

    from kaohe.assessment import services
    from kaohe.assessment.models import DataValue
    from tests.assessment.factories import adopted_version, periods

    version, period = adopted_version(org_world), periods(2025)[3]
    result = services.save_values(org_world.submitter, version, period,
                                  [services.ValueInput(org_world.district_a.pk, "jobs", Decimal(value))], source="api")
    assert not result.ok and [e.code for e in result.errors] == ["bounds"]
    assert "数值" in result.errors[0].message
    assert not DataValue.objects.exists()


def test_the_targets_panel_refuses_a_value_beyond_its_field_before_its_bulk_write(org_world):
    from decimal import Decimal

    from django.core.exceptions import ValidationError

    from kaohe.assessment import targets
    from kaohe.assessment.models import Target
    from tests.assessment.factories import adopted_version

    version = adopted_version(org_world)
    with pytest.raises(ValidationError, match="目标值"):
        targets.save_targets(version, {(org_world.district_a.pk, "jobs"): Decimal("1e20")}, org_world.office)
    assert not Target.objects.exists()


def test_a_target_with_more_digits_than_excel_keeps_is_refused_not_changed_on_sqlite(org_world):
    # Found by tests/test_import_fuzz.py on SQLite: -396691744327166460.952576 was stored and read
    # back as -396691744327166000.000000 (SQLite keeps 15 significant digits of a decimal).
    from kaohe.assessment import targets
    from kaohe.assessment.models import Target
    from tests.assessment.factories import adopted_version

    version = adopted_version(org_world)
    data = xlsx([["单位代码", "指标代码", "目标值"], ["C-A", "jobs", "-396691744327166460.952576"]])
    [(row, column, reason)] = refusal(lambda: targets.import_targets(version, data, "t.xlsx", org_world.office))
    assert (row, column) == (2, "C") and "有效数字超过 15 位" in reason
    assert not Target.objects.exists()
