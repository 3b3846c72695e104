"""Excel round trip (and CSV, the same path): the pre-filled template of a period and its upload.

The template's sheet 数据 has one row per assessed unit and one column per indicator the
responsible unit owns: row 1 the indicator codes (read back), row 2 names, row 3 units of
measure, data from row 4. Headers and the unit columns are locked (sheet protection without
a password: it prevents accidents, not people); data cells carry Excel data validation. A
sheet 填报说明 explains the rules; a hidden sheet _meta names the scheme version, period,
responsible unit and the moment the template was made (to detect cells changed since).

Uploads are read by the one reader (``kaohe.lib.tabular``: bounded, formula cells without a
cached value and duplicated indicator columns are named errors) and parsed by the one number
parser (``kaohe.lib.numbers``: "5,1" is refused, not read as 51). A CSV may be the template's
wide form or the long form ``unit, indicator, value[, period]`` with the headers ``kaohe score``
accepts (单位/指标/数值 …). Upload problems name the sheet, row, column and reason. Nothing is
saved unless the whole file is clean, or the user confirms saving only the clean rows.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kaohe.assessment import services, sources
from kaohe.assessment.models import DataValue, IndicatorSpec, Period, SchemeVersion
from kaohe.lib.exports import text_cell
from kaohe.lib.numbers import NumberError, field_limit, parse_number, plain
from kaohe.lib.periods import parse_period
from kaohe.lib.tabular import (
    INDICATOR,
    NAME,
    PERIOD,
    UNIT,
    VALUE,
    WEB,
    Limits,
    RowError,
    Sheet,
    TabularError,
    alias_map,
    column_letter,
    header_key,
    read_workbook,
)
from kaohe.lib.tabular import text as cell_text
from kaohe.orgs.imports import rehearse
from kaohe.orgs.models import OrgUnit

DATA_SHEET = "数据"
HELP_SHEET = "填报说明"
META_SHEET = "_meta"
FIRST_DATA_ROW = 4
FIRST_VALUE_COL = 3  # C
VALUE_LIMIT = field_limit(24, 6)  # DataValue.value


# One problem of an upload: sheet, row, column, reason (``kaohe.lib.tabular``'s one error type).
Problem = RowError


@dataclass
class ImportOutcome:
    """What an upload did: problems (nothing saved unless ``saved``), warnings, counts."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    saved: int = 0
    unchanged: int = 0
    skipped_rows: list[int] = field(default_factory=list)
    values_read: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _col(index: int) -> str:
    """1 → "A" (openpyxl's 1-based column numbers)."""
    return column_letter(index - 1)


# ---- template ---------------------------------------------------------------------------------


