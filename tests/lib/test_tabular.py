"""The one tabular reader (kaohe.lib.tabular): real .xlsx files written by openpyxl and
xlsxwriter, CSV in UTF-8 and GB18030, header aliases, named errors and every bound."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
import xlsxwriter

from kaohe.lib import tabular as t


def xlsx(rows: list[list], title: str = "Sheet", extra: dict[str, list[list]] | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for name, more in (extra or {}).items():
        other = wb.create_sheet(name)
        for row in more:
            other.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_xlsx_reads_texts_numbers_dates_and_row_numbers_as_excel_shows_them():
    data = xlsx([["单位代码", "数值", "日期"], ["C-A", 12.5, dt.date(2025, 3, 1)], [], ["C-B", 7, dt.datetime(2025, 3, 2, 9, 30)]])
    sheet = t.read_workbook(data, "x.xlsx").sheets["Sheet"]
    assert [(r.number, r.values) for r in sheet.rows] == [
        (1, ["单位代码", "数值", "日期"]),
        (2, ["C-A", 12.5, dt.date(2025, 3, 1)]),
        (4, ["C-B", 7, dt.datetime(2025, 3, 2, 9, 30)]),  # the blank row 3 is skipped, numbering kept
    ]
    assert sheet.errors == []


def test_a_formula_without_a_cached_value_is_a_named_error_not_an_empty_cell():
    # openpyxl writes formulas without their result: exactly what a file not saved by Excel holds.
    data = xlsx([["单位代码", "fai"], ["C-A", "=1+1"]], title="数据")
    sheet = t.read_workbook(data, "x.xlsx").sheets["数据"]
    assert [(e.sheet, e.row, e.column) for e in sheet.errors] == [("数据", 2, "B")]
    assert "公式没有计算结果" in sheet.errors[0].reason and "formula" in sheet.errors[0].reason_en
    assert sheet.rows[1].values == ["C-A"]


def test_a_formula_with_its_cached_result_reads_the_result_and_error_values_are_named():
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out)
    ws = wb.add_worksheet("数据")
    ws.write_row(0, 0, ["单位代码", "fai", "jobs"])
    ws.write(1, 0, "C-A")
    ws.write_formula(1, 1, "=2*3", None, 6)  # cached value 6, as Excel saves it
    ws.write_formula(1, 2, "=1/0", None, "#DIV/0!")
    wb.close()
    sheet = t.read_workbook(out.getvalue(), "x.xlsx").sheets["数据"]
    assert sheet.rows[1].values[:2] == ["C-A", 6]
    assert [(e.row, e.column, e.reason) for e in sheet.errors] == [(2, "C", "单元格为错误值 #DIV/0!")]


def test_csv_in_utf8_with_bom_and_in_gb18030():
    for data in ("\ufeff单位,指标,值\nC-A,fai,1\n".encode(), "单位,指标,值\nC-A,fai,1\n".encode("gb18030")):
        book = t.read_workbook(data, "v.csv")
        assert book.is_csv and [r.values for r in book.first.rows] == [["单位", "指标", "值"], ["C-A", "fai", "1"]]


def test_headers_map_through_chinese_and_english_aliases():
    data = xlsx([["单位", "Indicator", " 指标值 ", "备注"], ["C-A", "fai", 3, "x"]])
    table = t.read_workbook(data, "x.xlsx").first.table([t.UNIT, t.INDICATOR, t.VALUE])
    assert table.index == {"unit": 0, "indicator": 1, "value": 2} and table.extra == {3: "备注"}
    assert table.record(table.rows[0]) == {"unit": "C-A", "indicator": "fai", "value": 3}


def test_full_width_brackets_in_a_header_match_the_label():
    col = t.Column("total", "总投资（万元）", required=True)
    table = t.read_workbook("总投资(万元)\n5\n".encode(), "p.csv").first.table([col])
    assert table.index == {"total": 0}


def test_a_duplicated_column_and_a_missing_required_column_are_named_together():
    data = xlsx([["单位代码", "总投资（万元）", "总投资(万元)"], ["C-A", 1, 2]])
    cols = [t.UNIT, t.Column("total", "总投资（万元）"), t.Column("year", "计划年度", required=True)]
    with pytest.raises(t.TabularError) as err:
        t.read_workbook(data, "p.xlsx").first.table(cols)
    assert [str(e) for e in err.value.errors] == [
        "工作表“Sheet”第1行C列“总投资(万元)”：列“总投资(万元)”与 B 列“总投资（万元）”重复（同为“总投资（万元）”）",
        "工作表“Sheet”第1行“计划年度”：缺少此列",
    ]


def test_a_blank_header_row_is_a_named_error():
    data = xlsx([[None, None], ["C-A", 1]])
    with pytest.raises(t.TabularError, match="表头行为空"):
        t.read_workbook(data, "p.xlsx").first.table([t.UNIT.but(required=True)])


def test_a_row_error_names_sheet_row_column_and_header_in_both_languages():
    e = t.RowError("数据", 5, "C", "“abc”不是数字", "'abc' is not a number", header="fai")
    assert e.text() == "工作表“数据”第5行C列“fai”：“abc”不是数字"
    assert e.text("en") == "sheet 数据, row 5, column C (fai): 'abc' is not a number"
    assert t.RowError("", None, "", "文件为空").text() == "文件为空"


@pytest.mark.parametrize("data, name, reason", [
    (b"not a workbook", "x.xlsx", "无法作为 Excel 工作簿 (.xlsx) 打开"),
    (b"", "x.xlsx", "无法作为 Excel 工作簿 (.xlsx) 打开"),
    (b"\xd0\xcf\x11\xe0old", "x.xls", "另存为 .xlsx"),
    ("名称\n".encode("utf-16"), "x.csv", "无法识别文件编码"),
])
def test_unreadable_files_get_one_plain_message(data, name, reason):
    with pytest.raises(t.TabularError) as err:
        t.read_workbook(data, name)
    assert reason in err.value.errors[0].reason


def test_a_zip_bomb_is_refused_from_its_declared_size_before_inflating():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", " " * (3 * 1024 * 1024))  # 3 MB of spaces → a few KB
    data = out.getvalue()
    assert len(data) < 20_000
    with pytest.raises(t.TabularError, match="解压后内容过大"):
        t.read_workbook(data, "bomb.xlsx", limits=t.Limits(max_unzipped=1024 * 1024))


@pytest.mark.parametrize("limits, reason", [
    (t.Limits(max_bytes=40), "文件过大"),  # the CSV is 56 bytes
    (t.Limits(max_rows=2), "行数超过上限 2"),
    (t.Limits(max_cells=5), "单元格数超过上限 5"),
    (t.Limits(max_columns=2), "列数超过上限 2"),
    (t.Limits(max_cell_chars=10), "单元格内容过长"),
])
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_every_bound_is_refused_early_with_a_message_naming_it(limits, reason, kind):
    rows = [["单位", "指标", "值"], ["C-A", "fai", "1"], ["C-B", "fai", "a much longer text"]]
    data = xlsx(rows) if kind == "xlsx" else "\n".join(",".join(r) for r in rows).encode()
    with pytest.raises(t.TabularError) as err:
        t.read_workbook(data, f"x.{kind}", limits=limits)
    assert reason in str(err.value)


def test_a_far_away_cell_cannot_blow_up_memory():
    # One cell at XFD1048576 would be a 16,384-wide row a million rows down.
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out)
    wb.add_worksheet().write(1_048_575, 16_383, "x")
    wb.close()
    with pytest.raises(t.TabularError, match="行数超过上限"):
        t.read_workbook(out.getvalue(), "x.xlsx")


def test_only_the_asked_sheets_are_read():
    data = xlsx([["a"]], title="数据", extra={"其他": [["b"]]})
    assert list(t.read_workbook(data, "x.xlsx", sheets=["其他"]).sheets) == ["其他"]


def test_inline_strings_and_shared_strings_read_alike():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                    '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        zf.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    '<Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>')
        zf.writestr("xl/sharedStrings.xml", '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    '<si><t>甲</t></si><si><r><t>乙</t></r><r><t>区</t></r></si></sst>')
        zf.writestr("xl/worksheets/sheet1.xml", '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    '<x:sheetData><x:row r="2"><x:c r="B2" t="s"><x:v>0</x:v></x:c><x:c r="C2" t="s"><x:v>1</x:v></x:c>'
                    '<x:c r="D2" t="inlineStr"><x:is><x:t>丙</x:t></x:is></x:c><x:c r="E2" t="b"><x:v>1</x:v></x:c></x:row>'
                    '</x:sheetData></x:worksheet>')
    sheet = t.read_workbook(out.getvalue(), "x.xlsx").sheets["S"]
    assert [(r.number, r.values) for r in sheet.rows] == [(2, [None, "甲", "乙区", "丙", True])]


def test_frame_gives_the_engine_text_columns():
    table = t.read_workbook(b"unit,indicator,value\nC-A,fai,1\nC-B,fai,2.5\n", "v.csv").first.table(t.STANDARD)
    df = t.frame(table, ["unit", "indicator", "value"])
    assert df.rows() == [("C-A", "fai", "1"), ("C-B", "fai", "2.5")]


def test_a_cell_the_reader_could_not_read_refuses_the_table_instead_of_reading_as_blank():
    # Importers that only asked for sheet.table() never looked at sheet.errors: a 办理时限 written as
    # an uncalculated formula was skipped and the task saved with the default limit (silent partial).
    sheet = t.read_workbook(xlsx([["督查事项", "办理时限"], ["事项", "=2+3"]]), "x.xlsx").first
    columns = [t.Column("title", "督查事项", required=True), t.Column("limit", "办理时限")]
    with pytest.raises(t.TabularError) as refused:
        sheet.table(columns)
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "B")]
    assert "公式没有计算结果" in refused.value.errors[0].reason
    assert sheet.table(columns, keep_cell_errors=True).rows[0].values == ["事项"]  # a caller that names them itself


def test_control_characters_in_a_cell_are_named_not_stored():
    # PostgreSQL refuses NUL in text ("cannot contain NUL (0x00) bytes", a 500 on import) and openpyxl
    # cannot write any C0 control character back, so every later export of the row failed.
    sheet = t.read_workbook('名称,说明\r\n甲\x00区,"换行\n可以"\r\n乙区,响铃\x07\r\n'.encode(), "x.csv").first
    assert [(e.row, e.column) for e in sheet.errors] == [(2, "A"), (3, "B")]
    assert all("控制字符" in e.reason for e in sheet.errors)
    assert sheet.rows[1].values == ["", "换行\n可以"]  # tab, line feed and carriage return are ordinary text


def test_a_text_longer_than_its_column_allows_is_named_with_its_length():
    # A 5,000-character 项目名称 was stored on SQLite and a 500 on PostgreSQL (varchar(200)).
    sheet = t.read_workbook(xlsx([["项目名称"], ["长" * 201], ["短"]]), "x.xlsx").first
    with pytest.raises(t.TabularError) as refused:
        sheet.table([t.Column("name", "项目名称", max_length=200)])
    (error,) = refused.value.errors
    assert (error.row, error.column, error.header) == (2, "A", "项目名称")
    assert "内容过长（201 字，上限 200 字）" in error.reason


# --- fuzzing (hypothesis): whatever the cells, the reader answers with rows or a TabularError ---

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

CELL = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**15, max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40),
    st.sampled_from(["=1/0", "=A1*2", "5,1", "1.2万", "１２．５", "单位", "unit", "" * 3, "#N/A"]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELL, min_size=1, max_size=6), min_size=1, max_size=8))
def test_any_xlsx_cells_read_back_or_fail_with_a_named_error(rows):
    try:
        data = xlsx([[c.replace("\x00", "") if isinstance(c, str) else c for c in r] for r in rows])
    except Exception:  # noqa: BLE001 — openpyxl refuses some texts; nothing to read then
        return
    try:
        book = t.read_workbook(data, "f.xlsx")
    except t.TabularError as exc:
        assert exc.errors and all(e.reason for e in exc.errors)
        return
    sheet = book.first
    assert all(r.number >= 1 for r in sheet.rows)
    assert [r.number for r in sheet.rows] == sorted({r.number for r in sheet.rows})
    for e in sheet.errors:  # formulas (never calculated by openpyxl) and error values (#N/A) are named
        assert e.row and e.column and ("公式" in e.reason or "错误值" in e.reason)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_are_rows_or_a_named_error(data):
    for name in ("f.csv", "f.xlsx"):
        try:
            t.read_workbook(data, name)
        except t.TabularError as exc:
            assert exc.errors[0].reason


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_the_number_parser_answers_every_text_with_a_number_none_or_a_reason(text_):
    from kaohe.lib.numbers import NumberError, parse_number

    try:
        parse_number(text_)
    except NumberError as exc:
        assert exc.reason and exc.reason_en
