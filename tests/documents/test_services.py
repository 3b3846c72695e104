"""公文: numbers without gaps (real threads on PostgreSQL), issue = freeze + number + store + hash +
audit, and who sees what (the same-role outsider gets nothing)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import threading

import pytest
from django.db import connection, transaction
from docx import Document as Docx

from kaohe.audit.models import AuditEntry
from kaohe.documents import kinds, services
from kaohe.documents.models import Audience, DocumentSequence, IssuedDocument, Status
from kaohe.lib import gbt9704
from kaohe.orgs.scope import get_visible_or_404

kinds.register(kinds.Kind("test", "测试通报", prefix="测通"))


def content(title="关于测试情况的通报", *, issuer="测试市考核办") -> gbt9704.Document:
    d = gbt9704.Document(title, issuer=issuer, addressee="各区：", date=dt.date(2025, 4, 7))
    d.heading(1, "总体情况")
    d.paragraph("甲区得分92.5分，高于全市平均2.2分，居第1位。")
    d.table("各区得分", "分", ["单位", "得分"], [["甲区", "92.5"], ["乙区", "88.1"]])
    d.colophon(cc=["市委办公室"])
    return d


@pytest.fixture
def no_pdf(monkeypatch):
    """LibreOffice is tested in tests/lib/test_gbt9704.py; here a stand-in keeps the tests fast."""
    monkeypatch.setattr(gbt9704, "to_pdf", lambda data, **kw: b"%PDF-1.4 stand-in " + hashlib.sha256(data).digest())


def test_numbers_run_per_unit_code_and_year_without_gaps(org_world):
    def take(unit, code, year):
        with transaction.atomic():
            return services.allocate_number(unit, code, year)

    w = org_world
    assert [take(w.city, "测通", 2025) for _ in range(3)] == [1, 2, 3]
    assert take(w.district_a, "测通", 2025) == 1
    assert take(w.city, "督办", 2025) == 1
    assert take(w.city, "测通", 2026) == 1
    assert take(w.city, "测通", 2025) == 4
    # a rolled-back use returns its number
    with pytest.raises(RuntimeError), transaction.atomic():
        assert services.allocate_number(w.city, "测通", 2025) == 5
        raise RuntimeError("the issue failed")
    assert take(w.city, "测通", 2025) == 5


def test_issue_freezes_numbers_stores_and_hashes(org_world, no_pdf):
    w = org_world
    draft = services.draft(kind="test", unit=w.city, period="2025-03", document=content(), user=w.office)
    assert draft.status == Status.DRAFT and draft.serial is None and draft.code == "测测通"  # 测试市's 测 + the prefix
    draft = services.update_draft(draft, user=w.office, text=draft.draft["text"] + "\n二、下步要求\n请各区对标先进。")
    issued = services.issue(draft, user=w.office, date=dt.date(2025, 4, 8))
    assert (issued.number, issued.serial, issued.status) == ("测测通〔2025〕1号", 1, Status.ISSUED)
    assert issued.docx_sha256 == hashlib.sha256(bytes(issued.docx)).hexdigest() and services.verify(issued)
    doc = Docx(io.BytesIO(bytes(issued.docx)))
    texts = [p.text for p in doc.paragraphs]
    assert "测测通〔2025〕1号" in texts and "二、下步要求" in texts and "2025年4月8日" in texts
    assert issued.issued_by == w.office and issued.issued_at is not None and issued.dated == dt.date(2025, 4, 8)
    entry = AuditEntry.objects.filter(object_id=issued.pk, action="publish").get()
    assert entry.after["number"] == "测测通〔2025〕1号" and entry.after["docx_sha256"] == issued.docx_sha256
    # never changes after
    with pytest.raises(services.DocumentError):
        services.issue(issued, user=w.office)
    with pytest.raises(services.DocumentError):
        services.update_draft(issued, user=w.office, title="改")
    issued.title = "改"
    with pytest.raises(ValueError):
        issued.save()
    with pytest.raises(ValueError):
        IssuedDocument.objects.get(pk=issued.pk).delete()
    second = services.issue(services.draft(kind="test", unit=w.city, period="2025-04", document=content()), user=w.office,
                            date=dt.date(2025, 5, 6))
    assert second.number == "测测通〔2025〕2号"


def test_a_failed_issue_takes_no_number(org_world, monkeypatch):
    w = org_world
    draft = services.draft(kind="test", unit=w.city, period="2025-03", document=content())

    def broken(data, **kw):
        raise gbt9704.ConversionError("LibreOffice timed out after 120 s")

    monkeypatch.setattr(gbt9704, "to_pdf", broken)
    with pytest.raises(gbt9704.ConversionError):
        services.issue(draft, user=w.office, date=dt.date(2025, 4, 8))
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.serial is None
    assert not DocumentSequence.objects.filter(last__gt=0).exists()
    monkeypatch.setattr(gbt9704, "to_pdf", lambda data, **kw: b"%PDF")
    assert services.issue(draft, user=w.office, date=dt.date(2025, 4, 8)).number == "测测通〔2025〕1号"


def test_a_bad_edit_is_refused_in_chinese(org_world):
    draft = services.draft(kind="test", unit=org_world.city, document=content())
    with pytest.raises(services.DocumentError, match="没有这个表"):
        services.update_draft(draft, text="一、情况\n【表3】")
    with pytest.raises(services.DocumentError, match="机关代字"):
        services.update_draft(draft, code="测〔通〕")


def test_regenerating_replaces_the_draft_not_an_issued_one(org_world, no_pdf):
    w = org_world
    first = services.draft(kind="test", unit=w.city, period="2025-03", document=content("一稿"))
    again = services.draft(kind="test", unit=w.city, period="2025-03", document=content("二稿"))
    assert again.pk == first.pk and again.title == "二稿"
    services.issue(again, user=w.office)
    third = services.draft(kind="test", unit=w.city, period="2025-03", document=content("三稿"))
    assert third.pk != first.pk and IssuedDocument.objects.get(pk=first.pk).title == "二稿"


ALL = ["office", "leader", "submitter", "assessed_a", "office_a", "leader_a", "district_submitter_a", "assessed_town_a",
       "office_b", "leader_b", "district_submitter_b", "assessed_town_b", "anonymous"]


@pytest.mark.parametrize(
    ("issuer", "audience", "issued", "readers"),
    [
        ("city", Audience.DOWN, True, set(ALL) - {"anonymous"}),
        ("city", Audience.INTERNAL, True, {"office", "leader", "submitter"}),
        ("city", Audience.DOWN, False, {"office", "leader"}),
        # the city's 统计局 submitter serves every district (scope.scope_root), so reads 甲区's documents too
        ("district_a", Audience.DOWN, True, {"office", "leader", "submitter", "assessed_a", "office_a", "leader_a",
                                             "district_submitter_a", "assessed_town_a"}),
        ("district_a", Audience.INTERNAL, True, {"office", "leader", "submitter", "assessed_a", "office_a", "leader_a",
                                                 "district_submitter_a"}),
        ("district_a", Audience.DOWN, False, {"office", "leader", "office_a", "leader_a"}),
    ],
)
def test_who_sees_a_document(org_world, no_pdf, issuer, audience, issued, readers):
    w = org_world
    doc = services.draft(kind="test", unit=getattr(w, issuer), document=content(), audience=audience)
    if issued:
        doc = services.issue(doc, user=w.office)
    seen = {name for name in ALL if IssuedDocument.objects.visible_to(w.users[name]).filter(pk=doc.pk).exists()}
    assert seen == readers
    from django.http import Http404

    for name in set(ALL) - readers:
        with pytest.raises(Http404):
            get_visible_or_404(w.users[name], IssuedDocument, pk=doc.pk)


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_never_duplicates_or_skips(org_world):
    """Eight threads × 6 numbers each for the same unit, 代字 and year, plus one thread whose every
    other transaction rolls back: the committed numbers are exactly 1 … N. Real threads; on PostgreSQL
    they race at a barrier (SQLite's test database runs them in turn)."""
    w = org_world
    pg = connection.vendor == "postgresql"
    threads_n, rounds = 8, 6
    barrier = threading.Barrier(threads_n + 1)
    got: list[int] = []
    lock = threading.Lock()
    failures: list[str] = []

    def worker(rollback: bool):
        try:
            for n in range(rounds):
                if pg:
                    barrier.wait(timeout=60)
                try:
                    with transaction.atomic():
                        number = services.allocate_number(w.city.pk, "并发", 2025)
                        if rollback and n % 2:
                            raise RuntimeError("rolled back")
                    with lock:
                        got.append(number)
                except RuntimeError:
                    pass
        except Exception as exc:  # noqa: BLE001
            failures.append(repr(exc))
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i == 0,)) for i in range(threads_n + 1)]
    for t in threads:
        t.start()
        if not pg:
            t.join(timeout=60)
    for t in threads:
        t.join(timeout=120)
    assert not failures, failures
    expected = threads_n * rounds + rounds // 2
    assert sorted(got) == list(range(1, expected + 1))
    assert DocumentSequence.objects.get(unit=w.city, code="并发", year=2025).last == expected
