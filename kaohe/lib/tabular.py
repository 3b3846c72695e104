"""The one reader of uploaded tables (.xlsx and .csv) and the one error type of imports.

No Django here: the engine's ``kaohe score`` reads its inputs through it, and every import of
the platform (values, targets, schemes, projects, monthly reports, the modules to come) does.

- ``read_workbook(data, filename)`` → a :class:`Workbook` of :class:`Sheet` s. An .xlsx is read
  straight from its XML (zip + expat, streamed), so that what Excel would show is what we read:
  a formula whose result was never calculated (no cached value) is a named error, not an empty
  cell; an error value (``#DIV/0!``) is a named error; dates come back as dates. A .csv is one
  sheet, decoded as UTF-8 (with or without BOM) or GB18030 (what Chinese Excel writes).
- Bounded: file bytes, decompressed bytes (a zip bomb is refused before it is inflated: the
  declared sizes are checked and the inflated bytes counted while streaming), rows, cells,
  columns and cell length (:class:`Limits`). Over a bound → :class:`TabularError` at once with
  a message saying which bound and what to do.
- ``sheet.table(columns)`` maps the header row to canonical keys through the columns' labels and
  aliases (Chinese and English; ``STANDARD`` holds the ones ``kaohe score`` accepts: 单位/unit,
  指标/indicator, 期间/period, 值/value …). A blank header row, a duplicated column (two
  headers meaning the same key), a missing required column and a text longer than its column's
  ``max_length`` are named errors; so is any cell the reader could not give a value (an
  uncalculated formula, an error value, a control character such as NUL) — unless the caller
  names ``sheet.errors`` itself (``keep_cell_errors``), such a cell never reads as blank.
- :class:`RowError` names sheet, row, column (letter and header) and reason, in Chinese with
  English beside it. Readers collect every error (they do not stop at the first); a whole-file
  refusal raises :class:`TabularError` carrying them all.

The all-or-nothing transaction helper for Django imports is ``kaohe.orgs.imports`` (the lowest
Django layer; this module stays importable by the engine).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from xml.etree.ElementTree import XMLPullParser

from kaohe.lib.numbers import is_english

# ----------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class RowError:
    """导入错误: one problem of an uploaded table at its place — sheet, row, column, reason.

    ``row`` is the row number as the spreadsheet shows it (1 = the first row; None = the whole
    file or sheet); ``column`` the column letter ("C"), ``header`` the column's header text.
    ``reason`` is Chinese; ``reason_en`` English (when the reason came from code that knows
    both). ``level`` is "error" or "warning".
    """

    sheet: str
    row: int | None
    column: str
    reason: str
    reason_en: str = ""
    header: str = ""
    level: str = "error"

    def place(self, language: str | None = None) -> str:
        en = is_english(language)
        parts = []
        if self.sheet:
            parts.append(f"sheet {self.sheet}" if en else f"工作表“{self.sheet}”")
        if self.row:
            parts.append(f"row {self.row}" if en else f"第{self.row}行")
        if self.column or self.header:
            if en:
                parts.append(f"column {self.column}" + (f" ({self.header})" if self.header else "") if self.column
                             else f"column {self.header}")
            else:
                parts.append(f"{self.column}列" + (f"“{self.header}”" if self.header else "") if self.column
                             else f"“{self.header}”")
        return (", " if en else "").join(parts) if en else "".join(parts)

    def text(self, language: str | None = None) -> str:
        en = is_english(language)
        reason = self.reason_en if en and self.reason_en else self.reason
        where = self.place(language)
        return f"{where}: {reason}" if en and where else f"{where}：{reason}" if where else reason

    def __str__(self) -> str:
        return self.text()


class TabularError(ValueError):
    """The file was refused; ``errors`` lists every problem found (nothing was saved)."""

    def __init__(self, errors: RowError | Sequence[RowError]):
        self.errors = [errors] if isinstance(errors, RowError) else list(errors)
        super().__init__("\n".join(str(e) for e in self.errors[:20]))

    def texts(self, language: str | None = None) -> list[str]:
        return [e.text(language) for e in self.errors]


def column_letter(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA"."""
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def column_index(letters: str) -> int:
    """"A" → 0, "AA" → 26."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


# ----------------------------------------------------------------------------- limits


@dataclass(frozen=True)
class Limits:
    """Bounds of one upload; each is refused early with a message naming it.

    The defaults fit the platform's uploads (the largest, a data template of 2,500 units × 40
    indicators, is 100,000 cells and about 2 MB); the engine's command line passes larger ones.
    """

    max_bytes: int = 50 * 1024 * 1024
    max_unzipped: int = 200 * 1024 * 1024
    max_rows: int = 200_000
    max_columns: int = 2_000
    max_cells: int = 2_000_000
    max_cell_chars: int = 32_767  # Excel's own limit for one cell

    def _mb(self, n: int) -> str:
        return f"{n / 1024 / 1024:.0f} MB"


WEB = Limits()
ENGINE = Limits(max_bytes=2 * 1024**3, max_unzipped=4 * 1024**3, max_rows=50_000_000, max_columns=20_000,
                max_cells=500_000_000)


def _too_big(sheet: str, what_zh: str, what_en: str) -> TabularError:
    return TabularError(RowError(sheet, None, "", what_zh, what_en))


# ----------------------------------------------------------------------------- sheets


@dataclass
class Row:
    """One non-blank row: its number as the spreadsheet shows it and its cell values (index 0 = A)."""

    number: int
    values: list

    def get(self, index: int | None):
        if index is None or index >= len(self.values):
            return None
        return self.values[index]


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class Sheet:
    """A sheet's non-blank rows (numbered as in the file) and the cell errors found reading it."""

    name: str
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    label: str = ""  # how messages name the sheet ("" for a CSV: it has only one)

    def row(self, number: int) -> Row | None:
        for r in self.rows:
            if r.number == number:
                return r
            if r.number > number:
                return None
        return None

    def table(self, columns: Sequence[Column], header_row: int = 1, *, keep_cell_errors: bool = False) -> Table:
        """The rows below ``header_row`` keyed by ``columns``; raises TabularError on a blank header
        row, a duplicated or a missing required column, a cell too long for its column and —
        unless ``keep_cell_errors`` (the caller reports ``sheet.errors`` itself, with its own) —
        any cell the reader could not give a value (every such problem at once)."""
        return Table.build(self, columns, header_row, keep_cell_errors=keep_cell_errors)


