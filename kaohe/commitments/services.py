"""Business rules of public commitments: claim → submit → approve → publish (公示) → progress per
milestone → fulfilled (销号) or not, and the office's year-end score (评诺).

Every change writes one audit entry through ``kaohe.audit.services.record`` with the commitment
as parent (a milestone's or a report's entry too), so ``changes_under(item)`` is the item's
version history; ``Commitment.version`` counts its versions. Views and imports call these
functions; nothing else changes a commitment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.audit.models import AuditAction, source_label
from kaohe.audit.services import record
from kaohe.commitments import config
from kaohe.commitments.cache import bump_public_cache
from kaohe.commitments.models import PUBLIC_STATUSES as PUBLIC
from kaohe.commitments.models import (
    Campaign,
    Commitment,
    CommitmentStatus,
    Milestone,
    ProblemKind,
    ProgressReport,
)
from kaohe.lib.changes import snapshot
from kaohe.lib.numbers import round_half_up
from kaohe.lib.workdays import WorkCalendar
from kaohe.notifications.models import NotificationKind
from kaohe.notifications.services import notify, people, source_language
from kaohe.orgs.calendar import work_calendar
from kaohe.orgs.models import OrgUnit, Role
from kaohe.orgs.scope import subtree_ids

ITEM_FIELDS = ["title", "problem_kind", "problem", "goal", "contact", "claimant_name", "claimant_title"]


class CommitmentError(Exception):
    """A step refused, with the reason in the user's words."""


@dataclass(frozen=True)
class MilestonePlan:
    """A milestone as claimed: its target, date and weight."""

    title: str
    due_on: dt.date
    weight: int = 1


def today() -> dt.date:
    return timezone.localdate()


def _item_snapshot(item: Commitment) -> dict:
    data = snapshot(item, [*ITEM_FIELDS, "status", "progress", "office_score", "closed_on", "version"])
    data["milestones"] = [[m.seq, m.title, m.due_on, m.weight, m.progress, m.done_on] for m in item.milestones.order_by("seq")]
    return data


# ---- campaigns -------------------------------------------------------------------------------


def eligible_units(campaign: Campaign):
    """The units whose heads may claim: below the organiser, of the claimant kind's unit kinds."""
    below = subtree_ids(campaign.owner_unit_id) - {campaign.owner_unit_id}
    return OrgUnit.objects.filter(pk__in=below, kind__in=campaign.eligible_kinds, is_active=True).order_by("sort_order", "code")


def claim_open(campaign: Campaign, on: dt.date | None = None) -> bool:
    on = on or today()
    return campaign.claim_opens <= on <= campaign.claim_closes


def evaluation_open(campaign: Campaign, on: dt.date | None = None) -> bool:
    on = on or today()
    return bool(campaign.evaluation_opens and campaign.evaluation_closes
                and campaign.evaluation_opens <= on <= campaign.evaluation_closes)


def claims_by_unit(campaign: Campaign) -> dict[int, int]:
    from django.db.models import Count

    rows = campaign.commitments.values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n")
    return dict(rows)


def unclaimed_units(campaign: Campaign) -> list[OrgUnit]:
    """Eligible units that have claimed fewer items than the rule asks (the office's 未认领 list)."""
    counts = claims_by_unit(campaign)
    return [u for u in eligible_units(campaign) if counts.get(u.pk, 0) < campaign.items_per_claimant]


def duplicate_titles(campaign: Campaign) -> dict[str, list[int]]:
    """Titles claimed by more than one unit (flagged for the office): title → item numbers."""
    seen: dict[str, list[int]] = {}
    for number, title in campaign.commitments.values_list("number", "title"):
        seen.setdefault(title.strip(), []).append(number)
    return {t: ns for t, ns in seen.items() if len(ns) > 1}


# ---- checks ----------------------------------------------------------------------------------


def check_milestones(campaign: Campaign, plans: Sequence[MilestonePlan], calendar: WorkCalendar | None = None) -> list[str]:
    """Problems of a milestone plan: at least one; each with a target, a date in the campaign's
    year on a working day (a date on a holiday or weekend names the working day before it), dates
    in order."""
    calendar = calendar or work_calendar()
    problems = []
    if not plans:
        problems.append(_("至少需要一个可衡量的节点（节点目标和计划完成日期）"))
    previous = None
    for i, plan in enumerate(plans, start=1):
        if not plan.title.strip():
            problems.append(_("第%(n)d个节点：节点目标不能为空") % {"n": i})
        if plan.due_on.year not in (campaign.year, campaign.year + 1):
            problems.append(_("第%(n)d个节点：计划完成日期%(d)s不在%(y)d年度") % {"n": i, "d": plan.due_on.isoformat(), "y": campaign.year})
        elif not calendar.is_workday(plan.due_on):
            before = plan.due_on - dt.timedelta(days=1)
            while not calendar.is_workday(before):
                before -= dt.timedelta(days=1)
            problems.append(_("第%(n)d个节点：计划完成日期%(d)s不是工作日，请改为工作日（如%(b)s）") % {
                "n": i, "d": plan.due_on.isoformat(), "b": before.isoformat()})
        if previous is not None and plan.due_on < previous:
            problems.append(_("第%(n)d个节点：计划完成日期早于上一个节点") % {"n": i})
        if plan.weight < 1:
            problems.append(_("第%(n)d个节点：权重应为正整数") % {"n": i})
        previous = plan.due_on
    return problems


