"""Excel import and export of the project list and the monthly reports (openpyxl).

Imports are all-or-nothing: every row is checked first; any error → nothing is saved and
each error names its row, column and reason. The first sheet is read; row 1 holds the
headers (the same as the export writes, so an exported file can be edited and re-imported).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.lib.exports import append_row
from kaohe.lib.numbers import NumberError, field_limit, parse_number
from kaohe.lib.tabular import Column, RowError, Table, TabularError, read_workbook
from kaohe.lib.tabular import text as cell_text
from kaohe.orgs.imports import all_or_nothing
from kaohe.orgs.models import OrgUnit
from kaohe.projects import services
from kaohe.projects.models import MonthlyReport, Project, ProjectLevel, ProjectSource, ProjectType

PROJECT_COLUMNS: list[tuple[str, str]] = [
    ("code", "项目编号"),
    ("name", "项目名称"),
    ("owner_enterprise", "业主单位"),
    ("unit", "属地单位代码"),
    ("industry", "行业"),
    ("ptype", "项目类型"),
    ("level", "项目级别"),
    ("source", "项目来源"),
    ("signed_on", "签约日期"),
    ("total_investment", "总投资（万元）"),
    ("year", "计划年度"),
    ("year_plan", "年度计划投资（万元）"),
    ("leader_name", "挂包领导"),
    ("task_force", "专班"),
    ("tags", "标签"),
    ("planned_start", "计划开工"),
    ("actual_start", "实际开工"),
    ("planned_completion", "计划竣工"),
    ("actual_completion", "实际竣工"),
    ("actual_stats", "列统日期"),
]
EXPORT_ONLY = [("warning_level", "预警"), ("stage", "当前阶段")]
REPORT_COLUMNS: list[tuple[str, str]] = [
    ("code", "项目编号"),
    ("year", "年度"),
    ("month", "月份"),
    ("invest_month", "当月完成投资（万元）"),
    ("invest_ytd", "年度累计完成投资（万元）"),
    ("progress", "形象进度"),
    ("issues", "存在问题"),
]
REQUIRED = {"code", "name", "unit", "total_investment", "year"}
CHOICES = {"ptype": ProjectType, "level": ProjectLevel, "source": ProjectSource}
DATES = {"signed_on", "planned_start", "actual_start", "planned_completion", "actual_completion", "actual_stats"}
MILESTONE_FIELDS = {
    "planned_start": ("started", 0),
    "actual_start": ("started", 1),
    "planned_completion": ("completed", 0),
    "actual_completion": ("completed", 1),
    "actual_stats": ("in_stats", 1),
    "signed_on": ("signed", 1),
}


# The file was refused: ``errors`` (``kaohe.lib.tabular.RowError``) say where and why; nothing saved.
ImportFailed = TabularError


def _header_style(ws) -> None:
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F3")
    ws.freeze_panes = "A2"


def _workbook_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_projects(projects) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "重大项目"
    append_row(ws, [h for _, h in PROJECT_COLUMNS + EXPORT_ONLY])
    for p in projects.select_related("unit", "stage"):
        row: list[Any] = []
        for key, _h in PROJECT_COLUMNS:
            value = getattr(p, key) if key != "unit" else p.unit.code
            if key in CHOICES:
                value = getattr(p, f"get_{key}_display")()
            if isinstance(value, Decimal):
                value = float(value)
            row.append(value)
        row += [p.get_warning_level_display(), p.stage.name if p.stage else ""]
        append_row(ws, row)
    for col, width in zip("ABCDEFGHIJKLMNOPQRSTUV", (14, 30, 24, 12), strict=False):
        ws.column_dimensions[col].width = width
    _header_style(ws)
    return _workbook_bytes(wb)


def export_reports(reports) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "月度进展"
    append_row(ws, [h for _, h in REPORT_COLUMNS] + ["状态"])
    for r in reports.select_related("project"):
        append_row(ws,
            [r.project.code, r.year, r.month, float(r.invest_month), float(r.invest_ytd), r.progress, r.issues, r.get_status_display()]
        )
    _header_style(ws)
    return _workbook_bytes(wb)


MONEY_LIMIT = field_limit(14, 2)  # total_investment, year_plan, invest_month: DecimalField(14, 2)


def _table(data: bytes, columns: list[tuple[str, str]], filename: str) -> Table:
    """The first sheet read through its header row (row 1); refused if a required column is
    missing, a column is duplicated or the header row is blank."""
    required = REQUIRED | {"month", "invest_month"}
    book = read_workbook(data, filename)
    sheet = book.first
    return sheet.table([Column(k, h, required=k in required, max_length=_max_length(k)) for k, h in columns])


_text = cell_text


def _max_length(key: str) -> int | None:
    """The stored text's bound of column ``key`` (a CharField of Project or MonthlyReport)."""
    for model in (Project, MonthlyReport):
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            continue
        return None if field.choices else field.max_length  # a choice is checked against its labels
    return None


