"""GB/T 9704 documents: opened back with python-docx (page, margins, grid, fonts, numbering, footers)
and rendered by LibreOffice to PDF (fonts embedded) and PNG (22 lines × 28 characters on a full page)."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from pathlib import Path

import pytest
from docx import Document as Docx
from docx.oxml.ns import qn

from kaohe.lib import gbt9704 as g

OUT = Path("var/test-output/documents")
MM = 36000  # EMU per mm


def mm(emu: int) -> float:
    """EMU → mm to 0.01 mm (Word stores page geometry in twips: 210 mm = 11906 twips = 7,560,310 EMU)."""
    assert abs(emu - round(emu / MM, 2) * MM) <= 635, emu  # within one twip of a hundredth of a mm
    return round(emu / MM, 1)


PURE = "各区对照年度目标任务逐项分析研判重点指标运行态势聚焦短板弱项精准施策推动经济运行持续向好全力冲刺全年目标任务"


def sample(paragraphs: int = 3, *, wide: bool = True, attachments: int = 2) -> g.Document:
    d = g.Document("关于2025年3月全市高质量发展考核月度晒榜情况的通报", number="考核办〔2025〕3号",
                   issuer="滨江市高质量发展考核办公室", mark="滨江市高质量发展考核办公室文件",
                   addressee="各区人民政府，市各有关部门：", date=dt.date(2025, 4, 7), note="此件公开发布")
    d.heading(1, "总体情况")
    for _ in range(paragraphs):
        d.paragraph("全市地区生产总值同比增长5.6%，高于全市平均2.2个百分点，居第4位，较上月前移一位。")
        d.paragraph(PURE)
    d.heading(2, "主要做法", "各区坚持问题导向。")
    d.heading(2, "存在问题")
    d.heading(3, "项目推进")
    d.heading(4, "开工率")
    d.heading(1, "下步要求")
    d.heading(2, "压实责任")
    d.table("各区主要指标完成情况", "亿元、%", ["单位", "地区生产总值", "增速", "位次"],
            [["明湖区", "1,234.5", "5.6", "4"], ["高新技术产业开发区管理委员会", "987.6", "6.1", "1"]])
    if wide:
        d.table("各区分项得分", "分", ["单位", *[f"指标{i}" for i in range(1, 16)]],
                [["明湖区", *[f"{i}.5" for i in range(15)]] for _ in range(5)])
    for n in range(1, attachments + 1):
        d.attachment(f"第{n}个附件")
        d.paragraph("附件正文。")
    d.colophon(cc=["市委办公室", "市人大常委会办公室"], date=dt.date(2025, 4, 8))
    return d


def reopen(d: g.Document):
    return Docx(io.BytesIO(d.to_bytes()))


def test_the_numbers_in_words():
    assert g.doc_number("考核办", 2025, 7) == "考核办〔2025〕7号"
    with pytest.raises(ValueError):
        g.doc_number("考核办", 2025, 0)
    assert g.NUMBER_RE.match("考核办〔2025〕12号").group("serial") == "12"
    assert not g.NUMBER_RE.match("考核办〔2025〕012号")  # no 虚位
    assert not g.NUMBER_RE.match("考核办[2025]12号")
    assert g.cn_date(dt.date(2025, 4, 7)) == "2025年4月7日"
    assert [g.cn_number(n) for n in (1, 9, 10, 11, 20, 21)] == ["一", "九", "十", "十一", "二十", "二十一"]
    assert [g.heading_label(level, 2) for level in (1, 2, 3, 4)] == ["二、", "（二）", "2.", "（2）"]


def test_page_is_a4_with_the_standard_margins_and_grid():
    doc = reopen(sample(wide=False))
    s = doc.sections[0]
    assert (s.page_width, s.page_height) == (11906 * 635, 16838 * 635)  # Word's A4 in twips
    assert (mm(s.page_width), mm(s.page_height)) == (210, 297)
    assert [mm(x) for x in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)] == [37, 35, 28, 26]
    assert mm(s.page_width - s.left_margin - s.right_margin) == 156
    assert mm(s.page_height - s.top_margin - s.bottom_margin) == 225
    grid = s._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    assert int(grid.get(qn("w:linePitch"))) * 22 <= 225 / 25.4 * 1440 < (int(grid.get(qn("w:linePitch"))) + 1) * 22
    pitch = 16 + int(grid.get(qn("w:charSpace"))) / 4096  # pt per character
    assert 28 * pitch <= 156 / 25.4 * 72 < 29 * pitch


def test_fonts_are_the_standard_names_with_east_asia_attributes():
    doc = reopen(sample(wide=False))

    def fonts_of(paragraph):
        return [(r.text, r._r.rPr.rFonts.get(qn("w:eastAsia")), r._r.rPr.rFonts.get(qn("w:ascii")), r.font.size.pt)
                for r in paragraph.runs if r.text]

    by_text = {text: (ea, ascii_, size) for p in doc.paragraphs for text, ea, ascii_, size in fonts_of(p)}
    assert by_text["滨江市高质量发展考核办公室文件"][0] == "方正小标宋简体"
    title = [t for t in by_text if t.startswith("关于2025年")]
    assert title and all(by_text[t] == ("方正小标宋简体", "方正小标宋简体", 22) for t in title)
    assert by_text["一、"] == ("黑体", "黑体", 16)
    assert by_text["（一）主要做法。"] == ("楷体_GB2312", "楷体_GB2312", 16)
    assert by_text["各区坚持问题导向。"] == ("仿宋_GB2312", "仿宋_GB2312", 16)
    assert by_text["1."] == ("仿宋_GB2312", "仿宋_GB2312", 16)
    body = [t for t in by_text if t.startswith("全市地区生产总值")]
    assert body and by_text[body[0]] == ("仿宋_GB2312", "仿宋_GB2312", 16)
    red = [r for p in doc.paragraphs for r in p.runs if r.text == "滨江市高质量发展考核办公室文件"][0]
    assert str(red.font.color.rgb) == "FF0000"
    # the default too, so text typed later in Word is 3号仿宋
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert defaults.find(qn("w:sz")).get(qn("w:val")) == "32"


def test_headings_are_numbered_without_gaps_and_restart_under_a_higher_level():
    doc = reopen(sample(wide=False))
    labels = [p.runs[0].text for p in doc.paragraphs
              if p.runs and re.match(r"^(?:[一二三]、|（[一二三]）|\d\.|（\d）)", p.runs[0].text) and "附件" not in p.text]
    assert labels == ["一、", "（一）主要做法。", "（二）", "1.", "（1）", "二、", "（一）"]
    texts = [p.text for p in doc.paragraphs]
    assert "一、总体情况" in texts and "（二）存在问题" in texts and "二、下步要求" in texts and "（一）压实责任" in texts
    body = [p for p in doc.paragraphs if p.text.startswith("全市地区")][0]
    assert body.paragraph_format.first_line_indent == 16 * 2 * 12700  # 2 字
    ind = body._p.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"


def test_the_number_line_the_red_rule_and_the_signature():
    doc = reopen(sample(wide=False))
    number = [p for p in doc.paragraphs if p.text == "考核办〔2025〕3号"][0]
    assert number.alignment == 1  # centred
    bottom = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == "FF0000"
    texts = [p.text for p in doc.paragraphs]
    assert "各区人民政府，市各有关部门：" in texts
    assert texts.index("滨江市高质量发展考核办公室") + 1 == texts.index("2025年4月7日")
    assert "（此件公开发布）" in texts
    assert "附件：1.第1个附件" in texts and "2.第2个附件" in texts


def test_page_numbers_odd_right_even_left_in_fields():
    doc = reopen(sample(wide=False))
    assert doc.settings.odd_and_even_pages_header_footer
    s = doc.sections[0]
    odd, even = s.footer.paragraphs[0], s.even_page_footer.paragraphs[0]
    assert odd.alignment == 2 and even.alignment == 0  # right, left
    assert odd.paragraph_format.right_indent == even.paragraph_format.left_indent == 14 * 12700  # 1 字 of 4号
    for p in (odd, even):
        assert p.text.replace("1", "n") == "— n —"
        assert " PAGE " in [el.text for el in p._p.iter(qn("w:instrText"))]
        assert {r.font.size.pt for r in p.runs} == {14}
        assert p.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    # the dash 7 mm under the 版心: footer bottom at 35 − 7 mm − half a line (the PDF test measures it)
    assert abs(s.footer_distance - (28 * MM - 10 * 12700)) < MM / 10


def test_tables_repeat_their_header_carry_the_unit_and_go_landscape_when_wide():
    doc = reopen(sample(wide=True))
    captions = [p.text for p in doc.paragraphs if p.text.startswith("表")]
    assert captions == ["表1\u3000各区主要指标完成情况（单位：亿元、%）", "表2\u3000各区分项得分（单位：分）"]
    for t in doc.tables[:2]:
        assert t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in doc.tables[0].rows[2].cells] == ["高新技术产业开发区管理委员会", "987.6", "6.1", "1"]
    orientations = [(s.orientation, s.page_width, s.page_height) for s in doc.sections]
    assert [(o, mm(w), mm(h)) for o, w, h in orientations][:2] == [(0, 210, 297), (1, 297, 210)]  # the 16 columns
    land = [s for s in doc.sections if s.orientation == 1][0]
    assert [mm(x) for x in (land.top_margin, land.right_margin, land.bottom_margin, land.left_margin)] == [28, 37, 26, 35]
    assert doc.sections[-1].orientation == 0  # back to portrait for the attachments
    # a heading right before a landscape table goes onto the landscape page with it
    d = g.Document("标题")
    d.heading(1, "分项得分")
    d.table("宽表", "分", ["单位", *[f"指标{i}" for i in range(1, 16)]], [["明湖区", *["1.5"] * 15]], landscape=True)
    land = reopen(d)
    assert [s.orientation for s in land.sections] == [0, 1]  # and no blank portrait page after it
    body = land.element.body
    heading = [p for p in land.paragraphs if p.text == "一、分项得分"][0]._p
    first_break = next(p for p in body.iter(qn("w:p")) if p.find(".//" + qn("w:sectPr")) is not None)
    assert list(body.iter(qn("w:p"))).index(first_break) < list(body.iter(qn("w:p"))).index(heading)
    # a narrow table stays on the portrait page, as wide as the 版心
    narrow = reopen(sample(wide=False))
    assert len(narrow.sections) == 1
    width = narrow.tables[0]._tbl.tblPr.find(qn("w:tblW"))
    assert int(width.get(qn("w:w"))) == int(156 / 25.4 * 1440)


def test_attachments_start_on_new_pages_and_the_colophon_closes_the_document():
    doc = reopen(sample(wide=False))
    heads = [p for p in doc.paragraphs if p.text in ("附件1", "附件2")]
    assert [p.text for p in heads] == ["附件1", "附件2"]
    assert all(p.paragraph_format.page_break_before for p in heads)
    level1 = [p for p in doc.paragraphs if p.text == "二、下步要求"][0]
    assert level1.paragraph_format.keep_with_next  # a heading never ends a page
    assert heads[0].runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    box = doc.element.body.findall(".//" + qn("w:txbxContent"))
    assert len(box) == 1
    lines = ["".join(t.text for t in p.iter(qn("w:t"))) for p in box[0].findall(qn("w:p"))]
    assert lines == ["抄送：市委办公室，市人大常委会办公室。", "滨江市高质量发展考核办公室2025年4月8日印发"]
    rules = [(side.tag.rsplit("}")[1], side.get(qn("w:sz"))) for p in box[0].findall(qn("w:p"))
             for side in p.find(qn("w:pPr")).find(qn("w:pBdr"))]
    assert rules == [("top", "8"), ("bottom", "6"), ("bottom", "8")]  # 0.35 / 0.25 / 0.35 mm in ⅛ pt
    anchor = doc.element.body.find(".//" + qn("wp:anchor"))
    assert anchor.find(qn("wp:positionV")).get("relativeFrom") == "margin"
    assert anchor.find(qn("wp:positionV")).find(qn("wp:align")).text == "bottom"


def test_long_titles_break_into_centred_lines_and_plain_text_lists_the_words():
    d = g.Document("关于印发《滨江市2025年度高质量发展综合考核实施方案》及配套评分细则的通知")
    lines = g._title_lines(d.title)
    assert len(lines) == 2
    assert "".join(lines) == d.title and all(g.text_width(line) <= 18 for line in lines), lines
    # 20 字 with digits do not fit one 2号 line once the digits are spaced: two lines, none of one character
    lines = g._title_lines("关于2025年度高质量发展综合考核结果的通报")
    assert len(lines) == 2 and min(len(line) for line in lines) > 5, lines
    d.paragraph("正文")
    assert d.plain_text().splitlines() == [d.title, "正文"]


def test_the_mark_fits_one_line():
    size, scale = g.mark_size("滨江市高质量发展考核工作领导小组办公室文件")
    assert size * scale / 100 * g.text_width("滨江市高质量发展考核工作领导小组办公室文件") <= 156 / 25.4 * 72
    assert g.mark_size("市政府文件") == (42, 100)


# -- rendered --------------------------------------------------------------------------------------


def _render(d: g.Document, name: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    data = d.to_bytes()
    (OUT / f"{name}.docx").write_bytes(data)
    pdf = g.to_pdf(data)
    path = OUT / f"{name}.pdf"
    path.write_bytes(pdf)
    return path


@pytest.fixture(scope="module")
def rendered():
    if not g.soffice_path():
        pytest.skip("LibreOffice is not installed (.ci/run installs libreoffice-writer-nogui)")
    return _render(sample(paragraphs=14), "sample")


def test_the_pdf_is_a4_and_embeds_every_font(rendered):
    info = subprocess.run(["pdfinfo", str(rendered)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    fonts = subprocess.run(["pdffonts", str(rendered)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column
    names = " ".join(fonts)
    for free in ("UMing", "UKai", "NotoSansCJK", "NotoSerifCJK"):  # 仿宋, 楷体, 黑体, 小标宋/宋体
        assert free in names


def _lines_on(pdf: Path, page: int) -> list[tuple[float, str]]:
    """(top in pt, text) of every text line on ``page``, from pdftotext's bounding boxes."""
    xml = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox-layout", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    out = []
    for m in re.finditer(r'<line xMin="[\d.]+" yMin="([\d.]+)"[^>]*>(.*?)</line>', xml, re.S):
        words = re.findall(r">([^<]+)</word>", m.group(2))
        out.append((float(m.group(1)), "".join(words)))
    return out


