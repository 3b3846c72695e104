"""督办函: the supervision letter for a warned project, in the GB/T 9704 信函格式 (kaohe.lib.gbt9704).

``letter_document`` returns the layout's Document (so the 报告 page can register, number and issue
it); ``supervision_letter`` its .docx. Without a number the letter is a draft: the 发文字号 is left
for the register to assign (numbers are never made up here — no 虚位, no ids).
"""

from __future__ import annotations

import datetime as dt

from kaohe.lib import gbt9704
from kaohe.lib.numbers import number as fmt_number
from kaohe.projects.models import ActionItem, Project, ProjectWarning

LEVEL_ZH = {"red": "红灯", "yellow": "黄灯", "green": "绿灯"}
TARGET_ZH = {"owner_unit": "属地单位", "leader": "挂包领导", "city_leader": "分管市领导"}


def letter_document(project: Project, *, today: dt.date, number: str | None = None,
                    issuer: str = "重大项目推进办公室") -> gbt9704.Document:
    """The letter: the project, its level and reasons in words, who must act and by when."""
    warning = ProjectWarning.objects.filter(project=project, date__lte=today).order_by("-date").first()
    actions = list(ActionItem.objects.filter(project=project, date=warning.date if warning else today).order_by("due_on"))
    doc = gbt9704.Document("重大项目督办函", number=number, issuer=issuer, mark=issuer, addressee=f"{project.unit.name}：",
                           date=today, letter=True, kind="函")
    level = LEVEL_ZH.get(warning.level if warning else project.warning_level, "")
    as_of = warning.date if warning else today
    doc.paragraph(f"根据重大项目监测预警，截至{gbt9704.cn_date(as_of)}，你单位“{project.name}”（编号{project.code}）"
                  f"被列为{level}项目。具体情况如下：")
    reasons = warning.reasons if warning else []
    for i, reason in enumerate(reasons, start=1):
        doc.paragraph(f"{i}. {reason['zh']}")
    if not reasons:
        doc.paragraph("（无预警原因记录）")
    doc.paragraph("请按以下要求抓紧推进，并于期限内书面报告办理结果：")
    doc.table("督办事项", None, ["督办对象", "责任人/单位", "完成时限"],
              [[TARGET_ZH.get(a.target, a.target), a.addressee, gbt9704.cn_date(a.due_on)] for a in actions],
              landscape=False)
    doc.paragraph(
        f"挂包领导：{project.leader_name or '—'}；推进专班：{project.task_force or '—'}；"
        f"总投资{fmt_number(project.total_investment, 0)}万元，年度计划投资{fmt_number(project.year_plan, 0)}万元。"
    )
    doc.paragraph("问题早发现、早预警、早处置；能当日解决的，原则上“事不过夜”。")
    doc.colophon(cc=[project.leader_name] if project.leader_name else [])
    return doc


def supervision_letter(project: Project, *, today: dt.date, number: str | None = None, issuer: str = "重大项目推进办公室") -> bytes:
    return letter_document(project, today=today, number=number, issuer=issuer).to_bytes()
