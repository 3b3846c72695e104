"""督办函: the supervision letter for a warned project, as a .docx (python-docx)."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from kaohe.lib.numbers import number as fmt_number
from kaohe.projects.models import ActionItem, Project, ProjectWarning

LEVEL_ZH = {"red": "红灯", "yellow": "黄灯", "green": "绿灯"}
TARGET_ZH = {"owner_unit": "属地单位", "leader": "挂包领导", "city_leader": "分管市领导"}


def _cjk(document: Document) -> None:
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")


def supervision_letter(project: Project, *, today: dt.date, number: str | None = None, issuer: str = "重大项目推进办公室") -> bytes:
    """The letter: the project, its level and reasons in words, who must act and by when."""
    warning = ProjectWarning.objects.filter(project=project, date__lte=today).order_by("-date").first()
    actions = list(ActionItem.objects.filter(project=project, date=warning.date if warning else today).order_by("due_on"))
    doc = Document()
    _cjk(doc)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("重大项目督办函")
    run.bold = True
    run.font.size = Pt(22)
    no = doc.add_paragraph(number or f"督办〔{today.year}〕{project.pk:04d}号")
    no.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(f"{project.unit.name}：")
    level = LEVEL_ZH.get(warning.level if warning else project.warning_level, "")
    as_of = warning.date if warning else today
    doc.add_paragraph(
        f"根据重大项目监测预警，截至{as_of:%Y年%m月%d日}，你单位“{project.name}”（编号{project.code}）"
        f"被列为{level}项目。具体情况如下："
    )
    reasons = warning.reasons if warning else []
    for i, reason in enumerate(reasons, start=1):
        doc.add_paragraph(f"{i}. {reason['zh']}")
    if not reasons:
        doc.add_paragraph("（无预警原因记录）")
    doc.add_paragraph("请按以下要求抓紧推进，并于期限内书面报告办理结果：")
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("督办对象", "责任人/单位", "完成时限"), strict=True):
        cell.text = text
    for action in actions:
        cells = table.add_row().cells
        cells[0].text = TARGET_ZH.get(action.target, action.target)
        cells[1].text = action.addressee
        cells[2].text = f"{action.due_on:%Y年%m月%d日}"
    doc.add_paragraph(
        f"挂包领导：{project.leader_name or '—'}；推进专班：{project.task_force or '—'}；"
        f"总投资{fmt_number(project.total_investment, 0)}万元，年度计划投资{fmt_number(project.year_plan, 0)}万元。"
    )
    doc.add_paragraph("问题早发现、早预警、早处置；能当日解决的，原则上“事不过夜”。")
    sign = doc.add_paragraph(f"{issuer}\n{today:%Y年%m月%d日}")
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
