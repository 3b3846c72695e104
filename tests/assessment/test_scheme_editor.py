"""方案编辑器: the draft's tree edited as a form, saved through the engine, errors in Chinese at
the field, the round trip (edit in the tree → YAML export → import → identical), points adding
up, read-only adopted versions, the audit entry, and who may open it (a same-role outsider: 404)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaohe.assessment import scheme_editor as editor
from kaohe.assessment import schemes
from kaohe.assessment.models import SchemeVersion
from kaohe.audit.models import AuditEntry
from kaohe.engine.scheme import METHODS, method_params
from tests.assessment.factories import adopted_version, district_version, scheme_content

pytestmark = pytest.mark.django_db


def post_of(state: editor.EditorState, **changes) -> dict[str, str]:
    """What the page posts for ``state`` (as the browser would, every field of every node)."""
    data: dict[str, str] = {"structure": state.structure_json, "base_hash": state.base_hash,
                            **{f"top-{k}": v for k, v in state.top.items()}}
    for n in state.walk():
        data[f"n-{n.id}-kind"] = n.kind
        data[f"n-{n.id}-extra"] = n.extra_json
        for key, value in n.values.items():
            data[f"n-{n.id}-{key}"] = value
        if n.is_leaf:
            for m in METHODS:
                for p in method_params(m):
                    data[f"n-{n.id}-m-{m}-{p.name}"] = n.params.get(m, {}).get(p.name, "")
    data.update(changes)
    return data


def _ids(state):
    """Node id by code."""
    return {n.values["code"]: n.id for n in state.walk()}


@pytest.fixture
def draft(org_world):
    adopted = adopted_version(org_world)
    return schemes.new_version(adopted, reason="修订", user=org_world.office)


def _url(version):
    return reverse("assessment:version_editor", args=[version.pk])


def test_the_tree_has_every_category_and_indicator_with_points_adding_up(draft):
    state = editor.tree_of(draft.content, draft)
    assert [(n.values["name"], n.full_marks) for n in state.nodes] == [("经济发展", 25), ("民生保障", 10)]
    assert state.full_marks == 35  # 10 + 10 + 5 and 5 + 5
    jobs = next(n for n in state.walk() if n.values["code"] == "jobs")
    assert (jobs.values["method"], jobs.values["unit_of_measure"], jobs.values["v-integer"]) == ("target", "人", "true")


def test_saving_the_tree_unchanged_keeps_the_scheme(draft, org_world):
    state = editor.tree_of(draft.content, draft)
    content, _paths = editor.content_of(editor.state_from_post(post_of(state)), draft.content)
    assert schemes.engine_scheme(content).to_dict() == schemes.engine_scheme(draft.content).to_dict()
    assert content["computed"] == draft.content["computed"] and content["platform"] == draft.content["platform"]


def test_an_edit_in_the_tree_round_trips_through_yaml_export_and_import(draft, org_world, client_for):
    state = editor.tree_of(draft.content, draft)
    ids = _ids(state)
    # Move 安全事故 to the top of 经济发展, re-weight it, switch it to 排名赋分 with its step,
    # add an indicator to 民生保障 and give 就业 a responsible unit and bounds.
    structure = [[i, p] for i, p in __import__("json").loads(state.structure_json) if i != ids["safety"]]
    structure.insert(1, [ids["safety"], ids["ECO"]])
    structure.append(["new1", ids["LIV"]])
    data = post_of(state, structure=__import__("json").dumps(structure), **{
        f"n-{ids['safety']}-points": "6", f"n-{ids['safety']}-method": "rank_points",
        f"n-{ids['safety']}-m-rank_points-step": "0.5",
        "n-new1-kind": "leaf", "n-new1-extra": "{}", "n-new1-code": "housing", "n-new1-name": "保障性住房",
        "n-new1-points": "5", "n-new1-method": "threshold", "n-new1-m-threshold-value": "90",
        "n-new1-unit_of_measure": "%", "n-new1-frequency": "quarterly",
        f"n-{ids['jobs']}-responsible_unit": "C-SWJ", f"n-{ids['jobs']}-v-min": "0", f"n-{ids['jobs']}-v-max": "50000",
        "reason": "调整安全指标",
    })
    response = client_for(org_world.office).post(_url(draft), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    eco, liv = draft.content["root"]["children"]
    assert [c["code"] for c in eco["children"]] == ["safety", "gdp_yoy", "fai", "export"]
    assert eco["children"][0] == {"code": "safety", "name": "安全事故", "points": 6, "method": "rank_points",
                                  "params": {"step": 0.5}, "direction": "lower",
                                  "platform": {"responsible_unit": "C-TJJ", "frequency": "quarterly"}}
    assert liv["children"][1]["platform"] == {"unit_of_measure": "%", "frequency": "quarterly"}
    assert draft.content["root"]["children"][1]["children"][0]["platform"]["validation"] == {
        "integer": True, "min": 0, "max": 50000}
    assert draft.indicators.get(code="housing").is_scored
    # YAML export → import as a new scheme → the same content, and the same tree in the editor.
    exported = client_for(org_world.office).get(reverse("assessment:version_export", args=[draft.pk, "yaml"]))
    again = schemes.import_scheme(schemes.parse_yaml(exported.content.decode()), user=org_world.office, code="RT")
    assert again.content == draft.content
    assert post_of(editor.tree_of(again.content, again)) == {**post_of(editor.tree_of(draft.content, draft)),
                                                              "base_hash": again.content_hash()}
    # Every save is audited with the content before and after.
    entry = AuditEntry.objects.filter(object_id=draft.pk, action="update").latest("pk")
    assert entry.reason == "调整安全指标" and entry.after["content"] == draft.content


def test_errors_are_shown_in_chinese_at_the_field_and_nothing_is_saved(draft, org_world, client_for):
    state = editor.tree_of(draft.content, draft)
    ids = _ids(state)
    before = draft.content
    data = post_of(state, **{
        f"n-{ids['fai']}-points": "abc",  # not a number
        f"n-{ids['gdp_yoy']}-m-rank_points-step": "",  # required by 排名赋分
        f"n-{ids['export']}-code": "fai",  # a code used twice
        f"n-{ids['jobs']}-v-min": "9", f"n-{ids['jobs']}-v-max": "1",
    })
    response = client_for(org_world.office).post(_url(draft), data)
    assert response.status_code == 200
    page = response.content.decode()
    draft.refresh_from_db()
    assert draft.content == before
    state = response.context["state"]
    by_code = {n.values["code"]: n for n in state.walk()}
    assert by_code["gdp_yoy"].errors == {"p-step": ["采用“排名赋分”时必须填写每后移一名扣分"]}
    [fai, second_fai] = [n for n in state.walk() if n.values["code"] == "fai"]
    assert fai.errors == {"points": ["应为数字，而不是“abc”"]}
    assert by_code["jobs"].errors == {"validation": ["最小值 9 大于最大值 1"]}
    assert "应为数字，而不是“abc”" in page and "root.children" not in page and "expected a number" not in page
    assert "未保存：有 3 处需要修改" in page


def test_a_duplicate_code_is_named_at_the_second_field(draft):
    state = editor.tree_of(draft.content, draft)
    ids = _ids(state)
    state = editor.state_from_post(post_of(state, **{f"n-{ids['export']}-code": "fai"}))
    with pytest.raises(editor.EditorInvalid) as err:
        editor.save(draft, state, user=None)
    export = next(n for n in err.value.state.walk() if n.id == ids["export"])
    assert export.errors == {"code": ["代码“fai”重复使用"]}


def test_the_scheme_total_is_checked_against_the_categories(draft, org_world, client_for):
    state = editor.tree_of(draft.content, draft)
    response = client_for(org_world.office).post(_url(draft), post_of(state, **{"top-total": "100"}))
    assert response.status_code == 302  # a warning, not an error: the engine takes the tree's sum
    page = client_for(org_world.office).get(_url(draft)).content.decode()
    assert 'data-ed-total>35<' in page and 'value="100"' in page
    content = SchemeVersion.objects.get(pk=draft.pk).content
    assert content["total"] == 100


def test_someone_elses_save_in_between_is_not_overwritten(draft, org_world):
    state = editor.state_from_post(post_of(editor.tree_of(draft.content, draft)))
    schemes.update_draft(draft, {**draft.content, "name": "别人改的"}, user=org_world.office)
    with pytest.raises(editor.EditorInvalid) as err:
        editor.save(SchemeVersion.objects.get(pk=draft.pk), state, user=org_world.office)
    assert "已被他人保存" in err.value.state.general[0]
    assert SchemeVersion.objects.get(pk=draft.pk).content["name"] == "别人改的"


def test_an_adopted_version_is_read_only(org_world, client_for):
    adopted = adopted_version(org_world)
    state = editor.tree_of(adopted.content, adopted)
    before = adopted.content
    response = client_for(org_world.office).post(_url(adopted), post_of(state, **{"top-name": "改名"}))
    assert response.status_code == 302 and response.url == reverse("assessment:version", args=[adopted.pk])
    assert SchemeVersion.objects.get(pk=adopted.pk).content == before
    assert client_for(org_world.office).get(_url(adopted)).status_code == 302


def test_the_page_speaks_chinese_and_names_methods_not_codes(draft, org_world, client_for):
    page = client_for(org_world.office).get(_url(draft)).content.decode()
    assert "排名赋分" in page and "功效系数法" in page and "每后移一名扣分" in page
    assert "市统计局" in page  # responsible units by name
    assert 'nonce' not in page.split("ed-i18n")[0][-200:]  # data as JSON, no inline handlers
    assert "onclick" not in page and "<script>" not in page


# who may open and save the editor: the owning office only; a same-role outsider is not told it exists
ROLES = ["office", "leader", "submitter", "office_a", "leader_a", "assessed_a", "office_b", "leader_b", "assessed_b",
         "assessed_town_a", "district_submitter_a", "anonymous"]
#: 甲区's scheme is seen by the city, by 甲区 and its towns (published down); managed by 甲区's office
#: (and the city's office above it).
SEE = {"office", "leader", "submitter", "office_a", "leader_a", "assessed_a", "assessed_town_a", "district_submitter_a"}
MANAGE = {"office", "office_a"}


@pytest.mark.parametrize("method", ["get", "post"])
def test_only_the_office_owning_the_scheme_edits_it(org_world, client_for, method):
    version = schemes.new_version(district_version(org_world), reason="修订", user=org_world.office_a)
    state = editor.tree_of(version.content, version)
    for role in ROLES:
        client = client_for(org_world.users[role])
        data = post_of(state, **{"top-name": f"由{role}改名"})
        response = client.get(_url(version)) if method == "get" else client.post(_url(version), data)
        if role == "anonymous":
            expected = 302
        elif role in MANAGE:
            expected = 200 if method == "get" else 302
        elif role in SEE:
            expected = 403
        else:
            expected = 404
        assert response.status_code == expected, (role, response.status_code)
        if method == "post" and role in MANAGE:
            state = editor.tree_of(SchemeVersion.objects.get(pk=version.pk).content,
                                   SchemeVersion.objects.get(pk=version.pk))
    names = [e.after["content"]["name"] for e in AuditEntry.objects.filter(object_id=version.pk, action="update").order_by("pk")]
    assert names == ([] if method == "get" else ["由office改名", "由office_a改名"])
    assert SchemeVersion.objects.get(pk=version.pk).content["name"] == ("2025年度甲区镇街考核" if method == "get" else "由office_a改名")


def test_a_bad_structure_is_refused_without_saving(draft, org_world, client_for):
    before = draft.content
    response = client_for(org_world.office).post(_url(draft), {"structure": "not json"})
    assert response.status_code == 302
    assert SchemeVersion.objects.get(pk=draft.pk).content == before


def test_scheme_content_fixture_is_unchanged():
    assert scheme_content()["root"]["children"][0]["code"] == "ECO"


def test_the_import_page_names_the_place_by_the_schemes_names_in_chinese(org_world, client_for):
    content = scheme_content()
    content["root"]["children"][0]["children"][1]["points"] = "abc"
    content["root"]["children"][1]["children"][1]["method"] = "thresold"
    text = schemes.to_yaml(content)
    page = client_for(org_world.office).post(reverse("assessment:scheme_import"), {"yaml_text": text, "code": "HQD"})
    body = page.content.decode()
    assert "「经济发展」›「固定资产投资」 · 分值：应为数字，而不是“abc”" in body
    assert "「民生保障」›「安全事故」 · 计分方法：“thresold”不是可选的计分方法，是否应为达标得分？" in body
    assert "root.children" not in body and "expected a number" not in body


def test_every_problem_code_the_engine_raises_has_its_chinese_words():
    import re
    from pathlib import Path

    from kaohe.assessment.scheme_messages import message
    from kaohe.engine.errors import SchemeProblem

    engine = Path(__file__).resolve().parents[2] / "kaohe" / "engine"
    codes = set()
    for name in ("scheme.py", "platform.py"):
        codes |= set(re.findall(r'code="(\w+)"', (engine / name).read_text(encoding="utf-8")))
    assert {"not_a_number", "unknown_choice", "param_required", "duplicate_code"} <= codes
    generic = "此项设置有误"
    # (a word the office typed, like a misspelt key, is shown as typed: "abc" here)
    facts = {"value": 1, "key": "abc", "method": "target", "aggregate": "mean", "low": 0, "high": 1, "lower": 1,
             "upper": 2, "yellow": 0.5, "green": 0.8, "choices": [], "other": "root.children[0]"}
    words = {c: message(SchemeProblem("root.children[0].children[0].points", c, "x", facts)) for c in sorted(codes)}
    assert [(c, text) for c, text in words.items() if text == generic or re.search(r"[A-Za-z]{4,}", text)] == []
