"""Results pages speak in names: scoring notes grouped in Chinese for the office, peer groups,
indicators of appeals and award reasons by name, tiers in the scheme's order."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaohe.orgs.models import PeerGroup
from kaohe.results import queries
from kaohe.results.models import ScoringRun
from kaohe.results.services import file_appeal, grant_first_prizes, publish
from kaohe.results.templatetags.results_tags import group_name, indicator_name
from tests.results.world import BASE, scored_run

pytestmark = pytest.mark.django_db


def test_scoring_notes_are_grouped_by_kind_with_counts_and_names(scored):
    run = scored.jan
    run.warnings = [
        {"code": "indicator_absent", "message": "values: no values at all for indicator 'SAT'", "unit": None, "indicator": "SAT"},
        {"code": "missing_value", "message": "unit 'C-A' has no value for 'GDP'", "unit": "C-A", "indicator": "GDP"},
        {"code": "missing_value", "message": "unit 'C-B' has no value for 'GDP'", "unit": "C-B", "indicator": "GDP"},
        {"code": "something_new", "message": "english", "unit": None, "indicator": None},
    ]
    ScoringRun.objects.filter(pk=run.pk).update(warnings=run.warnings)
    groups = queries.warning_groups(run)
    assert [(g["title"], g["items"]) for g in groups] == [
        ("1项指标本期无数据", ["企业满意度"]),
        ("2个指标值缺失，按缺失规则计分", ["地区生产总值增速（2）：甲区、乙区"]),
        ("其他计分提示1条", []),
    ]
    w = scored.w
    office = reverse("results:run_detail", args=[run.pk])
    from django.test import Client

    c = Client()
    c.force_login(w.office)
    page = c.get(office).content.decode()
    assert "1项指标本期无数据" in page and "no values at all" not in page
    c.force_login(w.assessed_a)
    assert "本期无数据" not in c.get(office).content.decode()


def test_peer_groups_and_indicators_by_name(scored):
    PeerGroup.objects.filter(year=2025, code="ZCQ").update(name="主城区")
    assert PeerGroup.objects.filter(year=2025, code="ZCQ").exists()
    run = scored.annual
    assert group_name("ZCQ", run) == "主城区" and indicator_name("GDP", run) == "地区生产总值增速"
    awards = grant_first_prizes(run, scored.w.office, by="quota", count=1)
    assert "主城区第1名" in awards[0].reason and "ZCQ" not in awards[0].reason
    pub = publish(run)
    appeal = file_appeal(pub, scored.w.district_b, "GDP", "口径有误", scored.w.assessed_b)
    assert appeal.indicator_name == "地区生产总值增速" and str(appeal).endswith("地区生产总值增速")
    from django.test import Client

    c = Client()
    c.force_login(scored.w.office)
    page = c.get(reverse("results:appeals")).content.decode()
    assert "地区生产总值增速" in page and ">GDP<" not in page


def test_tiers_are_listed_from_the_first_down_not_by_their_names(scored):
    values = {u: dict(v) for u, v in BASE.items()}
    values["C-D"]["SAT"] = 80  # 丁区: 4 + 4 + 0 = 8 → 第三等次; 甲 21, 乙 23 第一; 丙 14 第二
    run = scored_run(values, number=5)
    # by name (Unicode order) it would read 第一、第三、第二
    assert [(t["tier"], t["count"]) for t in queries.tier_counts(run)] == [("第一等次", 2), ("第二等次", 1), ("第三等次", 1)]


def _reordered_scheme():
    import copy

    from tests.results.world import SCHEME

    scheme = copy.deepcopy(SCHEME)
    scheme["root"]["children"].reverse()  # 服务效能 (SAT) first, then 经济发展 (GDP, INV)
    scheme["root"]["children"][1]["children"][0]["platform"] = {"unit_of_measure": "%"}
    return scheme


def test_scorecard_columns_and_the_profile_table_follow_the_scheme_not_the_codes(scored, client_for):
    values = {u: dict(v) for u, v in BASE.items()}
    values["C-A"]["GDP"] = 17.555537861294688
    run = scored_run(values, number=6, scheme=_reordered_scheme(), owner=scored.w.city)
    card = queries.scorecard(run, "ZCQ")
    assert [i["code"] for i in card["indicators"]] == ["SAT", "GDP", "INV"]
    assert [r["code"] for r in queries.profile(run, "C-A").indicators] == ["SAT", "GDP", "INV"]
    # the what-if form: in that order, each value rounded (never 17.555537861294688), with its unit
    page = client_for(scored.w.office).get(reverse("results:unit_gap", args=["C-A"]) + f"?run={run.pk}").content.decode()
    assert "17.555537861294688" not in page and 'value="17.5555"' in page
    assert page.index('name="v_SAT"') < page.index('name="v_GDP"') < page.index('name="v_INV"')
    assert "地区生产总值增速（%）" in page


def test_a_boards_indicator_columns_are_headed_with_their_units_on_the_page_and_in_excel(scored, client_for):
    import io

    import openpyxl

    run = scored_run(number=7, scheme=_reordered_scheme(), owner=scored.w.city)  # GDP in %, INV without a unit
    c = client_for(scored.w.office)
    page = c.get(reverse("results:board", args=[run.pk, "ZX"]) + "?group=ZCQ").content.decode()
    assert '<th class="num">地区生产总值增速（%）</th>' in page
    book = openpyxl.load_workbook(io.BytesIO(c.get(reverse("results:board", args=[run.pk, "ZX"]) + "?group=ZCQ&format=xlsx").content))
    head = [cell.value for cell in next(book.active.iter_rows(max_row=1))]
    assert head[5:] == ["地区生产总值增速（%）"]
    assert queries.indicator_header({"INV": {"name": "固定资产投资"}}, "INV") == "固定资产投资"  # no unit: no brackets
    profile = c.get(reverse("results:unit_profile", args=["C-A"]) + f"?run={run.pk}").content.decode()
    table = profile.split('id="profile-indicators"')[1].split("</table>")[0]
    assert "<td>地区生产总值增速（%）</td>" in table and "<td>固定资产投资</td>" in table
