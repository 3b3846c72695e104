"""招商引资季度通报: the content (paragraphs and tables from the figures) and its .docx/PDF.

``content`` builds the text from data with sentence templates; ``to_docx`` lays it out. The
layout is the one GB/T 9704 writer's (``kaohe.lib.gbt9704``: 仿宋 body, 黑体 headings numbered 一、,
tables captioned 表N with their unit, 版记); ``draft`` stores it in the documents register (文种
``attraction``, prefix 招商) where the office edits, numbers (招商〔2026〕N号) and issues it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kaohe.attraction import figures
from kaohe.attraction.models import (
    AttractionProject,
    Event,
    EventKind,
    EventStatus,
    Milestone,
    Stage,
)
from kaohe.lib.numbers import number, yiyuan
from kaohe.orgs.models import OrgUnit, UnitKind
from kaohe.orgs.scope import subtree_ids

UNIT_KINDS = [UnitKind.DISTRICT, UnitKind.NEW_AREA, UnitKind.DEV_ZONE, UnitKind.HIGH_TECH_PARK, UnitKind.TOWN,
              UnitKind.STREET]


class ConversionError(RuntimeError):
    """LibreOffice is missing or failed."""


@dataclass
class Bulletin:
    title: str
    issuer: str
    addressee: str
    date: dt.date
    blocks: list[tuple] = field(default_factory=list)  # ("heading", level, text) | ("paragraph", text) | ("table", caption, unit, headers, rows)


def quarter_end(year: int, quarter: int) -> dt.date:
    month = quarter * 3
    return dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)


def _fmt(value, digits=1, unit="%") -> str:
    return "—" if value is None else f"{number(value, digits)}{unit}"


def content(root: OrgUnit, year: int, quarter: int, user=None, *, today: dt.date | None = None) -> Bulletin:
    end = quarter_end(year, quarter)
    day = min(end, today or dt.date.today())
    units = list(OrgUnit.objects.filter(parent=root, kind__in=UNIT_KINDS, is_active=True).order_by("sort_order", "code"))
    values = figures.compute({root.code: root.pk, **{u.code: u.pk for u in units}}, year, day)

    def v(code, key):
        return values.get((code, key))

    b = Bulletin(title=f"关于{year}年第{quarter}季度{root.name}招商引资工作情况的通报", issuer=f"{root.name}招商引资工作领导小组办公室",
                 addressee="各区（县）、功能区，市各有关部门：" if root.kind == UnitKind.CITY else "各镇（街道）、园区，区各有关部门：",
                 date=day)
    r = root.code
    b.blocks.append(("paragraph", f"现将{year}年1—{quarter * 3}月全{'市' if root.kind == UnitKind.CITY else '区'}招商引资工作情况通报如下。"))
    b.blocks.append(("heading", 1, "总体情况"))
    b.blocks.append(("paragraph",
                     f"截至{day.month}月{day.day}日，新签约项目{v(r, 'signed_projects')}个、计划总投资{yiyuan(v(r, 'zs_signed_amount'))}，"
                     f"其中亿元以上{v(r, 'signed_1e8')}个、10亿元以上{v(r, 'signed_1e9')}个、50亿元以上{v(r, 'signed_5e9')}个、"
                     f"100亿元以上{v(r, 'signed_1e10')}个。签约项目落地率{_fmt(v(r, 'zs_land_rate'))}，落地项目开工率"
                     f"{_fmt(v(r, 'zs_start_rate'))}，开工项目入统率{_fmt(v(r, 'zs_stats_rate'))}；落地项目计划总投资"
                     f"{yiyuan(v(r, 'zs_landed_amount'))}。举办招商活动{v(r, 'zs_events_held')}场，"
                     f"综合性和专题招商活动计划完成率{_fmt(v(r, 'zs_events_rate'))}。"))
    b.blocks.append(("heading", 1, "各地进展"))
    rows = []
    for u in units:
        c = u.code
        rows.append([u.name, number(v(c, "signed_projects")), number(v(c, "signed_1e8")),
                     number((v(c, "zs_signed_amount") or 0) / 10000, 2), _fmt(v(c, "zs_land_rate"), unit=""),
                     _fmt(v(c, "zs_start_rate"), unit=""), number(v(c, "zs_events_held")),
                     _fmt(v(c, "zs_bundle_rate"), unit="")])
    ranked = sorted(units, key=lambda u: (-(v(u.code, "signed_1e8") or 0), -(v(u.code, "zs_signed_amount") or 0)))
    if ranked:
        top = "、".join(u.name for u in ranked[:3])
        b.blocks.append(("paragraph", f"亿元以上签约项目数居前三位的是{top}。各地情况见表1。"))
    b.blocks.append(("table", "各地招商引资主要指标完成情况", "个、亿元、%、场",
                     ["单位", "签约项目", "亿元以上", "计划总投资", "落地率", "开工率", "活动场次", "任务包完成率"], rows))
    b.blocks.append(("heading", 1, "存在问题"))
    tree = subtree_ids(root)
    stale = AttractionProject.objects.filter(unit_id__in=tree, stage__in=[Stage.SIGNED, Stage.REGISTERED],
                                             signed_on__lte=day - dt.timedelta(days=180), status="active").count()
    pending = Milestone.objects.filter(project__unit_id__in=tree, hold="unconfirmed", on__lte=day).count()
    rush = Milestone.objects.filter(project__unit_id__in=tree, hold="rush").count()
    main_held = Event.objects.filter(unit_id__in=tree, year=year, status=EventStatus.HELD, held_on__lte=day,
                                     kind__in=[EventKind.COMPREHENSIVE, EventKind.THEMATIC]).count()
    b.blocks.append(("paragraph", f"一是签约不落地问题仍然存在，签约超过6个月仍未落地的项目{stale}个。"
                                  f"二是部分节点认定滞后，已登记待认定的节点{pending}个。"
                                  f"三是{'存在疑似突击上报节点' + str(rush) + '个，须逐一核实' if rush else '未发现突击上报'}。"
                                  f"四是综合性和专题招商活动已举办{main_held}场，须按年度计划推进。"))
    b.blocks.append(("heading", 1, "下步要求"))
    b.blocks.append(("paragraph", "各地要聚焦“赛马榜”，拼招商比成效，严格执行准入评估，强化签约项目跟踪服务，推动签约项目早落地、"
                                  "落地项目早开工、开工项目早入统，破解签约不落地、落地难竣工、竣工难列统问题；如实报送项目信息，"
                                  "杜绝突击上报、虚报瞒报。招商实绩与干部任用及绩效考核挂钩。"))
    return b


def document(bulletin: Bulletin, *, number: str | None = None):
    """The bulletin laid out by the one GB/T 9704 writer (``kaohe.lib.gbt9704``)."""
    from kaohe.lib import gbt9704

    doc = gbt9704.Document(bulletin.title, number=number, issuer=bulletin.issuer, addressee=bulletin.addressee,
                           date=bulletin.date, kind="通报")
    for block in bulletin.blocks:
        if block[0] == "heading":
            doc.heading(block[1], block[2])
        elif block[0] == "paragraph":
            doc.paragraph(block[1])
        else:
            _kind, caption, unit, headers, rows = block
            doc.table(caption, unit, headers, rows)
    doc.colophon(printer=bulletin.issuer, date=bulletin.date)
    return doc


def to_docx(bulletin: Bulletin) -> bytes:
    return document(bulletin).to_bytes()


def to_pdf(docx: bytes) -> bytes:
    from kaohe.lib import gbt9704

    try:
        return gbt9704.to_pdf(docx)
    except gbt9704.ConversionError as exc:
        raise ConversionError(str(exc)) from None


def draft(root: OrgUnit, year: int, quarter: int, *, user=None):
    """Store the bulletin as a draft in the documents register (re-drafting replaces the draft)."""
    from kaohe.documents import services as documents

    return documents.draft(kind="attraction", unit=root, period=f"{year}Q{quarter}",
                           document=document(content(root, year, quarter, user)), user=user)