def template_workbook(version: SchemeVersion, period: Period, responsible_unit: OrgUnit) -> bytes:
    """The pre-filled template for one responsible unit and period (.xlsx bytes)."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    specs = services.due_indicators(version, period, responsible_unit)
    units = services.assessed_units(version)
    stored = {
        (u, i): v for u, i, v in DataValue.objects.filter(version=version, period=period, indicator__in=[s.code for s in specs])
        .values_list("unit_id", "indicator", "value")
    }
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    header_fill = PatternFill("solid", fgColor="DDE7F3")
    bold = Font(bold=True)
    text_cell(ws, 1, 1, _("单位代码"))
    text_cell(ws, 1, 2, _("单位名称"))
    text_cell(ws, 2, 2, _("指标名称"))
    text_cell(ws, 3, 2, _("计量单位"))
    for j, spec in enumerate(specs, start=FIRST_VALUE_COL):
        text_cell(ws, 1, j, spec.code)
        text_cell(ws, 2, j, spec.name).alignment = Alignment(wrap_text=True)
        text_cell(ws, 3, j, spec.unit_of_measure)
        ws.column_dimensions[_col(j)].width = 14
    for r in range(1, FIRST_DATA_ROW):
        for c in range(1, len(specs) + FIRST_VALUE_COL):
            cell = ws.cell(r, c)
            cell.fill = header_fill
            cell.font = bold
    ws.row_dimensions[2].height = 42
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 18
    unlocked = Protection(locked=False)
    last_row = FIRST_DATA_ROW + len(units) - 1
    for i, unit in enumerate(units):
        r = FIRST_DATA_ROW + i
        text_cell(ws, r, 1, unit.code)
        text_cell(ws, r, 2, unit.name)
        for j, spec in enumerate(specs, start=FIRST_VALUE_COL):
            value = stored.get((unit.pk, spec.code))
            cell = ws.cell(r, j, float(value) if value is not None else None)
            cell.protection = unlocked
    for j, spec in enumerate(specs, start=FIRST_VALUE_COL):
        rules = spec.rules or {}
        kind = "whole" if rules.get("integer") else "decimal"
        low = rules.get("min", None if rules.get("allow_negative") else 0)
        high = rules.get("max")
        if low is None and high is None:
            continue
        if high is None:
            dv = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=str(low))
        elif low is None:
            dv = DataValidation(type=kind, operator="lessThanOrEqual", formula1=str(high))
        else:
            dv = DataValidation(type=kind, operator="between", formula1=str(low), formula2=str(high))
        dv.error = _("请输入符合要求的数值")
        dv.errorTitle = spec.name
        dv.showErrorMessage = True
        dv.add(f"{_col(j)}{FIRST_DATA_ROW}:{_col(j)}{max(last_row, FIRST_DATA_ROW)}")
        ws.add_data_validation(dv)
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, FIRST_VALUE_COL)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False

    help_ws = wb.create_sheet(HELP_SHEET)
    lines = [
        _("%(ru)s · %(p)s 数据填报模板") % {"ru": responsible_unit.name, "p": period.label},
        _("方案：%(s)s (第%(n)s版)") % {"s": version.scheme.name, "n": version.number},
        _("填报截止：%(d)s") % {"d": period.deadline.isoformat()},
        "",
        _("1. 只在“数据”表的白色单元格中填写数值；表头、单位代码和名称已锁定，请勿修改。"),
        _("2. 数值不要带单位或千分位；空白表示未填报。"),
        _("3. 累计值指 1–N 月累计数，不得小于上月累计。"),
        _("4. 上传时文件须整体无误才会保存；也可以确认只保存无误的行。"),
        _("5. 与上期或上年同期相比变动过大的数值需在网页上填写说明。"),
        "",
        _("指标代码"), _("指标名称"), _("计量单位"), _("数值类型"), _("规则"),
    ]
    for line in lines[:10]:
        help_ws.append([line])
    help_ws.append(lines[10:])
    for spec in specs:
        rules = spec.rules or {}
        desc = []
        if rules.get("integer"):
            desc.append(_("整数"))
        if "min" in rules or "max" in rules:
            desc.append(_("范围 %(lo)s ~ %(hi)s") % {"lo": rules.get("min", "-∞"), "hi": rules.get("max", "+∞")})
        elif not rules.get("allow_negative"):
            desc.append(_("不得为负"))
        if rules.get("part_of"):
            desc.append(_("不大于 %(t)s") % {"t": rules["part_of"]})
        help_ws.append([spec.code, spec.name, spec.unit_of_measure, spec.get_value_kind_display(), "；".join(desc)])
    help_ws.column_dimensions["A"].width = 16
    help_ws.column_dimensions["B"].width = 30
    help_ws.column_dimensions["E"].width = 30
    meta = wb.create_sheet(META_SHEET)
    meta.append(["version", version.pk])
    meta.append(["period", period.code])
    meta.append(["responsible_unit", responsible_unit.code])
    meta.append(["generated_at", timezone.now().isoformat()])
    meta.sheet_state = "hidden"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---- reading uploads ----------------------------------------------------------------------------


@dataclass
class _Cell:
    row: int
    column: str
    unit_code: str
    indicator: str
    raw: object


def _read(data: bytes, filename: str, outcome: ImportOutcome, limits: Limits) -> tuple[Sheet, dict[str, str]] | None:
    """The data sheet (the whole file for a CSV) and the template's meta sheet, through the one reader."""
    try:
        book = read_workbook(data, filename, sheets=(DATA_SHEET, META_SHEET), limits=limits)
        sheet = book.first if book.is_csv else book.sheet(DATA_SHEET, required=False)
    except TabularError as exc:
        outcome.problems.extend(exc.errors)
        return None
    if sheet is None:
        outcome.problems.append(Problem(_("文件"), None, "", _("缺少工作表“%(s)s”，请使用下载的模板") % {"s": DATA_SHEET}))
        return None
    meta: dict[str, str] = {}
    for row in book.sheets[META_SHEET].rows if META_SHEET in book.sheets else ():
        if row.get(0) is not None:
            meta[str(row.get(0))] = cell_text(row.get(1))
    return sheet, meta


