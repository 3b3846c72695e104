"""Schemes: import from YAML and Excel, engine validation with places, versions, adopt, clone, diff, export."""

from __future__ import annotations

import io

import docx
import openpyxl
import pytest
from django.urls import reverse

from kaohe.assessment import schemes
from kaohe.assessment.models import IndicatorSpec, SchemeVersion, VersionStatus
from tests.assessment.factories import adopted_version, scheme_content

pytestmark = pytest.mark.django_db


def test_importing_a_scheme_derives_its_indicators(org_world):
    version = schemes.import_scheme(scheme_content(), user=org_world.office, code="HQD")
    specs = {s.code: s for s in IndicatorSpec.objects.filter(version=version)}
    assert set(specs) == {"gdp_yoy", "fai", "export", "jobs", "safety", "gdp", "trade"}
    assert specs["fai"].responsible_unit == org_world.stats_bureau and specs["fai"].value_kind == "ytd"
    assert specs["fai"].category_path == "经济发展" and specs["fai"].unit_of_measure == "亿元"
    assert not specs["gdp_yoy"].is_collected and specs["gdp"].is_collected and not specs["gdp"].is_scored
    assert version.status == VersionStatus.DRAFT and version.number == 1


def test_a_bad_scheme_is_refused_with_the_place_of_each_error(org_world):
    content = scheme_content()
    content["root"]["children"][0]["children"][1]["method"] = "rnak_points"
    content["root"]["children"][1]["children"][0]["platform"]["frequency"] = "weekly"
    with pytest.raises(schemes.SchemeInvalid) as err:
        schemes.import_scheme(content, user=org_world.office)
    assert any(e.startswith("root.children[1].children[0].platform.frequency") for e in err.value.errors)
    content["root"]["children"][1]["children"][0]["platform"]["frequency"] = "monthly"
    with pytest.raises(schemes.SchemeInvalid) as err:
        schemes.import_scheme(content, user=org_world.office)
    assert any("root.children[0].children[1].method" in e and "rank_points" in e for e in err.value.errors)
    assert not SchemeVersion.objects.exists()


def test_yaml_syntax_errors_name_the_line():
    with pytest.raises(schemes.SchemeInvalid) as err:
        schemes.parse_yaml("name: x\nroot: [\n  - a: 1\n b")
    assert "第" in err.value.errors[0] and "行" in err.value.errors[0]


def test_an_adopted_version_is_changed_only_through_a_new_version_with_a_reason(org_world):
    version = adopted_version(org_world)
    with pytest.raises(schemes.SchemeInvalid):
        schemes.update_draft(version, scheme_content(name="改"), user=org_world.office)
    with pytest.raises(schemes.SchemeInvalid):
        schemes.new_version(version, reason="  ", user=org_world.office)
    draft = schemes.new_version(version, reason="年中调整", user=org_world.office)
    content = scheme_content()
    content["root"]["children"][0]["children"][1]["points"] = 12
    schemes.update_draft(draft, content, user=org_world.office)
    schemes.adopt(draft, user=org_world.office)
    version.refresh_from_db()
    assert (version.status, draft.status, draft.number) == ("superseded", "adopted", 2)


def test_adopting_a_new_version_carries_the_values_forward(org_world):
    from tests.assessment.factories import periods, put

    version = adopted_version(org_world)
    months = periods(2025)
    put(org_world, version, months[1], {("C-A", "fai"): "5"})
    draft = schemes.new_version(version, reason="调整", user=org_world.office)
    schemes.adopt(draft, user=org_world.office)
    assert draft.values.count() == 1 and version.values.count() == 0


def test_cloning_last_years_scheme_makes_a_draft_for_the_new_year(org_world):
    from tests.factories import PeerGroupFactory

    version = adopted_version(org_world)
    group_2026 = PeerGroupFactory(year=2026, code="ZCQ", members=[org_world.district_a])
    clone = schemes.clone_to_year(version, 2026, user=org_world.office)
    assert clone.scheme.year == 2026 and clone.scheme.code == "HQD" and clone.content["year"] == 2026
    assert clone.content["name"] == "2026年度测试考核" and list(clone.peer_groups.all()) == [group_2026]
    assert clone.status == VersionStatus.DRAFT