@dataclass
class Workbook:
    sheets: dict[str, Sheet]
    is_csv: bool = False

    @property
    def first(self) -> Sheet:
        return next(iter(self.sheets.values()))

    def sheet(self, name: str, *, required: bool = True) -> Sheet | None:
        if name in self.sheets:
            return self.sheets[name]
        if required:
            raise TabularError(RowError("", None, "", f"缺少工作表“{name}”", f"the workbook has no sheet '{name}'"))
        return None


def read_workbook(data: bytes, filename: str = "", *, limits: Limits = WEB, sheets: Iterable[str] | None = None) -> Workbook:
    """Read an .xlsx/.xlsm or .csv upload (by its name; a file starting like a zip is an .xlsx).

    ``sheets`` limits which sheets of a workbook are parsed (others are skipped unread).
    """
    if len(data) > limits.max_bytes:
        raise _too_big("", f"文件过大（{len(data) / 1024 / 1024:.1f} MB，上限 {limits._mb(limits.max_bytes)}）",
                       f"the file is too large ({len(data) / 1024 / 1024:.1f} MB; the limit is {limits._mb(limits.max_bytes)})")
    name = filename.lower()
    if name.endswith(".csv"):
        return Workbook({"CSV": _read_csv(data, limits)}, is_csv=True)
    if name.endswith(".xls") and not data.startswith(b"PK"):
        raise TabularError(RowError("", None, "", "不支持旧版 Excel (.xls) 文件，请在 Excel 中另存为 .xlsx 后上传",
                                    "old Excel (.xls) files are not supported: save as .xlsx and upload again"))
    return _read_xlsx(data, limits, None if sheets is None else set(sheets))


