"""公文 services: draft → edit → issue (freeze + number + store + hash + audit), and the numbers.

    from kaohe.documents import services as documents
    doc = gbt9704.Document(title, issuer=..., ...); doc.heading(1, ...); ...     # content from your data
    draft = documents.draft(kind="economy", unit=city, period="2025-03", document=doc, user=request.user)
    documents.update_draft(draft, text=edited_text, user=request.user)             # the office edits the words
    issued = documents.issue(draft, user=request.user)                             # 经分〔2025〕3号, .docx + PDF

Issuing takes the next 序号 of (issuing unit, 代字, year) under a row lock in the same transaction
that stores the files: concurrent issues never share a number, a failed one (LibreOffice down,
a bad draft) rolls back and leaves no gap. The PDF is LibreOffice's rendering of the stored .docx.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.documents import kinds
from kaohe.documents.models import Audience, DocumentSequence, IssuedDocument, Status
from kaohe.lib import gbt9704


class DocumentError(ValueError):
    """A draft that cannot be written or issued; the message is Chinese."""


def allocate_number(unit, code: str, year: int) -> int:
    """The next 序号 for (unit, 代字, year): 1, 2, 3 … without gaps. Call inside the transaction
    that uses the number: the sequence row stays locked until it commits, and a rollback returns
    the number."""
    return allocate_numbers(unit, code, year, 1)


def allocate_numbers(unit, code: str, year: int, count: int) -> int:
    """Take ``count`` consecutive 序号 for (unit, 代字, year) at once (a sweep issuing many letters of
    one issuer): returns the first; the caller uses first … first + count − 1. Same lock and
    transaction rule as :func:`allocate_number`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_number must run inside transaction.atomic()")
    if count < 1:
        raise ValueError("count must be at least 1")
    unit_id = getattr(unit, "pk", unit)
    rows = DocumentSequence.objects.select_for_update()
    try:
        seq = rows.get(unit_id=unit_id, code=code, year=year)
    except DocumentSequence.DoesNotExist:
        try:
            with transaction.atomic():  # a savepoint: a concurrent first issue may create it first
                DocumentSequence.objects.create(unit_id=unit_id, code=code, year=year, last=0)
        except IntegrityError:
            pass
        seq = rows.get(unit_id=unit_id, code=code, year=year)
    first = seq.last + 1
    seq.last += count
    seq.save(update_fields=["last"])
    return first


def default_code(unit, kind: kinds.Kind) -> str:
    """机关代字 by default: the unit's 简称 (or the first character of its name) + the kind's prefix —
    测试市 + 考通 → 测考通."""
    short = (getattr(unit, "short_name", "") or getattr(unit, "name", "")[:1]).strip()
    return f"{short}{kind.prefix}"


def _check(draft: dict) -> gbt9704.Document:
    try:
        return gbt9704.Document.from_draft(draft)
    except (ValueError, KeyError, TypeError) as exc:
        raise DocumentError(str(exc)) from exc


def draft(*, kind: str, unit, document: gbt9704.Document, period: str = "", user=None, code: str | None = None,
          source=None, audience: str = Audience.DOWN, replace: bool = True) -> IssuedDocument:
    """Store ``document`` as a draft of ``kind`` issued by ``unit`` for ``period``. With ``replace``
    an existing draft of the same kind, unit and period is overwritten (issued ones never are)."""
    k = kinds.get(kind)
    if k is None:
        raise DocumentError(f"未登记的文种：{kind}")
    content = document.to_draft()
    content["kind"] = content.get("kind") or str(k.name)
    content["letter"] = content.get("letter") or k.letter
    fields = {
        "title": document.title[:300], "code": code or default_code(unit, k), "year": (document.date or timezone.localdate()).year,
        "draft": content, "text": document.plain_text(), "audience": audience, "created_by": user if _real(user) else None,
    }
    if source is not None:
        fields["source_type"] = ContentType.objects.get_for_model(source)
        fields["source_id"] = source.pk
    with transaction.atomic():
        existing = (IssuedDocument.objects.select_for_update()
                    .filter(kind=kind, unit=unit, period=period, status=Status.DRAFT).order_by("id").first()) if replace else None
        if existing is None:
            doc = IssuedDocument.objects.create(kind=kind, unit=unit, period=period, **fields)
            record(AuditAction.CREATE, doc, after={"kind": kind, "period": period, "title": doc.title}, user=user)
        else:
            for name, value in fields.items():
                if name != "created_by":
                    setattr(existing, name, value)
            existing.save()
            doc = existing
            record(AuditAction.UPDATE, doc, after={"title": doc.title}, reason="重新生成草稿", user=user)
    return doc