def _cells_wide(sheet: Sheet, outcome: ImportOutcome) -> list[_Cell]:
    head = sheet.row(1)
    codes: dict[int, str] = {}
    first_col: dict[str, int] = {}
    for j, value in enumerate(head.values if head else []):
        code = cell_text(value)
        if j < FIRST_VALUE_COL - 1 or not code:
            continue
        if code in first_col:
            outcome.problems.append(Problem(sheet.label, 1, column_letter(j), _("指标 %(c)s 的列重复（已在 %(f)s 列）") % {
                "c": code, "f": column_letter(first_col[code])}, f"indicator {code} appears twice (also column {column_letter(first_col[code])})"))
            continue
        first_col[code] = j
        codes[j] = code
    if not codes:
        outcome.problems.append(Problem(sheet.label, 1, "", _("表头为空：第1行应为单位代码和指标代码（请使用下载的模板）"),
                                        "the header row is blank: row 1 must hold the unit code and the indicator codes"))
        return []
    data_start = FIRST_DATA_ROW
    # A CSV without the name/unit rows starts its data on row 2.
    second = sheet.row(2)
    if second is None or cell_text(second.get(1)) not in (_("指标名称"), "指标名称"):
        data_start = 2
    cells = []
    for row in sheet.rows:
        if row.number < data_start:
            continue
        unit_code = cell_text(row.get(0))
        for j, code in codes.items():
            cells.append(_Cell(row.number, column_letter(j), unit_code, code, row.get(j)))
    return cells


LONG_COLUMNS = (UNIT.but(required=True), INDICATOR.but(required=True), VALUE.but(required=True), PERIOD, NAME)


def _is_long(sheet: Sheet) -> bool:
    head = sheet.row(1)
    keys = {alias_map(LONG_COLUMNS).get(header_key(v)) for v in (head.values if head else [])}
    return {"indicator", "value"} <= keys


def _cells_long(sheet: Sheet, outcome: ImportOutcome, period: Period) -> list[_Cell]:
    try:
        table = sheet.table(LONG_COLUMNS, keep_cell_errors=True)  # named below with the wide form's
    except TabularError as exc:
        outcome.problems.extend(exc.errors)
        return []
    cells = []
    for row in table.rows:
        written = cell_text(table.get(row, "period")) if "period" in table.index else ""
        if written and parse_period(written) != period.value:
            outcome.problems.append(table.error(row, "period", _("期间 %(f)s 不是本期（%(p)s）") % {
                "f": written, "p": period.label}))
            continue
        cells.append(_Cell(row.number, table.letter("value"), cell_text(table.get(row, "unit")),
                           cell_text(table.get(row, "indicator")), table.get(row, "value")))
    return cells