def test_a_full_page_holds_22_lines_of_28_characters(rendered):
    lines = _lines_on(rendered, 2)  # page 2 is all body text
    body = [(y, t) for y, t in lines if y < 297 / 25.4 * 72 - 35 / 25.4 * 72]  # above the 版心's bottom edge
    assert len(body) == 22, body
    tops = [y for y, _ in body]
    pitches = {round(b - a, 1) for a, b in zip(tops, tops[1:], strict=False)}
    assert all(abs(p - 28.95) < 0.2 for p in pitches), pitches
    # PURE (56 字, no Latin): 26 字 after the 2-字 indent, then 28, then the last 2
    first = [t for _, t in body if PURE.startswith(t) and t]
    rest = [t for _, t in body if t and PURE[26:].startswith(t)]
    assert first and all(len(t) == 26 for t in first), first
    assert rest and all(len(t) == 28 for t in rest), rest
    OUT.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(rendered), str(OUT / "sample")], check=True)
    assert (OUT / "sample-01.png").exists() or (OUT / "sample-1.png").exists()


def test_page_numbers_alternate_sides_in_the_pdf(rendered):
    width = 210 / 25.4 * 72
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(rendered), "-"], capture_output=True, text=True, check=True).stdout
    pages = xml.split("<page ")[1:]
    for n, page in enumerate(pages[:4], start=1):
        m = re.findall(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>\s*<word[^>]*>—</word>\s*<word[^>]*>(\d+)</word>', page)
        assert m, n
        x_min, y_min, x_max, number = m[-1]
        assert int(number) == n
        y_max = float(re.search(r'yMax="([\d.]+)"', page[page.index(f'xMin="{x_min}" yMin="{y_min}"'):]).group(1))
        dash_mm = (float(y_min) + y_max) / 2 * 25.4 / 72 - (297 - 35)
        assert 6 < dash_mm < 8, dash_mm  # the 一字线 7 mm under the 版心
        if n % 2:
            assert abs(float(x_max) - (width - (26 / 25.4 * 72) - 14)) < 4
        else:
            assert abs(float(x_min) - (28 / 25.4 * 72 + 14)) < 4


def test_the_colophon_sits_on_the_bottom_of_the_last_page(rendered):
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(rendered)], capture_output=True, text=True).stdout).group(1))
    lines = _lines_on(rendered, pages)
    printed = [y for y, t in lines if t.endswith("印发")]
    assert printed and (297 - 35 - 12) / 25.4 * 72 < printed[0] < (297 - 35) / 25.4 * 72


