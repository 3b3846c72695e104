"""The Excel round trip: export the unit's milestones, fill in progress, import the same file back —
all or nothing, each error naming its row, column and reason."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kaohe.audit.services import changes_under
from kaohe.commitments import excel
from kaohe.commitments.models import Commitment, ProgressReport
from kaohe.lib.tabular import TabularError
from tests.commitments.conftest import published

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 5, 10)


def _fill(data: bytes, rows: dict[tuple[int, int], tuple]) -> bytes:
    """Fill 本次进度/实际完成日期/进展情况 of the rows keyed (事项序号, 节点序号)."""
    book = load_workbook(io.BytesIO(data))
    sheet = book["进展填报"]
    head = [c.value for c in sheet[1]]
    col = {h: i + 1 for i, h in enumerate(head)}
    for r in range(2, sheet.max_row + 1):
        key = (sheet.cell(r, col["事项序号"]).value, sheet.cell(r, col["节点序号"]).value)
        if key in rows:
            progress, done, note = rows[key]
            sheet.cell(r, col["本次进度（%）"]).value = progress
            sheet.cell(r, col["实际完成日期"]).value = done
            sheet.cell(r, col["进展情况"]).value = note
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def two(campaign, org_world, item):
    other = published(campaign, org_world.towns_a[1], org_world.office_a)
    return item, other


def test_the_unit_exports_its_own_items_and_imports_them_back(two, org_world, client_for):
    mine, other = two
    client = client_for(org_world.assessed_town_a)
    data = client.get(reverse("commitments:export", args=[mine.campaign_id])).content
    sheet = load_workbook(io.BytesIO(data))["进展填报"]
    numbers = {sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)}
    assert numbers == {mine.number} and sheet.max_row == 4  # its 3 milestones only
    filled = _fill(data, {(1, 1): (100, "2025-04-29", "形成问题清单36条"), (1, 2): (30, None, "完成设计招标")})
    result = excel.import_progress(filled, campaign=mine.campaign, user=org_world.assessed_town_a, on=TODAY)
    assert result == {"reports": 2, "unchanged": 1}
    mine.refresh_from_db()
    # (100×1 + 30×2 + 0×1) ÷ 4 = 40.0
    assert mine.progress == Decimal("40.0")
    assert ProgressReport.objects.filter(source="excel").count() == 2
    assert changes_under(mine).filter(reason__contains="Excel导入").count() == 2


def test_the_exported_file_imports_unchanged_as_nothing_to_do(two, org_world):
    mine, _other = two
    data = excel.export_progress(Commitment.objects.filter(pk=mine.pk))
    with pytest.raises(TabularError, match="没有填写本次进度"):
        excel.import_progress(data, campaign=mine.campaign, user=org_world.assessed_town_a, on=TODAY)


def test_one_bad_row_refuses_the_whole_file_naming_row_column_and_reason(two, org_world):
    mine, other = two
    data = excel.export_progress(Commitment.objects.filter(pk__in=[mine.pk, other.pk]))
    filled = _fill(data, {(1, 1): (100, "2025-04-29", "完成"),  # fine
                          (1, 2): (120, None, "超了"),  # row 3: over 100
                          (1, 3): (100, None, "无日期"),  # row 4: 100% without a date
                          (2, 1): (50, None, "别人的")})  # row 5: another unit's item
    with pytest.raises(TabularError) as caught:
        excel.import_progress(filled, campaign=mine.campaign, user=org_world.assessed_town_a, on=TODAY)
    texts = caught.value.texts()
    assert any("第3行" in t and "本次进度" in t and "0–100" in t for t in texts)
    assert any("第4行" in t and "实际完成日期" in t and "须填写实际完成日期" in t for t in texts)
    assert any("第5行" in t and "无权报告第2号事项（甲二镇）" in t for t in texts)
    assert not ProgressReport.objects.exists()
    mine.refresh_from_db()
    assert mine.progress == 0


def test_progress_below_the_last_report_is_refused(two, org_world):
    mine, _ = two
    data = excel.export_progress(Commitment.objects.filter(pk=mine.pk))
    excel.import_progress(_fill(data, {(1, 2): (60, None, "过半")}), campaign=mine.campaign, user=org_world.assessed_town_a, on=TODAY)
    with pytest.raises(TabularError, match="不能低于当前进度60%"):
        excel.import_progress(_fill(data, {(1, 2): (40, None, "倒退")}), campaign=mine.campaign, user=org_world.assessed_town_a, on=TODAY)


def test_the_import_page_lists_every_error(two, org_world, client_for):
    mine, _ = two
    data = _fill(excel.export_progress(Commitment.objects.filter(pk=mine.pk)), {(1, 2): ("很多", None, "")})
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(org_world.assessed_town_a).post(reverse("commitments:import", args=[mine.campaign_id]),
                                                          {"file": SimpleUploadedFile("进展.xlsx", data)})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="import-errors"' in html and "第3行" in html
