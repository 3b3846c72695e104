"""The audit trail: what an entry carries, the log page (office only), filters and exports."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from kaohe.audit.context import RequestContext, current
from kaohe.audit.models import AuditEntry
from kaohe.audit.services import (
    changes,
    history_for,
    history_url,
    record,
    visible_entries,
)
from kaohe.lib.changes import snapshot
from kaohe.orgs.services import update_unit
from tests import factories as f

pytestmark = pytest.mark.django_db
URL = "/audit/"


def test_an_entry_carries_who_what_before_after_reason_request_id_and_ip(org_world):
    unit = org_world.district_a
    token = current.set(RequestContext(user_id=org_world.office.pk, request_id="req-123", ip="10.1.2.3"))
    try:
        before = snapshot(unit)
        unit.name = "甲新区"
        unit.save()
        entry = record("update", unit, before=before, after=snapshot(unit), reason="区划更名")
    finally:
        current.reset(token)
    entry.refresh_from_db()
    # The actor (the city office) and the object's unit (the district itself) are both kept.
    assert (entry.username, entry.actor_unit, entry.object_unit, entry.action) == (
        "office", org_world.city, unit, "update")
    assert (entry.object_type_name, entry.object_id, entry.object_repr) == ("orgs.orgunit", unit.pk, "甲新区")
    assert (entry.before["name"], entry.after["name"]) == ("甲区", "甲新区")
    assert (entry.reason, entry.request_id, entry.ip) == ("区划更名", "req-123", "10.1.2.3")


def test_a_change_through_a_web_request_is_stamped_with_its_request_id_and_ip(org_world, client_for):
    # The login itself is a change-log event made through the middleware.
    client = client_for(None)
    client.post(reverse("login"), {"username": "office", "password": f.PASSWORD},
                HTTP_X_REQUEST_ID="abc-1", REMOTE_ADDR="192.0.2.7")
    entry = AuditEntry.objects.get(action="login")
    assert (entry.username, entry.request_id, entry.ip, entry.actor_unit) == ("office", "abc-1", "192.0.2.7", org_world.city)


def test_a_wrong_password_is_recorded_as_a_failed_sign_in_without_the_password(org_world, client_for):
    client_for(None).post(reverse("login"), {"username": "office", "password": "wrong-secret"},
                          REMOTE_ADDR="198.51.100.4")
    assert not AuditEntry.objects.filter(action="login").exists()
    entry = AuditEntry.objects.get(action="other", object_type__app_label="auth", object_type__model="user")
    assert (entry.object_repr, entry.reason, entry.ip, entry.user) == ("office", "登录失败", "198.51.100.4", None)
    assert "wrong-secret" not in str(entry.before) + str(entry.after) + entry.reason


def test_history_for_lists_one_objects_entries_newest_first(org_world):
    update_unit(org_world.district_a, name="甲一")
    update_unit(org_world.district_a, name="甲二")
    update_unit(org_world.district_b, name="乙一")
    assert [e.after["name"] for e in history_for(org_world.district_a)] == ["甲二", "甲一"]
    assert history_url(org_world.district_a) == f"/audit/?object_type=orgs.orgunit&object_id={org_world.district_a.pk}"


def test_changes_lists_only_the_fields_that_differ():
    assert changes({"a": 1, "b": 2, "updated_at": "x"}, {"a": 1, "b": 3, "updated_at": "y"}) == [("b", 2, 3)]
    assert changes(None, {"a": 1}) == [("a", None, 1)]


# ---- the page: owner / member / outsider -----------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [
    ("office", 200), ("leader", 403), ("submitter", 403), ("assessed_a", 403), ("assessed_b", 403),
])
def test_only_the_office_reads_the_log(org_world, client_for, who, status):
    assert client_for(org_world.users[who]).get(URL).status_code == status


def test_the_public_is_sent_to_the_login_page(org_world, client_for):
    response = client_for(None).get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_forbidden_visitor_gets_the_403_page_in_chinese(org_world, client_for):
    response = client_for(org_world.leader).get(URL)
    assert "无权访问" in response.content.decode()


def test_a_district_office_reads_only_its_districts_entries(org_world, client_for):
    office_a = org_world.office_a
    record("update", org_world.towns_a[0], user=org_world.assessed_a, reason="甲区的修改")
    record("update", org_world.towns_b[0], user=org_world.assessed_b, reason="乙区的修改")
    reasons = set(visible_entries(office_a).values_list("reason", flat=True))
    assert reasons == {"甲区的修改"}
    assert {"甲区的修改", "乙区的修改"} <= set(visible_entries(org_world.office).values_list("reason", flat=True))
    page = client_for(office_a).get(URL).content.decode()
    assert "甲区的修改" in page and "乙区的修改" not in page


@pytest.fixture
def trail(org_world):
    update_unit(org_world.district_a, name="甲新区", user=org_world.office, reason="更名一")
    update_unit(org_world.district_b, name="乙新区", user=org_world.leader, reason="更名二")
    record("import", None, object_type="assessment.datavalue", user=org_world.submitter,
           after={"rows": 12}, reason="月度导入")
    return org_world


def test_the_page_shows_entries_with_their_changes(trail, client_for):
    page = client_for(trail.office).get(URL).content.decode()
    assert "更名一" in page and "更名二" in page and "月度导入" in page
    assert "甲新区" in page


@pytest.mark.parametrize(("query", "expected"), [
    ({"user": "leader"}, {"更名二"}),
    ({"unit": "C-A"}, {"更名一"}),
    ({"unit": "C-TJJ"}, {"月度导入"}),
    ({"object_type": "assessment.datavalue"}, {"月度导入"}),
    ({"action": "import"}, {"月度导入"}),
])
def test_the_filters_narrow_the_entries(trail, client_for, query, expected):
    page = client_for(trail.office).get(URL, query).content.decode()
    assert {r for r in ("更名一", "更名二", "月度导入") if r in page} == expected


def test_the_object_filter_shows_one_objects_history(trail, client_for):
    page = client_for(trail.office).get(history_url(trail.district_b)).content.decode()
    assert "更名二" in page and "更名一" not in page


def test_the_time_range_filter_uses_whole_local_days(trail, client_for):
    AuditEntry.objects.filter(reason="更名一").update(at=dt.datetime(2025, 3, 1, 23, 30, tzinfo=dt.UTC))
    client = client_for(trail.office)
    # 23:30 UTC on 1 March is 07:30 on 2 March in Beijing.
    page = client.get(URL, {"date_from": "2025-03-02", "date_to": "2025-03-02"}).content.decode()
    assert "更名一" in page and "更名二" not in page
    page = client.get(URL, {"date_to": "2025-03-01"}).content.decode()
    assert "没有符合条件的记录" in page


def test_an_unknown_unit_code_is_named_in_the_message(trail, client_for):
    page = client_for(trail.office).get(URL, {"unit": "NOPE"}).content.decode()
    assert "没有代码为 NOPE 的单位" in page


def test_a_reversed_date_range_is_explained(trail, client_for):
    page = client_for(trail.office).get(URL, {"date_from": "2025-03-02", "date_to": "2025-03-01"}).content.decode()
    assert "结束日期不能早于开始日期" in page


def test_the_page_is_paginated_by_fifty(org_world, client_for):
    AuditEntry.objects.bulk_create([AuditEntry(action="other", object_id=i) for i in range(120)])
    client = client_for(org_world.office)  # signing in adds one entry
    first = client.get(URL).content.decode()
    assert "共 121 条，第 1 / 3 页" in first
    assert "第 3 / 3 页" in client.get(URL, {"page": 3}).content.decode()


def test_the_excel_export_has_a_header_and_one_row_per_filtered_entry(trail, client_for):
    response = client_for(trail.office).get(URL, {"user": "office", "action": "update", "export": "xlsx"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "用户", "操作人单位", "操作")
    assert rows[0][7] == "所属单位" and rows[1][7] == "甲新区"
    assert len(rows) == 2 and rows[1][1] == "office" and rows[1][10] == "更名一"
    assert '"name": "甲新区"' in rows[1][9]


def test_the_csv_export_opens_in_excel_with_chinese_intact(trail, client_for):
    response = client_for(trail.office).get(URL, {"action": "import", "export": "csv"})
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][0] == "时间" and len(rows) == 2 and rows[1][3] == "导入" and rows[1][10] == "月度导入"


@pytest.mark.parametrize("who", ["leader", "assessed_a"])
def test_the_export_is_refused_to_everyone_but_the_office(trail, client_for, who):
    assert client_for(trail.users[who]).get(URL, {"export": "csv"}).status_code == 403


def test_the_page_is_in_english_when_english_is_chosen(trail, client_for):
    client = client_for(trail.office)
    client.cookies["django_language"] = "en"
    page = client.get(URL).content.decode()
    assert "Audit log" in page and "Export Excel" in page and "操作日志" not in page.split("<main")[1]


def test_the_page_shows_field_labels_and_unit_names_instead_of_ids(org_world, client_for):
    from kaohe.orgs.services import move_unit

    town = org_world.towns_a[1]
    move_unit(town, parent=org_world.district_b, kind="street", valid_from=dt.date(2026, 1, 1))
    page = client_for(org_world.office).get(history_url(town)).content.decode()
    assert f"甲区 (#{org_world.district_a.pk})" in page and f"乙区 (#{org_world.district_b.pk})" in page
    assert "上级单位" in page and "类型" in page and "街道" in page


def test_a_value_batch_names_its_source_in_chinese_on_the_page(org_world, client_for):
    record("import", None, object_type="assessment.datavalue", object_repr="2025年3月 数据 2 项（Excel导入）",
           after={"source": "excel", "values": 2}, user=org_world.submitter)
    main = client_for(org_world.office).get(URL).content.decode().split("<main")[1]
    assert "Excel导入" in main and "数据项数" in main
    assert "(excel)" not in main and ">excel<" not in main


def test_an_objects_history_includes_the_objects_under_it(org_world, client_for):
    # A town's entry names its district as parent: the district's history shows it.
    town = org_world.towns_a[0]
    record("update", town, parent=org_world.district_a, reason="下级的修改", user=org_world.office)
    record("update", org_world.towns_b[0], parent=org_world.district_b, reason="别处的修改", user=org_world.office)
    page = client_for(org_world.office).get(history_url(org_world.district_a)).content.decode()
    assert "下级的修改" in page and "别处的修改" not in page


def test_the_exports_write_formula_like_reasons_as_text(trail, client_for):
    """A reason typed as ``=HYPERLINK(…)`` or ``@SUM(…)`` is text in the CSV (apostrophe) and the .xlsx."""
    record("import", None, object_type="assessment.datavalue", user=trail.submitter, reason='=HYPERLINK("http://x","y")')
    record("import", None, object_type="assessment.datavalue", user=trail.submitter, reason="@SUM(A1)")
    text = client_for(trail.office).get(URL, {"action": "import", "export": "csv"}).content.decode("utf-8")
    reasons = {r[10] for r in csv.reader(io.StringIO(text.lstrip("\ufeff")))}
    assert {"'=HYPERLINK(\"http://x\",\"y\")", "'@SUM(A1)", "月度导入"} <= reasons
    response = client_for(trail.office).get(URL, {"action": "import", "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [row[10] for row in sheet.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in cells)
    assert all(c.quotePrefix for c in cells if str(c.value).startswith(("=", "@")))
