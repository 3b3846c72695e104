"""Excel round trip: the enterprise register in (all or nothing, each bad row named) and out, requests out.

Import columns (first row the header, the same as the export): 统一社会信用代码, 企业名称, 行业, 规模
(规上/规下), 所在单位 (unit code), 服务专员 (user name), 服务专班, 联系人, 联系电话, 联系邮箱, 重点企业
(是/否). Rows are added or updated by credit code; a code that fails the GB 32100 check, a unit
outside the importer's scope or an unknown specialist refuses the whole file.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.enterprise import services
from kaohe.enterprise.models import Enterprise, Size
from kaohe.lib import creditcode
from kaohe.lib.exports import Table
from kaohe.lib.tabular import Column, RowError, read_workbook, text
from kaohe.orgs.imports import all_or_nothing
from kaohe.orgs.models import OrgUnit

COLUMNS = [
    Column("credit_code", "统一社会信用代码", ("信用代码", "credit code"), required=True),
    Column("name", "企业名称", ("名称", "name"), required=True, max_length=200),
    Column("industry", "行业", ("industry",), max_length=60),
    Column("size", "规模", ("规上/规下", "size")),
    Column("unit", "所在单位", ("所在单位代码", "unit")),
    Column("specialist", "服务专员", ("specialist",)),
    Column("task_force", "服务专班", ("专班", "task force"), max_length=100),
    Column("contact_name", "联系人", ("contact",), max_length=50),
    Column("contact_phone", "联系电话", ("phone",), max_length=30),
    Column("contact_email", "联系邮箱", ("email",), max_length=254),
    Column("is_key", "重点企业", ("key",)),
]
_SIZES = {"规上": Size.ABOVE, "规下": Size.BELOW, "above": Size.ABOVE, "below": Size.BELOW, "": Size.BELOW}
_YES = {"是": True, "否": False, "yes": True, "no": False, "1": True, "0": False, "": False}


def register_table(rows) -> Table:
    data = [(e.credit_code, e.name, e.industry, e.get_size_display(), e.unit.code,
             e.specialist.get_username() if e.specialist else "", e.task_force, e.contact_name, e.contact_phone,
             e.contact_email, "是" if e.is_key else "否") for e in rows]
    return Table("企业名录", [c.label for c in COLUMNS], data)


def import_register(content: bytes, filename: str, *, allowed_unit_ids: set[int] | None, user=None) -> dict[str, int]:
    table = read_workbook(content, filename).first.table(COLUMNS)
    units = {u.code: u for u in OrgUnit.objects.all()}
    users = {u.get_username(): u for u in get_user_model().objects.filter(
        username__in=[text(table.get(r, "specialist")) for r in table.rows])}
    existing = {e.credit_code: e for e in Enterprise.objects.filter(
        credit_code__in=[creditcode.normalise(text(table.get(r, "credit_code"))) for r in table.rows])}
    errors: list[RowError] = []
    parsed: list[dict] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        code = creditcode.normalise(text(table.get(row, "credit_code")))
        why = creditcode.problem(code)
        if why:
            errors.append(table.error(row, "credit_code", why, f"'{code}' is not a valid unified social credit code"))
            continue
        if code in seen:
            errors.append(table.error(row, "credit_code", f"与第{seen[code]}行重复", f"repeats row {seen[code]}"))
            continue
        seen[code] = row.number
        name = text(table.get(row, "name"))
        if not name:
            errors.append(table.error(row, "name", "请填写企业名称", "the name is missing"))
            continue
        unit_code = text(table.get(row, "unit"))
        unit = units.get(unit_code)
        if unit is None and code in existing:
            unit = existing[code].unit
        if unit is None:
            errors.append(table.error(row, "unit", f"单位代码“{unit_code}”不存在", f"no unit '{unit_code}'"))
            continue
        if allowed_unit_ids is not None and unit.pk not in allowed_unit_ids:
            errors.append(table.error(row, "unit", f"{unit.name}不在本单位管辖范围内", f"{unit.code} is outside your scope"))
            continue
        size = text(table.get(row, "size")).lower()
        if size not in _SIZES:
            errors.append(table.error(row, "size", f"“{size}”应为“规上”或“规下”", f"'{size}' should be 规上 or 规下"))
            continue
        specialist_name = text(table.get(row, "specialist"))
        specialist = users.get(specialist_name) if specialist_name else None
        if specialist_name and specialist is None:
            errors.append(table.error(row, "specialist", f"用户“{specialist_name}”不存在", f"no user '{specialist_name}'"))
            continue
        key = text(table.get(row, "is_key")).lower()
        if key not in _YES:
            errors.append(table.error(row, "is_key", f"“{key}”应为“是”或“否”", f"'{key}' should be 是 or 否"))
            continue
        # Texts longer than their fields were refused by the table (named), not cut here in silence.
        parsed.append({"credit_code": code, "name": name, "industry": text(table.get(row, "industry")),
                       "size": _SIZES[size], "unit": unit, "specialist": specialist,
                       "task_force": text(table.get(row, "task_force")),
                       "contact_name": text(table.get(row, "contact_name")),
                       "contact_phone": text(table.get(row, "contact_phone")),
                       "contact_email": text(table.get(row, "contact_email")), "is_key": _YES[key]})
    if not errors and not parsed:
        errors.append(RowError(table.sheet.label, None, "", "没有企业行", "no enterprise rows"))

    def save() -> dict[str, int]:
        created = updated = 0
        now = timezone.now()
        for data in parsed:
            ent = existing.get(data["credit_code"])
            if ent is None:
                services.register_enterprise(data, user=user)
                created += 1
                continue
            changed = {k: v for k, v in data.items() if getattr(ent, k) != v}
            if changed:
                before = {k: str(getattr(ent, k)) for k in changed}
                for k, v in changed.items():
                    setattr(ent, k, v)
                ent.save()
                record(AuditAction.UPDATE, ent, before=before, after={k: str(v) for k, v in changed.items()}, user=user,
                       reason=f"导入 {filename} {now:%Y-%m-%d}")
                updated += 1
        return {"created": created, "updated": updated}

    return all_or_nothing(errors, save)


REQUEST_COLUMNS = ["工单号", "企业名称", "统一社会信用代码", "诉求类型", "紧急程度", "诉求事项", "受理渠道", "首问单位", "承办单位",
                   "办理层级", "状态", "受理时间", "首次响应时间", "答复时间", "办结时间", "办结时限", "办理轮次", "退回次数",
                   "满意度", "督办时间"]


def requests_table(rows) -> Table:
    def t(v):
        return timezone.localtime(v).strftime("%Y-%m-%d %H:%M") if v else ""

    data = [(r.number, r.enterprise.name, r.enterprise.credit_code, r.get_rtype_display(), r.get_urgency_display(), r.title,
             r.get_channel_display(), r.first_unit.name, r.handler_unit.name if r.handler_unit else "",
             r.get_level_display(), r.get_status_display(), t(r.received_at), t(r.responded_at), t(r.replied_at),
             t(r.closed_at), t(r.due_at), r.round, r.handbacks, r.get_satisfaction_display(), t(r.escalated_at)) for r in rows]
    return Table("企业诉求", REQUEST_COLUMNS, data)
