"""Export of audit entries to Excel (.xlsx) and CSV, the same columns as the page."""

from __future__ import annotations

import io
import json

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.audit.services import object_type_label
from kaohe.lib.exports import csv_bytes, formula_like

#: Exports stop here; narrow the filter for more (the page says so).
MAX_ROWS = 100_000


def _headers() -> list[str]:
    return [_("时间"), _("用户"), _("操作人单位"), _("操作"), _("对象类型"), _("对象编号"), _("对象"),
            _("所属单位"), _("修改前"), _("修改后"), _("原因"), _("请求编号"), _("IP地址")]


def _rows(queryset):
    labels: dict[int | None, str] = {None: ""}
    for e in queryset.select_related("actor_unit", "object_unit")[:MAX_ROWS].iterator(chunk_size=2000):
        if e.object_type_id not in labels:
            labels[e.object_type_id] = object_type_label(ContentType.objects.get_for_id(e.object_type_id))
        yield [
            timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
            e.username,
            e.actor_unit.name if e.actor_unit_id else "",
            e.get_action_display(),
            labels[e.object_type_id],
            "" if e.object_id is None else str(e.object_id),
            e.object_repr,
            e.object_unit.name if e.object_unit_id else "",
            "" if e.before is None else json.dumps(e.before, ensure_ascii=False),
            "" if e.after is None else json.dumps(e.after, ensure_ascii=False),
            e.reason,
            e.request_id,
            e.ip or "",
        ]


def to_csv(queryset) -> bytes:
    """UTF-8 with a BOM, so Excel on a Chinese Windows opens it without mojibake."""
    return csv_bytes(_headers(), _rows(queryset))


def to_xlsx(queryset) -> bytes:
    import xlsxwriter

    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_urls": False, "strings_to_formulas": False})
    sheet = book.add_worksheet(_("操作日志"))
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF6", "border": 1})
    quoted = book.add_format({"quote_prefix": True})
    for col, (title, width) in enumerate(zip(_headers(), (20, 14, 18, 10, 14, 10, 28, 18, 40, 40, 24, 34, 16),
                                             strict=True)):
        sheet.write(0, col, title, bold)
        sheet.set_column(col, col, width)
    row = 0
    for row, values in enumerate(_rows(queryset), start=1):
        for col, value in enumerate(values):
            text = str(value)
            sheet.write_string(row, col, text, quoted) if formula_like(text) else sheet.write_string(row, col, text)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(row, 1), len(_headers()) - 1)
    book.close()
    return output.getvalue()
