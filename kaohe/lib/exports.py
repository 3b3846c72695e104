"""Downloads and Excel exports: any table → an .xlsx download, any file → an attachment (every app, every layer).

    from kaohe.lib.exports import Table, xlsx_response
    return xlsx_response("boards-2025-03", [Table("争先榜", ["排名", "单位", "得分"], rows)])

Numbers stay numbers (so the workbook sorts and sums), headers are bold and
frozen, column widths follow the content (CJK characters count double).

User text is written as text, never as a formula (CSV/formula injection): in an .xlsx every
string is a string cell, and one beginning with ``=``, ``+``, ``-``, ``@`` (or a tab/CR) also
carries Excel's quote prefix, so editing the cell keeps it text; in a CSV such a field is
prefixed with an apostrophe (``csv_field``). Every export goes through ``xlsx_bytes``,
``text_cell``/``append_row`` (openpyxl sheets) or ``csv_bytes``.
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


_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def formula_like(text: Any) -> bool:
    """A string a spreadsheet would read as a formula (a signed plain number like "-5" is not)."""
    return isinstance(text, str) and text.startswith(_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(text)


def csv_field(value: Any) -> str:
    """One CSV field: text as it is, except a formula-like text gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if formula_like(text) else text


def csv_bytes(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV file (UTF-8 with a BOM, so Excel on a Chinese Windows opens it) with every field neutralised."""
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_field(c) for c in columns])
    writer.writerows([csv_field(v) for v in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def text_cell(ws, row: int, column: int, value: Any = None):
    """openpyxl: ``ws.cell(row, column, value)`` with a string always a string cell (openpyxl makes
    any text beginning with "=" a live formula) and a formula-like one quote-prefixed."""
    cell = ws.cell(row, column)
    cell.value = value
    if isinstance(value, str) and (cell.data_type == "f" or formula_like(value)):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def append_row(ws, values: Sequence[Any]) -> None:
    """openpyxl: ``ws.append(values)`` through :func:`text_cell`."""
    row = ws.max_row + 1 if ws.max_row > 1 or any(c.value is not None for c in ws[1]) else 1
    for column, value in enumerate(values, start=1):
        text_cell(ws, row, column, value)


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
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                     "strings_to_urls": False, "nan_inf_to_errors": True})
    head = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    quoted = book.add_format({"quote_prefix": True})
    used: set[str] = set()
    for table in tables:
        sheet = book.add_worksheet(_sheet_name(table.title, used))
        start = 0
        for note in table.notes:
            sheet.write_string(start, 0, str(note), quoted) if formula_like(str(note)) else sheet.write_string(start, 0, str(note))
            start += 1
        widths = [_width(c) for c in table.columns]
        for c, title in enumerate(table.columns):
            sheet.write_string(start, c, str(title), head)
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
                    text = str(value)
                    if formula_like(text):
                        sheet.write_string(r, c, text, quoted)
                    else:
                        sheet.write_string(r, c, text)
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
