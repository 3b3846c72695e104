"""Pages and actions as owner (甲区), same-role outsiders (乙区), office, leader — out of scope is 404."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document

from kaohe.attraction import figures, services
from kaohe.attraction.models import AttractionProject, Event, EventKind, Milestone, Stage
from tests.attraction.factories import D, admit, lead, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(org_world):
    w = org_world
    w.project = lead(unit=w.district_a, name="甲区智能装备项目", investor="某装备集团")
    walk(w.project, Stage.TALKS)
    admit(w.project)
    w.landed = walk(lead(unit=w.district_a, name="甲区落地项目"), Stage.STARTED, confirm=False)
    w.pending = w.landed.milestones.get(stage=Stage.STARTED)
    w.event = services.create_event({"unit": w.district_a, "kind": EventKind.THEMATIC, "name": "甲区新能源专题招商会",
                                     "planned_on": D(2026, 11, 20)})
    w.other = lead(unit=w.district_b, name="乙区物流项目")
    services.ensure_bands()
    return w


def _status(client_for, user, method, url, data=None):
    client = client_for(user)
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    return response.status_code


EVERYONE = {"office", "leader", "assessed_a", "assessed_b", "submitter", "office_a", "leader_a", "office_b", "leader_b",
            "assessed_town_a", "district_submitter_a", "district_submitter_b", "assessed_town_b"}
FINDS_A = {"office", "leader", "submitter", "assessed_a", "office_a", "leader_a", "district_submitter_a"}
HIDDEN_A = EVERYONE - FINDS_A
RECORDERS = {"office", "office_a", "office_b", "assessed_a", "assessed_b", "assessed_town_a", "assessed_town_b"}
READERS = {"office", "leader", "office_a", "leader_a", "office_b", "leader_b"}

# (url name, args, who may (200), who does not find it (404)) — everyone else 403; anonymous → login
PAGES = [
    ("attraction:list", [], EVERYONE, set()),
    ("attraction:kanban", [], EVERYONE, set()),
    ("attraction:events", [], EVERYONE, set()),
    ("attraction:export", [], EVERYONE, set()),
    ("attraction:new", [], RECORDERS, set()),
    ("attraction:import", [], RECORDERS, set()),
    ("attraction:detail", ["project"], FINDS_A, HIDDEN_A),
    ("attraction:board", ["C-A"], FINDS_A, HIDDEN_A),
    ("attraction:bulletin", [2026, 3, "docx"], READERS, set()),
]
WRITERS_A = {"office", "office_a", "assessed_a"}
# (url name, args, data, who may (302 + done)) — the others who see it 403, the rest 404
ACTIONS = [
    ("attraction:advance", ["project"], {"stage": "signed", "on": "2026-02-10", "evidence": "合同"}, WRITERS_A),
    ("attraction:drop", ["project"], {"reason": "投资方撤回"}, WRITERS_A),
    ("attraction:confirm", ["pending"], {"level": "district"}, {"office", "office_a"}),
    ("attraction:event_action", ["event", "cancel"], {"reason": "改期"}, WRITERS_A),
]


def _args(w, args):
    return [getattr(w, a).pk if isinstance(a, str) and hasattr(w, a) else a for a in args]


@pytest.mark.parametrize(("name", "args", "allowed", "hidden"), PAGES, ids=[f"{p[0]}{p[1]}" for p in PAGES])
def test_every_page_checks_who_may_see_it(w, client_for, name, args, allowed, hidden):
    url = reverse(name, args=_args(w, args))
    for who in EVERYONE:
        expected = 200 if who in allowed else 404 if who in hidden else 403
        assert _status(client_for, w.users[who], "get", url) == expected, who
    assert _status(client_for, w.anonymous, "get", url) == 302


@pytest.mark.parametrize(("name", "args", "data", "allowed"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_every_action_checks_who_may_do_it(w, client_for, name, args, data, allowed):
    url = reverse(name, args=_args(w, args))
    target = getattr(w, args[0])
    for who in sorted(EVERYONE - allowed):
        expected = 404 if who in HIDDEN_A else 403
        assert _status(client_for, w.users[who], "post", url, data) == expected, who
    assert _status(client_for, w.users[sorted(allowed)[0]], "post", url, data) == 302
    target.refresh_from_db()


def test_the_list_shows_only_projects_in_scope(w, client_for):
    body = client_for(w.assessed_a).get(reverse("attraction:list")).content.decode()
    assert "甲区智能装备项目" in body and "乙区物流项目" not in body
    body = client_for(w.office).get(reverse("attraction:list") + "?unit=C-B").content.decode()
    assert "乙区物流项目" in body and "甲区智能装备项目" not in body


def test_the_kanban_has_a_column_per_stage(w, client_for):
    body = client_for(w.office).get(reverse("attraction:kanban")).content.decode()
    for label in ("线索", "在谈", "签约", "注册", "落地（拿地）", "开工", "入统", "投产/入规", "达效"):
        assert f"<span>{label}</span>" in body
    assert body.count('class="zs-col"') == 9


def test_the_owner_signs_through_the_page_and_the_office_recognises_the_start(w, client_for):
    c = client_for(w.assessed_a)
    r = c.post(reverse("attraction:advance", args=[w.project.pk]), {"stage": "signed", "on": "2026-02-10", "evidence": "合同ZS-88"})
    assert r.status_code == 302
    w.project.refresh_from_db()
    assert w.project.stage == Stage.SIGNED
    # a refusal comes back as a message on the page
    r = c.post(reverse("attraction:advance", args=[w.project.pk]), {"stage": "started", "on": "2026-03-01", "evidence": "x"},
               follow=True)
    assert "下一节点应为“注册”" in r.content.decode()
    client_for(w.office_a).post(reverse("attraction:confirm", args=[w.pending.pk]), {"level": "district"})
    w.landed.refresh_from_db()
    assert w.landed.major_project is not None
    body = client_for(w.office_a).get(reverse("attraction:detail", args=[w.landed.pk])).content.decode()
    assert "转入重大项目" in body and w.landed.major_project.code in body


def test_the_evaluation_form_scores_and_records_the_decider(w, client_for):
    fresh = lead(unit=w.district_a, name="待评估项目")
    r = client_for(w.assessed_a).post(reverse("attraction:evaluate", args=[fresh.pk]), {
        "score_fit": "12", "score_tech": "10", "score_energy": "8", "veto_v_env": "1", "decision": "approved",
        "decider": "区评审委员会", "decided_on": "2026-03-01"}, follow=True)
    assert "只能不予准入" in r.content.decode()
    client_for(w.assessed_a).post(reverse("attraction:evaluate", args=[fresh.pk]), {
        "score_fit": "12", "score_tech": "10", "score_energy": "8", "decision": "approved",
        "decider": "区评审委员会", "decided_on": "2026-03-01"})
    e = fresh.evaluations.get()
    assert e.total == Decimal("86.00") and e.decider == "区评审委员会"  # 5亿: 16 + 500万元/亩: 20 + 40万元/亩: 20 + 30


def test_credits_per_person_are_for_office_and_leaders_only(w, client_for):
    services.add_credit(w.landed, name="王副区长", unit=w.district_a, role="lead", share=50)
    url = reverse("attraction:detail", args=[w.landed.pk])
    assert "王副区长" in client_for(w.leader_a).get(url).content.decode()
    assert "王副区长" not in client_for(w.assessed_a).get(url).content.decode()
    board = client_for(w.office_a).get(reverse("attraction:board", args=["C-A"])).content.decode()
    assert "王副区长" in board and "待认定" in board


def test_the_board_shows_the_figures_with_their_units(w, client_for):
    body = client_for(w.office_a).get(reverse("attraction:board", args=["C-A"])).content.decode()
    assert "招商引资签约项目数" in body and "1个" in body and "签约项目落地率" in body


def test_events_are_planned_held_and_shown_on_the_calendar(w, client_for):
    c = client_for(w.assessed_a)
    r = c.post(reverse("attraction:new_event"), {"name": "甲区综合招商推介会", "unit": w.district_a.pk, "kind": "comprehensive",
                                                 "planned_on": "2026-10-15", "place": "会展中心"})
    assert r.status_code == 302
    event = Event.objects.get(name="甲区综合招商推介会")
    c.post(reverse("attraction:event_action", args=[event.pk, "hold"]), {"held_on": "2026-10-16"})
    event.refresh_from_db()
    assert event.status == "held"
    body = c.get(reverse("attraction:events") + "?year=2026&month=10").content.decode()
    assert "甲区综合招商推介会" in body and 'zs-ev held' in body
    # 乙区 cannot plan an event for 甲区
    r = client_for(w.assessed_b).post(reverse("attraction:new_event"), {"name": "x", "unit": w.district_a.pk,
                                                                        "kind": "thematic", "planned_on": "2026-10-15"})
    assert not Event.objects.filter(name="x").exists()


def test_a_new_lead_is_registered_through_the_form(w, client_for):
    r = client_for(w.assessed_a).post(reverse("attraction:new"), {
        "name": "甲区生物医药项目", "investor": "某药业", "unit": w.district_a.pk, "amount": "30,000", "land_mu": "60",
        "source": "investor", "first_contact_on": "2026-09-01", "stage": "talks"})
    assert r.status_code == 302
    p = AttractionProject.objects.get(name="甲区生物医药项目")
    assert (p.amount, p.stage) == (Decimal("30000"), Stage.TALKS)
    assert Milestone.objects.filter(project=p, stage=Stage.TALKS, on=D(2026, 9, 1)).exists()
    r = client_for(w.assessed_a).post(reverse("attraction:new"), {
        "name": "甲区另一项目", "investor": "某药业", "unit": w.district_a.pk, "amount": "3亿",
        "source": "investor", "first_contact_on": "2026-09-01", "stage": "lead"})
    assert r.status_code == 200 and "数值不要带单位" in r.content.decode()


def test_the_quarterly_bulletin_is_a_gbt9704_docx_with_the_figures(w, client_for):
    r = client_for(w.office).get(reverse("attraction:bulletin", args=[2026, 3, "docx"]))
    doc = Document(io.BytesIO(r.content))
    text = "".join(p.text for p in doc.paragraphs)  # the title is broken into lines (梯形)
    assert "关于2026年第3季度测试市招商引资工作情况的通报" in text
    assert "新签约项目1个" in text and "一、总体情况" in text and "表1" in text
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells][:3] == ["单位", "签约项目", "亿元以上"]
    assert {r.cells[0].text for r in table.rows[1:]} >= {"甲区", "乙区"}
    section = doc.sections[0]
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)  # GB/T 9704


def test_the_bulletin_pdf_opens_back_with_its_title(w, client_for):
    import subprocess

    r = client_for(w.office).get(reverse("attraction:bulletin", args=[2026, 3, "pdf"]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-", "-"], input=r.content, capture_output=True, check=True).stdout.decode()
    text = text.replace("\n", "").replace(" ", "")  # pdftotext spaces digits off from CJK
    assert "关于2026年第3季度测试市招商引资工作情况的通报" in text and "新签约项目1个" in text


def test_the_office_drafts_the_bulletin_into_the_documents_register(w, client_for):
    from kaohe.documents.models import IssuedDocument

    url = reverse("attraction:bulletin_draft", args=[2026, 3])
    assert client_for(w.leader).post(url).status_code == 403
    assert client_for(w.office).post(url).status_code == 302
    doc = IssuedDocument.objects.get(kind="attraction", period="2026Q3")
    assert doc.unit == w.city and doc.status == "draft" and "招商引资工作情况的通报" in doc.title
    client_for(w.office).post(url)
    assert IssuedDocument.objects.filter(kind="attraction").count() == 1  # re-drafting replaces the draft


@pytest.mark.parametrize("name", ["attraction:kanban", "attraction:list", "attraction:events"])
def test_pages_take_as_many_queries_for_sixty_projects_as_for_six(w, client_for, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        client = client_for(w.office)
        client.get(reverse(name))  # warm the caches of the session
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(name)).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for i in range(54):
        p = lead(unit=w.district_a if i % 2 else w.towns_a[1], name=f"批量项目{i}")
        if i % 3 == 0:
            walk(p, Stage.SIGNED)
    assert queries() == few


def test_the_board_takes_a_bounded_number_of_queries(w, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(30):
        walk(lead(unit=w.district_a, name=f"看板项目{i}"), Stage.LANDED)
    client = client_for(w.office_a)
    client.get(reverse("attraction:board", args=["C-A"]))
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("attraction:board", args=["C-A"]))
    assert len(ctx.captured_queries) <= 60, len(ctx.captured_queries)


def test_evidence_is_stored_outside_media_and_downloaded_only_in_scope(w, client_for):
    from pathlib import Path

    from django.conf import settings as conf
    from django.core.files.uploadedfile import SimpleUploadedFile
    upload = SimpleUploadedFile("合同.pdf", b"%PDF-1.4 contract", content_type="application/pdf")
    r = client_for(w.assessed_a).post(reverse("attraction:advance", args=[w.project.pk]),
                                      {"stage": "signed", "on": "2026-02-10", "evidence": "合同", "evidence_file": upload})
    assert r.status_code == 302
    m = Milestone.objects.get(project=w.project, stage=Stage.SIGNED)
    stored = Path(m.evidence_file.path)
    assert stored.exists() and not stored.is_relative_to(Path(conf.MEDIA_ROOT).resolve())
    url = reverse("attraction:evidence", args=[m.pk])
    r = client_for(w.leader_a).get(url)
    assert r.status_code == 200 and r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Disposition"].startswith("attachment") and b"".join(r.streaming_content) == b"%PDF-1.4 contract"
    assert client_for(w.assessed_b).get(url).status_code == 404
    assert client_for(w.office_b).get(url).status_code == 404
    m.evidence_file.delete(save=False)


def test_the_kanban_and_board_speak_english(w, client_for):
    client = client_for(w.office_a)
    client.cookies["django_language"] = "en"
    body = client.get(reverse("attraction:kanban"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Lead" in body and "In talks" in body and "At full effect" in body and "Pipeline board" in body
    body = client.get(reverse("attraction:board", args=["C-A"]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Projects by stage" in body and "Milestones awaiting recognition or checks" in body
    # the figures' names come from the catalogue (figures.INDICATORS are msgids), every one of them
    assert "Projects signed" in body and "Signed projects landed" in body and "Target bundles completed" in body
    from django.utils import translation

    with translation.override("en"):
        english = {code: translation.gettext(name) for code, (name, _uom) in figures.INDICATORS.items()}
    assert [code for code, name in english.items() if name == figures.INDICATORS[code][0]] == []
    assert not any(name in body for name, _uom in figures.INDICATORS.values())


def test_kaigong_reads_the_same_in_english_in_attraction_and_projects():
    """开工 was "Started" in the projects catalogue (which wins, being installed first) and
    "Construction started" in attraction's and in the projects' stage names: one English term."""
    from django.utils import translation

    from kaohe.projects.models import StageRole
    from kaohe.projects.services import DEFAULT_STAGES

    english = {code: en for code, _zh, en, _role in DEFAULT_STAGES}
    with translation.override("en"):
        assert str(Stage.STARTED.label) == str(StageRole.STARTED.label) == english["started"] == "Construction started"
    with translation.override("zh-hans"):
        assert str(Stage.STARTED.label) == "开工"


def test_a_disguised_evidence_file_is_refused_and_nothing_is_recorded(w, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile
    upload = SimpleUploadedFile("合同.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    r = client_for(w.assessed_a).post(reverse("attraction:advance", args=[w.project.pk]),
                                      {"stage": "signed", "on": "2026-02-10", "evidence": "合同", "evidence_file": upload},
                                      follow=True)
    assert "佐证材料：文件 合同.pdf 的内容与扩展名不符" in r.content.decode()
    assert not Milestone.objects.filter(project=w.project, stage=Stage.SIGNED).exists()
    upload = SimpleUploadedFile("page.html", b"<html></html>", content_type="text/html")
    r = client_for(w.assessed_a).post(reverse("attraction:advance", args=[w.project.pk]),
                                      {"stage": "signed", "on": "2026-02-10", "evidence": "合同", "evidence_file": upload},
                                      follow=True)
    assert "不接受该类型的文件（page.html）" in r.content.decode()
    assert not Milestone.objects.filter(project=w.project, stage=Stage.SIGNED).exists()
