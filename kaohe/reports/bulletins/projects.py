"""重大项目月度监测通报: the monthly monitoring bulletin of major projects (.docx and .pdf).

Content: totals for the city, figures by unit, the red and yellow lists with reasons, and a
bar chart of investment completion by unit against the time schedule. The chart is drawn
once as a PNG with Pillow (Noto CJK when installed) and embedded in both documents; the PDF
text uses reportlab's built-in CID font STSong-Light (no font file needed).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Max

from kaohe.lib.numbers import number
from kaohe.orgs.models import OrgUnit
from kaohe.projects.data import TOTAL, unit_figures
from kaohe.projects.figures import period_end, wide
from kaohe.projects.models import ProjectWarning

CJK_FONTS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
]
UNIT_COLUMNS = [
    ("proj_count", "项目数", 0),
    ("proj_count_1e8", "亿元以上", 0),
    ("proj_start_rate", "开工率%", 1),
    ("proj_new_start_rate", "新开工率%", 1),
    ("proj_invest_ytd", "累计投资(万元)", 0),
    ("proj_invest_plan_rate", "投资完成率%", 1),
    ("proj_invest_schedule_rate", "序时完成率%", 1),
    ("proj_stats_rate", "列统率%", 1),
]


@dataclass
class BulletinData:
    year: int
    month: int
    city_name: str
    as_of: dt.date | None
    totals: dict
    units: list[dict]
    red: list[dict]
    yellow: list[dict]


def _fmt(value, digits: int) -> str:
    """四舍五入 (half up) like every page: the bulletin must print the figures the screen shows."""
    return number(value, digits)


def collect(year: int, month: int, *, city: OrgUnit | None) -> BulletinData:
    """The bulletin's numbers: figures of the month and the warnings stored by the end of
    the following month (the bulletin is issued early in the next month)."""
    total = wide(unit_figures(year, month, city=city, total=True))
    totals = total.row(0, named=True) if total.height else {}
    by_unit = wide(unit_figures(year, month, city=city))
    order = {
        u.code: (i, u.name)
        for i, u in enumerate(OrgUnit.objects.filter(code__in=by_unit["unit"].to_list()).order_by("sort_order", "code"))
    }
    units = sorted(
        (dict(row, name=order.get(row["unit"], (0, row["unit"]))[1]) for row in by_unit.iter_rows(named=True)),
        key=lambda u: order.get(u["unit"], (len(order), ""))[0],
    )
    limit = period_end(year + (month == 12), month % 12 + 1)
    as_of = ProjectWarning.objects.filter(date__lte=limit).aggregate(d=Max("date"))["d"]
    lists: dict[str, list[dict]] = {"red": [], "yellow": []}
    if as_of:
        qs = ProjectWarning.objects.filter(date=as_of, level__in=["red", "yellow"], project__year=year).select_related(
            "project", "project__unit"
        )
        for w in qs.order_by("project__unit__sort_order", "project__code"):
            lists[w.level].append(
                {
                    "code": w.project.code,
                    "name": w.project.name,
                    "unit": w.project.unit.name,
                    "leader": w.project.leader_name,
                    "reasons": "；".join(r["zh"] for r in w.reasons),
                }
            )
    return BulletinData(year, month, city.name if city else "", as_of, totals, units, lists["red"], lists["yellow"])


def chart_png(data: BulletinData, width: int = 1400, height: int = 620) -> bytes:
    """Bar chart: annual investment completion by unit (%), with the time schedule line."""
    from PIL import Image, ImageDraw, ImageFont

    font_path = next((p for p in CJK_FONTS if Path(p).exists()), None)

    def font(size: int):
        return ImageFont.truetype(font_path, size) if font_path else ImageFont.load_default(size)

    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    left, right, top, bottom = 90, 30, 70, 150
    plot_w, plot_h = width - left - right, height - top - bottom
    draw.text((left, 18), f"{data.year}年1–{data.month}月各单位年度投资完成率（%）", fill="#123a66", font=font(30))
    units = data.units
    values = [u.get("proj_invest_plan_rate") or 0.0 for u in units]
    schedule = data.month / 12 * 100
    top_value = max([100.0, schedule, *values])
    scale = plot_h / top_value
    for tick in range(0, int(top_value) + 1, 20):
        y = top + plot_h - tick * scale
        draw.line((left, y, left + plot_w, y), fill="#e3e7ec", width=1)
        draw.text((left - 12, y), f"{tick}", fill="#5b6777", font=font(20), anchor="rm")
    n = max(len(units), 1)
    slot = plot_w / n
    bar = slot * 0.6
    for i, (u, v) in enumerate(zip(units, values, strict=True)):
        x0 = left + i * slot + (slot - bar) / 2
        colour = "#2e9e4f" if v >= schedule else ("#e8a317" if v >= schedule - 30 else "#d42b2b")
        draw.rectangle((x0, top + plot_h - v * scale, x0 + bar, top + plot_h), fill=colour)
        draw.text((x0 + bar / 2, top + plot_h - v * scale - 4), number(v, 0), fill="#1f2937", font=font(18), anchor="md")
        label = u["name"]
        lx, ly = x0 + bar / 2, top + plot_h + 10
        for j, ch in enumerate(label[:6]):  # vertical labels read well in Chinese
            draw.text((lx, ly + j * 22), ch, fill="#1f2937", font=font(19), anchor="mt")
    y = top + plot_h - schedule * scale
    for x in range(left, left + plot_w, 16):
        draw.line((x, y, min(x + 9, left + plot_w), y), fill="#b8191f", width=3)
    draw.text((left + plot_w, y - 6), f"序时进度 {number(schedule, 1)}%", fill="#b8191f", font=font(22), anchor="rd")
    draw.line((left, top, left, top + plot_h), fill="#5b6777", width=2)
    draw.line((left, top + plot_h, left + plot_w, top + plot_h), fill="#5b6777", width=2)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _summary(data: BulletinData) -> list[str]:
    t = data.totals
    return [
        f"截至{data.year}年{data.month}月底，全市纳入监测的重大项目{_fmt(t.get('proj_count'), 0)}个，"
        f"其中亿元以上{_fmt(t.get('proj_count_1e8'), 0)}个、10亿元以上{_fmt(t.get('proj_count_1e9'), 0)}个、"
        f"50亿元以上{_fmt(t.get('proj_count_5e9'), 0)}个、100亿元以上{_fmt(t.get('proj_count_1e10'), 0)}个。",
        f"开工率{_fmt(t.get('proj_start_rate'), 1)}%，新开工率{_fmt(t.get('proj_new_start_rate'), 1)}%，"
        f"开复工率{_fmt(t.get('proj_start_restart_rate'), 1)}%；竣工率{_fmt(t.get('proj_complete_rate'), 1)}%，"
        f"列统率{_fmt(t.get('proj_stats_rate'), 1)}%。",
        f"年度累计完成投资{_fmt(t.get('proj_invest_ytd'), 0)}万元，占年度计划{_fmt(t.get('proj_invest_plan_rate'), 1)}%，"
        f"为序时进度的{_fmt(t.get('proj_invest_schedule_rate'), 1)}%；问题按时办结率{_fmt(t.get('proj_problem_ontime_rate'), 1)}%。",
        f"预警（{data.as_of or '—'}）：红灯项目{len(data.red)}个，黄灯项目{len(data.yellow)}个。",
    ]


def _title(data: BulletinData) -> str:
    return f"{data.city_name}重大项目监测通报（{data.year}年{data.month}月）"


def to_docx(data: BulletinData) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(_title(data))
    run.bold = True
    run.font.size = Pt(18)
    doc.add_heading("一、总体情况", level=2)
    for line in _summary(data):
        doc.add_paragraph(line)
    doc.add_picture(io.BytesIO(chart_png(data)), width=Cm(16))
    doc.add_heading("二、分单位情况", level=2)
    table = doc.add_table(rows=1, cols=len(UNIT_COLUMNS) + 1)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["单位", *[c[1] for c in UNIT_COLUMNS]], strict=True):
        cell.text = text
    for u in data.units:
        cells = table.add_row().cells
        cells[0].text = u["name"]
        for i, (code, _label, pattern) in enumerate(UNIT_COLUMNS, start=1):
            cells[i].text = _fmt(u.get(code), pattern)
    for heading, items in (("三、红灯项目", data.red), ("四、黄灯项目", data.yellow)):
        doc.add_heading(f"{heading}（{len(items)}个）", level=2)
        if not items:
            doc.add_paragraph("无。")
            continue
        t = doc.add_table(rows=1, cols=4)
        t.style = "Table Grid"
        for cell, text in zip(t.rows[0].cells, ("项目", "属地单位", "挂包领导", "预警原因"), strict=True):
            cell.text = text
        for item in items:
            cells = t.add_row().cells
            cells[0].text = f"{item['name']}（{item['code']}）"
            cells[1].text = item["unit"]
            cells[2].text = item["leader"] or "—"
            cells[3].text = item["reasons"]
    doc.add_paragraph("请各属地单位、挂包领导对照红黄灯项目清单，问题早发现、早预警、早处置，按期报送整改情况。")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def to_pdf(data: BulletinData) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=11)
    h1 = ParagraphStyle("h1", parent=body, fontSize=17, leading=24, alignment=TA_CENTER, spaceAfter=10)
    h2 = ParagraphStyle("h2", parent=body, fontSize=13, leading=20, spaceBefore=10, spaceAfter=4)
    story = [Paragraph(_title(data), h1), Paragraph("一、总体情况", h2)]
    story += [Paragraph(line, body) for line in _summary(data)]
    story += [Spacer(1, 6), Image(io.BytesIO(chart_png(data)), width=17 * cm, height=17 * cm * 620 / 1400)]
    story.append(Paragraph("二、分单位情况", h2))
    rows = [["单位", *[c[1] for c in UNIT_COLUMNS]]]
    rows += [[u["name"], *[_fmt(u.get(c), p) for c, _l, p in UNIT_COLUMNS]] for u in data.units]
    grid = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), font, 8.5),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde7f3")),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
    )
    story.append(Table(rows, style=grid, repeatRows=1))
    for heading, items in (("三、红灯项目", data.red), ("四、黄灯项目", data.yellow)):
        story.append(Paragraph(f"{heading}（{len(items)}个）", h2))
        if not items:
            story.append(Paragraph("无。", body))
            continue
        rows = [["项目", "属地单位", "挂包领导", "预警原因"]]
        rows += [
            [Paragraph(f"{i['name']}（{i['code']}）", small), i["unit"], i["leader"] or "—", Paragraph(i["reasons"], small)]
            for i in items
        ]
        story.append(
            Table(rows, colWidths=[4.6 * cm, 2.2 * cm, 2 * cm, 8.2 * cm], style=TableStyle([*grid.getCommands()[:3], ("VALIGN", (0, 0), (-1, -1), "TOP")]), repeatRows=1)
        )
    story.append(Spacer(1, 8))
    story.append(Paragraph("请各属地单位、挂包领导对照红黄灯项目清单，问题早发现、早预警、早处置，按期报送整改情况。", body))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm, bottomMargin=2 * cm,
                      title=_title(data)).build(story)
    return buf.getvalue()


def build(year: int, month: int, *, city: OrgUnit | None, fmt: str = "docx", today: dt.date | None = None) -> bytes:
    data = collect(year, month, city=city)
    return to_docx(data) if fmt == "docx" else to_pdf(data)


__all__ = ["TOTAL", "BulletinData", "build", "chart_png", "collect", "to_docx", "to_pdf"]
