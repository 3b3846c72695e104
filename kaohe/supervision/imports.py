"""Excel import of a batch of tasks (e.g. a meeting's 任务分解表): one reader (``kaohe.lib.tabular``),
all or nothing (``kaohe.orgs.imports``), every bad row named with its column and reason.

Columns: 督查事项 (required), 牵头单位 (code or name, required), 配合单位 (、-separated), 责任领导,
来源 (会议纪要/领导批示/上级公文/考核发现/手工录入), 缓急 (急件/非急件/难件), 来源文号, 办理时限（工作日）,
工作要求, 进展报送频次 (每日/每周/每月).
"""

from __future__ import annotations

import datetime as dt

from kaohe.lib.tabular import Column, RowError, read_workbook, text
from kaohe.orgs.imports import all_or_nothing
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.scope import scope_unit_ids
from kaohe.supervision import services
from kaohe.supervision.models import MAX_LIMIT_WORKDAYS, Cadence, SourceKind, Urgency

COLUMNS = [
    Column("title", "督查事项", ("事项", "任务", "title"), required=True, max_length=300),
    Column("lead", "牵头单位", ("责任单位", "lead_unit"), required=True),
    Column("co", "配合单位", ("co_units",)),
    Column("leader", "责任领导", ("leader",), max_length=50),
    Column("source", "来源", ("立项来源", "source")),
    Column("urgency", "缓急", ("urgency",)),
    Column("ref", "来源文号", ("文号", "出处", "reference"), max_length=200),
    Column("limit", "办理时限（工作日）", ("办理时限", "时限", "limit")),
    Column("content", "工作要求", ("内容", "content")),
    Column("cadence", "进展报送频次", ("报送频次", "cadence")),
]
TEMPLATE_HEADERS = [c.label for c in COLUMNS]
_SOURCES = {str(label): value for value, label in SourceKind.choices} | {v: v for v in SourceKind.values}
_URGENCY = {str(label): value for value, label in Urgency.choices} | {v: v for v in Urgency.values}
_CADENCE = {str(label): value for value, label in Cadence.choices if value} | {v: v for v in Cadence.values if v}


def _unit(value: str, units: dict[str, OrgUnit]) -> OrgUnit | None:
    return units.get(value.strip())


def import_tasks(name: str, content: bytes, *, user, default_source: str = SourceKind.MEETING, source_ref: str = "",
                 assign: bool = False, now: dt.datetime | None = None) -> list:
    """Create every row's task (and 交办 them when ``assign``), or none; raises TabularError."""
    table = read_workbook(content, name).first.table(COLUMNS)
    scope = scope_unit_ids(user)
    units: dict[str, OrgUnit] = {}
    for unit in OrgUnit.objects.filter(pk__in=scope):
        units[unit.code] = unit
        units.setdefault(unit.name, unit)
        if unit.short_name:
            units.setdefault(unit.short_name, unit)
    rows, errors = [], []
    for row in table.rows:
        title = text(table.get(row, "title"))
        if not title:
            if not any(text(v) for v in row.values):
                continue
            errors.append(table.error(row, "title", "请填写督查事项", "the task is missing"))
            continue
        lead_text = text(table.get(row, "lead"))
        lead = _unit(lead_text, units)
        if lead is None:
            errors.append(table.error(row, "lead", f"“{lead_text}”不是你管辖范围内的单位（填单位代码或名称）",
                                      f"'{lead_text}' is not a unit in your scope"))
            continue
        co = []
        bad = False
        for part in [p for p in text(table.get(row, "co")).replace("，", "、").replace(",", "、").split("、") if p.strip()]:
            unit = _unit(part, units)
            if unit is None:
                errors.append(table.error(row, "co", f"配合单位“{part}”不在你的管辖范围内", f"co-unit '{part}' is not in your scope"))
                bad = True
            else:
                co.append(unit)
        source = _SOURCES.get(text(table.get(row, "source")) or default_source)
        if source is None:
            errors.append(table.error(row, "source", f"来源“{text(table.get(row, 'source'))}”应为会议纪要、领导批示、上级公文、考核发现或手工录入",
                                      "unknown source"))
            continue
        urgency_text = text(table.get(row, "urgency"))
        urgency = _URGENCY.get(urgency_text, "") if urgency_text else ""
        if urgency_text and not urgency:
            errors.append(table.error(row, "urgency", f"缓急“{urgency_text}”应为急件、非急件或难件", "urgency: 急件/非急件/难件"))
            continue
        limit_text = text(table.get(row, "limit"))
        limit = None
        if limit_text:
            # Bounded as the form and the API bound it: 2**63 was a 500 (integer out of range).
            try:
                limit = int(limit_text)
                if not 1 <= limit <= MAX_LIMIT_WORKDAYS:
                    raise ValueError
            except ValueError:
                errors.append(table.error(row, "limit", f"办理时限“{limit_text[:20]}”应为 1–{MAX_LIMIT_WORKDAYS} 之间的整数（工作日）",
                                          f"the limit must be a whole number of working days from 1 to {MAX_LIMIT_WORKDAYS}"))
                continue
        cadence_text = text(table.get(row, "cadence"))
        cadence = _CADENCE.get(cadence_text, None) if cadence_text else ""
        if cadence is None:
            errors.append(table.error(row, "cadence", f"报送频次“{cadence_text}”应为每日、每周或每月", "cadence: 每日/每周/每月"))
            continue
        if bad:
            continue
        rows.append(dict(title=title, lead_unit=lead, co_units=co, leader_name=text(table.get(row, "leader")), source_kind=source,
                         urgency=urgency, source_ref=text(table.get(row, "ref")) or source_ref, limit_workdays=limit,
                         content=text(table.get(row, "content")), cadence=cadence))
    if not errors and not rows:
        errors.append(RowError(table.sheet.label, None, "", "没有事项行", "no task rows"))

    def save():
        made = []
        for r in rows:
            kind = r.pop("source_kind")
            made.append(services.create_task(kind, None, user=user, assign=assign, now=now, **r))
        return made

    return all_or_nothing(errors, save)