# ----------------------------------------------------------------------------- CSV


def _read_csv(data: bytes, limits: Limits) -> Sheet:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TabularError(RowError("", None, "", "无法识别文件编码（请用 UTF-8 或 GBK）",
                                    "unknown text encoding (use UTF-8 or GBK)"))
    sheet = Sheet("CSV")
    cells = 0
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, values in enumerate(reader, start=1):
            if number > limits.max_rows:
                raise _too_big("", f"行数超过上限 {limits.max_rows:,}", f"more than {limits.max_rows:,} rows")
            if len(values) > limits.max_columns:
                raise _too_big("", f"第{number}行列数超过上限 {limits.max_columns:,}",
                               f"row {number} has more than {limits.max_columns:,} columns")
            cells += len(values)
            if cells > limits.max_cells:
                raise _too_big("", f"单元格数超过上限 {limits.max_cells:,}", f"more than {limits.max_cells:,} cells")
            for j, v in enumerate(values):
                if len(v) > limits.max_cell_chars:
                    raise TabularError(RowError("", number, column_letter(j),
                                                f"单元格内容过长（{len(v):,} 字，上限 {limits.max_cell_chars:,}）",
                                                f"the cell is too long ({len(v):,} characters; the limit is {limits.max_cell_chars:,})"))
            cleaned = [v.strip() for v in values]
            for j, v in enumerate(cleaned):
                if _CONTROL.search(v):
                    sheet.errors.append(RowError("", number, column_letter(j), _CONTROL_ZH, _CONTROL_EN))
                    cleaned[j] = ""
            if any(cleaned):
                sheet.rows.append(Row(number, cleaned))
    except csv.Error as exc:
        raise TabularError(RowError("", reader.line_num, "", f"CSV 格式错误（{exc}）", f"malformed CSV ({exc})")) from None
    return sheet


# ----------------------------------------------------------------------------- xlsx