def import_values(data: bytes, filename: str, *, user, version: SchemeVersion, period: Period,
                  responsible_unit: OrgUnit | None, partial: bool = False, limits: Limits = WEB) -> ImportOutcome:
    """Read an .xlsx template or a CSV and save its values through ``services.save_values``.

    ``responsible_unit`` limits the indicators to those it owns (None: the office, any).
    """
    outcome = ImportOutcome()
    is_csv = filename.lower().endswith(".csv")
    read = _read(data, filename, outcome, limits)
    if read is None:
        return outcome
    data_sheet, meta = read
    sheet = data_sheet.label
    made_for = parse_period(meta.get("period")) if meta.get("period") else period.value
    if made_for != period.value:
        outcome.problems.append(Problem(META_SHEET, None, "", _("该文件是 %(f)s 的模板，不是本期 (%(p)s)") % {
            "f": made_for.label(get_language()) if made_for else meta["period"], "p": period.label}))
        return outcome
    long_form = _is_long(data_sheet)
    cells = _cells_long(data_sheet, outcome, period) if long_form else _cells_wide(data_sheet, outcome)
    # Cells Excel could not give a value (a formula never calculated, #DIV/0!) are named problems.
    outcome.problems.extend(data_sheet.errors)
    if outcome.problems and not cells:
        return outcome
    specs = {s.code: s for s in IndicatorSpec.objects.filter(version=version, is_collected=True)}
    unit_ids = {u.code: u.pk for u in services.assessed_units(version)}
    items: list[services.ValueInput] = []
    where: dict[tuple[int, str], _Cell] = {}
    reported_cols: set[str] = set()
    bad_unit_rows: set[int] = set()
    col_ok: dict[tuple[str, str], bool] = {}
    for cell in cells:
        if cell.raw is None or cell.raw == "":
            continue
        sourced = specs.get(cell.indicator)
        if sourced is not None and sourced.source:
            if f"{cell.column}:{cell.indicator}" not in reported_cols:
                reported_cols.add(f"{cell.column}:{cell.indicator}")
                outcome.problems.append(Problem(sheet, 1 if not long_form else cell.row, cell.column, sources.entry_refused(sourced)))
            continue
        ok = col_ok.get((cell.column, cell.indicator))
        if ok is None:
            spec = specs.get(cell.indicator)
            ok = spec is not None and spec.frequency == period.frequency and (
                responsible_unit is None or spec.responsible_unit_id == responsible_unit.pk)
            if not long_form:
                col_ok[(cell.column, cell.indicator)] = ok
        if ok:
            spec = None  # checked for this column already
        else:
            spec = specs.get(cell.indicator)
        col_key = f"{cell.column}:{cell.indicator}"
        if not ok and (spec is None or spec.frequency != period.frequency):
            if col_key not in reported_cols:
                reported_cols.add(col_key)
                outcome.problems.append(Problem(sheet, 1 if not long_form or cell.row == 1 else cell.row, cell.column, _("未知指标或不在本期报送：%(c)s") % {"c": cell.indicator}))
            continue
        if not ok:
            if col_key not in reported_cols:
                reported_cols.add(col_key)
                outcome.problems.append(Problem(sheet, 1 if not long_form else cell.row, cell.column, _("指标 %(c)s 不由本单位负责填报") % {"c": cell.indicator}))
            continue
        unit_id = unit_ids.get(cell.unit_code)
        if unit_id is None:
            if cell.raw not in (None, "") and cell.row not in bad_unit_rows:
                bad_unit_rows.add(cell.row)
                outcome.problems.append(Problem(sheet, cell.row, "A" if not long_form else "", _("未知单位：%(u)s") % {"u": cell.unit_code or _("(空)")}))
            continue
        try:
            value = parse_number(cell.raw, max_abs=VALUE_LIMIT)
        except NumberError as exc:
            outcome.problems.append(Problem(sheet, cell.row, cell.column, f"“{cell.raw}”{exc.reason}", f"'{cell.raw}' {exc.reason_en}"))
            continue
        if value is None:
            continue
        outcome.values_read += 1
        key = (unit_id, cell.indicator)
        if key in where:
            outcome.problems.append(Problem(sheet, cell.row, cell.column, _("与第 %(r)s 行重复") % {"r": where[key].row}))
            continue
        where[key] = cell
        items.append(services.ValueInput(unit_id, cell.indicator, value))
    # Cells changed by someone else since the template was made are conflicts, not overwrites.
    generated = meta.get("generated_at")
    if generated:
        try:
            since = dt.datetime.fromisoformat(generated)
        except ValueError:
            since = None
        if since is not None and items:
            changed = {
                (u, i): rev for u, i, rev in DataValue.objects.filter(
                    version=version, period=period, updated_at__gt=since, indicator__in={it.indicator for it in items})
                .values_list("unit_id", "indicator", "revision")
            }
            for item in items:
                if (item.unit_id, item.indicator) in changed:
                    item.revision = changed[(item.unit_id, item.indicator)] - 1
    bad_rows = {p.row for p in outcome.problems if p.row}
    if outcome.problems and not partial:
        # Still validate the readable cells so the user sees every problem at once.
        _validate_only(user, version, period, items, where, sheet, outcome)
        return outcome
    if partial:
        keep = [it for it in items if where[(it.unit_id, it.indicator)].row not in bad_rows]
        probe = ImportOutcome()
        _validate_only(user, version, period, keep, where, sheet, probe)
        bad_rows |= {p.row for p in probe.problems if p.row}
        items = [it for it in keep if where[(it.unit_id, it.indicator)].row not in bad_rows]
        outcome.skipped_rows = sorted(r for r in bad_rows if r)
    result = services.save_values(user, version, period, items, source="csv" if is_csv else "excel")
    _collect(result, where, sheet, outcome)
    if result.ok:
        outcome.saved = result.saved
        outcome.unchanged = result.unchanged
        if partial:
            outcome.problems = []  # reported as skipped rows instead
    return outcome


def _collect(result: services.SaveResult, where, sheet: str, outcome: ImportOutcome) -> None:
    for issue in result.errors + result.warnings:
        cell = where.get((issue.unit_id, issue.indicator))
        problem = Problem(sheet, cell.row if cell else None, cell.column if cell else "", issue.message, issue.level)
        (outcome.problems if issue.level == "error" else outcome.warnings).append(problem)
    for conflict in result.conflicts:
        cell = where.get((conflict.unit_id, conflict.indicator))
        outcome.problems.append(Problem(sheet, cell.row if cell else None, cell.column if cell else "",
                                        _("模板下载后该数据已被 %(by)s 改为 %(v)s（文件中为 %(y)s）") % {
                                            "by": conflict.theirs_by, "v": plain(conflict.theirs), "y": plain(conflict.yours)}))


def _validate_only(user, version, period, items, where, sheet, outcome) -> None:
    result = rehearse(lambda: services.save_values(user, version, period, items, source="check"))
    _collect(result, where, sheet, outcome)
