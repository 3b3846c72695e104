"""Project and monthly-report exports write a name beginning with "=" as text, not a live formula."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from kaohe.projects import excel
from kaohe.projects.models import MonthlyReport, Project
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example","点此核对")'


def test_the_project_list_export_writes_user_text_as_text(org_world):
    ProjectFactory(unit=org_world.district_a, name=EVIL, owner_enterprise="@SUM(A1)")
    sheet = load_workbook(io.BytesIO(excel.export_projects(Project.objects.all()))).active
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value in (EVIL, "@SUM(A1)")]
    assert len(cells) == 2 and all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_the_monthly_report_export_writes_user_text_as_text(org_world):
    project = ProjectFactory(unit=org_world.district_a)
    MonthlyReport.objects.create(project=project, year=2025, month=3, invest_month=1, invest_ytd=1, progress=EVIL,
                                 issues="-1+1")
    sheet = load_workbook(io.BytesIO(excel.export_reports(MonthlyReport.objects.all()))).active
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    assert [c.value for c in sheet[2]][5:7] == [EVIL, "-1+1"]
