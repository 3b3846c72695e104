"""The one download helper and the shared table → .xlsx export, opened back."""

import io
from urllib.parse import unquote

import openpyxl

from kaohe.lib.exports import XLSX_TYPE, Table, attachment, xlsx_response


def test_a_chinese_file_name_travels_in_filename_star_with_an_ascii_fallback():
    response = attachment(b"x", "重大项目清单-2025.xlsx", XLSX_TYPE)
    header = response["Content-Disposition"]
    assert header.startswith("attachment; ")
    star = header.split("filename*=UTF-8''", 1)[1].split(";", 1)[0]
    assert unquote(star) == "重大项目清单-2025.xlsx"
    assert header.endswith('filename="______-2025.xlsx"')
    assert response["Content-Type"] == XLSX_TYPE and response.content == b"x"


def test_an_exported_table_opens_back_with_numbers_as_numbers():
    rows = [[1, "甲区", 25.5], [2, "乙区", 21.0]]
    response = xlsx_response("boards", [Table("争先榜", ["排名", "单位", "得分"], rows)])
    assert response["Content-Disposition"].endswith('filename="boards.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["争先榜"]
    assert [c.value for c in sheet[1]] == ["排名", "单位", "得分"]
    assert [c.value for c in sheet[2]] == [1, "甲区", 25.5]
    assert not isinstance(sheet["C3"].value, str) and sheet["C3"].value == 21  # a number, so Excel can sum it


# ---- user text is text, never a formula (CSV/formula injection) -------------------------------

INJECTIONS = ["=HYPERLINK(\"http://evil\",\"点我\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "=1+1", "＝1+1", "\t=1"]


def test_formula_like_texts_and_plain_signed_numbers():
    from kaohe.lib.exports import formula_like

    assert all(formula_like(t) for t in INJECTIONS)
    assert not any(formula_like(t) for t in ["-5", "+7.5", "-1e3", "甲区", "", None, 12])


def test_a_table_export_writes_formula_like_text_as_quoted_text():
    response = xlsx_response("x", [Table("=A1", ["=列", "备注"], [[1, t] for t in INJECTIONS], notes=["=note"])])
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = [sheet.cell(r, 2) for r in range(3, 3 + len(INJECTIONS))]
    assert [c.value for c in cells] == INJECTIONS
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert sheet["A1"].data_type == "s" and sheet["A2"].data_type == "s"  # the note and a header


def test_text_cell_and_append_row_keep_openpyxl_from_making_formulas():
    from kaohe.lib.exports import append_row, text_cell

    wb = openpyxl.Workbook()
    ws = wb.active
    append_row(ws, ["单位", "名称"])
    append_row(ws, ["=1+1", -5])
    text_cell(ws, 3, 1, "@SUM(A1)")
    buf = io.BytesIO()
    wb.save(buf)
    back = openpyxl.load_workbook(io.BytesIO(buf.getvalue())).active
    assert [[c.value for c in row] for row in back.iter_rows()] == [["单位", "名称"], ["=1+1", -5], ["@SUM(A1)", None]]
    assert back["A2"].data_type == "s" and back["A2"].quotePrefix and back["B2"].data_type == "n"
    assert back["A3"].data_type == "s"


def test_a_csv_export_prefixes_formula_like_fields_with_an_apostrophe():
    import csv

    from kaohe.lib.exports import csv_bytes

    data = csv_bytes(["单位", "=x"], [[t, -5] for t in INJECTIONS])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["单位", "'=x"]
    assert [r[0] for r in rows[1:]] == ["'" + t for t in INJECTIONS] and {r[1] for r in rows[1:]} == {"-5"}
