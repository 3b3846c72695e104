"""报告 pages by role, with the same-role outsiders: out of scope is 404, in scope but not allowed 403;
and the whole flow draft → edit → issue with the real LibreOffice PDF, opened back and looked at."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from docx import Document as Docx

from kaohe.documents import services
from kaohe.documents.models import Audience, IssuedDocument, Status
from kaohe.lib import gbt9704
from kaohe.reports import generators
from tests.results.fixtures import build_scored

OUT = Path("var/test-output/reports")
PEOPLE = ["office", "leader", "submitter", "assessed_a", "office_a", "leader_a", "district_submitter_a",
          "assessed_town_a", "office_b", "leader_b", "district_submitter_b", "assessed_town_b"]


@pytest.fixture
def stand_in_pdf(monkeypatch):
    monkeypatch.setattr(gbt9704, "to_pdf", lambda data, **kw: b"%PDF-1.4 " + hashlib.sha256(data).digest())


@pytest.fixture
def world(org_world, stand_in_pdf):
    scored = build_scored(org_world)
    w = org_world
    city_issued = services.issue(generators.make_draft(w.office, "monthly", str(scored.jan.pk)), user=w.office)
    city_draft = generators.make_draft(w.office, "monthly", str(scored.feb.pk))
    doc = gbt9704.Document("关于甲区一季度工作情况的通报", issuer="甲区考核办", date=dt.date(2025, 4, 7))
    doc.paragraph("甲区正文。")
    a_issued = services.issue(services.draft(kind="monthly", unit=w.district_a, document=doc, period="2025Q1"), user=w.office_a)
    a_draft = services.draft(kind="quarterly", unit=w.district_a, document=doc, period="2025Q1")
    return w, scored, {"city_issued": city_issued, "city_draft": city_draft, "a_issued": a_issued, "a_draft": a_draft}


def _status(client_for, user, url, method="get", data=None):
    client = client_for(user)
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    return response.status_code


def test_the_register_lists_what_each_role_may_read(world, client_for):
    w, _s, docs = world
    url = reverse("reports:index")
    assert client_for(w.anonymous).get(url).status_code == 302
    for name in PEOPLE:
        html = client_for(w.users[name]).get(url).content.decode()
        assert docs["city_issued"].number in html, name  # 下发: every unit reads the city's bulletin
        assert (docs["a_issued"].number in html) == (name in {"office", "leader", "submitter", "assessed_a", "office_a",
                                                               "leader_a", "district_submitter_a", "assessed_town_a"}), name
        assert ("待印发草稿" in html) == (name in {"office", "leader", "office_a", "leader_a"}), name
        assert ("生成通报草稿" in html) == (name == "office"), name  # the runs are the city's


@pytest.mark.parametrize(("key", "readers"), [
    ("city_issued", set(PEOPLE)),
    ("city_draft", {"office", "leader"}),
    ("a_issued", {"office", "leader", "submitter", "assessed_a", "office_a", "leader_a", "district_submitter_a",
                  "assessed_town_a"}),
    ("a_draft", {"office", "leader", "office_a", "leader_a"}),
])
def test_document_pages_and_files_404_out_of_scope(world, client_for, key, readers):
    w, _s, docs = world
    doc = docs[key]
    for name in PEOPLE:
        for url in (reverse("reports:document", args=[doc.pk]), reverse("reports:download", args=[doc.pk, "docx"])):
            assert _status(client_for, w.users[name], url) == (200 if name in readers else 404), (name, url)


@pytest.mark.parametrize(("key", "editors"), [("city_draft", {"office"}), ("a_draft", {"office", "office_a"})])
def test_only_the_managing_office_edits_issues_or_discards(world, client_for, key, editors):
    w, _s, docs = world
    doc = docs[key]
    url = reverse("reports:document", args=[doc.pk])
    readers = {"office", "leader"} | ({"office_a", "leader_a"} if key == "a_draft" else set())
    for name in PEOPLE:
        for action in ("save", "issue", "discard"):
            if name in editors and action == "discard":
                continue  # would delete the draft under the other names' feet (the last editor does, below)
            code = _status(client_for, w.users[name], url, "post", {"action": action})
            # an editor's empty form comes back (200) with its errors: nothing saved, nothing issued
            expected = 200 if name in editors else (403 if name in readers else 404)
            assert code == expected, (name, action, code)
    assert IssuedDocument.objects.get(pk=doc.pk).status == Status.DRAFT
    assert _status(client_for, w.users[sorted(editors)[-1]], url, "post", {"action": "discard"}) == 302
    assert not IssuedDocument.objects.filter(pk=doc.pk).exists()


def test_making_a_draft(world, client_for):
    w, scored, _docs = world
    url = reverse("reports:new")
    assert client_for(w.office).get(url).status_code == 302  # GET goes back to the list
    for name in PEOPLE:
        code = _status(client_for, w.users[name], url, "post", {"kind": "annual", "source": str(scored.annual.pk)})
        # the city's run is read by every district (published down) but drafted only by the city's office
        assert code == (302 if name == "office" else 403), name
    assert IssuedDocument.objects.filter(kind="annual", status=Status.DRAFT).count() == 1


@pytest.mark.usefixtures("org_world")
def test_draft_edit_issue_download_with_the_real_pdf(org_world, client_for):
    if not gbt9704.soffice_path():
        pytest.skip("LibreOffice is not installed (.ci/run installs it)")
    w = org_world
    scored = build_scored(w)
    client = client_for(w.office)
    response = client.post(reverse("reports:new"), {"kind": "monthly", "source": str(scored.feb.pk)})
    draft = IssuedDocument.objects.get(kind="monthly", status=Status.DRAFT)
    assert response.url == reverse("reports:document", args=[draft.pk])
    page = client.get(response.url).content.decode()
    assert "修改草稿" in page and "编号并印发" in page
    text = draft.draft["text"].replace("四、下步要求", "四、下步要求\n各区要比学赶超。")
    form = {"action": "save", "title": draft.title, "addressee": "各区人民政府：", "code": "测考通", "cc": "市委办公室、市政府办公室",
            "text": text}
    assert client.post(response.url, form).status_code == 302
    bad = client.post(response.url, dict(form, text=text + "\n【表9】"))
    assert bad.status_code == 200 and "没有这个表" in bad.content.decode()
    assert client.post(response.url, {"action": "issue", "audience": Audience.DOWN, "confirm": "on"}).status_code == 302
    issued = IssuedDocument.objects.get(pk=draft.pk)
    assert issued.number == f"测考通〔{dt.date.today().year}〕1号" and issued.status == Status.ISSUED
    docx = client.get(reverse("reports:download", args=[issued.pk, "docx"]))
    pdf = client.get(reverse("reports:download", args=[issued.pk, "pdf"]))
    assert docx.content == bytes(issued.docx) and hashlib.sha256(pdf.content).hexdigest() == issued.pdf_sha256
    texts = [p.text for p in Docx(io.BytesIO(docx.content)).paragraphs]
    assert issued.number in texts and "各区要比学赶超。" in texts and "各区人民政府：" in texts
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "monthly.pdf").write_bytes(pdf.content)
    fonts = subprocess.run(["pdffonts", str(OUT / "monthly.pdf")], capture_output=True, text=True, check=True).stdout
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(OUT / "monthly.pdf"), str(OUT / "monthly")], check=True)
    register = client_for(w.office_b).get(reverse("reports:index") + "?q=比学赶超").content.decode()
    assert issued.number in register  # 下发: the other district reads it, and finds it by its words


def test_the_api_lists_the_issued_documents_in_scope(world):
    import json

    from django.test import Client

    from kaohe.orgs.models import ApiToken

    w, _s, docs = world
    city, a = docs["city_issued"], docs["a_issued"]
    for name in [*PEOPLE, "anonymous"]:
        headers = {}
        if name != "anonymous":
            headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(w.users[name], 't')[1]}"}
        listing = Client().get("/api/documents/", **headers)
        if name == "anonymous":
            assert listing.status_code == 401
            continue
        numbers = {d["number"] for d in json.loads(listing.content)}
        sees_a = name in {"office", "leader", "submitter", "assessed_a", "office_a", "leader_a", "district_submitter_a",
                          "assessed_town_a"}
        assert numbers == {city.number} | ({a.number} if sees_a else set()), name  # drafts never
        one = Client().get(f"/api/documents/{a.pk}", **headers)
        assert one.status_code == (200 if sees_a else 404), name
    body = json.loads(Client().get(f"/api/documents/{city.pk}", HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(w.office_b, 't')[1]}").content)
    assert body["docx_sha256"] == city.docx_sha256 and body["docx_url"] == reverse("reports:download", args=[city.pk, "docx"])
    assert body["kind_name"] == "月度晒榜通报"