_NOT_XLSX = ("无法作为 Excel 工作簿 (.xlsx) 打开", "cannot be opened as an Excel workbook (.xlsx)")
# Built-in number formats that show dates or times (ECMA-376 18.8.30, with the CJK ones 27–36, 50–58).
_DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_REF = re.compile(r"([A-Z]{1,3})([0-9]+)")
_TEXT_TYPES = frozenset({"s", "str", "inlineStr", "b", "e", "d"})
# C0 control characters other than tab, line feed and carriage return: invisible, PostgreSQL
# refuses NUL in text, and openpyxl cannot write any of them back (every export would fail).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_ZH = "单元格含有不可见的控制字符（如 NUL），请删除后再上传"
_CONTROL_EN = "the cell holds an invisible control character (such as NUL): delete it and upload again"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _Budget:
    """Counts inflated bytes across the whole workbook (the zip-bomb bound)."""

    def __init__(self, limits: Limits):
        self.left = limits.max_unzipped
        self.limits = limits

    def take(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise _too_big("", f"解压后内容过大（上限 {self.limits._mb(self.limits.max_unzipped)}），文件可能已损坏或被构造",
                           f"the workbook inflates beyond {self.limits._mb(self.limits.max_unzipped)} (corrupt or crafted file)")


def _stream(zf: zipfile.ZipFile, name: str, budget: _Budget) -> Iterator[bytes]:
    with zf.open(name) as fh:
        while True:
            chunk = fh.read(1 << 16)
            if not chunk:
                return
            budget.take(len(chunk))
            yield chunk


def _parse(zf: zipfile.ZipFile, name: str, budget: _Budget) -> Iterator[tuple[str, object]]:
    """(event, element) of the part's XML, streamed as it inflates ('start' and 'end' events)."""
    parser = XMLPullParser(events=("start", "end"))
    for chunk in _stream(zf, name, budget):
        parser.feed(chunk)
        yield from parser.read_events()
    parser.close()
    yield from parser.read_events()


def _xml(zf: zipfile.ZipFile, name: str, budget: _Budget):
    from xml.etree.ElementTree import fromstring

    return fromstring(b"".join(_stream(zf, name, budget)))


def _read_xlsx(data: bytes, limits: Limits, wanted: set[str] | None) -> Workbook:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise TabularError(RowError("", None, "", *_NOT_XLSX)) from None
    declared = sum(i.file_size for i in infos)
    if declared > limits.max_unzipped:
        raise _too_big("", f"解压后内容过大（{declared / 1024 / 1024:.0f} MB，上限 {limits._mb(limits.max_unzipped)}），文件可能已损坏或被构造",
                       f"the workbook inflates to {declared / 1024 / 1024:.0f} MB (the limit is {limits._mb(limits.max_unzipped)})")
    budget = _Budget(limits)
    names = {i.filename for i in infos}
    try:
        if "xl/workbook.xml" not in names:
            raise TabularError(RowError("", None, "", *_NOT_XLSX))
        book = _xml(zf, "xl/workbook.xml", budget)
        rels = _xml(zf, "xl/_rels/workbook.xml.rels", budget) if "xl/_rels/workbook.xml.rels" in names else None
        targets = {}
        for rel in rels.iter() if rels is not None else ():
            if _local(rel.tag) == "Relationship":
                target = rel.get("Target", "")
                target = target.lstrip("/") if target.startswith("/") else "xl/" + target
                targets[rel.get("Id")] = re.sub(r"[^/]+/\.\./", "", target)
        date1904 = any(_local(e.tag) == "workbookPr" and e.get("date1904") in ("1", "true") for e in book.iter())
        order: list[tuple[str, str]] = []
        for e in book.iter():
            if _local(e.tag) == "sheet":
                rid = next((v for k, v in e.attrib.items() if _local(k) == "id"), None)
                order.append((e.get("name", ""), targets.get(rid, "")))
        shared = _shared_strings(zf, budget, limits) if "xl/sharedStrings.xml" in names else []
        date_styles = _date_styles(zf, budget) if "xl/styles.xml" in names else set()
        sheets: dict[str, Sheet] = {}
        cells = [0]
        for sheet_name, part in order:
            if wanted is not None and sheet_name not in wanted:
                continue
            if part not in names:
                sheets[sheet_name] = Sheet(sheet_name, label=sheet_name)
                continue
            sheets[sheet_name] = _read_sheet(zf, part, sheet_name, shared, date_styles, date1904, budget, limits, cells)
    except TabularError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError, SyntaxError) as exc:
        # SyntaxError covers expat's ParseError; BadZipFile a CRC mismatch (sizes that lied).
        raise TabularError(RowError("", None, "", _NOT_XLSX[0] + f"（{exc.__class__.__name__}）",
                                    _NOT_XLSX[1] + f" ({exc.__class__.__name__})")) from None
    finally:
        zf.close()
    if not sheets and wanted is None:
        raise TabularError(RowError("", None, "", *_NOT_XLSX))
    return Workbook(sheets)


