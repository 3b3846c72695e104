"""目标值导入: a scheme version's targets from an .xlsx/.csv (单位代码, 指标代码, 目标值), all-or-nothing.

Read by the one reader (``kaohe.lib.tabular``: the headers ``kaohe score`` accepts for its
targets file, 单位/unit, 指标/indicator, 目标/target …), numbers by the one parser; the import
replaces the version's targets as a whole, or changes nothing.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from kaohe.assessment.models import SchemeVersion, Target
from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.lib.numbers import NumberError, field_limit, parse_number
from kaohe.lib.tabular import INDICATOR, TARGET, UNIT, RowError, TabularError, read_workbook, text
from kaohe.orgs.imports import all_or_nothing
from kaohe.orgs.models import OrgUnit

COLUMNS = (UNIT.but(required=True), INDICATOR.but(required=True), TARGET.but(required=True))
LIMIT = field_limit(24, 6)


def import_targets(version: SchemeVersion, data: bytes, filename: str, user) -> int:
    """Replace the version's targets by the file's; the number of targets saved.

    Raises ``TabularError`` listing every bad row (sheet, row, column, reason); nothing saved then.
    """
    book = read_workbook(data, filename or "targets.xlsx")
    sheet = book.first
    table = sheet.table(COLUMNS)
    # Only units the importing office manages: another unit's code reads as unknown.
    units = dict(OrgUnit.objects.managed_by(user).values_list("code", "pk"))
    codes = set(version.indicators.values_list("code", flat=True))
    errors: list[RowError] = list(sheet.errors)
    rows: list[tuple[int, str, object]] = []
    seen: dict[tuple[str, str], int] = {}
    for row in table.rows:
        unit, indicator = text(table.get(row, "unit")), text(table.get(row, "indicator"))
        ok = True
        if unit not in units:
            errors.append(table.error(row, "unit", _("未知单位 %(u)s") % {"u": unit or _("(空)")}))
            ok = False
        if indicator not in codes:
            errors.append(table.error(row, "indicator", _("未知指标 %(i)s") % {"i": indicator or _("(空)")}))
            ok = False
        raw = table.get(row, "target")
        try:
            value = parse_number(raw, max_abs=LIMIT)
        except NumberError as exc:
            errors.append(table.error(row, "target", f"“{raw}”{exc.reason}", f"'{raw}' {exc.reason_en}"))
            continue
        if value is None:
            errors.append(table.error(row, "target", _("目标值为空"), "the target is empty"))
            continue
        if not ok:
            continue
        if (unit, indicator) in seen:
            errors.append(table.error(row, "unit", _("与第%(r)s行重复") % {"r": seen[(unit, indicator)]}))
            continue
        seen[(unit, indicator)] = row.number
        rows.append((units[unit], indicator, value))
    if not rows and not errors:
        errors.append(RowError(sheet.label, None, "", _("文件中没有目标值"), "the file holds no targets"))

    def save() -> int:
        before = list(Target.objects.filter(version=version).values_list("unit_id", "indicator", "target"))
        Target.objects.filter(version=version).delete()
        Target.objects.bulk_create([Target(version=version, unit_id=u, indicator=i, target=t) for u, i, t in rows])
        record(AuditAction.IMPORT, None, object_type=Target, parent=version, unit=version.scheme.owner_unit_id,
               object_repr=str(version), before={"rows": before}, after={"rows": rows}, user=user)
        return len(rows)

    return all_or_nothing(errors, save)


__all__ = ["import_targets", "TabularError"]
