"""JSON API of the register of issued documents (django-ninja router, mounted at /api/documents/).

Read only: every issued document the caller may read (scope as on the 报告 page), its number, hashes
and the URLs of the stored files. Drafts and issuing stay on the page (a person's act)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from ninja import Router, Schema

from kaohe.documents import kinds
from kaohe.documents.models import IssuedDocument, Status
from kaohe.lib.params import Id, Offset
from kaohe.orgs.permissions import require
from kaohe.orgs.scope import get_visible_or_404

router = Router(tags=["documents"])


class DocumentOut(Schema):
    id: int
    kind: str
    kind_name: str
    number: str
    title: str
    period: str
    unit: str
    unit_name: str
    dated: dt.date | None
    issued_at: dt.datetime | None
    audience: str
    docx_sha256: str
    pdf_sha256: str
    docx_url: str
    pdf_url: str

    @staticmethod
    def resolve_kind_name(obj: IssuedDocument) -> str:
        return kinds.name_of(obj.kind)

    @staticmethod
    def resolve_unit(obj: IssuedDocument) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj: IssuedDocument) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_docx_url(obj: IssuedDocument) -> str:
        return reverse("reports:download", args=[obj.pk, "docx"])

    @staticmethod
    def resolve_pdf_url(obj: IssuedDocument) -> str:
        return reverse("reports:download", args=[obj.pk, "pdf"])


def _issued(request):
    require(request.user, "documents.list")
    return (IssuedDocument.objects.visible_to(request.user).filter(status=Status.ISSUED).select_related("unit")
            .defer("docx", "pdf", "draft", "text"))


@router.get("/", operation_id="documents_document_list", summary="已印发文件 / List issued documents", response=list[DocumentOut])
def list_documents(request, kind: str = "", period: str = "", limit: int = 100, offset: Offset = 0):
    """Issued documents, newest first; ``period`` matches the start of the period code (2025 → the whole year)."""
    qs = _issued(request)
    if kind:
        qs = qs.filter(kind=kind)
    if period:
        qs = qs.filter(period__startswith=period)
    limit = max(1, min(limit, 500))
    return list(qs.order_by("-issued_at", "-id")[offset:offset + limit])


@router.get("/{document_id}", operation_id="documents_document_get", summary="文件详情 / An issued document", response=DocumentOut)
def get_document(request, document_id: Id):
    return get_visible_or_404(request.user, _issued(request), pk=document_id)