def _shared_strings(zf: zipfile.ZipFile, budget: _Budget, limits: Limits) -> list[str]:
    out: list[str] = []
    parts: list[str] = []
    in_phonetic = 0
    for event, el in _parse(zf, "xl/sharedStrings.xml", budget):
        tag = _local(el.tag)
        if event == "start":
            if tag == "rPh":
                in_phonetic += 1
            continue
        if tag == "t" and not in_phonetic:
            parts.append(el.text or "")
        elif tag == "rPh":
            in_phonetic -= 1
        elif tag == "si":
            text = "".join(parts)
            if len(text) > limits.max_cell_chars:
                text = text[: limits.max_cell_chars + 1]  # reported where a cell uses it
            out.append(text)
            parts = []
            el.clear()
            if len(out) > limits.max_cells:
                raise _too_big("", f"单元格数超过上限 {limits.max_cells:,}", f"more than {limits.max_cells:,} cells")
    return out


def _is_date_format(code: str) -> bool:
    code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.', "", code).lower()
    return code not in ("general", "") and bool(re.search(r"[ymdhs]", code))


def _date_styles(zf: zipfile.ZipFile, budget: _Budget) -> set[int]:
    styles = _xml(zf, "xl/styles.xml", budget)
    custom: dict[int, str] = {}
    xfs: list[int] = []
    for e in styles.iter():
        tag = _local(e.tag)
        if tag == "numFmt":
            custom[int(e.get("numFmtId", "0"))] = e.get("formatCode", "")
        elif tag == "cellXfs":
            xfs = [int(x.get("numFmtId", "0")) for x in e if _local(x.tag) == "xf"]
    out = set()
    for i, fmt in enumerate(xfs):
        if fmt in custom:
            if _is_date_format(custom[fmt]):
                out.add(i)
        elif fmt in _DATE_FORMAT_IDS:
            out.add(i)
    return out


def _from_serial(serial: float, date1904: bool):
    if date1904:
        base = dt.datetime(1904, 1, 1)
    elif serial < 60:
        base = dt.datetime(1899, 12, 31)
    else:
        base = dt.datetime(1899, 12, 30)
    moment = base + dt.timedelta(days=serial)
    moment = moment.replace(microsecond=0) if moment.microsecond < 500 or moment.microsecond > 999_500 else moment
    return moment.date() if moment.time() == dt.time(0) else moment


class _SheetReader:
    """expat callbacks over one worksheet part: no element objects, one pass, bounded as it goes."""

    def __init__(self, sheet: Sheet, shared: list[str], date_styles: set[int], date1904: bool,
                 limits: Limits, cells: list[int]):
        self.sheet, self.shared, self.date_styles, self.date1904 = sheet, shared, date_styles, date1904
        self.limits, self.cells = limits, cells
        self.row_number = 0
        self.values: list = []
        self.col = -1
        self.ref = self.ctype = self.style = None
        self.text: list[str] | None = None  # collecting character data of <v>, <t>
        self.v: str | None = None
        self.inline: list[str] = []
        self.has_formula = False
        self.in_inline = False
        self.in_phonetic = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = name.rpartition(":")[2]
        if tag == "c":
            self.ref, self.ctype, self.style = attrs.get("r"), attrs.get("t", "n"), attrs.get("s")
            self.v, self.has_formula, self.inline = None, False, []
        elif tag == "v":
            self.text = []
        elif tag == "row":
            r = attrs.get("r")
            self.row_number = int(r) if r else self.row_number + 1
            if self.row_number > self.limits.max_rows:
                raise _too_big(self.sheet.label, f"行数超过上限 {self.limits.max_rows:,}（第{self.row_number:,}行）",
                               f"more than {self.limits.max_rows:,} rows (row {self.row_number:,})")
            self.values = []
            self.col = -1
        elif tag == "f":
            self.has_formula = True
        elif tag == "is":
            self.in_inline = True
        elif tag == "t" and self.in_inline and not self.in_phonetic:
            self.text = []
        elif tag == "rPh":
            self.in_phonetic = True

    def data(self, chunk: str) -> None:
        if self.text is not None:
            self.text.append(chunk)

    def end(self, name: str) -> None:
        tag = name.rpartition(":")[2]
        if tag == "v":
            self.v = "".join(self.text or ())
            self.text = None
        elif tag == "c":
            self._cell()
        elif tag == "row":
            if any(not is_blank(v) for v in self.values):
                self.sheet.rows.append(Row(self.row_number, self.values))
        elif tag == "t" and self.text is not None:
            self.inline.append("".join(self.text))
            self.text = None
        elif tag == "is":
            self.in_inline = False
        elif tag == "rPh":
            self.in_phonetic = False

    def _cell(self) -> None:
        limits = self.limits
        if self.ref:
            m = _REF.match(self.ref)
            self.col = column_index(m.group(1)) if m else self.col + 1
        else:
            self.col += 1
        if self.col >= limits.max_columns:
            raise _too_big(self.sheet.label, f"列数超过上限 {limits.max_columns:,}（第{self.row_number}行 {column_letter(self.col)}列）",
                           f"more than {limits.max_columns:,} columns (row {self.row_number}, column {column_letter(self.col)})")
        value = _cell_value(self.sheet, self.row_number, self.col, self.ctype, self.style, self.v, self.has_formula,
                            self.inline, self.shared, self.date_styles, self.date1904, limits)
        if value is None:
            return
        self.cells[0] += 1
        if self.cells[0] > limits.max_cells:
            raise _too_big(self.sheet.label, f"单元格数超过上限 {limits.max_cells:,}", f"more than {limits.max_cells:,} cells")
        values = self.values
        if self.col >= len(values):
            values.extend([None] * (self.col + 1 - len(values)))
        values[self.col] = value


