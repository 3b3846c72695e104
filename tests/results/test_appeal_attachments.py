"""申诉材料: allowed types only (by extension and content), stored outside MEDIA_ROOT, handed out only
through the authorised view (as an attachment, nosniff), removed with their appeal, and a refused
upload leaves neither a row nor a file behind."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished
from django.db import close_old_connections
from django.urls import reverse

from kaohe.results.models import Appeal, AppealAttachment
from kaohe.results.services import publish
from tests.results.fixtures import build_scored

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def pub(org_world, settings, tmp_path):
    settings.KAOHE_PRIVATE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    scored = build_scored(org_world)
    return scored.w, publish(scored.annual, scored.w.office)


def _file_appeal(client, pub, *files):
    return client.post(reverse("results:appeal_new", args=[pub.pk]),
                       {"indicator": "INV", "reason": "投资漏报", "attachments": list(files)})


def _stored(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("name, data", [
    ("说明.html", b"<html><script>alert(document.cookie)</script></html>"),
    ("图.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("伪装.pdf", b"<html><script>alert(1)</script></html>"),  # the name lies, the content does not
    ("程序.exe", b"MZ\x90\x00"),
    ("无扩展名", PDF),
])
def test_a_file_of_another_type_is_refused_and_leaves_nothing(pub, client_for, settings, name, data):
    w, p = pub
    r = _file_appeal(client_for(w.assessed_a), p, SimpleUploadedFile(name, data))
    assert r.status_code == 200 and ("不接受该类型" in r.content.decode() or "不符" in r.content.decode())
    assert not Appeal.objects.exists() and not AppealAttachment.objects.exists()
    assert _stored(Path(settings.KAOHE_PRIVATE_ROOT)) == [] and _stored(Path(settings.MEDIA_ROOT)) == []


@contextmanager
def no_connection_closing():
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_finished.connect(close_old_connections)


def test_a_pdf_is_stored_outside_media_and_downloaded_only_by_those_who_see_the_appeal(pub, client_for, settings):
    w, p = pub
    r = _file_appeal(client_for(w.assessed_a), p, SimpleUploadedFile("佐证材料.pdf", PDF))
    assert r.status_code == 302
    att = AppealAttachment.objects.get()
    assert att.content_type == "application/pdf"
    assert _stored(Path(settings.MEDIA_ROOT)) == [] and len(_stored(Path(settings.KAOHE_PRIVATE_ROOT))) == 1
    url = reverse("results:appeal_attachment", args=[att.pk])
    detail = client_for(w.office).get(reverse("results:appeal_detail", args=[att.appeal_id])).content.decode()
    assert url in detail and "/media/" not in detail
    for who in ("office", "leader", "assessed_a"):
        got = client_for(w.users[who]).get(url)
        assert got.status_code == 200, who
        assert got["Content-Disposition"].startswith("attachment")
        assert got["X-Content-Type-Options"] == "nosniff" and "sandbox" in got["Content-Security-Policy"]
        assert b"".join(got.streaming_content) == PDF
        with no_connection_closing():  # close() sends request_finished, which would close the test's PostgreSQL connection
            got.close()
    for who in ("assessed_b", "office_b", "leader_b", "district_submitter_a", "district_submitter_b", "submitter"):
        assert client_for(w.users[who]).get(url).status_code in (403, 404), who
    # whoever may open the appeal may read its material, and no one else
    detail_url = reverse("results:appeal_detail", args=[att.appeal_id])
    for who, user in w.users.items():
        if who == "anonymous":
            continue
        may_see = client_for(user).get(detail_url).status_code == 200
        assert (client_for(user).get(url).status_code == 200) == may_see, who
    assert client_for(w.anonymous).get(url).status_code == 302


def test_deleting_an_appeal_removes_its_files(pub, client_for, settings, django_capture_on_commit_callbacks):
    w, p = pub
    _file_appeal(client_for(w.assessed_a), p, SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", PDF))
    assert len(_stored(Path(settings.KAOHE_PRIVATE_ROOT))) == 2
    with django_capture_on_commit_callbacks(execute=True):
        Appeal.objects.get().delete()
    assert _stored(Path(settings.KAOHE_PRIVATE_ROOT)) == []


def test_a_failure_after_the_files_were_written_removes_them(pub, settings, monkeypatch):
    from kaohe.results import services

    w, p = pub

    def fail(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(services, "record", fail)
    with pytest.raises(RuntimeError):
        services.file_appeal(p, w.district_a, "INV", "漏报", w.assessed_a, files=[SimpleUploadedFile("a.pdf", PDF)])
    assert not Appeal.objects.exists() and _stored(Path(settings.KAOHE_PRIVATE_ROOT)) == []


def test_files_stored_under_media_before_private_storage_are_moved_out(pub, settings):
    """results 0011: an appeal file of an older release lies in MEDIA_ROOT/appeals/…; afterwards it is
    only in private storage (same name, same bytes), and the download view still finds it."""
    import importlib

    from django.apps import apps

    w, p = pub
    appeal = Appeal.objects.create(publication=p, unit=w.district_a, indicator="INV", reason="投资漏报",
                                   filed_by=w.assessed_a, answer_due=p.notice_ends)
    old = Path(settings.MEDIA_ROOT) / "appeals" / "2025" / "证明.pdf"
    old.parent.mkdir(parents=True)
    old.write_bytes(PDF)
    kept = Path(settings.MEDIA_ROOT) / "appeals" / "2025" / "已迁移.pdf"
    kept.write_bytes(PDF)
    (Path(settings.KAOHE_PRIVATE_ROOT) / "appeals" / "2025").mkdir(parents=True)
    (Path(settings.KAOHE_PRIVATE_ROOT) / "appeals" / "2025" / "已迁移.pdf").write_bytes(PDF + b"private")
    for name in ("appeals/2025/证明.pdf", "appeals/2025/已迁移.pdf", "appeals/2025/不存在.pdf"):
        AppealAttachment.objects.create(appeal=appeal, file=name, name=Path(name).name, content_type="application/pdf")
    migration = importlib.import_module("kaohe.results.migrations.0011_appeal_files_out_of_media")
    migration.forwards(apps, None)
    assert _stored(Path(settings.MEDIA_ROOT)) == []
    private = Path(settings.KAOHE_PRIVATE_ROOT) / "appeals" / "2025"
    assert (private / "证明.pdf").read_bytes() == PDF
    assert (private / "已迁移.pdf").read_bytes() == PDF + b"private"  # the private copy wins
    assert sorted(p.name for p in _stored(Path(settings.KAOHE_PRIVATE_ROOT))) == ["已迁移.pdf", "证明.pdf"]
    assert AppealAttachment.objects.get(name="证明.pdf").file.open("rb").read() == PDF