def _require_text(**fields: str) -> None:
    labels = {"title": _("承诺事项"), "problem": _("群众反映的问题"), "goal": _("承诺目标"), "claimant_name": _("认领人")}
    missing = [labels[k] for k, v in fields.items() if not (v or "").strip()]
    if missing:
        raise CommitmentError(_("请填写：%(f)s") % {"f": "、".join(missing)})


# ---- claim and edit --------------------------------------------------------------------------


@transaction.atomic
def claim(campaign: Campaign, unit: OrgUnit, *, claimant_name: str, title: str, problem: str, goal: str,
          milestones: Sequence[MilestonePlan], claimant_title: str = "", problem_kind: str = ProblemKind.WORRY,
          contact: str = "", user=None, on: dt.date | None = None, at: dt.datetime | None = None,
          calendar: WorkCalendar | None = None) -> Commitment:
    """认领: the head of ``unit`` takes on one item of ``campaign`` (within the claim window, the
    unit eligible, no more than the rule's number of items)."""
    on = on or today()
    if not claim_open(campaign, on):
        raise CommitmentError(_("认领时间为%(a)s至%(b)s，当前不在认领期内") % {
            "a": campaign.claim_opens.isoformat(), "b": campaign.claim_closes.isoformat()})
    if not eligible_units(campaign).filter(pk=unit.pk).exists():
        raise CommitmentError(_("%(u)s不是本活动的认领单位（%(k)s）") % {"u": unit.name, "k": campaign.get_claimant_kind_display()})
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()  # one claim at a time per campaign
    taken = campaign.commitments.filter(unit=unit).count()
    if taken >= campaign.items_per_claimant:
        raise CommitmentError(_("%(u)s已认领%(n)d项，本活动每个认领主体认领%(m)d项") % {
            "u": unit.name, "n": taken, "m": campaign.items_per_claimant})
    _require_text(title=title, problem=problem, goal=goal, claimant_name=claimant_name)
    problems = check_milestones(campaign, milestones, calendar)
    if problems:
        raise CommitmentError("；".join(problems))
    number = (campaign.commitments.aggregate(n=Max("number"))["n"] or 0) + 1
    item = Commitment.objects.create(
        campaign=campaign, number=number, unit=unit, claimant_name=claimant_name.strip(), claimant_title=claimant_title.strip(),
        title=title.strip(), problem_kind=problem_kind, problem=problem.strip(), goal=goal.strip(), contact=contact.strip(),
        claimed_at=at or timezone.now(), claimed_by=user if getattr(user, "is_authenticated", False) else None,
    )
    Milestone.objects.bulk_create([Milestone(commitment=item, seq=i, title=p.title.strip(), due_on=p.due_on, weight=p.weight)
                                   for i, p in enumerate(milestones, start=1)])
    record(AuditAction.CREATE, item, after=_item_snapshot(item), parent=campaign, unit=unit, user=user, reason=_("认领"))
    return item


@transaction.atomic
def update_item(item: Commitment, *, user=None, milestones: Sequence[MilestonePlan] | None = None,
                reason: str = "", **changes) -> Commitment:
    """Change a claimed (or returned) item before approval; a new version."""
    if not item.is_editable:
        raise CommitmentError(_("事项状态为“%(s)s”，不能修改") % {"s": item.get_status_display()})
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise CommitmentError(_("不能修改：%(f)s") % {"f": "、".join(sorted(unknown))})
    before = _item_snapshot(item)
    for key, value in changes.items():
        setattr(item, key, value.strip() if isinstance(value, str) else value)
    _require_text(title=item.title, problem=item.problem, goal=item.goal, claimant_name=item.claimant_name)
    if milestones is not None:
        problems = check_milestones(item.campaign, milestones)
        if problems:
            raise CommitmentError("；".join(problems))
        item.milestones.all().delete()
        Milestone.objects.bulk_create([Milestone(commitment=item, seq=i, title=p.title.strip(), due_on=p.due_on, weight=p.weight)
                                       for i, p in enumerate(milestones, start=1)])
    item.version += 1
    item.save()
    record(AuditAction.UPDATE, item, before=before, after=_item_snapshot(item), parent=item.campaign, unit=item.unit,
           user=user, reason=reason)
    return item