def test_a_draft_round_trips_through_its_text():
    d = sample(wide=True, attachments=1)
    d.image(b"\x89PNG fake", width_mm=100)
    draft = d.to_draft()
    assert draft["text"].splitlines()[:3] == ["一、总体情况", "全市地区生产总值同比增长5.6%，高于全市平均2.2个百分点，居第4位，较上月前移一位。", PURE]
    assert "（一）主要做法。各区坚持问题导向。" in draft["text"] and "【表1】" in draft["text"] and "【附件 第1个附件】" in draft["text"]
    again = g.Document.from_draft(draft)
    assert again.to_draft() == draft
    assert again.plain_text() == d.plain_text()
    # an edit: a heading inserted is numbered in its place, the next ones move on
    draft["text"] = draft["text"].replace("二、下步要求", "二、新增一节\n三、下步要求")
    edited = g.Document.from_draft(draft, number="考核办〔2025〕9号")
    text = edited.plain_text()
    assert "二、新增一节" in text and "三、下步要求" in text and edited.number == "考核办〔2025〕9号"
    # an attachment whose title starts with a year keeps it; "【附件2 标题】" drops the given number
    again = g.Document.from_draft(dict(draft, text="正文\n【附件 2025年2月得分】\n甲\n【附件2 第二个】\n乙"))
    assert [p.title for p in again.parts[1:]] == ["2025年2月得分", "第二个"]
    draft["text"] += "\n【表7】"
    with pytest.raises(ValueError, match="没有这个表"):
        g.Document.from_draft(draft)