def _read_sheet(zf, part: str, name: str, shared: list[str], date_styles: set[int], date1904: bool,
                budget: _Budget, limits: Limits, cells: list[int]) -> Sheet:
    from xml.parsers import expat

    sheet = Sheet(name, label=name)
    reader = _SheetReader(sheet, shared, date_styles, date1904, limits, cells)
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.data
    try:
        for chunk in _stream(zf, part, budget):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise TabularError(RowError(name, None, "", _NOT_XLSX[0] + f"（XML: {exc}）", _NOT_XLSX[1] + f" (XML: {exc})")) from None
    sheet.rows.sort(key=lambda r: r.number)
    return sheet


def _cell_value(sheet: Sheet, row: int, col: int, ctype: str | None, style: str | None, v: str | None,
                has_formula: bool, inline: list[str], shared: list[str], date_styles: set[int], date1904: bool,
                limits: Limits):
    if v and ctype not in _TEXT_TYPES:  # the common case first: a number (t="n" or absent)
        try:
            number = int(v) if v.isdigit() else float(v)
        except ValueError:
            sheet.errors.append(RowError(sheet.label, row, column_letter(col), f"“{v[:50]}”不是有效的数值",
                                         f"'{v[:50]}' is not a valid number"))
            return None
        if style is not None and date_styles and int(style) in date_styles:
            try:
                return _from_serial(float(number), date1904)
            except (OverflowError, ValueError):
                return number
        return number
    where = (sheet.label, row, column_letter(col))
    if ctype == "inlineStr":
        value: object = "".join(inline)
    elif v is None or (v == "" and ctype != "str"):
        if has_formula:
            sheet.errors.append(RowError(*where, "公式没有计算结果（文件未经 Excel 计算保存）；请在 Excel 中打开、计算并保存后再上传，或改填数值",
                                         "a formula without a calculated value (the file was not saved by Excel after calculating); "
                                         "open, recalculate and save it in Excel, or type the value"))
        return None
    elif ctype == "s":
        try:
            value = shared[int(v)]
        except (ValueError, IndexError):
            sheet.errors.append(RowError(*where, "单元格引用了不存在的共享文本", "the cell refers to a missing shared string"))
            return None
    elif ctype in ("str", "d"):
        value = v
    elif ctype == "b":
        value = v.strip() in ("1", "true")
    elif ctype == "e":
        sheet.errors.append(RowError(*where, f"单元格为错误值 {v}", f"the cell holds the error value {v}"))
        return None
    else:  # t="n" with an empty <v/>
        return None
    if isinstance(value, str):
        if len(value) > limits.max_cell_chars:
            raise TabularError(RowError(*where, f"单元格内容过长（超过 {limits.max_cell_chars:,} 字）",
                                        f"the cell is longer than {limits.max_cell_chars:,} characters"))
        if _CONTROL.search(value):
            sheet.errors.append(RowError(*where, _CONTROL_ZH, _CONTROL_EN))
            return None
        value = value.strip()
        return value or None
    return value


