"""Excel round trip of milestone progress: export a unit's items (one row per milestone), fill in
本次进度/实际完成日期/进展情况, import the same file back.

The one reader (``kaohe.lib.tabular``) reads it, every row is checked first (the item exists in
the campaign, the importer may report on it, it is published, progress 0–100 and not below the
last report, a date for 100%, a note), and ``kaohe.orgs.imports.all_or_nothing`` saves all or
nothing; each error names its row, column and reason. Rows whose 本次进度 is blank are left alone,
so the exported file imports unchanged.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.commitments import services
from kaohe.commitments.models import Campaign, CommitmentStatus, Milestone
from kaohe.commitments.services import CommitmentError
from kaohe.lib.exports import Table, xlsx_bytes
from kaohe.lib.numbers import NumberError, parse_number
from kaohe.lib.tabular import Column, RowError, TabularError, read_workbook, text
from kaohe.orgs.imports import all_or_nothing
from kaohe.orgs.permissions import check

COLUMNS = [
    Column("number", "事项序号", ("序号", "number"), required=True),
    Column("unit", "责任单位", ("unit",)),
    Column("title", "承诺事项", ("title",)),
    Column("seq", "节点序号", ("seq", "milestone"), required=True),
    Column("milestone", "节点目标", ("milestone_title",)),
    Column("due_on", "计划完成日期", ("due_on",)),
    Column("current", "当前进度（%）", ("current",)),
    Column("progress", "本次进度（%）", ("progress",), required=True),
    Column("done_on", "实际完成日期", ("done_on",)),
    Column("note", "进展情况", ("note",), required=True),
]
HEADERS = [c.label for c in COLUMNS]
GUIDE = [
    "填报说明",
    "1. 只填写“本次进度（%）”“实际完成日期”“进展情况”三列，其余列请勿修改；",
    "2. 本次进度为0–100的整数，不得低于当前进度；达到100%时填写实际完成日期（YYYY-MM-DD）；",
    "3. 本次进度留空的行不导入；文件中任何一行有误，整份文件不导入，并逐行列出错误。",
]


def export_progress(items) -> bytes:
    """The milestones of ``items`` (published ones first by number) as the fill-in workbook."""
    milestones = (Milestone.objects.filter(commitment__in=items).select_related("commitment", "commitment__unit")
                  .order_by("commitment__number", "seq"))
    rows = [[m.commitment.number, m.commitment.unit.name, m.commitment.title, m.seq, m.title, m.due_on.isoformat(),
             m.progress, None, m.done_on.isoformat() if m.done_on else None, None] for m in milestones]
    return xlsx_bytes([Table("进展填报", HEADERS, rows), Table("填报说明", ["说明"], [[line] for line in GUIDE])])


def _int(value: Any) -> int:
    try:
        number = parse_number(value)
    except NumberError as exc:
        raise ValueError(exc.reason) from None
    if number is None or number != int(number):
        raise ValueError(_("应为整数"))
    return int(number)


def _date(value: Any) -> dt.date | None:
    if value is None or text(value) == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(text(value).replace("/", "-"))
    except ValueError:
        raise ValueError(_("日期格式应为YYYY-MM-DD")) from None


def import_progress(data: bytes, *, campaign: Campaign, user=None, filename: str = "progress.xlsx",
                    on: dt.date | None = None) -> dict[str, int]:
    """Report every filled-in row's progress, or nothing (``TabularError`` naming each bad row)."""
    on = on or services.today()
    sheet = read_workbook(data, filename).first
    table = sheet.table(COLUMNS, keep_cell_errors=True)
    errors: list[RowError] = list(sheet.errors)
    milestones = {(m.commitment.number, m.seq): m for m in
                  Milestone.objects.filter(commitment__campaign=campaign).select_related("commitment", "commitment__campaign", "commitment__unit")}
    parsed: list[tuple[int, Milestone, int, dt.date | None, str]] = []
    seen: dict[tuple[int, int], int] = {}
    unchanged = 0
    for row in table.rows:
        if text(table.get(row, "progress")) == "":
            unchanged += 1
            continue
        try:
            key = (_int(table.get(row, "number")), _int(table.get(row, "seq")))
        except ValueError as exc:
            errors.append(table.error(row, "number", str(exc)))
            continue
        m = milestones.get(key)
        if m is None:
            errors.append(table.error(row, "seq", _("本活动没有第%(n)d号事项的第%(s)d个节点") % {"n": key[0], "s": key[1]}))
            continue
        item = m.commitment
        if not check(user, "commitments.act", item):
            errors.append(table.error(row, "number", _("无权报告第%(n)d号事项（%(u)s）的进展") % {"n": key[0], "u": item.unit.name}))
            continue
        if item.status != CommitmentStatus.PUBLISHED:
            errors.append(table.error(row, "number", _("第%(n)d号事项状态为“%(s)s”，公示后方可报告进展") % {"n": key[0], "s": item.get_status_display()}))
            continue
        if key in seen:
            errors.append(table.error(row, "seq", _("与第%(r)d行重复") % {"r": seen[key]}))
            continue
        seen[key] = row.number
        try:
            progress = _int(table.get(row, "progress"))
            if not 0 <= progress <= 100:
                raise ValueError(_("应在0–100之间"))
            if progress < m.progress:
                raise ValueError(_("不能低于当前进度%(p)d%%") % {"p": m.progress})
        except ValueError as exc:
            errors.append(table.error(row, "progress", str(exc)))
            continue
        try:
            done_on = _date(table.get(row, "done_on"))
        except ValueError as exc:
            errors.append(table.error(row, "done_on", str(exc)))
            continue
        if progress == 100 and done_on is None and m.done_on is None:
            errors.append(table.error(row, "done_on", _("进度100%时须填写实际完成日期")))
            continue
        if progress < 100 and done_on is not None:
            errors.append(table.error(row, "done_on", _("进度未达100%，不应填写实际完成日期")))
            continue
        if done_on is not None and done_on > on:
            errors.append(table.error(row, "done_on", _("实际完成日期不能晚于今天")))
            continue
        note = text(table.get(row, "note"))
        if not note:
            errors.append(table.error(row, "note", _("请填写进展情况")))
            continue
        parsed.append((row.number, m, progress, done_on, note))
    if not parsed and not errors:
        errors.append(RowError(table.sheet.label, None, "", _("文件中没有填写本次进度的行"), "no row has a progress filled in"))

    def save() -> dict[str, int]:
        for number, m, progress, done_on, note in parsed:
            try:
                services.report_progress(m, progress, note, reported_on=on, done_on=done_on, user=user, source="excel")
            except CommitmentError as exc:
                raise TabularError(table.error(number, "progress", str(exc))) from None
        record(AuditAction.IMPORT, object_type=Milestone, object_repr=_("Excel导入%(n)d条承诺进展") % {"n": len(parsed)},
               after={"campaign": campaign.pk, "rows": [[m.commitment.number, m.seq, p] for _n, m, p, _d, _t in parsed]},
               parent=campaign, unit=campaign.owner_unit, user=user)
        return {"reports": len(parsed), "unchanged": unchanged}

    return all_or_nothing(errors, save)
