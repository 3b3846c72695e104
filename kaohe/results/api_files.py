"""Files of results in the JSON API (mounted with kaohe.results.api's router): the Excel exports the
pages offer (晒榜、计分卡 — the same tables, kaohe.results.exports), an appeal filed with its
材料 (multipart, through the same checks as the page: kaohe.lib.files.check_upload) and an
attachment downloaded through the authorised path (as an attachment, ``nosniff``)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import get_language
from ninja import File, Form, Query, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from kaohe.lib.exports import XLSX_TYPE, xlsx_response
from kaohe.lib.files import DOCUMENT_TYPES, download
from kaohe.lib.numbers import NumberError, parse_float
from kaohe.lib.params import Id
from kaohe.orgs.permissions import check, person_of
from kaohe.orgs.scope import get_visible_or_404
from kaohe.results import queries, services
from kaohe.results.api import (
    _run,
    router,  # one router per app; this module adds its operations to it
)
from kaohe.results.api_analysis import ScorecardQuery, _group, _scorecard
from kaohe.results.api_workflow import AppealOut, _appeal_out
from kaohe.results.exports import board_export, scorecard_export
from kaohe.results.models import Appeal, AppealAttachment, Publication


def _binary(description: str, *types: str) -> dict:
    """The OpenAPI answer of a file download: its media types, as binary strings."""
    return {"responses": {"200": {"description": description,
                                  "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in types}}}}


XLSX_ANSWER = _binary("the .xlsx file (Content-Disposition: attachment)", XLSX_TYPE)


@router.get("/runs/{run_id}/boards/{board}/export.xlsx", operation_id="results_board_export",
            summary="导出榜单 / Export one board of a group (.xlsx)", openapi_extra=XLSX_ANSWER)
def export_board(request, run_id: Id, board: str, group: str | None = Query(None, max_length=64)) -> HttpResponse:  # noqa: B008
    """The page's Excel export: rank, unit, score, last period's rank, the change and each indicator's
    value headed with its unit of measure (before publication an assessed unit: its own row)."""
    run = _run(request, run_id)
    meta = queries.board_meta(run, board)
    if meta is None:
        raise HttpError(404, f"board: '{board}' is not a board of this run")
    return xlsx_response(*board_export(run, meta, board, _group(run, group), services.visible_units(request.user, run)))


@router.get("/runs/{run_id}/scorecard/export.xlsx", operation_id="results_scorecard_export",
            summary="导出计分卡 / Export the scorecard of a group (.xlsx)", openapi_extra=XLSX_ANSWER)
def export_scorecard(request, run_id: Id, q: Query[ScorecardQuery]) -> HttpResponse:
    run, group, card = _scorecard(request, run_id, q)
    return xlsx_response(*scorecard_export(run, card, group))


# ---- appeal attachments -------------------------------------------------------------------------


@router.post("/publications/{publication_id}/appeals/upload", response={201: AppealOut}, operation_id="results_appeal_upload",
             summary="提出申诉并上传材料 / File an appeal with its attachments (multipart)")
def file_appeal_with_files(
    request, publication_id: Id,
    indicator: str = Form(..., max_length=64),  # noqa: B008 — ninja declares parameters this way
    reason: str = Form(..., max_length=5000),  # noqa: B008
    claimed_value: str = Form("", max_length=50, description="the value the unit claims, as typed"),  # noqa: B008
    attachments: list[UploadedFile] = File(None, description="pdf, png, jpg, docx, xlsx or ofd; 20 MB each"),  # noqa: B008
):
    """As the page's form: each file is checked by type, size and content (a .html or an .svg, or a
    .pdf that is not one, is refused with its name, 422) and nothing is stored unless all pass."""
    pub = get_visible_or_404(request.user, Publication.objects.select_related("run"), pk=publication_id)
    person = person_of(request.user)
    if person is None or not check(request.user, "results.appeal", person.unit):
        raise HttpError(403, "permission denied: results.appeal (an assessed unit appeals about its own results)")
    try:
        claimed = parse_float(claimed_value)
    except NumberError as exc:
        raise HttpError(422, f"claimed_value: “{claimed_value}”不是数字。{exc.text(get_language())}") from None
    appeal = services.file_appeal(pub, person.unit, indicator, reason, request.user, claimed_value=claimed,
                                  files=attachments or [])
    return Status(201, _appeal_out(Appeal.objects.select_related("unit").prefetch_related("attachments").get(pk=appeal.pk)))


@router.get("/appeals/attachments/{attachment_id}", operation_id="results_attachment_download",
            summary="下载申诉材料 / Download an appeal's attachment",
            openapi_extra=_binary("the file, as an attachment (X-Content-Type-Options: nosniff)",
                                  *sorted(set(DOCUMENT_TYPES.values()) | {"application/octet-stream"})))
def download_attachment(request, attachment_id: Id):
    """For whoever may see the appeal: the office and leaders in scope, the unit itself."""
    att = get_visible_or_404(request.user, AppealAttachment.objects.select_related("appeal"), pk=attachment_id)
    if not check(request.user, "results.view_appeal", att.appeal):
        raise HttpError(403, "permission denied: results.view_appeal")
    return download(att.file, att.name, att.content_type)
