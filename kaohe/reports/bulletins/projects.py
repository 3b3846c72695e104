"""重大项目月度监测通报: the monthly monitoring bulletin of major projects (.docx and .pdf).

Content: totals for the city, figures by unit, the red and yellow lists with reasons, and a
bar chart of investment completion by unit against the time schedule. The chart is drawn
once as a PNG with Pillow (Noto CJK when installed). The .docx is written in the GB/T 9704 layout
(kaohe.lib.gbt9704) and the PDF is LibreOffice's rendering of it, with its fonts embedded.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Max

from kaohe.lib import gbt9704
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
    ("proj_count", "项目数（个）", 0),
    ("proj_count_1e8", "亿元以上（个）", 0),
    ("proj_start_rate", "开工率（%）", 1),
    ("proj_new_start_rate", "新开工率（%）", 1),
    ("proj_invest_ytd", "累计投资（万元）", 0),
    ("proj_invest_plan_rate", "投资完成率（%）", 1),
    ("proj_invest_schedule_rate", "序时完成率（%）", 1),
    ("proj_stats_rate", "列统率（%）", 1),
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


def to_document(data: BulletinData, *, today: dt.date | None = None, issuer: str | None = None) -> gbt9704.Document:
    """The bulletin in the GB/T 9704 layout (kaohe.lib.gbt9704): the words the office may edit before issuing."""
    issuer = issuer or f"{data.city_name}重大项目推进办公室"
    doc = gbt9704.Document(_title(data), issuer=issuer, mark=f"{issuer}文件",
                           addressee="各区人民政府，各开发区管委会，市各有关部门：", date=today, kind="通报")
    doc.heading(1, "总体情况")
    doc.paragraphs(_summary(data))
    doc.image(chart_png(data), width_mm=150)
    doc.heading(1, "分单位情况")
    doc.table(f"{data.year}年1—{data.month}月各单位重大项目推进情况", "个、%、万元", ["单位", *[c[1] for c in UNIT_COLUMNS]],
              [[u["name"], *[_fmt(u.get(code), digits) for code, _label, digits in UNIT_COLUMNS]] for u in data.units])
    for heading, items in (("红灯项目", data.red), ("黄灯项目", data.yellow)):
        doc.heading(1, f"{heading}（{len(items)}个）")
        if not items:
            doc.paragraph("无。")
            continue
        doc.table(f"{heading}清单", None, ["项目", "属地单位", "挂包领导", "预警原因"],
                  [[f"{i['name']}（{i['code']}）", i["unit"], i["leader"] or "—", i["reasons"]] for i in items],
                  widths=[4.5, 2.2, 2, 7], align=["l", "c", "c", "l"], landscape=False)
    doc.paragraph("请各属地单位、挂包领导对照红黄灯项目清单，问题早发现、早预警、早处置，按期报送整改情况。")
    doc.colophon(cc=["市委办公室", "市政府办公室"])
    return doc


def to_docx(data: BulletinData, *, today: dt.date | None = None) -> bytes:
    return to_document(data, today=today).to_bytes()


def to_pdf(data: BulletinData, *, today: dt.date | None = None) -> bytes:
    """LibreOffice's PDF of the .docx (fonts embedded, long names wrapped inside their cells)."""
    return gbt9704.to_pdf(to_docx(data, today=today))


def build(year: int, month: int, *, city: OrgUnit | None, fmt: str = "docx", today: dt.date | None = None) -> bytes:
    data = collect(year, month, city=city)
    return to_docx(data, today=today) if fmt == "docx" else to_pdf(data, today=today)


__all__ = ["TOTAL", "BulletinData", "build", "chart_png", "collect", "to_docx", "to_document", "to_pdf"]