def _date(v: Any) -> dt.date | None:
    if v is None or _text(v) == "":
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(_text(v).replace("/", "-"))
    except ValueError:
        raise ValueError(_("日期格式应为YYYY-MM-DD")) from None


def _decimal(v: Any) -> Decimal:
    try:
        d = parse_number(v, max_abs=MONEY_LIMIT)
    except NumberError as exc:
        raise ValueError(f"“{_text(v)}”{exc.reason}") from None
    if d is None:
        raise ValueError(_("应为数字"))
    return d


def _whole(v: Any) -> int:
    """A whole number (计划年度, 月份): 2026.5 is refused, not cut to 2026."""
    d = _decimal(v)
    if d != d.to_integral_value():
        raise ValueError(_("“%(v)s”应为整数") % {"v": _text(v)})
    return int(d)


def _year(v: Any) -> int:
    year = _whole(v)
    if not 2000 <= year <= 2100:
        raise ValueError(_("年度不合理"))
    return year


def _choice(field: str, v: Any) -> str:
    enum = CHOICES[field]
    text = _text(v)
    for value, label in enum.choices:
        if text in (value, str(label)):
            return value
    raise ValueError(_("应为：%(options)s") % {"options": "、".join(str(label) for _, label in enum.choices)})


def import_projects(data: bytes, *, user=None, allowed_unit_ids: set[int] | None = None,
                    filename: str = "projects.xlsx") -> dict[str, int]:
    """Create or update (by 项目编号) every project of the file, or nothing."""
    table = _table(data, PROJECT_COLUMNS, filename)
    errors: list[RowError] = []
    units = {u.code: u for u in OrgUnit.objects.all()}
    # A code already taken by a project outside the importer's scope is refused: updating it
    # would hand another unit's project (and its reports and problems) to the importer.
    existing_units = dict(Project.objects.filter(code__in={_text(table.get(r, "code")) for r in table.rows}).values_list("code", "unit_id"))
    parsed: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for line in table.rows:
        n, raw = line.number, table.record(line)
        clean: dict[str, Any] = {}
        for key, value in raw.items():
            try:
                if key in REQUIRED and _text(value) == "":
                    raise ValueError(_("必填"))
                if key == "unit":
                    unit = units.get(_text(value))
                    if unit is None:
                        raise ValueError(_("单位代码“%(code)s”不存在") % {"code": _text(value)})
                    if allowed_unit_ids is not None and unit.pk not in allowed_unit_ids:
                        raise ValueError(_("无权导入单位“%(name)s”的项目") % {"name": unit.name})
                    clean[key] = unit
                elif key in DATES:
                    clean[key] = _date(value)
                elif key in ("total_investment", "year_plan"):
                    clean[key] = _decimal(value) if _text(value) else Decimal(0)
                    if clean[key] < 0:
                        raise ValueError(_("不能为负数"))
                elif key == "year":
                    clean[key] = _year(value)
                elif key in CHOICES:
                    if _text(value):
                        clean[key] = _choice(key, value)
                else:
                    clean[key] = _text(value)
            except ValueError as exc:
                errors.append(table.error(line, key, str(exc)))
        code = clean.get("code")
        owner_id = existing_units.get(code)
        if owner_id is not None and allowed_unit_ids is not None and owner_id not in allowed_unit_ids:
            errors.append(table.error(line, "code", _("项目编号“%(code)s”已被管辖范围以外的单位使用，不能导入或修改该项目") % {"code": code}))
        if code:
            if code in seen:
                errors.append(table.error(line, "code", _("与第%(row)d行重复") % {"row": seen[code]}))
            seen[code] = n
        if clean.get("actual_start") and clean.get("actual_stats") and clean["actual_stats"] < clean["actual_start"]:
            errors.append(table.error(line, "actual_stats", _("列统日期早于实际开工日期")))
        parsed.append((n, clean))
    if not parsed and not errors:
        errors.append(RowError(table.sheet.label, None, "", _("文件中没有项目"), "the file holds no projects"))

    def save() -> dict[str, int]:
        created = updated = 0
        stage_set = services.default_stage_set()
        stages = {s.code: s for s in stage_set.stages.all()}
        for _n, clean in parsed:
            milestones: dict[str, list] = {}
            for key, (stage_code, idx) in MILESTONE_FIELDS.items():
                if clean.get(key) is not None:
                    milestones.setdefault(stage_code, [None, None])[idx] = clean[key]
            fields = {k: v for k, v in clean.items() if k not in MILESTONE_FIELDS or k == "signed_on"}
            project = Project.objects.filter(code=clean["code"]).first()
            if project is None:
                services.create_project(fields, milestones={k: tuple(v) for k, v in milestones.items()}, user=user)
                created += 1
            else:
                services.update_project(project, fields, user=user, reason="Excel导入")
                for stage_code, (planned, actual) in milestones.items():
                    if stage_code in stages and stages[stage_code].stage_set_id == project.stage_set_id:
                        services.set_milestone(project, stages[stage_code], planned_on=planned, actual_on=actual, user=user)
                updated += 1
        record(
            AuditAction.IMPORT,
            object_type=Project,
            object_repr=f"Excel导入{created + updated}个项目",
            after={"created": created, "updated": updated, "codes": [c["code"] for _, c in parsed][:1000]},
            user=user,
        )
        return {"created": created, "updated": updated}

    return all_or_nothing(errors, save)


