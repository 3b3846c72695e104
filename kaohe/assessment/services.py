"""Business rules of data collection: periods, saving values (validated, audited, with
optimistic locking), the submission workflow, corrections, and the inputs of a scoring run.

Views and API handlers stay thin and call these functions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.assessment import signals, sources
from kaohe.assessment.models import (
    DataValue,
    IndicatorSpec,
    Period,
    PeriodStatus,
    QualityFinding,
    Reminder,
    Scheme,
    SchemeVersion,
    Submission,
    SubmissionStatus,
    Target,
    ValueChange,
    ValueKind,
    ValueProvenance,
    VersionStatus,
    period_deadline,
)
from kaohe.assessment.validation import Issue, check_values
from kaohe.audit.models import AuditAction, source_label
from kaohe.audit.services import record, record_many
from kaohe.engine.platform import upgrade_legacy
from kaohe.lib import bounds
from kaohe.lib.numbers import plain, rounded_float
from kaohe.lib.periods import Period as PeriodValue
from kaohe.lib.periods import PeriodKind as Kind
from kaohe.notifications.models import NotificationKind
from kaohe.notifications.services import notify, people, source_language
from kaohe.orgs.calendar import work_calendar
from kaohe.orgs.models import OrgUnit, Role

VALUE_FIELD = DataValue._meta.get_field("value")  # its bound: kaohe.lib.bounds

# ---- periods ------------------------------------------------------------------------------------




def ensure_periods(owner: OrgUnit, year: int, *, deadline_day: int = 5, user=None) -> list[Period]:
    """Create ``owner``'s months, quarters, half-years and year of ``year`` (idempotent); each is
    due (填报截止) on the ``deadline_day``-th working day after it ends (:func:`period_deadline`)."""
    existing = {(p.kind, p.number): p for p in Period.objects.filter(owner_unit=owner, year=year)}
    calendar = work_calendar()
    new = []
    for kind in (Kind.MONTH, Kind.QUARTER, Kind.HALF, Kind.YEAR):
        for n in range(1, kind.per_year + 1):
            if (kind, n) in existing:
                continue
            p = PeriodValue(kind, year, n)
            new.append(Period(owner_unit=owner, year=year, kind=kind, number=n, start=p.start, end=p.end,
                              deadline=period_deadline(p.end, deadline_day, calendar)))
    if new:
        Period.objects.bulk_create(new)
        record(AuditAction.CREATE, None, object_type=Period, unit=owner,
               object_repr=_("%(owner)s %(y)s年考核期") % {"owner": owner.name, "y": year},
               after={"year": year, "created": len(new), "owner": owner.code}, user=user)
    return list(Period.objects.filter(owner_unit=owner, year=year))


def periods_of(owner: OrgUnit | int, year: int | None = None):
    """The periods of one assessment owner (考核主体), optionally of one year."""
    qs = Period.objects.filter(owner_unit=owner)
    return qs.filter(year=year) if year is not None else qs


def assessment_owner(person) -> OrgUnit | None:
    """The 考核主体 whose assessment a user works in by default (periods, boards, the cockpit).

    An office: its own unit (a district office runs its district's assessment). An assessed unit:
    the nearest owner *above* it (明湖区 is assessed by the city, its towns by 明湖区). A leader or
    a submitter: the nearest owner at or above their unit. No person (a superuser): the top unit.
    """
    if person is None:
        return _top_unit()
    if person.role == Role.OFFICE:
        return person.unit
    if person.role == Role.ASSESSED:
        return assessing_owner(person.unit)
    return _owner_from(person.unit)


def assessing_owner(unit: OrgUnit) -> OrgUnit | None:
    """The 考核主体 that assesses ``unit``: the nearest unit strictly above it that owns a scheme
    (a street → its district when the district runs its own assessment, else the city)."""
    return _owner_from(unit.parent)


def _owner_from(unit: OrgUnit | None) -> OrgUnit | None:
    owners = set(Scheme.objects.values_list("owner_unit_id", flat=True).distinct())
    while unit is not None:
        if unit.pk in owners:
            return unit
        unit = unit.parent
    return _top_unit()


def _top_unit() -> OrgUnit | None:
    return OrgUnit.objects.filter(parent__isnull=True).order_by("sort_order", "pk").first()


def set_period_status(period: Period, status: str, *, user=None, deadline: dt.date | None = None) -> Period:
    """开放 / 截止 a period for entry, optionally with a new 填报截止. A locked (锁定) period is final:
    its approved data are sealed (``lock_period``) and scored, so it is neither reopened nor given
    another deadline — a late fix goes through a correction (更正), which is audited on its own."""
    if period.status == PeriodStatus.LOCKED:
        if status == PeriodStatus.LOCKED and deadline in (None, period.deadline):
            return period  # nothing changes (the page's form posts the current state too)
        raise WorkflowError(_("%(p)s 已锁定，不能重新开放或修改截止日期；锁定后的数据请通过“更正数据”修改") % {"p": period.label})
    if status == PeriodStatus.LOCKED:
        # 锁定 seals the approved data: only ``lock_period`` does it, which first checks every unit
        # is approved and locks their submissions with the period (a status change would skip both).
        raise WorkflowError(_("%(p)s 须在审核页面锁定（全部单位审核通过后，连同各单位数据一并锁定）") % {"p": period.label})
    before = {"status": period.status, "deadline": period.deadline}
    period.status = status
    if deadline:
        period.deadline = deadline
    period.save()
    record(AuditAction.UPDATE, period, before=before, after={"status": status, "deadline": period.deadline}, user=user)
    return period


def stored_period(owner: OrgUnit | int, value: PeriodValue) -> Period | None:
    """``owner``'s period for a period value, if it has been created."""
    return periods_of(owner, value.year).filter(kind=value.kind, number=value.number).first()


def previous_period(period: Period) -> Period | None:
    """环比's base: the same owner's period just before (2025-H1 → 2024-H2)."""
    return stored_period(period.owner_unit_id, period.value.previous())


def same_period_last_year(period: Period) -> Period | None:
    """同比's base: the same owner's period a year earlier (2025-H1 → 2024-H1)."""
    return stored_period(period.owner_unit_id, period.value.same_period_last_year())


def version_for_year(version: SchemeVersion, year: int) -> SchemeVersion | None:
    """The version holding a year's data in this scheme's family (same owner and scheme code)."""
    if version.scheme.year == year:
        return version
    scheme = Scheme.objects.filter(owner_unit_id=version.scheme.owner_unit_id, code=version.scheme.code, year=year).first()
    if scheme is None:
        return None
    return scheme.versions.filter(status=VersionStatus.ADOPTED).first() or scheme.versions.order_by("-number").first()


def values_of(version: SchemeVersion, period: Period | None, *, units: Iterable[int] | None = None,
              indicators: Iterable[str] | None = None) -> dict[tuple[int, str], Decimal]:
    """{(unit id, indicator): value} for one period of this scheme's family (history included)."""
    if period is None:
        return {}
    holder = version_for_year(version, period.year)
    if holder is None:
        return {}
    qs = DataValue.objects.filter(version=holder, period=period, value__isnull=False)
    if units is not None:
        qs = qs.filter(unit_id__in=list(units))
    if indicators is not None:
        qs = qs.filter(indicator__in=list(indicators))
    return {(u, i): v for u, i, v in qs.values_list("unit_id", "indicator", "value")}


# ---- who submits what ------------------------------------------------------------------------


def assessed_units(version: SchemeVersion) -> list[OrgUnit]:
    """Units assessed under the version: members of its peer groups, in display order."""
    return list(OrgUnit.objects.filter(peer_groups__in=version.peer_groups.all()).distinct().order_by("sort_order", "code"))


def due_indicators(version: SchemeVersion, period: Period, responsible_unit: OrgUnit | int | None = None) -> list[IndicatorSpec]:
    """Indicators entered in this period (by frequency), optionally of one owner; an indicator
    whose values a module computes (``source``) is never due from anyone."""
    qs = version.indicators.filter(is_collected=True, source="", frequency=period.frequency)
    if responsible_unit is not None:
        qs = qs.filter(responsible_unit=responsible_unit)
    return list(qs.order_by("sort_order"))


def responsible_units(version: SchemeVersion, period: Period | None = None) -> list[OrgUnit]:
    qs = version.indicators.filter(is_collected=True, source="", responsible_unit__isnull=False)
    if period is not None:
        qs = qs.filter(frequency=period.frequency)
    ids = set(qs.values_list("responsible_unit_id", flat=True))
    return list(OrgUnit.objects.filter(pk__in=ids).order_by("sort_order", "code"))


def submission_for(version: SchemeVersion, responsible_unit: OrgUnit, period: Period) -> Submission:
    if period.owner_unit_id != version.scheme.owner_unit_id:
        raise WorkflowError(_("%(p)s 不是本方案考核主体的考核期") % {"p": period.label})
    sub, _created = Submission.objects.get_or_create(version=version, responsible_unit=responsible_unit, period=period)
    return sub


# ---- saving values -------------------------------------------------------------------------


@dataclass
class ValueInput:
    unit_id: int
    indicator: str
    value: Decimal | None
    revision: int | None = None  # the revision the editor saw; None = no conflict check
    explanation: str | None = None
    where: str = ""  # "sheet 数据 row 5 column D" for messages


@dataclass
class Conflict:
    unit_id: int
    indicator: str
    yours: Decimal | None
    theirs: Decimal | None
    theirs_by: str
    revision: int

    def as_dict(self) -> dict:
        return {"unit": self.unit_id, "indicator": self.indicator, "yours": plain(self.yours), "theirs": plain(self.theirs),
                "by": self.theirs_by, "revision": self.revision}


@dataclass
class SaveResult:
    saved: int = 0
    unchanged: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    revisions: dict[tuple[int, str], int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.conflicts


class NotEditable(Exception):
    pass


def history_maps(version: SchemeVersion, period: Period, codes: list[str], unit_ids: list[int] | None = None):
    """(previous period, same period last year, previous-YTD) value maps for validation and the grid."""
    prev = previous_period(period)
    last = same_period_last_year(period)
    previous = values_of(version, prev, units=unit_ids, indicators=codes)
    last_year = values_of(version, last, units=unit_ids, indicators=codes)
    previous_ytd = previous if prev is not None and prev.year == period.year else {}
    return previous, last_year, previous_ytd


@transaction.atomic
def save_values(user, version: SchemeVersion, period: Period, items: list[ValueInput], *, source: str,
                allow_partial: bool = False, reason: str = "", correction: bool = False) -> SaveResult:
    """Validate and store values; audit one entry per chunk of changed rows.

    All-or-nothing unless ``allow_partial`` (then clean rows are saved, bad ones reported).
    A value whose stored revision differs from ``item.revision`` (and whose value differs)
    is a conflict and is not saved. Values of submitted/approved/locked submissions are
    refused unless ``correction`` (the office's audited correction).
    """
    result = SaveResult()
    if period.owner_unit_id != version.scheme.owner_unit_id:
        result.errors.append(Issue(None, "", "error", "period", _("%(p)s 不是本方案考核主体的考核期") % {"p": period.label}))
        return result
    if version.status != VersionStatus.ADOPTED and not correction:
        result.errors.append(Issue(None, "", "error", "version", _("方案版本尚未发布，不能填报")))
        return result
    if period.status == PeriodStatus.LOCKED and not correction:
        result.errors.append(Issue(None, "", "error", "period", _("%(p)s 已锁定，只能由考核办更正") % {"p": period.label}))
        return result
    specs = {s.code: s for s in version.indicators.filter(is_collected=True)}
    sourced = {code: spec for code, spec in specs.items() if spec.source}
    owners = {code: spec.responsible_unit_id for code, spec in specs.items()}
    # Writers of one responsible unit's cells take turns: its submission row is locked (in
    # ascending order, so overlapping bulk saves never deadlock) before anything is read, so
    # the revisions, conflicts and submission status below are those of the last commit.
    _lock_owners(version, period, {owners.get(item.indicator, -1) for item in items if item.indicator in specs})
    blocked: set[int] = set()
    if not correction:
        blocked = set(
            Submission.objects.filter(version=version, period=period)
            .exclude(status__in=[SubmissionStatus.DRAFT, SubmissionStatus.RETURNED])
            .values_list("responsible_unit_id", flat=True)
        )
    proposed: dict[tuple[int, str], ValueInput] = {}
    for item in items:
        spec = specs.get(item.indicator)
        if item.indicator in sourced:
            result.errors.append(Issue(item.unit_id, item.indicator, "error", "source",
                                       f"{item.where}{sources.entry_refused(spec)}"))
            continue
        if spec is None:
            result.errors.append(Issue(item.unit_id, item.indicator, "error", "indicator", _("%(w)s未知指标 %(c)s") % {"w": item.where, "c": item.indicator}))
            continue
        if spec.frequency != period.frequency:
            result.errors.append(Issue(item.unit_id, item.indicator, "error", "frequency", _("%(w)s指标 %(c)s 不在本期报送") % {"w": item.where, "c": item.indicator}))
            continue
        if owners.get(item.indicator) in blocked:
            result.errors.append(Issue(item.unit_id, item.indicator, "error", "submitted", _("%(w)s本期数据已提交或已审核，不能修改") % {"w": item.where}))
            continue
        # The writes below are bulk_create / COPY, which the pre_save bound guard does not see:
        # the same check here, whatever path (grid, API, import, derivation) parsed the number.
        out_of_bounds = bounds.refusal(VALUE_FIELD, item.value)
        if out_of_bounds:
            result.errors.append(Issue(item.unit_id, item.indicator, "error", "bounds", f"{item.where}{out_of_bounds}"))
            continue
        proposed[(item.unit_id, item.indicator)] = item
    unit_ids = sorted({k[0] for k in proposed})
    codes = sorted({k[1] for k in proposed})
    existing = {
        (row[0], row[1]): _Stored(*row[2:])
        for row in DataValue.objects.filter(version=version, period=period, indicator__in=codes, unit_id__in=unit_ids)
        .values_list("unit_id", "indicator", "value", "revision", "explanation", "updated_by__username")
    } if proposed else {}
    # Validation against history (one query per map, not per cell).
    if proposed:
        previous, last_year, previous_ytd = history_maps(version, period, codes, unit_ids)
        current = {k: r.value for k, r in existing.items()}
        # part ≤ total needs the totals too.
        totals = {spec.rules.get("part_of") for spec in specs.values() if spec.rules and spec.rules.get("part_of")}
        if totals:
            current.update(values_of(version, period, units=unit_ids, indicators=totals))
        issues = check_values(specs, {k: v.value for k, v in proposed.items()}, previous=previous, last_year=last_year,
                              previous_ytd=previous_ytd, current=current)
        for issue in issues:
            where = proposed[(issue.unit_id, issue.indicator)].where
            issue = Issue(issue.unit_id, issue.indicator, issue.level, issue.code, f"{where}{issue.message}")
            (result.errors if issue.level == "error" else result.warnings).append(issue)
    bad = {(i.unit_id, i.indicator) for i in result.errors}
    if result.errors and not allow_partial:
        return result
    writes: list[tuple] = []  # (unit id, indicator, value, kind, explanation, revision)
    kinds = {code: spec.value_kind for code, spec in specs.items()}
    changed: list[tuple] = []  # (unit id, indicator, old text, new text, revision) for the value-change table
    now = timezone.now()
    user_id = user.pk if user is not None and getattr(user, "is_authenticated", False) else None
    for key, item in sorted(proposed.items()):
        if key in bad:
            continue
        row = existing.get(key)
        explanation = item.explanation if item.explanation is not None else (row.explanation if row else "")
        if row is not None:
            if item.revision is not None and item.revision != row.revision and row.value != item.value:
                result.conflicts.append(Conflict(key[0], key[1], item.value, row.value, row.updated_by or "", row.revision))
                continue
            if row.value == item.value and row.explanation == explanation:
                result.unchanged += 1
                result.revisions[key] = row.revision
                continue
            old = None if row.value is None else plain(row.value)
            revision = row.revision + 1
        else:
            if item.value is None and not item.explanation:
                continue
            old = None
            revision = 1
        text = None if item.value is None else str(item.value)
        writes.append((key[0], key[1], item.value, kinds[key[1]], explanation or "", revision, text))
        changed.append((key[0], key[1], old, text, revision))
        result.revisions[key] = revision
    if result.conflicts and not allow_partial:
        transaction.set_rollback(True)
        result.saved = 0
        return result
    if writes:
        if len(writes) >= COPY_THRESHOLD and connection.vendor == "postgresql":
            _copy_upsert(version.pk, period.pk, user_id, now, writes, fresh=not existing)
        else:
            DataValue.objects.bulk_create(
                [DataValue(version_id=version.pk, unit_id=u, indicator=i, period_id=period.pk, value=v, kind=k,
                           explanation=e, updated_by_id=user_id, updated_at=now, revision=r) for u, i, v, k, e, r, _t in writes],
                batch_size=2000, update_conflicts=True,
                unique_fields=["version", "unit", "indicator", "period"],
                update_fields=["value", "kind", "explanation", "updated_by", "updated_at", "revision"],
            )
        _audit_batch(user, version, period, changed, owners, now=now, source=source, reason=reason,
                     action=AuditAction.CORRECT if correction else (AuditAction.IMPORT if source in ("excel", "csv", "api") else AuditAction.UPDATE))
    result.saved = len(writes)
    return result


COPY_THRESHOLD = 5000


def _lock_owners(version: SchemeVersion, period: Period, owner_ids: set[int | None]) -> None:
    """Lock (``SELECT … FOR UPDATE``) the submissions of these responsible units for the period,
    creating missing drafts first, always in ascending order; cells without a responsible unit
    (``None``) lock the version row, after the submissions. A no-op on SQLite (one writer)."""
    if connection.vendor == "sqlite":
        return
    ids = sorted(o for o in owner_ids if o is not None and o != -1)
    if ids:
        _submissions_of(version, period, set(ids))
        list(Submission.objects.select_for_update().filter(version=version, period=period, responsible_unit_id__in=ids)
             .order_by("responsible_unit_id").values_list("pk", flat=True))
    if None in owner_ids:
        list(SchemeVersion.objects.select_for_update().filter(pk=version.pk).values_list("pk", flat=True))


def _locked(sub: Submission) -> Submission:
    """``sub`` re-read under a row lock (a transition and a save, or two transitions, take turns)."""
    fresh = Submission.objects.select_for_update().get(pk=sub.pk)
    for name in ("status", "submitted_at", "submitted_by_id", "reviewed_at", "reviewed_by_id", "reason"):
        setattr(sub, name, getattr(fresh, name))
    return sub


@dataclass
class _Stored:
    value: Decimal | None
    revision: int
    explanation: str
    updated_by: str | None


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(version_id, period_id, user_id, now, writes: list[tuple], chunk: int = 20000):
    """Rows in COPY's text format, a chunk at a time (several times faster than ``write_row``)."""
    prefix = f"{version_id}\t"
    middle = f"\t{period_id}\t"
    user_text = "\\N" if user_id is None else str(user_id)
    suffix = f"\t{user_text}\t{now.isoformat()}\t"
    lines = []
    for unit_id, indicator, _value, kind, explanation, revision, text in writes:
        text = "\\N" if text is None else text
        expl = explanation.translate(_COPY_ESCAPES) if explanation else ""
        lines.append(f"{prefix}{unit_id}\t{indicator.translate(_COPY_ESCAPES)}{middle}{text}\t{kind}\t{expl}{suffix}{revision}\n")
        if len(lines) >= chunk:
            yield "".join(lines).encode()
            lines = []
    if lines:
        yield "".join(lines).encode()


def _copy_upsert(version_id: int, period_id: int, user_id: int | None, now, writes: list[tuple], fresh: bool = False) -> None:
    """PostgreSQL: COPY the rows into a temporary table, then one INSERT … ON CONFLICT DO UPDATE.

    ``fresh`` (none of these cells exists yet, the common first push of a period): COPY
    straight into the table; a concurrent writer of the same cells makes the unique index
    fail the COPY, and the upsert path runs instead.
    """
    table = DataValue._meta.db_table
    cols = "version_id, unit_id, indicator, period_id, value, kind, explanation, updated_by_id, updated_at, revision"
    if fresh:
        from django.db import IntegrityError

        try:
            with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for chunk in _copy_text(version_id, period_id, user_id, now, writes):
                    copy.write(chunk)
            return
        except IntegrityError:
            pass
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS tmp_datavalue (version_id bigint, unit_id bigint, indicator varchar(64), "
            "period_id bigint, value numeric(24, 6), kind varchar(8), explanation text, updated_by_id integer, "
            "updated_at timestamptz, revision integer) ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE tmp_datavalue")
        with cursor.cursor.copy(f"COPY tmp_datavalue ({cols}) FROM STDIN") as copy:
            for chunk in _copy_text(version_id, period_id, user_id, now, writes):
                copy.write(chunk)
        cursor.execute(
            f"INSERT INTO {table} ({cols}) SELECT {cols} FROM tmp_datavalue "
            "ON CONFLICT (version_id, unit_id, indicator, period_id) DO UPDATE SET value = EXCLUDED.value, "
            "kind = EXCLUDED.kind, explanation = EXCLUDED.explanation, updated_by_id = EXCLUDED.updated_by_id, "
            "updated_at = EXCLUDED.updated_at, revision = EXCLUDED.revision"
        )
        cursor.execute("DROP TABLE IF EXISTS tmp_datavalue")


def _submissions_of(version: SchemeVersion, period: Period, owner_ids: set[int]) -> dict[int, Submission]:
    """The submissions of these responsible units for the period, created as drafts if missing."""
    subs = {s.responsible_unit_id: s for s in Submission.objects.filter(version=version, period=period,
                                                                          responsible_unit_id__in=owner_ids)}
    missing = owner_ids - set(subs)
    if missing:
        Submission.objects.bulk_create([Submission(version=version, period=period, responsible_unit_id=ru)
                                        for ru in sorted(missing)], ignore_conflicts=True)
        subs.update({s.responsible_unit_id: s for s in Submission.objects.filter(
            version=version, period=period, responsible_unit_id__in=missing)})
    return subs


def _audit_batch(user, version: SchemeVersion, period: Period, changed: list[tuple], owners: dict[str, int | None], *,
                 now, source: str, reason: str, action) -> None:
    """One audit entry per responsible unit's submission (its parent), and one value-change
    row per changed cell pointing at it — the rows in bulk (COPY on PostgreSQL)."""
    by_owner: dict[int | None, list[tuple]] = defaultdict(list)
    for row in changed:
        by_owner[owners.get(row[1])].append(row)
    subs = _submissions_of(version, period, {o for o in by_owner if o is not None})
    actor = user if user is not None and getattr(user, "is_authenticated", False) else None
    label = source_label(source)
    owner_ids = sorted(by_owner, key=lambda o: (o is None, o or 0))
    # One INSERT for all the submissions' entries (a bulk save across bureaus), not one each.
    entries = record_many(action, [
        {"object_type": DataValue, "parent": subs.get(owner_id) or version, "unit": owner_id,
         "object_repr": _("%(p)s 数据 %(n)s 项（%(src)s）") % {"p": period.label, "n": len(by_owner[owner_id]), "src": label},
         "after": {"source": source, "values": len(by_owner[owner_id]), "version": version.pk, "period": period.pk}}
        for owner_id in owner_ids], reason=reason, user=actor)
    batches = [(entry, by_owner[owner_id]) for entry, owner_id in zip(entries, owner_ids, strict=True)]
    actor_id = batches[0][0].user_id if batches else None
    total = sum(len(rows) for _entry, rows in batches)
    if total >= COPY_THRESHOLD and connection.vendor == "postgresql":
        _copy_value_changes(version.pk, period.pk, actor_id, now, source, batches)
        return
    ValueChange.objects.bulk_create(
        [ValueChange(entry_id=entry.pk, version_id=version.pk, period_id=period.pk, unit_id=u, indicator=i,
                     old=None if old is None else Decimal(old), new=None if new is None else Decimal(new),
                     revision=r, actor_id=actor_id, at=now, source=source)
         for entry, rows in batches for u, i, old, new, r in rows],
        batch_size=2000,
    )


NULL = "\\N"  # COPY's text format for NULL


def _copy_value_changes(version_id: int, period_id: int, actor_id: int | None, now, source: str,
                        batches: list[tuple], chunk: int = 20000) -> None:
    table = ValueChange._meta.db_table
    cols = "entry_id, version_id, period_id, unit_id, indicator, old, new, revision, actor_id, at, source"
    actor = NULL if actor_id is None else str(actor_id)
    tail = f"\t{actor}\t{now.isoformat()}\t{source}\n"
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
        for entry, rows in batches:
            head = f"{entry.pk}\t{version_id}\t{period_id}\t"
            lines = []
            for u, i, old, new, r in rows:
                old = NULL if old is None else old
                new = NULL if new is None else new
                lines.append(f"{head}{u}\t{i.translate(_COPY_ESCAPES)}\t{old}\t{new}\t{r}{tail}")
                if len(lines) >= chunk:
                    copy.write("".join(lines).encode())
                    lines = []
            if lines:
                copy.write("".join(lines).encode())


def _text(value: Decimal | None) -> str | None:
    return None if value is None else plain(value)


def value_history(version: SchemeVersion, period: Period, unit_id: int, indicator: str) -> list[dict]:
    """Every change of one cell, newest first: when, who, before, after, source, reason (one indexed query)."""
    rows = (ValueChange.objects.filter(version=version, period=period, unit_id=unit_id, indicator=indicator)
            .select_related("entry", "actor").order_by("-at", "-id"))
    return [{"at": r.at, "user": r.actor.get_username() if r.actor_id else r.entry.username,
             "action": r.entry.get_action_display(), "before": _text(r.old), "after": _text(r.new), "revision": r.revision,
             "source": r.get_source_display(), "reason": r.entry.reason} for r in rows]


# ---- workflow --------------------------------------------------------------------------------


class WorkflowError(Exception):
    def __init__(self, messages: list[str] | str):
        self.messages = [messages] if isinstance(messages, str) else messages
        super().__init__("\n".join(self.messages))


def submission_issues(sub: Submission) -> list[Issue]:
    """Errors and unexplained warnings that block submitting."""
    specs = {s.code: s for s in due_indicators(sub.version, sub.period, sub.responsible_unit)}
    units = [u.pk for u in assessed_units(sub.version)]
    stored = {
        (u, i): (v, e)
        for u, i, v, e in DataValue.objects.filter(version=sub.version, period=sub.period, indicator__in=list(specs), unit_id__in=units)
        .values_list("unit_id", "indicator", "value", "explanation")
    }
    values = {(u, c): stored.get((u, c), (None, ""))[0] for u in units for c in specs}
    previous, last_year, previous_ytd = history_maps(sub.version, sub.period, list(specs), units)
    issues = check_values(specs, values, previous=previous, last_year=last_year, previous_ytd=previous_ytd, for_submission=True)
    out = []
    for issue in issues:
        if issue.level == "warning" and stored.get((issue.unit_id, issue.indicator), (None, ""))[1].strip():
            continue  # explained
        out.append(issue)
    return out


@transaction.atomic
def submit(sub: Submission, *, user=None) -> list[QualityFinding]:
    """Submit a responsible unit's data for the period; runs quality screening."""
    sub = _locked(sub)
    if not sub.is_editable:
        raise WorkflowError(_("当前状态为“%(s)s”，不能提交") % {"s": sub.get_status_display()})
    issues = submission_issues(sub)
    if issues:
        units = dict(OrgUnit.objects.filter(pk__in={i.unit_id for i in issues}).values_list("pk", "name"))
        raise WorkflowError([
            f"{units.get(i.unit_id, '')} {i.indicator}: {i.message}" + ("" if i.level == "error" else _("（需填写说明）"))
            for i in issues[:50]
        ])
    before = {"status": sub.status}
    sub.status = SubmissionStatus.SUBMITTED
    sub.submitted_at = timezone.now()
    sub.submitted_by = user
    sub.reason = ""
    sub.save()
    record(AuditAction.SUBMIT, sub, before=before, after={"status": sub.status}, user=user)
    from kaohe.assessment.quality import screen_submission

    return screen_submission(sub)


@transaction.atomic
def approve(sub: Submission, *, user=None) -> None:
    sub = _locked(sub)
    if sub.status != SubmissionStatus.SUBMITTED:
        raise WorkflowError(_("只有已提交的数据可以审核通过"))
    before = {"status": sub.status}
    sub.status = SubmissionStatus.APPROVED
    sub.reviewed_at = timezone.now()
    sub.reviewed_by = user
    sub.save()
    record(AuditAction.APPROVE, sub, before=before, after={"status": sub.status}, user=user)
    _maybe_period_approved(sub.version, sub.period)


def bulk_approve(subs: Iterable[Submission], *, user=None) -> int:
    """批量审核通过: approve every submitted one of ``subs`` (the others are left as they are); the
    number approved. Refused when none of them is waiting for review (nothing would change). Each
    approval is its own transaction, as one at a time (two offices' overlapping selections never
    wait on each other's rows)."""
    count = 0
    for sub in subs:
        if sub.status == SubmissionStatus.SUBMITTED:
            approve(sub, user=user)
            count += 1
    if not count:
        raise WorkflowError(_("所选单位中没有已提交待审核的数据"))
    return count


@transaction.atomic
def resolve_finding(finding: QualityFinding, *, user=None) -> QualityFinding:
    """质量筛查发现“已核实”: the office has checked the finding; it leaves the review queue (audited).
    A finding already resolved is refused (resolving it again would record a change that is none)."""
    finding = QualityFinding.objects.select_for_update().get(pk=finding.pk)
    if finding.resolved:
        raise WorkflowError(_("该质量筛查发现已核实处理"))
    finding.resolved = True
    finding.save(update_fields=["resolved"])
    record(AuditAction.UPDATE, finding, before={"resolved": False}, after={"resolved": True}, user=user)
    return finding


@transaction.atomic
def return_submission(sub: Submission, *, reason: str, user=None) -> None:
    sub = _locked(sub)
    if not reason.strip():
        raise WorkflowError(_("退回须说明原因"))
    if sub.status not in (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED):
        raise WorkflowError(_("只有已提交或已审核的数据可以退回"))
    before = {"status": sub.status}
    sub.status = SubmissionStatus.RETURNED
    sub.reason = reason
    sub.reviewed_at = timezone.now()
    sub.reviewed_by = user
    sub.save()
    record(AuditAction.RETURN, sub, before=before, after={"status": sub.status}, reason=reason, user=user)


def _maybe_period_approved(version: SchemeVersion, period: Period) -> bool:
    due = {u.pk for u in responsible_units(version, period)}
    approved = set(
        Submission.objects.filter(version=version, period=period, status__in=[SubmissionStatus.APPROVED, SubmissionStatus.LOCKED])
        .values_list("responsible_unit_id", flat=True)
    )
    if due and due <= approved:
        transaction.on_commit(lambda: signals.period_approved.send(sender=Submission, version=version, period=period))
        return True
    return False


@transaction.atomic
def lock_period(version: SchemeVersion, period: Period, *, user=None) -> int:
    """Lock every approved submission of the period and the period itself."""
    pending = Submission.objects.filter(version=version, period=period).exclude(status__in=[SubmissionStatus.APPROVED, SubmissionStatus.LOCKED])
    if pending.exists() or len(responsible_units(version, period)) > Submission.objects.filter(version=version, period=period).count():
        raise WorkflowError(_("尚有单位未审核通过，不能锁定"))
    count = Submission.objects.filter(version=version, period=period, status=SubmissionStatus.APPROVED).update(status=SubmissionStatus.LOCKED)
    before = {"status": period.status}
    period.status = PeriodStatus.LOCKED
    period.save()
    record(AuditAction.LOCK, period, before=before, after={"status": "locked", "submissions": count}, user=user)
    return count


@transaction.atomic
def remind(sub: Submission, *, user=None, message: str = "") -> Reminder:
    """催报: record the reminder and put it in the inbox of the responsible unit's submitters
    (everyone in the unit if it has none), by email too."""
    with source_language():
        clock = sub.clock()
        message = message or _("请于 %(d)s 前完成 %(p)s 数据报送（%(left)s）。") % {
            "d": timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M"), "p": sub.period.label, "left": clock.remaining_text}
        title = _("催报：%(p)s %(s)s数据") % {"p": sub.period.label, "s": sub.version.scheme.name}
    reminder = Reminder.objects.create(submission=sub, message=message, sent_by=user)
    record(AuditAction.OTHER, reminder, after={"message": message, "responsible_unit": sub.responsible_unit_id},
           user=user, parent=sub, unit=sub.responsible_unit_id)
    notify(people(sub.responsible_unit, Role.SUBMITTER) or sub.responsible_unit, NotificationKind.REMINDER, title,
           message, link=reverse("assessment:grid", args=[sub.version_id, sub.period_id, sub.responsible_unit_id]),
           obj=sub)
    return reminder


@transaction.atomic
def correct_value(user, version: SchemeVersion, period: Period, unit: OrgUnit, indicator: str, value: Decimal | None, *, reason: str) -> SaveResult:
    """更正: the office changes a submitted/approved/locked value with a reason; results go stale."""
    if not reason.strip():
        raise WorkflowError(_("更正须说明原因"))
    result = save_values(user, version, period, [ValueInput(unit.pk, indicator, value)], source="correction", reason=reason, correction=True)
    if result.errors:
        raise WorkflowError([i.message for i in result.errors])
    if result.saved:
        mark_results_stale(version, period, [unit.pk], [indicator])
    return result


def mark_results_stale(version: SchemeVersion, period: Period, units: list[int], indicators: list[str]) -> None:
    """Tell listeners (the results app) that locked values changed after scoring."""
    transaction.on_commit(lambda: signals.values_corrected.send(
        sender=DataValue, version=version, period=period, units=list(units), indicators=list(indicators)))


def completion_board(version: SchemeVersion, period: Period, today: dt.date | None = None) -> list[dict]:
    """完成情况: per responsible unit: indicators due, values filled, status, late, reminders, findings."""
    today = today or timezone.localdate()
    units_n = len(assessed_units(version))
    subs = {s.responsible_unit_id: s for s in Submission.objects.filter(version=version, period=period).select_related("submitted_by")}
    due = defaultdict(list)
    for spec in due_indicators(version, period):
        due[spec.responsible_unit_id].append(spec.code)
    filled = defaultdict(int)
    for code, n in _count_by_indicator(version, period):
        for ru, codes in due.items():
            if code in codes:
                filled[ru] += n
    reminders = defaultdict(int)
    findings = defaultdict(int)
    for sub_id, n in Reminder.objects.filter(submission__in=subs.values()).values_list("submission_id").annotate(n=_count()):
        reminders[sub_id] = n
    for sub_id, n in QualityFinding.objects.filter(submission__in=subs.values(), resolved=False).values_list("submission_id").annotate(n=_count()):
        findings[sub_id] = n
    rows = []
    calendar = work_calendar()
    now = timezone.now() if today == timezone.localdate() else calendar.at(today, calendar.hours.end)
    for ru in responsible_units(version, period):
        sub = subs.get(ru.pk)
        status = sub.status if sub else SubmissionStatus.DRAFT
        submitted_at = sub.submitted_at if sub else None
        clock = period.clock(sub, now=now, calendar=calendar)
        late = clock.overdue
        rows.append({
            "unit": ru, "submission": sub, "status": status,
            "status_label": SubmissionStatus(status).label, "indicators": len(due[ru.pk]),
            "expected": len(due[ru.pk]) * units_n, "filled": filled[ru.pk], "submitted_at": submitted_at,
            "late": late, "clock": clock, "reminders": reminders[sub.pk] if sub else 0, "findings": findings[sub.pk] if sub else 0,
        })
    return rows


def _count():
    from django.db.models import Count

    return Count("id")


def _count_by_indicator(version, period):
    from django.db.models import Count

    return DataValue.objects.filter(version=version, period=period, value__isnull=False).values_list("indicator").annotate(n=Count("id"))


# ---- the inputs of a scoring run ------------------------------------------------------------------


@dataclass
class RunInputs:
    """What the results app hands to ``kaohe.engine.score`` for one version and period.

    ``values`` holds ``unit, indicator, value, period`` (period codes like 2025-03) for the
    period and the history the engine needs (previous period, same period last year and
    the year's earlier periods for YTD); ``units`` ``unit, name, group``; ``targets``
    ``unit, indicator, target``. Unit columns hold OrgUnit codes.
    """

    scheme: dict
    values: object  # polars.DataFrame
    units: object
    targets: object
    source_hash: str
    period_code: str = ""
    warnings: list[str] = field(default_factory=list)


def _effective_period(periods_by_kind: dict, frequency: str, at: Period) -> Period | None:
    """The latest period of ``frequency`` in ``at``'s year that ends on or before ``at`` ends."""
    kind = Kind.of_frequency(frequency)
    best = None
    for p in periods_by_kind.get((at.year, kind), []):
        if p.end <= at.end and (best is None or p.end > best.end):
            best = p
    return best


def run_inputs(version: SchemeVersion, period: Period) -> RunInputs:
    """Build the engine's input frames for scoring ``version`` at ``period``.

    Lower-frequency indicators (quarterly, yearly) take their latest period ending on or
    before ``period`` in the same year, labelled with ``period``'s code, so the engine sees
    one consistent period column. History periods (previous period, same period last year,
    and every earlier period of the year) are included under their own codes.
    """
    import polars as pl

    specs = list(version.indicators.filter(is_collected=True))
    years = {period.year, period.year - 1}
    all_periods = list(periods_of(version.scheme.owner_unit_id).filter(year__in=years))
    by_kind: dict = defaultdict(list)
    for p in all_periods:
        by_kind[(p.year, p.kind)].append(p)
    same_kind = [p for p in all_periods if p.kind == period.kind and p.end <= period.end]
    # The run period, the earlier periods of the year (YTD), and same-kind periods last year (同比/环比).
    label_periods = sorted({p for p in same_kind if p.year == period.year or p.year == period.year - 1}, key=lambda p: p.end)
    groups = {}
    for pg in version.peer_groups.all():
        for unit_id in pg.members.values_list("pk", flat=True):
            groups.setdefault(unit_id, pg.code)
    unit_rows = list(OrgUnit.objects.filter(pk__in=groups).order_by("sort_order", "code").values_list("pk", "code", "name"))
    code_of = {pk: code for pk, code, _n in unit_rows}
    rows_u, rows_i, rows_v, rows_p = [], [], [], []
    codes = [spec.code for spec in specs]
    # One query per year's holder version, then every label picks its rows from memory.
    stored: dict[tuple[int, int, str], list[tuple[int, Decimal]]] = defaultdict(list)
    holders = {year: version_for_year(version, year) for year in {p.year for p in label_periods}}
    for year, holder in holders.items():
        if holder is None:
            continue
        period_ids = [p.pk for p in all_periods if p.year == year]
        qs = DataValue.objects.filter(version=holder, period_id__in=period_ids, indicator__in=codes, value__isnull=False,
                                      unit_id__in=list(code_of))
        for unit_id, indicator, period_id, value in qs.values_list("unit_id", "indicator", "period_id", "value").order_by("unit_id", "indicator"):
            stored[(holder.pk, period_id, indicator)].append((unit_id, value))
    for label in label_periods:
        holder = holders.get(label.year)
        if holder is None:
            continue
        label_rows = []
        for spec in specs:
            eff = _effective_period(by_kind, spec.frequency, label)
            if eff is not None:
                label_rows.extend((code_of[u], spec.code, v) for u, v in stored.get((holder.pk, eff.pk, spec.code), ()))
        label_rows.sort(key=lambda r: (r[0], r[1]))
        for unit_code, indicator, value in label_rows:
            rows_u.append(unit_code)
            rows_i.append(indicator)
            rows_v.append(float(value))
            rows_p.append(label.code)
    values = pl.DataFrame({"unit": rows_u, "indicator": rows_i, "value": rows_v, "period": rows_p},
                          schema={"unit": pl.Utf8, "indicator": pl.Utf8, "value": pl.Float64, "period": pl.Utf8})
    units = pl.DataFrame({"unit": [c for _p, c, _n in unit_rows], "name": [n for _p, _c, n in unit_rows],
                          "group": [groups[p] for p, _c, _n in unit_rows]},
                         schema={"unit": pl.Utf8, "name": pl.Utf8, "group": pl.Utf8})
    trows = list(Target.objects.filter(version=version, unit_id__in=list(code_of)).order_by("unit_id", "indicator").values_list("unit_id", "indicator", "target"))
    targets = pl.DataFrame({"unit": [code_of[u] for u, _i, _t in trows], "indicator": [i for _u, i, _t in trows],
                            "target": [float(t) for _u, _i, t in trows]},
                           schema={"unit": pl.Utf8, "indicator": pl.Utf8, "target": pl.Float64})
    scheme = upgrade_legacy(version.content)  # the whole scheme, platform metadata included
    digest = hashlib.sha256()
    import json

    digest.update(json.dumps(scheme, sort_keys=True, ensure_ascii=False, default=str).encode())
    for frame in (values, units, targets):
        digest.update(frame.write_csv().encode())
    return RunInputs(scheme=scheme, values=values, units=units, targets=targets, source_hash=digest.hexdigest(), period_code=period.code)


def scheme_versions_for_data(person_unit_id: int | None = None):
    """Adopted versions in which data is entered (newest year first)."""
    return SchemeVersion.objects.filter(status=VersionStatus.ADOPTED).select_related("scheme").order_by("-scheme__year")


def open_periods(owner: OrgUnit | int, year: int | None = None):
    qs = periods_of(owner).filter(~Q(status=PeriodStatus.LOCKED))
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("end", "kind")


# ---- sourced values (指标数据来源) -------------------------------------------------------


@dataclass
class SourcedResult:
    saved: int = 0  # values created or changed
    unchanged: int = 0
    by_source: dict[str, int] = field(default_factory=dict)


@transaction.atomic
def compute_sourced_values(version: SchemeVersion, period: Period, *, user=None, now: dt.datetime | None = None) -> SourcedResult:
    """Compute the period's values of every sourced indicator (``IndicatorSpec.source``) from
    its module and store them as the version's values, each with its provenance.

    The values are the module's figures as at the period's last day, for the version's assessed
    units; a figure that did not change keeps its revision (its provenance is refreshed). A
    locked period keeps the values it was locked with (a correction of locked data goes through
    the module, then the office reopens the period).
    """
    result = SourcedResult()
    # One computation per period at a time (the daily task and an office's refresh may meet):
    # the second waits for the first and then finds its rows.
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.status == PeriodStatus.LOCKED:
        raise WorkflowError(_("%(p)s 已锁定，不再重新计算来自业务模块的数据") % {"p": period.label})
    specs = list(version.indicators.filter(frequency=period.frequency).exclude(source=""))
    if not specs:
        return result
    now = now or timezone.now()
    units = {u.code: u.pk for u in assessed_units(version)}
    kinds = {spec.code: spec.value_kind for spec in specs}
    by_source: dict[str, list[str]] = defaultdict(list)
    for spec in specs:
        by_source[spec.source].append(spec.code)
    figures: list[sources.SourceFigure] = []
    for code, indicators in sorted(by_source.items()):
        source = sources.get(code)
        if source is None:
            raise WorkflowError(_("数据来源“%(src)s”未注册，不能计算 %(inds)s") % {"src": code, "inds": "、".join(indicators)})
        found = source.compute(sources.SourceRequest(period.year, period.end, tuple(units), tuple(indicators)))
        figures.extend(f for f in found if f.unit in units and f.indicator in kinds)
        result.by_source[code] = 0
    existing = {(v.unit_id, v.indicator): v for v in DataValue.objects.filter(
        version=version, period=period, indicator__in=list(kinds), unit_id__in=list(units.values()))}
    user_id = user.pk if user is not None and getattr(user, "is_authenticated", False) else None
    source_of = {spec.code: spec.source for spec in specs}
    changed_rows, provenance = [], []
    for fig in figures:
        key = (units[fig.unit], fig.indicator)
        value = None if fig.value is None else Decimal(str(rounded_float(fig.value, 6)))  # 四舍五入
        row = existing.get(key)
        if row is None:
            row = DataValue.objects.create(version=version, unit_id=key[0], indicator=fig.indicator, period=period,
                                           value=value, kind=kinds[fig.indicator], updated_by_id=user_id, revision=1)
            changed_rows.append([fig.unit, fig.indicator, None, plain(value)])
        elif row.value != value:
            changed_rows.append([fig.unit, fig.indicator, plain(row.value), plain(value)])
            row.value, row.revision, row.updated_by_id = value, row.revision + 1, user_id
            row.save(update_fields=["value", "revision", "updated_by", "updated_at"])
        else:
            result.unchanged += 1
            provenance.append(ValueProvenance(value=row, source=source_of[fig.indicator], computed_at=now,
                                              inputs_hash=fig.inputs_hash, inputs=dict(fig.inputs)))
            continue
        result.saved += 1
        result.by_source[source_of[fig.indicator]] += 1
        provenance.append(ValueProvenance(value=row, source=source_of[fig.indicator], computed_at=now,
                                          inputs_hash=fig.inputs_hash, inputs=dict(fig.inputs)))
    ValueProvenance.objects.filter(value__in=[p.value for p in provenance]).delete()
    ValueProvenance.objects.bulk_create(provenance)
    if changed_rows:
        record(AuditAction.IMPORT, None, object_type=DataValue, parent=version,
               object_repr=_("%(p)s 业务模块数据 %(n)s 个") % {"p": period.label, "n": len(changed_rows)},
               after={"sources": sorted(result.by_source), "rows": changed_rows[:500]}, user=user,
               reason=_("由业务模块按期计算"))
    return result


def refresh_sourced_values(today: dt.date | None = None, *, source: str | None = None, user=None) -> int:
    """The daily refresh (run by each source module's daily task): every adopted version with
    indicators from ``source`` (or any source), for each of its year's periods that has ended
    (or is the current month) and is not locked. Returns the number of values changed."""
    today = today or timezone.localdate()
    indicators = IndicatorSpec.objects.exclude(source="") if source is None else IndicatorSpec.objects.filter(source=source)
    version_ids = set(indicators.filter(version__status=VersionStatus.ADOPTED).values_list("version_id", flat=True))
    changed = 0
    for version in SchemeVersion.objects.filter(pk__in=version_ids).select_related("scheme"):
        periods = periods_of(version.scheme.owner_unit_id, version.scheme.year).filter(start__lte=today).exclude(status=PeriodStatus.LOCKED)
        for period in periods.order_by("end", "kind"):
            changed += compute_sourced_values(version, period, user=user).saved
    return changed


def provenance_of(version: SchemeVersion, period: Period, unit: OrgUnit, indicator: str) -> ValueProvenance | None:
    return ValueProvenance.objects.filter(value__version=version, value__period=period, value__unit=unit,
                                          value__indicator=indicator).first()


__all__ = [
    "RunInputs", "run_inputs", "mark_results_stale", "save_values", "ValueInput", "SaveResult", "submit", "approve",
    "bulk_approve", "return_submission", "lock_period", "remind", "correct_value", "ensure_periods", "periods_of",
    "completion_board", "ValueKind", "WorkflowError", "compute_sourced_values",
]