def test_the_font_table_names_the_standard_fonts_with_their_windows_names():
    import zipfile

    xml = zipfile.ZipFile(io.BytesIO(sample(wide=False).to_bytes())).read("word/fontTable.xml").decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/><w:charset w:val="86"/>' in xml
    assert '<w:font w:name="楷体_GB2312"><w:altName w:val="楷体"/>' in xml
    assert 'w:name="方正小标宋简体"' in xml and 'w:name="黑体"' in xml
    styles = zipfile.ZipFile(io.BytesIO(g.for_libreoffice(sample(wide=False).to_bytes()))).read("word/styles.xml").decode()
    assert re.search(r'<w:rPrDefault><w:rPr><w:rFonts [^>]*/><w:spacing w:val="-5"/>', styles)


NUMBERS = "甲区得分93.00分，高于全组平均3.25分，居第1位；乙区完成投资12.5亿元，占比27.3%，增长-1.25个百分点，全年目标完成率101.25%。"


def test_no_number_breaks_inside_at_a_line_end_in_the_pdf_and_long_unit_names_wrap_in_their_cells():
    """With zh-CN as the Latin language LibreOffice broke numbers anywhere ("3.\\n00分", "10\\n1.25%")."""
    if not g.soffice_path():
        pytest.skip("LibreOffice is not installed (.ci/run installs libreoffice-writer-nogui)")
    d = g.Document("关于数字不断行的测试通报", number="考核办〔2025〕3号", issuer="滨江市高质量发展考核办公室", mark=None)
    # The same sentence shifted by one character at a time: every number meets the line end somewhere.
    d.paragraphs("各" * k + NUMBERS for k in range(28))
    long_name = "滨江市经济技术开发区管理委员会（综合保税区管理委员会）"
    d.table("各区得分情况", "分", ["单位", "得分", "较上月"], [[long_name, "93.00", "▲1.25"], ["明湖区", "88.50", "-0.75"]])
    pdf = _render(d, "numbers")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = [line for line in text.splitlines() if line.strip()]
    body = lines[:next(i for i, line in enumerate(lines) if "各区得分情况" in line)]  # the table's cells are lines of their own
    broken = [(a, b) for a, b in zip(body, body[1:], strict=False) if re.search(r"[0-9.\-]$", a) and re.match(r"[0-9.%]", b)]
    assert broken == []
    assert sum(line.count("93.00") for line in lines) == 28 + 1 and sum(line.count("101.25%") for line in lines) == 28
    # The long name wraps inside its cell, left of the score: never over the next column.
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout).group(1))
    xml = subprocess.run(["pdftotext", "-f", str(pages), "-l", str(pages), "-bbox-layout", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]+)</word>', xml)
    name_parts = [float(x1) for _x0, x1, w in words if len(w.strip()) > 1 and w.strip() in long_name]
    score = [float(x0) for x0, _x1, w in words if w.strip() == "93.00"]
    assert len(name_parts) >= 2 and score and max(name_parts) < score[-1]
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(OUT / "numbers")], check=True)