def test_the_diff_names_added_removed_and_reweighted_indicators():
    left = scheme_content()
    right = scheme_content()
    eco = right["root"]["children"][0]["children"]
    eco[1]["points"] = 15  # fai re-weighted
    eco[2]["method"] = "efficacy"  # export changed
    right["root"]["children"][1]["children"].pop(1)  # safety removed
    right["root"]["children"][1]["children"].append({"code": "new_one", "name": "新指标", "points": 2, "method": "minmax"})
    rows = {r.code: r for r in schemes.diff(left, right)}
    assert (rows["fai"].change, rows["fai"].fields) == ("reweighted", ["points"])
    # the engine's parameters in effect change too: efficacy brings its base 0.6, rank_ratio had none
    assert (rows["export"].change, rows["export"].fields) == ("changed", ["method", "params"])
    assert rows["safety"].change == "removed" and rows["new_one"].change == "added" and rows["jobs"].change == "same"
    assert schemes.diff_summary(list(rows.values())) == {"added": 1, "removed": 1, "reweighted": 1, "changed": 1, "same": 2}


def test_the_excel_workbook_round_trips_the_scheme(org_world):
    content = scheme_content()
    data = schemes.content_to_workbook(content)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb["指标"]["C2"].value == "gdp_yoy" and wb["指标"]["A2"].value == "经济发展"
    back = schemes.workbook_to_content(data)
    left = {r.code: r for r in schemes.diff(content, back)}
    assert all(r.change == "same" for r in left.values()), [(r.code, r.fields) for r in left.values() if r.change != "same"]
    version = schemes.import_scheme(back, user=org_world.office, code="HQD")
    assert version.indicators.filter(is_collected=True).count() == 6


def test_a_scheme_workbook_with_bad_cells_names_sheet_row_and_column():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "指标"
    ws.append(["一级类别", "指标代码", "指标名称", "分值", "参数"])
    ws.append(["经济", "gdp", "GDP", "十分", None])
    ws.append(["经济", "", "无代码", 3, None])
    ws.append(["经济", "x", "X", 3, "step"])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(schemes.SchemeInvalid) as err:
        schemes.workbook_to_content(out.getvalue())
    assert err.value.errors == [
        "工作表“指标”第2行D列“分值”：“十分”不是数字",
        "工作表“指标”第3行B列“指标代码”：指标代码为空",
        "工作表“指标”第4行E列“参数”：参数应写作 step=3; min=0",
    ]


def test_not_a_workbook_is_a_plain_message():
    with pytest.raises(schemes.SchemeInvalid) as err:
        schemes.workbook_to_content(b"hello")
    assert err.value.errors == ["无法作为 Excel 工作簿 (.xlsx) 打开"]


def test_exports_open_back(org_world, client_for):
    version = adopted_version(org_world)
    c = client_for(org_world.assessed_a)
    y = c.get(reverse("assessment:version_export", args=[version.pk, "yaml"]))
    assert schemes.parse_yaml(y.content.decode()) == version.content
    x = c.get(reverse("assessment:version_export", args=[version.pk, "xlsx"]))
    assert openpyxl.load_workbook(io.BytesIO(x.content))["指标"].max_row == 6
    d = c.get(reverse("assessment:version_export", args=[version.pk, "docx"]))
    table = docx.Document(io.BytesIO(d.content)).tables[0]
    assert len(table.rows) == 6 and "排名赋分" in table.rows[1].cells[3].text
    assert c.get(reverse("assessment:version_export", args=[version.pk, "pdf"])).status_code == 404