def import_reports(data: bytes, *, user=None, allowed_unit_ids: set[int] | None = None,
                   filename: str = "reports.xlsx") -> dict[str, int]:
    """Submit every monthly report of the file (one per project and month), or nothing."""
    table = _table(data, REPORT_COLUMNS, filename)
    errors: list[RowError] = []
    rows = [(line, table.record(line)) for line in table.rows]
    codes = {_text(r.get("code")) for _, r in rows}
    projects = {p.code: p for p in Project.objects.filter(code__in=codes)}
    confirmed = set(
        MonthlyReport.objects.filter(project__code__in=codes, status="confirmed").values_list("project__code", "year", "month")
    )
    parsed = []
    seen: dict[tuple, int] = {}
    for line, raw in rows:
        n = line.number
        code = _text(raw.get("code"))
        project = projects.get(code)
        if project is None:
            errors.append(table.error(line, "code", _("项目“%(code)s”不存在") % {"code": code}))
        elif allowed_unit_ids is not None and project.unit_id not in allowed_unit_ids:
            errors.append(table.error(line, "code", _("无权报送项目“%(code)s”") % {"code": code}))
        try:
            year = _year(raw.get("year"))  # 999999999999 was a 500 on PostgreSQL (integer out of range)
        except ValueError as exc:
            errors.append(table.error(line, "year", str(exc)))
            year = None
        try:
            month = _whole(raw.get("month"))
            if not 1 <= month <= 12:
                raise ValueError
        except ValueError:
            errors.append(table.error(line, "month", _("月份应在1–12之间")))
            month = None
        try:
            amount = _decimal(raw.get("invest_month"))
            if amount < 0:
                errors.append(table.error(line, "invest_month", _("不能为负数")))
        except ValueError as exc:
            errors.append(table.error(line, "invest_month", str(exc)))
            amount = None
        key = (code, year, month)
        if key in seen:
            errors.append(table.error(line, "month", _("与第%(row)d行重复") % {"row": seen[key]}))
        seen[key] = n
        if key in confirmed:
            errors.append(table.error(line, "month", _("该月进展已确认，不能重复报送")))
        parsed.append((n, project, year, month, amount, _text(raw.get("progress")), _text(raw.get("issues"))))
    if not parsed and not errors:
        errors.append(RowError(table.sheet.label, None, "", _("文件中没有月度进展"), "the file holds no monthly reports"))

    def save() -> dict[str, int]:
        for _n, project, year, month, amount, progress, issues in sorted(parsed, key=lambda r: (r[1].pk, r[2], r[3])):
            services.submit_report(project, year, month, amount, progress=progress, issues=issues, user=user)
        return {"reports": len(parsed)}

    return all_or_nothing(errors, save)
