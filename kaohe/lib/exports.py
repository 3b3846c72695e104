"""Downloads and Excel exports: any table → an .xlsx download, any file → an attachment (every app, every layer).

    from kaohe.lib.exports import Table, xlsx_response
    return xlsx_response("boards-2025-03", [Table("争先榜", ["排名", "单位", "得分"], rows)])

Numbers stay numbers (so the workbook sorts and sums), headers are bold and
frozen, column widths follow the content (CJK characters count double).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attachment(data: bytes, filename: str, content_type: str) -> HttpResponse:
    """A file download named ``filename`` — every export and generated document goes through here.

    Chinese file names travel in ``filename*`` (RFC 6266/5987); the plain ``filename``
    is an ASCII fallback for old clients.
    """
    response = HttpResponse(data, content_type=content_type)
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}; filename=\"{ascii_name}\""
    return response


@dataclass
class Table:
    """One sheet: a title (sheet name), column headers and rows of plain values."""

    title: str
    columns: Sequence[str]
    rows: Iterable[Sequence[Any]]
    notes: list[str] = field(default_factory=list)


def _width(value: Any) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _sheet_name(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "_", title or "Sheet")[:31] or "Sheet"
    base, n = name, 2
    while name in used:
        suffix = f"({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name)
    return name


def xlsx_bytes(tables: Sequence[Table]) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False, "nan_inf_to_errors": True})
    head = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    used: set[str] = set()
    for table in tables:
        sheet = book.add_worksheet(_sheet_name(table.title, used))
        start = 0
        for note in table.notes:
            sheet.write(start, 0, note)
            start += 1
        widths = [_width(c) for c in table.columns]
        for c, title in enumerate(table.columns):
            sheet.write(start, c, str(title), head)
        r = start
        for r, row in enumerate(table.rows, start=start + 1):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, int | float):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(value))
                if c < len(widths):
                    widths[c] = max(widths[c], _width(value))
        for c, w in enumerate(widths):
            sheet.set_column(c, c, min(max(w + 2, 6), 60))
        sheet.freeze_panes(start + 1, 0)
        if table.columns:
            sheet.autofilter(start, 0, max(r, start), len(table.columns) - 1)
    book.close()
    return buf.getvalue()


def xlsx_response(filename: str, tables: Sequence[Table]) -> HttpResponse:
    """An attachment download of ``tables`` as ``filename``.xlsx (UTF-8 file name)."""
    name = filename if filename.endswith(".xlsx") else f"{filename}.xlsx"
    return attachment(xlsx_bytes(tables), name, XLSX_TYPE)
