"""Business rules of results: who sees what, publication (公示), appeals (申诉), awards, reviews.

Views and the API stay thin and call these functions. Every change of domain
data is written to the audit log through ``kaohe.audit.services.record``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from kaohe.assessment.models import DataValue, PeriodKind
from kaohe.assessment.services import WorkflowError, correct_value
from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.lib.changes import snapshot
from kaohe.lib.files import UploadRefused, check_upload, delete_files
from kaohe.lib.numbers import number
from kaohe.notifications.models import NotificationKind
from kaohe.notifications.services import notify, source_language
from kaohe.orgs.calendar import work_calendar
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.permissions import check, is_reader, person_of, scoped_units
from kaohe.results.models import (
    RANK_ORDER,
    Appeal,
    AppealAttachment,
    AppealStatus,
    Award,
    AwardKind,
    AwardStatus,
    Publication,
    Review,
    RunIndicator,
    RunTotal,
    ScoringRun,
    StaleMark,
    appeal_time_limit,
    notice_time_limit,
)
from kaohe.results.queries import warning_count, warning_groups
from kaohe.results.runs import (
    Inputs,
    chain_hash,
    create_run,
    execute_run,
    publication_manifest,
    run_scheme,
    seal_of,
)

NOTICE_DAYS = 7  # 公示期, working days
APPEAL_ANSWER_DAYS = 10  # 申诉答复, working days


# ---- which runs, and who sees what -------------------------------------------------------


def latest_version(run: ScoringRun) -> ScoringRun:
    """The newest sealed correction of ``run`` (itself when never corrected)."""
    current = run
    while True:
        nxt = current.corrections.filter(status="done").exclude(content_hash="").order_by("-id").first()
        if nxt is None:
            return current
        current = nxt


def publication_of(run: ScoringRun) -> Publication | None:
    """The publication covering ``run``: its own, or that of a run it corrects."""
    current: ScoringRun | None = run
    while current is not None:
        pub = Publication.objects.filter(run=current).first()
        if pub is not None:
            return pub
        current = current.previous
    return None


def is_published(run: ScoringRun, now: dt.datetime | None = None) -> bool:
    pub = publication_of(run)
    return pub is not None and pub.published_at <= (now or timezone.now())


def may_compare(user, before: ScoringRun, after: ScoringRun) -> bool:
    """Who may see a diff of two runs (who moved, because of which values): the organiser's office
    and leaders, or anyone who sees both runs once both are published."""
    return check(user, "results.view_all", after) or bool(publication_of(after) and publication_of(before))


def visible_units(user, run: ScoringRun) -> set[str] | None:
    """Unit codes whose details ``user`` may see in ``run``; ``None`` means all of them.

    Office and leaders of the run's organiser (or above) see everything; once the run is
    published everyone who can see the run does; before that an office or leader below the
    organiser (a district on the city's run) sees the units in its scope, anyone else only
    their own unit's rows.
    """
    if check(user, "results.view_all", run) or is_published(run):
        return None
    person = person_of(user)
    if person is None:
        return set()
    if is_reader(person):
        return set(scoped_units(person).values_list("code", flat=True))
    return {person.unit.code}


def can_view_unit(user, run: ScoringRun, unit_code: str) -> bool:
    codes = visible_units(user, run)
    return codes is None or unit_code in codes


def runs_for(scheme_code: str | None = None, kind: str = PeriodKind.MONTH, year: int | None = None, owner=None):
    qs = ScoringRun.objects.current().filter(kind=kind)
    if owner is not None:
        qs = qs.filter(owner_unit=owner)
    if scheme_code:
        qs = qs.filter(scheme_code=scheme_code)
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("year", "number", "id")


def latest_run(kind: str = PeriodKind.MONTH, scheme_code: str | None = None, owner=None, *, user=None) -> ScoringRun | None:
    """The newest current run of ``kind`` (of ``owner``'s assessment when given: the city's boards
    never show a district's run because it was scored later); with ``user``, of the runs they may see."""
    qs = ScoringRun.objects.current().filter(kind=kind)
    if owner is not None:
        qs = qs.filter(owner_unit=owner)
    if user is not None:
        qs = qs.visible_to(user)
    if scheme_code:
        qs = qs.filter(scheme_code=scheme_code)
    return qs.order_by("-year", "-number", "-id").first()


# ---- publication -------------------------------------------------------------------------


@transaction.atomic
@dataclass(frozen=True)
class Completeness:
    """What a run rests on before it is made public: responsible units approved of those due
    (``checked`` False for a run not scored from the platform's own data), scoring warnings."""

    approved: int
    due: int
    warnings: int
    checked: bool
    pending: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.checked or self.approved >= self.due

    def describe(self) -> str:
        parts = []
        if self.checked:
            parts.append(_("已审核通过的责任单位 %(a)s/%(d)s 家") % {"a": self.approved, "d": self.due})
        parts.append(_("计分提示 %(n)s 条") % {"n": self.warnings})
        return "，".join(parts)


def completeness(run: ScoringRun) -> Completeness:
    """How complete the data under ``run`` is: its period's submissions approved or locked."""
    from kaohe.assessment.models import SubmissionStatus
    from kaohe.assessment.services import completion_board

    warnings = warning_count(warning_groups(run))
    if run.scheme_version_id is None or run.period_id is None:
        return Completeness(0, 0, warnings, checked=False)
    rows = completion_board(run.scheme_version, run.period)
    done = {SubmissionStatus.APPROVED, SubmissionStatus.LOCKED}
    pending = tuple(r["unit"].name for r in rows if r["status"] not in done)
    return Completeness(len(rows) - len(pending), len(rows), warnings, checked=True, pending=pending)


def publish(
    run: ScoringRun,
    user=None,
    *,
    title: str = "",
    notice_days: int = NOTICE_DAYS,
    appeal_days: int = APPEAL_ANSWER_DAYS,
    now: dt.datetime | None = None,
    notice_ends: dt.datetime | None = None,
    override_reason: str = "",
    check_completeness: bool = True,
) -> Publication:
    """公示 a sealed run for ``notice_days`` working days; its hash joins the chain after the previous publication's.

    Data not yet complete (a responsible unit not approved) is refused unless ``override_reason``
    says why it is published anyway; the override and its reason are written to the audit log.
    A correction of a published run (``check_completeness=False``) was checked when first published.
    """
    if not run.sealed:
        raise ValidationError(_("只能公示已完成的计分批次。"))
    if Publication.objects.filter(run=run).exists():
        raise ValidationError(_("该计分批次已经公示。"))
    state = completeness(run) if check_completeness else None
    override_reason = (override_reason or "").strip()
    if state is not None and not state.complete and not override_reason:
        raise ValidationError(_("数据尚不完整（%(state)s；未审核：%(units)s），不能公示。如确需公示，请勾选“数据不完整仍公示”并填写理由。") % {
            "state": state.describe(), "units": "、".join(state.pending[:10]) + ("等" if len(state.pending) > 10 else "")})
    now = now or timezone.now()
    previous = Publication.objects.select_for_update().order_by("-published_at", "-id").first()
    previous_hash = previous.chain_hash if previous else ""
    pub = Publication.objects.create(
        run=run,
        title=title or _("%(scheme)s%(period)s考核结果公示") % {"scheme": run.scheme_name, "period": run.label},
        published_at=now,
        notice_ends=notice_ends or notice_time_limit(notice_days).due_from(now, work_calendar()),
        appeal_days=appeal_days,
        run_hash=run.content_hash,
        previous_hash=previous_hash,
        chain_hash=chain_hash(previous_hash, run.content_hash),
        published_by=user if user is not None and user.is_authenticated else None,
    )
    manifest = publication_manifest(pub)
    pub.seal_hash = seal_of(pub)
    pub.save(update_fields=["seal_hash"])
    after = snapshot(pub)
    # What was sealed, in the hash-chained audit log: ``kaohe verify`` names each word changed since.
    after["manifest"] = manifest
    reason = ""
    if state is not None:
        after["completeness"] = {"approved": state.approved, "due": state.due, "warnings": state.warnings,
                                 "complete": state.complete}
        if not state.complete:
            reason = _("数据不完整仍公示（%(state)s）：%(reason)s") % {"state": state.describe(), "reason": override_reason}
    record(AuditAction.PUBLISH, pub, after=after, reason=reason, user=user if user is not None and user.is_authenticated else None,
           parent=run, unit=run.owner_unit_id)
    units = OrgUnit.objects.filter(pk__in=RunTotal.objects.filter(run=run, unit__isnull=False).values("unit_id"))
    with source_language():
        notify(list(units), NotificationKind.PUBLICATION, _("%(title)s已发布") % {"title": pub.title},
               _("%(title)s已发布，公示期至%(end)s。如对本单位结果有异议，请在公示期内提出申诉。") % {
                   "title": pub.title, "end": timezone.localtime(pub.notice_ends).strftime("%Y-%m-%d")},
               link=f"/public/{pub.pk}/", obj=pub)
    return pub


def is_final(pub: Publication, now: dt.datetime | None = None) -> bool:
    """Results are final once the notice period is over and no appeal is open."""
    return pub.is_final(now) and not pub.appeals.filter(status=AppealStatus.FILED).exists()


# ---- appeals -----------------------------------------------------------------------------


@transaction.atomic
def file_appeal(
    pub: Publication,
    unit: OrgUnit,
    indicator: str,
    reason: str,
    user=None,
    *,
    claimed_value: float | None = None,
    files=(),
    now: dt.datetime | None = None,
) -> Appeal:
    """申诉 during the notice period, about one indicator of the unit's own results."""
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if not pub.in_notice_period(now):
        errors["__all__"] = _("公示期已结束（截止%(end)s），不能再提出申诉。") % {
            "end": timezone.localtime(pub.notice_ends).strftime("%Y-%m-%d %H:%M")}
    if not reason or not reason.strip():
        errors["reason"] = _("请填写申诉理由。")
    if not RunIndicator.objects.filter(run=pub.run, unit_code=unit.code, indicator=indicator).exists():
        name = ((pub.run.scheme_meta or {}).get("indicators", {}).get(indicator) or {}).get("name") or indicator
        errors["indicator"] = _("指标“%(ind)s”不在本单位的考核结果中。") % {"ind": name}
    if claimed_value is not None and not (math.isfinite(claimed_value) and abs(claimed_value) < 1e17):
        errors["claimed_value"] = _("申诉数值应为有限的数值，绝对值小于10¹⁷。")
    accepted, refused = [], []
    for f in files:
        data = f.read() if hasattr(f, "read") else bytes(f)
        try:
            clean, ctype = check_upload(getattr(f, "name", "file"), data)
        except UploadRefused as exc:
            refused.append(exc.reason_en if get_language().startswith("en") else exc.reason)
        else:
            accepted.append((clean, ctype, data))
    if refused:
        errors["attachments"] = "；".join(refused)
    if errors:
        raise ValidationError(errors)
    appeal = Appeal.objects.create(
        publication=pub, unit=unit, indicator=indicator, reason=reason.strip(), claimed_value=claimed_value,
        filed_by=user if user is not None and user.is_authenticated else None, filed_at=now,
        answer_due=appeal_time_limit(pub.appeal_days).due_from(now, work_calendar()),
    )
    written: list[str] = []
    storage = AppealAttachment._meta.get_field("file").storage
    try:
        for clean, ctype, data in accepted:
            att = AppealAttachment(appeal=appeal, name=clean, content_type=ctype)
            att.file.save(clean, ContentFile(data), save=False)
            written.append(att.file.name)
            att.save()
        record(AuditAction.CREATE, appeal, after=snapshot(appeal), user=user if user is not None and user.is_authenticated else None,
               parent=pub)
    except BaseException:
        delete_files(storage, written)  # the transaction rolls back: leave no file behind
        raise
    return appeal


def _answerable(appeal: Appeal) -> None:
    if appeal.status != AppealStatus.FILED:
        raise ValidationError(_("该申诉已处理。"))


@transaction.atomic
def accept_appeal(
    appeal: Appeal,
    user=None,
    *,
    response: str,
    value: float | None = None,
    now: dt.datetime | None = None,
) -> ScoringRun:
    """采纳: correct the value, score a new run linked to the appeal (and publish it in the chain)."""
    _answerable(appeal)
    now = now or timezone.now()
    value = appeal.claimed_value if value is None else value
    if value is None:
        raise ValidationError({"value": _("采纳申诉需填写更正后的数值。")})
    if not response or not response.strip():
        raise ValidationError({"response": _("请填写答复意见。")})
    base = latest_version(appeal.publication.run)
    inputs = Inputs.from_bytes(base.inputs)
    old = inputs.value_map().get((appeal.unit.code, appeal.indicator))
    corrected = inputs.with_values({(appeal.unit.code, appeal.indicator): float(value)})
    corrected.meta = {}
    _correct_source_data(base, appeal, float(value), user)
    run = create_run(
        corrected, period=base.period or base.period_value, scheme_code=base.scheme_code,
        scheme_name=base.scheme_name, user=user, previous=base,
        reason=_("申诉采纳：%(unit)s %(ind)s %(old)s → %(new)s") % {
            "unit": appeal.unit.name, "ind": appeal.indicator_name, "old": number(old, 2) if old is not None else "—",
            "new": number(value, 2)},
    )
    execute_run(run)
    # The correction above tells listeners (on commit) that this period's runs are stale;
    # the run just made already holds the corrected value, so its mark is dropped after.
    transaction.on_commit(lambda: StaleMark.objects.filter(run=run).delete())
    before = snapshot(appeal)
    appeal.status = AppealStatus.ACCEPTED
    appeal.response = response.strip()
    appeal.answered_by = user if user is not None and user.is_authenticated else None
    appeal.answered_at = now
    appeal.corrected_run = run
    appeal.save()
    record(AuditAction.UPDATE, appeal, before=before, after=snapshot(appeal), reason=appeal.response, parent=appeal.publication,
           user=appeal.answered_by)
    original = appeal.publication
    publish(run, user, title=original.title + _("（更正）"), now=now, notice_ends=max(original.notice_ends, now),
            appeal_days=original.appeal_days, check_completeness=False)
    _tell_appellant(appeal, gettext_noop("申诉已采纳：%(ind)s"), gettext_noop("您单位关于“%(ind)s”的申诉已采纳：%(resp)s"))
    return run


def _tell_appellant(appeal: Appeal, title: str, body: str) -> None:
    """The one who filed the appeal is told (everyone in the unit if the filer is unknown);
    ``title`` and ``body`` are untranslated (Chinese) message ids."""
    with source_language():
        values = {"ind": appeal.indicator_name, "resp": appeal.response}
        notify(appeal.filed_by or appeal.unit, NotificationKind.APPEAL, _(title) % values, _(body) % values,
               link=f"/results/appeals/{appeal.pk}/", obj=appeal)


def _correct_source_data(run: ScoringRun, appeal: Appeal, value: float, user) -> None:
    """Keep the assessment data store in step when the run came from it (its correction service)."""
    if run.scheme_version is None or run.period is None:
        return
    version, period = run.scheme_version, run.period
    # The run's value may come from an earlier period of the indicator's own frequency (a
    # quarterly indicator in a monthly run, a monthly one in the annual run): correct it there.
    stored = (DataValue.objects.filter(version=version, unit=appeal.unit, indicator=appeal.indicator,
                                       period__year=period.year, period__end__lte=period.end)
              .select_related("period").order_by("-period__end").first())
    target = stored.period if stored is not None else period
    try:
        correct_value(user, version, target, appeal.unit, appeal.indicator, Decimal(str(value)),
                      reason=_("申诉采纳（申诉编号%(id)s）") % {"id": appeal.pk})
    except WorkflowError as exc:  # say why, change nothing
        raise ValidationError(_("考核数据更正未成功：%(err)s") % {"err": exc}) from exc


@transaction.atomic
def reject_appeal(appeal: Appeal, user=None, *, response: str, now: dt.datetime | None = None) -> Appeal:
    """驳回 with a reason; the unit is told."""
    _answerable(appeal)
    if not response or not response.strip():
        raise ValidationError({"response": _("驳回申诉须说明理由。")})
    before = snapshot(appeal)
    appeal.status = AppealStatus.REJECTED
    appeal.response = response.strip()
    appeal.answered_by = user if user is not None and user.is_authenticated else None
    appeal.answered_at = now or timezone.now()
    appeal.save()
    record(AuditAction.UPDATE, appeal, before=before, after=snapshot(appeal), reason=appeal.response, parent=appeal.publication,
           user=appeal.answered_by)
    _tell_appellant(appeal, gettext_noop("申诉未被采纳：%(ind)s"),
                    gettext_noop("您单位关于“%(ind)s”的申诉未被采纳：%(resp)s"))
    return appeal


def open_appeals(now: dt.datetime | None = None):
    return Appeal.objects.filter(status=AppealStatus.FILED).select_related("unit", "publication").order_by("answer_due")


# ---- reviews and awards ------------------------------------------------------------------


def add_review(run: ScoringRun, title: str, text: str, user=None) -> Review:
    """季度点评 / 年度点评 by the office."""
    if not text.strip():
        raise ValidationError({"text": _("请填写点评内容。")})
    review = Review.objects.create(run=run, title=title.strip() or run.label, text=text.strip(),
                                   author=user if user is not None and user.is_authenticated else None)
    record(AuditAction.CREATE, review, after=snapshot(review), user=review.author)
    return review


def first_tier_name(run: ScoringRun) -> str | None:
    tiers = run_scheme(Inputs.from_bytes(run.inputs).scheme).tiers
    return tiers.levels[0].name if tiers else None


@transaction.atomic
def grant_first_prizes(run: ScoringRun, user=None, *, by: str = "tier", count: int | None = None) -> list[Award]:
    """综合考核一等奖 from an annual run: every unit in the first tier, or the top ``count`` of each group."""
    if run.kind != PeriodKind.YEAR or not run.sealed:
        raise ValidationError(_("一等奖只能依据已完成的年度计分批次评定。"))
    totals = RunTotal.objects.filter(run=run).order_by("group", RANK_ORDER)
    if by == "tier":
        name = first_tier_name(run)
        if not name:
            raise ValidationError(_("方案没有设定等次，请按名额评定。"))
        chosen = [t for t in totals if t.tier == name and not t.vetoed]
        why = _("%(year)s年度综合考核%(tier)s") % {"year": run.year, "tier": name}
    elif by == "quota":
        if not count or count < 1:
            raise ValidationError({"count": _("请填写每组名额。")})
        chosen = [t for t in totals if t.rank is not None and t.rank <= count and not t.vetoed]
        why = _("%(year)s年度综合考核组内前%(n)d名") % {"year": run.year, "n": count}
    else:
        raise ValidationError({"by": _("评定方式只能是按等次或按名额。")})
    # Only this organiser's first prizes are replaced: a district granting its towns' prizes
    # leaves the city's prizes (and another district's) alone.
    Award.objects.filter(year=run.year, kind=AwardKind.FIRST_PRIZE, run__owner_unit=run.owner_unit).delete()
    actor = user if user is not None and user.is_authenticated else None
    from kaohe.results.queries import group_names

    names = group_names(run)
    awards = Award.objects.bulk_create([
        Award(year=run.year, kind=AwardKind.FIRST_PRIZE, run=run, unit_id=t.unit_id, unit_code=t.unit_code,
              unit_name=t.unit_name, reason=f"{why}（{names.get(t.group) or t.group}第{t.rank}名，{number(t.total, 2)}分）",
              status=AwardStatus.APPROVED, decided_by=actor, decided_at=timezone.now())
        for t in chosen
    ])
    record(AuditAction.CREATE, None, object_type=Award, parent=run,
           object_repr=_("%(year)s年度综合考核一等奖") % {"year": run.year},
           after={"units": [t.unit_code for t in chosen], "by": by, "count": count}, user=actor)
    return awards


def nominate(year: int, kind: str, unit: OrgUnit, reason: str, user=None, *, person_name: str = "") -> Award:
    """提名 特别贡献奖 or an honour (好班子/好班长/好助手) with a reason; the office decides."""
    errors = {}
    if kind not in AwardKind.values or kind == AwardKind.FIRST_PRIZE:
        errors["kind"] = _("一等奖由年度结果评定，不接受提名。") if kind == AwardKind.FIRST_PRIZE else _("未知奖项。")
    if not reason.strip():
        errors["reason"] = _("请填写提名事由。")
    if kind in (AwardKind.GOOD_LEADER, AwardKind.GOOD_ASSISTANT) and not person_name.strip():
        errors["person_name"] = _("好班长、好助手须填写人员姓名。")
    if errors:
        raise ValidationError(errors)
    award = Award.objects.create(
        year=year, kind=kind, unit=unit, unit_code=unit.code, unit_name=unit.name, person_name=person_name.strip(),
        reason=reason.strip(), nominated_by=user if user is not None and user.is_authenticated else None,
    )
    record(AuditAction.CREATE, award, after=snapshot(award), user=award.nominated_by)
    return award


def decide_award(award: Award, user, *, approve: bool, note: str = "") -> Award:
    if award.status != AwardStatus.NOMINATED:
        raise ValidationError(_("该提名已审批。"))
    before = snapshot(award)
    award.status = AwardStatus.APPROVED if approve else AwardStatus.REJECTED
    award.decided_by = user if user is not None and user.is_authenticated else None
    award.decided_at = timezone.now()
    award.decision_note = note.strip()
    award.save()
    record(AuditAction.APPROVE if approve else AuditAction.RETURN, award, before=before, after=snapshot(award),
           reason=award.decision_note, user=award.decided_by)
    if award.unit_id:
        with source_language():
            text = _("%(year)s年度%(kind)s提名%(res)s。") % {
                "year": award.year, "kind": award.get_kind_display(), "res": _("已批准") if approve else _("未批准")}
            notify(award.unit, NotificationKind.AWARD, text, award.decision_note, link=f"/results/awards/?year={award.year}",
                   obj=award)
    return award