def _transition(item: Commitment, allowed: Iterable[str], to: str, action: str, *, user=None, reason: str = "",
                **fields) -> Commitment:
    if item.status not in allowed:
        raise CommitmentError(_("事项状态为“%(s)s”，不能执行此操作") % {"s": item.get_status_display()})
    before = {"status": item.status}
    item.status = to
    for key, value in fields.items():
        setattr(item, key, value)
    item.version += 1
    item.save()
    if to in PUBLIC or before["status"] in PUBLIC:
        bump_public_cache()
    record(action, item, before=before, after={"status": to, **{k: v for k, v in fields.items() if not hasattr(v, "pk")}},
           parent=item.campaign, unit=item.unit, user=user, reason=reason)
    return item


def _office_people(item: Commitment):
    return people(item.campaign.owner_unit, Role.OFFICE)


def _unit_people(item: Commitment):
    return people(item.unit)


def _link(item: Commitment) -> str:
    from django.urls import reverse

    return reverse("commitments:item", args=[item.pk])


@transaction.atomic
def submit(item: Commitment, *, user=None) -> Commitment:
    """报送审核: the unit sends its claimed (or corrected) item to the office."""
    item = _transition(item, (CommitmentStatus.CLAIMED, CommitmentStatus.RETURNED), CommitmentStatus.SUBMITTED,
                       AuditAction.SUBMIT, user=user)
    with source_language():
        notify(_office_people(item), NotificationKind.COMMITMENT, _("承诺事项待审核：%(t)s") % {"t": item.title},
               _("%(u)s认领的承诺事项已报送，请审核。") % {"u": item.unit.name}, _link(item), item)
    return item


@transaction.atomic
def return_item(item: Commitment, reason: str, *, user=None) -> Commitment:
    """退回修改, with the reason (the unit corrects and submits again)."""
    if not reason.strip():
        raise CommitmentError(_("退回须说明原因"))
    item = _transition(item, (CommitmentStatus.SUBMITTED, CommitmentStatus.APPROVED), CommitmentStatus.RETURNED,
                       AuditAction.RETURN, user=user, reason=reason, return_reason=reason.strip()[:300])
    with source_language():
        notify(_unit_people(item), NotificationKind.COMMITMENT, _("承诺事项被退回：%(t)s") % {"t": item.title},
               _("退回原因：%(r)s") % {"r": reason}, _link(item), item)
    return item


@transaction.atomic
def approve(item: Commitment, *, user=None, at: dt.datetime | None = None) -> Commitment:
    """审核通过 (the office): the item may be published."""
    return _transition(item, (CommitmentStatus.SUBMITTED,), CommitmentStatus.APPROVED, AuditAction.APPROVE, user=user,
                       approved_at=at or timezone.now(), approved_by=user if getattr(user, "is_authenticated", False) else None,
                       return_reason="")


@transaction.atomic
def publish(items: Iterable[Commitment], *, user=None, at: dt.datetime | None = None) -> int:
    """对外公示: approved items go on the public page (one audit entry each)."""
    at = at or timezone.now()
    n = 0
    for item in items:
        _transition(item, (CommitmentStatus.APPROVED,), CommitmentStatus.PUBLISHED, AuditAction.PUBLISH, user=user,
                    published_at=at)
        with source_language():
            notify(_unit_people(item), NotificationKind.COMMITMENT, _("承诺事项已公示：%(t)s") % {"t": item.title},
                   _("请按节点报告进展，接受群众监督。"), _link(item), item)
        n += 1
    return n


# ---- progress --------------------------------------------------------------------------------


def weighted_progress(milestones: Iterable[Milestone]) -> Decimal:
    """Σ(progress × weight) ÷ Σweight, 四舍五入 to 0.1 (Decidim's weighted parent progress)."""
    ms = list(milestones)
    total = sum(m.weight for m in ms)
    if not total:
        return Decimal(0)
    return round_half_up(Decimal(sum(m.progress * m.weight for m in ms)) / Decimal(total), 1)