def _real(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def update_draft(doc: IssuedDocument, *, user=None, text: str | None = None, title: str | None = None,
                 addressee: str | None = None, code: str | None = None, cc: list[str] | None = None) -> IssuedDocument:
    """Edit a draft's words (the body text with its placeholders), title, 主送, 代字 or 抄送."""
    with transaction.atomic():
        doc = IssuedDocument.objects.select_for_update().get(pk=doc.pk)
        if doc.is_issued:
            raise DocumentError("已印发的公文不可修改")
        content = dict(doc.draft)
        before = {"title": doc.title, "text": content.get("text"), "code": doc.code}
        if text is not None:
            content["text"] = text.replace("\r\n", "\n")
        if title is not None:
            if not title.strip():
                raise DocumentError("标题不能为空")
            content["title"] = title.strip()
        if addressee is not None:
            content["addressee"] = addressee.strip() or None
        if cc is not None:
            content["cc"] = [c.strip() for c in cc if c.strip()]
        if code is not None:
            if not code.strip() or any(ch in code for ch in "〔〕[]号"):
                raise DocumentError("机关代字不能为空，也不含〔〕或“号”")
            doc.code = code.strip()
        built = _check(content)
        doc.draft = content
        doc.title = content["title"][:300]
        doc.text = built.plain_text()
        doc.save()
        record(AuditAction.UPDATE, doc, before=before, after={"title": doc.title, "text": content.get("text"), "code": doc.code},
               user=user)
    return doc


def preview(doc: IssuedDocument) -> bytes:
    """The .docx of a draft as it would be issued (number shown as 代字〔年〕□号)."""
    if doc.is_issued:
        return bytes(doc.docx)
    built = gbt9704.Document.from_draft(doc.draft, number=f"{doc.code}〔{doc.year}〕□号")
    return built.to_bytes()


def issue(doc: IssuedDocument, *, user=None, date: dt.date | None = None, audience: str | None = None) -> IssuedDocument:
    """Issue a draft: number it, write the .docx and its PDF, store both with sha256, audit. Never again
    changed. Raises DocumentError when already issued, gbt9704.ConversionError when no PDF could be made
    (nothing is then numbered or stored)."""
    date = date or timezone.localdate()
    with transaction.atomic():
        doc = IssuedDocument.objects.select_for_update().get(pk=doc.pk)
        if doc.is_issued:
            raise DocumentError(f"已印发：{doc.number}")
        _check(doc.draft)
        serial = allocate_number(doc.unit_id, doc.code, date.year)
        number = gbt9704.doc_number(doc.code, date.year, serial)
        built = gbt9704.Document.from_draft(doc.draft, number=number, date=date)
        docx = built.to_bytes()
        pdf = gbt9704.to_pdf(docx)
        doc.year, doc.serial, doc.number, doc.dated = date.year, serial, number, date
        doc.status = Status.ISSUED
        doc.audience = audience or doc.audience
        doc.docx, doc.pdf = docx, pdf
        doc.docx_sha256 = hashlib.sha256(docx).hexdigest()
        doc.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        doc.issued_at = timezone.now()
        doc.issued_by = user if _real(user) else None
        doc.text = built.plain_text()
        doc.draft = dict(doc.draft, number=number, date=date.isoformat())
        doc.save()
        record(AuditAction.PUBLISH, doc, reason="印发",
               after={"number": number, "docx_sha256": doc.docx_sha256, "pdf_sha256": doc.pdf_sha256,
                      "audience": doc.audience}, user=user)
    return doc


def discard(doc: IssuedDocument, *, user=None) -> None:
    """Delete a draft (an issued document stays for ever)."""
    with transaction.atomic():
        doc = IssuedDocument.objects.select_for_update().get(pk=doc.pk)
        if doc.is_issued:
            raise DocumentError("已印发的公文不可删除")
        record(AuditAction.DELETE, doc, before={"title": doc.title, "period": doc.period}, user=user)
        doc.delete()


def verify(doc: IssuedDocument) -> bool:
    """Do the stored files still match their recorded hashes?"""
    return (doc.is_issued and hashlib.sha256(bytes(doc.docx)).hexdigest() == doc.docx_sha256
            and hashlib.sha256(bytes(doc.pdf)).hexdigest() == doc.pdf_sha256)