# ----------------------------------------------------------------------------- tables


def header_key(text) -> str:
    """A header as compared with labels and aliases: NFKC (full-width → ASCII), no BOM, no
    spaces, case-folded; so "总投资（万元）", "总投资(万元)" and " 总投资 (万元)" are one header."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text)).replace("\ufeff", "")
    return re.sub(r"\s+", "", s).casefold()


@dataclass(frozen=True)
class Column:
    """A column an import reads: its key, the label the template writes, other accepted headers."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    max_length: int | None = None  # the model field's max_length: a longer text is a named error

    def names(self) -> tuple[str, ...]:
        return (self.label, self.key, *self.aliases)

    def but(self, **changes) -> Column:
        from dataclasses import replace

        return replace(self, **changes)


# The headers ``kaohe score`` accepts for its input tables — the platform's imports use the same.
UNIT = Column("unit", "单位代码", ("单位", "被考核单位", "unit_code", "unit code"))
INDICATOR = Column("indicator", "指标代码", ("指标", "indicator_code", "indicator code"))
VALUE = Column("value", "数值", ("值", "指标值", "value"))
PERIOD = Column("period", "期间", ("报告期", "时期", "period"))
NAME = Column("name", "单位名称", ("名称", "name"))
GROUP = Column("group", "分组", ("组别", "类别", "peer_group", "peer group"))
TARGET = Column("target", "目标值", ("目标", "target"))
STANDARD = (UNIT, INDICATOR, VALUE, PERIOD, NAME, GROUP, TARGET)


def alias_map(columns: Sequence[Column] = STANDARD) -> dict[str, str]:
    """header_key(header) → column key, for every label and alias."""
    out: dict[str, str] = {}
    for c in columns:
        for n in c.names():
            out.setdefault(header_key(n), c.key)
    return out


def _too_long(sheet: Sheet, columns: Sequence[Column], index: dict[str, int], headers: dict[str, str],
              rows: list[Row]) -> list[RowError]:
    errors = []
    for c in columns:
        if c.max_length is None or c.key not in index:
            continue
        j = index[c.key]
        for r in rows:
            n = len(text(r.get(j)))
            if n > c.max_length:
                errors.append(RowError(sheet.label, r.number, column_letter(j), f"内容过长（{n:,} 字，上限 {c.max_length:,} 字）",
                                       f"too long ({n:,} characters; the limit is {c.max_length:,})", header=headers[c.key]))
    return errors