@transaction.atomic
def report_progress(milestone: Milestone, progress: int, note: str, *, reported_on: dt.date | None = None,
                    done_on: dt.date | None = None, user=None, source: str = "grid") -> ProgressReport:
    """进展报告 on one milestone of a published item: its progress (0–100, never backwards) and
    what was done; 100% marks it reached (on ``done_on``, by default the report's date)."""
    item = milestone.commitment
    if item.status != CommitmentStatus.PUBLISHED:
        raise CommitmentError(_("事项公示后方可报告进展（当前：%(s)s）") % {"s": item.get_status_display()})
    if not 0 <= progress <= 100:
        raise CommitmentError(_("完成进度应在0–100之间"))
    if progress < milestone.progress:
        raise CommitmentError(_("完成进度不能低于上次报告的%(p)d%%") % {"p": milestone.progress})
    if not note.strip():
        raise CommitmentError(_("请填写进展情况"))
    reported_on = reported_on or today()
    if progress == 100:
        done_on = done_on or milestone.done_on or reported_on
        if done_on > reported_on:
            raise CommitmentError(_("实际完成日期不能晚于报告日期"))
    elif done_on is not None:
        raise CommitmentError(_("完成进度为100%时才填写实际完成日期"))
    before = {"progress": milestone.progress, "done_on": milestone.done_on, "note": milestone.note}
    milestone.progress, milestone.note = progress, note.strip()
    milestone.done_on = done_on if progress == 100 else None
    milestone.save()
    report = ProgressReport.objects.create(milestone=milestone, reported_on=reported_on, progress=progress, note=note.strip(),
                                           source=source, by=user if getattr(user, "is_authenticated", False) else None)
    bump_public_cache()
    item.progress = weighted_progress(item.milestones.all())
    item.version += 1
    item.save(update_fields=["progress", "version", "updated_at"])
    record(AuditAction.UPDATE, milestone, before=before,
           after={"progress": progress, "done_on": milestone.done_on, "note": milestone.note, "item_progress": item.progress},
           parent=item, unit=item.unit, user=user, reason=_("进展报告（%(src)s）") % {"src": source_label(source)})
    return report


@transaction.atomic
def close(item: Commitment, *, fulfilled: bool, note: str, closed_on: dt.date | None = None, user=None) -> Commitment:
    """销号: fulfilled (every milestone reached) or, with the reason, not fulfilled — never deleted."""
    if not note.strip():
        raise CommitmentError(_("请填写兑现情况或未兑现原因"))
    if fulfilled and item.milestones.exclude(progress=100).exists():
        raise CommitmentError(_("尚有节点未完成，不能按已兑现销号"))
    to = CommitmentStatus.FULFILLED if fulfilled else CommitmentStatus.NOT_FULFILLED
    return _transition(item, (CommitmentStatus.PUBLISHED,), to, AuditAction.UPDATE, user=user, reason=note,
                       closed_on=closed_on or today(), close_note=note.strip())


@transaction.atomic
def score(item: Commitment, value: Decimal | float | str, note: str = "", *, user=None) -> Commitment:
    """组织考评 (评诺): the office's score out of 100, while or after the campaign's evaluation is open."""
    try:
        value = Decimal(str(value))
    except ArithmeticError:
        raise CommitmentError(_("得分应为0–100之间的数")) from None
    if not Decimal(0) <= value <= Decimal(100):
        raise CommitmentError(_("得分应为0–100之间的数"))
    if not item.is_public:
        raise CommitmentError(_("公示后的事项方可考评"))
    campaign = item.campaign
    if not campaign.evaluation_opens or today() < campaign.evaluation_opens:
        raise CommitmentError(_("评诺尚未开始"))
    before = {"office_score": item.office_score, "office_score_note": item.office_score_note}
    item.office_score, item.office_score_note = round_half_up(value, 1), note.strip()[:300]
    item.version += 1
    item.save(update_fields=["office_score", "office_score_note", "version", "updated_at"])
    record(AuditAction.UPDATE, item, before=before, after={"office_score": item.office_score, "office_score_note": item.office_score_note},
           parent=campaign, unit=item.unit, user=user, reason=_("组织考评"))
    return item


# ---- milestone status on the working-day calendar ----------------------------------------------


@dataclass(frozen=True)
class MilestoneState:
    code: str  # done / done_late / overdue / due_soon / normal
    label: str
    colour: str  # green / yellow / red / grey


def milestone_state(m: Milestone, on: dt.date, calendar: WorkCalendar) -> MilestoneState:
    """按期完成 / 逾期完成 / 已逾期 / 临近 (``remind_workdays`` working days or fewer left, today and the date
    counted: 5 by default) / 正常 — on the working-day calendar."""
    if m.done_on is not None:
        if m.done_on <= m.due_on:
            return MilestoneState("done", _("按期完成"), "green")
        return MilestoneState("done_late", _("逾期完成"), "yellow")
    if on > m.due_on:
        return MilestoneState("overdue", _("已逾期"), "red")
    if calendar.workdays_between(on, m.due_on) <= config.get("remind_workdays"):
        return MilestoneState("due_soon", _("临近"), "yellow")
    return MilestoneState("normal", _("正常推进"), "grey")


def item_lagging(milestones: Iterable[Milestone], on: dt.date) -> bool:
    """滞后: a milestone past its date and not reached."""
    return any(m.done_on is None and on > m.due_on for m in milestones)
