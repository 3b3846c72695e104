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