@dataclass
class Table:
    """A sheet read through a header row: ``rows`` below it, ``index`` key → column (0-based)."""

    sheet: Sheet
    header_row: int
    index: dict[str, int]
    headers: dict[str, str]  # key → header text as written
    rows: list[Row]
    extra: dict[int, str] = field(default_factory=dict)  # unknown headers by column

    @classmethod
    def build(cls, sheet: Sheet, columns: Sequence[Column], header_row: int = 1, *,
              keep_cell_errors: bool = False) -> Table:
        lookup = alias_map(columns)
        label = {c.key: c.label for c in columns}
        head = sheet.row(header_row)
        if head is None:
            raise TabularError(RowError(sheet.label, header_row, "", "表头行为空（第一行应为列名，如 "
                                        + "、".join(c.label for c in columns if c.required)[:80] + "）",
                                        "the header row is blank (the first row must name the columns)"))
        errors: list[RowError] = []
        index: dict[str, int] = {}
        headers: dict[str, str] = {}
        extra: dict[int, str] = {}
        for j, text in enumerate(head.values):
            if is_blank(text):
                continue
            key = lookup.get(header_key(text))
            if key is None:
                extra[j] = str(text).strip()
                continue
            if key in index:
                errors.append(RowError(sheet.label, header_row, column_letter(j),
                                       f"列“{str(text).strip()}”与 {column_letter(index[key])} 列“{headers[key]}”重复（同为“{label[key]}”）",
                                       f"column '{str(text).strip()}' duplicates column {column_letter(index[key])} "
                                       f"'{headers[key]}' (both are '{key}')", header=str(text).strip()))
                continue
            index[key] = j
            headers[key] = str(text).strip()
        for c in columns:
            if c.required and c.key not in index:
                errors.append(RowError(sheet.label, header_row, "", "缺少此列", f"missing column ('{c.key}')", header=c.label))
        rows = [r for r in sheet.rows if r.number > header_row]
        if not errors:
            # A cell Excel could not give a value (a formula never calculated, #DIV/0!, a control
            # character) read as blank would be skipped or saved as "nothing": a silent partial import.
            errors = [] if keep_cell_errors else list(sheet.errors)
            errors += _too_long(sheet, columns, index, headers, rows)
        if errors:
            raise TabularError(errors)
        return cls(sheet, header_row, index, headers, rows, extra)

    def get(self, row: Row, key: str):
        return row.get(self.index.get(key))

    def record(self, row: Row) -> dict[str, object]:
        return {k: row.get(j) for k, j in self.index.items()}

    def letter(self, key: str) -> str:
        return column_letter(self.index[key]) if key in self.index else ""

    def error(self, row: Row | int | None, key: str, reason: str, reason_en: str = "", level: str = "error") -> RowError:
        number = row.number if isinstance(row, Row) else row
        return RowError(self.sheet.label, number, self.letter(key), reason, reason_en,
                        header=self.headers.get(key, key), level=level)


def text(value) -> str:
    """A cell as text: numbers without a spurious ".0" (a code typed as 2025 is "2025")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def frame(table: Table, keys: Sequence[str] | None = None):
    """The table as a Polars DataFrame of text columns (the engine's input form)."""
    import polars as pl

    keys = list(keys or table.index)
    data = {k: [text(r.get(table.index[k])) or None for r in table.rows] if k in table.index else [None] * len(table.rows)
            for k in keys}
    return pl.DataFrame(data, schema={k: pl.String for k in keys})


def read_frame(data: bytes, filename: str, *, limits: Limits = ENGINE, columns: Sequence[Column] = STANDARD):
    """The first sheet (or the CSV) as a Polars DataFrame of text columns, for the engine.

    Headers map through ``columns``' aliases to their keys; other headers are kept, normalised
    (``header_key``). Returns (frame, row numbers as the file shows them, cell errors).
    Raises TabularError for an unreadable file, a bound, a blank or duplicated header.
    """
    import polars as pl

    sheet = read_workbook(data, filename, limits=limits).first
    table = sheet.table(columns, keep_cell_errors=True)  # returned to the engine, which names them
    names: dict[int, str] = {j: k for k, j in table.index.items()}
    for j, h in table.extra.items():
        key = header_key(h)
        if key in names.values():
            raise TabularError(RowError(sheet.label, table.header_row, column_letter(j), f"列“{h}”重复",
                                        f"column '{h}' appears twice", header=h))
        names[j] = key
    order = sorted(names)
    cols = {names[j]: [text(r.get(j)) or None for r in table.rows] for j in order}
    frame_ = pl.DataFrame(cols, schema={names[j]: pl.String for j in order})
    return frame_, [r.number for r in table.rows], sheet.errors