def test_the_office_imports_a_yaml_file_in_the_browser(org_world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    f = SimpleUploadedFile("s.yaml", schemes.to_yaml(scheme_content()).encode())
    r = client_for(org_world.office).post(reverse("assessment:scheme_import"), {"file": f, "code": "HQD"})
    version = SchemeVersion.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("assessment:version", args=[version.pk])
    page = client_for(org_world.office).get(r["Location"]).content.decode()
    assert "固定资产投资" in page and "35" in page  # total points shown


def test_the_import_page_shows_engine_errors(org_world, client_for):
    bad = schemes.to_yaml(scheme_content(precision=-1))
    r = client_for(org_world.office).post(reverse("assessment:scheme_import"), {"yaml_text": bad, "code": "HQD"})
    # In Chinese, the place named by its label (issue 10: no English paths as scheme errors).
    assert r.status_code == 200 and "保留小数位数：不能为负数（现为 -1）" in r.content.decode()


def test_editing_and_adopting_a_draft_and_the_diff_page(org_world, client_for):
    version = schemes.import_scheme(scheme_content(), user=org_world.office, code="HQD")
    c = client_for(org_world.office)
    text = schemes.to_yaml(scheme_content()).replace("points: 5\n", "points: 6\n", 1)
    assert c.post(reverse("assessment:version_edit", args=[version.pk]), {"yaml_text": text}).status_code == 302
    c.post(reverse("assessment:version_adopt", args=[version.pk]))
    version.refresh_from_db()
    assert version.status == "adopted"
    c.post(reverse("assessment:version_new", args=[version.pk]), {"reason": "调整"})
    draft = SchemeVersion.objects.get(number=2)
    page = c.get(reverse("assessment:version_diff", args=[version.pk]), {"other": draft.pk, "all": "1"}).content.decode()
    assert "未变" in page
    assert client_for(org_world.submitter).post(reverse("assessment:version_adopt", args=[draft.pk])).status_code == 403


def test_the_preview_scores_stored_data_under_a_draft_and_compares_ranks(org_world, client_for):
    from tests.assessment.factories import periods, put

    version = adopted_version(org_world)
    months = periods(2025)
    put(org_world, version, months[3], {("C-A", "fai"): "100", ("C-B", "fai"): "80", ("C-A", "jobs"): "10", ("C-B", "jobs"): "20"})
    draft = schemes.new_version(version, reason="试算", user=org_world.office)
    url = reverse("assessment:version_preview", args=[draft.pk])
    r = client_for(org_world.office).get(url)
    assert r.status_code == 200, r.content.decode()[:2000]
    assert [row["unit"] for row in r.context["rows"]] and not r.context["error"], r.context["error"]
    assert {row["rank"] for row in r.context["rows"]} <= {1, 2}
    assert client_for(org_world.submitter).get(url).status_code == 403


def test_the_diff_across_years_names_additions_and_removals_right_way_round_in_words(org_world, client_for):
    """Opened from the newer year against the older: what 2026 added reads 新增, what it dropped 删除,
    and parameters read in words (达标值 0), never a dict or a method code."""
    import copy

    old = schemes.import_scheme(scheme_content(), user=org_world.office, code="HQD")
    content = copy.deepcopy(scheme_content(year=2026, name="2026年度测试考核"))
    eco = content["root"]["children"][0]["children"]
    eco.append({"code": "low_alt", "name": "低空经济企业数", "points": 2, "method": "rank_ratio"})
    content["root"]["children"][1]["children"] = [n for n in content["root"]["children"][1]["children"] if n["code"] != "safety"]
    content["root"]["children"][1]["children"][0]["points"] = 10
    new = schemes.import_scheme(content, user=org_world.office, code="HQD")
    page = client_for(org_world.office).get(reverse("assessment:version_diff", args=[new.pk]), {"other": old.pk}).content.decode()
    added = page[page.index('data-code="low_alt"'):].split("</tr>")[0]
    removed = page[page.index('data-code="safety"'):].split("</tr>")[0]
    assert "新增" in added and "删除" not in added and "低空经济企业数" in added
    assert "删除" in removed and "新增" not in removed
    assert "达标值 0" in removed and "{'value'" not in page and "threshold" not in page
    assert page.index("2025 v") < page.index("2026 v")
