"""目标值: a scheme version's targets — imported from an .xlsx/.csv (单位代码, 指标代码, 目标值) or typed in
the targets panel beside the scheme editor, all-or-nothing either way, audited; and the warning
when a target-scored indicator (计分方法 目标完成) has none.

Read by the one reader (``kaohe.lib.tabular``: the headers ``kaohe score`` accepts for its
targets file, 单位/unit, 指标/indicator, 目标/target …), numbers by the one parser; the import
replaces the version's targets as a whole, or changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.assessment.models import IndicatorSpec, SchemeVersion, Target, VersionStatus
from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.lib import bounds
from kaohe.lib.numbers import NumberError, field_limit, parse_number, plain
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
    table = sheet.table(COLUMNS, keep_cell_errors=True)
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


@dataclass
class TargetColumn:
    """A target-scored indicator of a version: how many units have a target, and how many the
    adopted version holds that adopting this draft would carry over (``schemes.adopt``)."""

    spec: IndicatorSpec
    count: int
    carried: int = 0

    @property
    def missing(self) -> bool:
        return self.count == 0


def target_units(version: SchemeVersion) -> list[OrgUnit]:
    """The assessed units of the version (its peer groups' members), in the hierarchy's order."""
    return list(OrgUnit.objects.filter(peer_groups__in=version.peer_groups.all()).distinct()
                .order_by("sort_order", "code"))


def target_columns(version: SchemeVersion) -> list[TargetColumn]:
    """The target-scored indicators in scheme order with their targets counted."""
    specs = list(version.indicators.filter(is_scored=True, method="target").order_by("sort_order"))
    codes = [s.code for s in specs]
    counts: dict[str, int] = {}
    for code in Target.objects.filter(version=version, indicator__in=codes).values_list("indicator", flat=True):
        counts[code] = counts.get(code, 0) + 1
    carried: dict[str, int] = {}
    if version.status == VersionStatus.DRAFT:
        adopted = version.scheme.versions.filter(status=VersionStatus.ADOPTED).exclude(pk=version.pk).first()
        if adopted is not None:
            for code in Target.objects.filter(version=adopted, indicator__in=codes).values_list("indicator", flat=True):
                carried[code] = carried.get(code, 0) + 1
    return [TargetColumn(s, counts.get(s.code, 0), carried.get(s.code, 0)) for s in specs]


def parse_cells(typed: list[tuple[OrgUnit, IndicatorSpec, object]]) -> tuple[dict[tuple[int, str], Decimal | None], list[str]]:
    """The typed targets of the panel (or the API) as numbers by the one parser, bounded as stored:
    ``(unit id, indicator) → value`` (None: cleared), and a problem naming the unit and the
    indicator for every cell refused (then nothing is saved: ``save_targets`` is not called)."""
    cells: dict[tuple[int, str], Decimal | None] = {}
    problems: list[str] = []
    for unit, spec, raw in typed:
        try:
            cells[(unit.pk, spec.code)] = parse_number(raw, max_abs=LIMIT)
        except NumberError as exc:
            problems.append(_("%(u)s · %(i)s：“%(v)s”%(r)s") % {"u": unit.name, "i": spec.name, "v": raw, "r": exc.reason})
    return cells, problems


def save_targets(version: SchemeVersion, cells: dict[tuple[int, str], Decimal | None], user) -> int:
    """Set the typed targets (``(unit id, indicator)`` → value; None clears it) in one transaction,
    audited as one change with the cells before and after; the number of cells changed.

    The caller has checked the numbers and that each unit is one the user manages and each
    indicator is target-scored (the panel offers nothing else)."""
    field = Target._meta.get_field("target")
    for value in cells.values():  # bulk_create/bulk_update below bypass the pre_save bound guard
        reason = bounds.refusal(field, value)
        if reason:
            raise ValidationError(reason)
    with transaction.atomic():
        SchemeVersion.objects.select_for_update().filter(pk=version.pk).first()  # one panel save at a time
        current = {(t.unit_id, t.indicator): t for t in Target.objects.filter(
            version=version, indicator__in={i for _u, i in cells})}
        before, after = {}, {}
        create, update, delete = [], [], []
        for (unit_id, indicator), value in sorted(cells.items()):
            old = current.get((unit_id, indicator))
            if old is not None and value is not None and old.target == value:
                continue
            if old is None and value is None:
                continue
            key = f"{unit_id}/{indicator}"
            before[key] = None if old is None else plain(old.target)
            after[key] = None if value is None else plain(value)
            if value is None:
                delete.append(old.pk)
            elif old is None:
                create.append(Target(version=version, unit_id=unit_id, indicator=indicator, target=value))
            else:
                old.target = value
                update.append(old)
        if not after:
            return 0
        Target.objects.filter(pk__in=delete).delete()
        Target.objects.bulk_create(create)
        Target.objects.bulk_update(update, ["target"])
        record(AuditAction.UPDATE, None, object_type=Target, parent=version, unit=version.scheme.owner_unit_id,
               object_repr=str(version), before={"targets": before}, after={"targets": after}, user=user)
        return len(after)


__all__ = ["TabularError", "TargetColumn", "import_targets", "parse_cells", "save_targets", "target_columns", "target_units"]
