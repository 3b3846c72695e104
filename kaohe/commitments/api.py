"""JSON API of public commitments (django-ninja router, mounted at /api/commitments/): campaigns
and items as the caller may see them (``visible_to``; out of scope is 404), and progress reported
per milestone by the item's unit — the same service as the page and the Excel import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema
from ninja.errors import HttpError

from kaohe.commitments import services
from kaohe.commitments.models import Campaign, Commitment, Milestone
from kaohe.commitments.services import CommitmentError
from kaohe.lib.params import Id
from kaohe.orgs.permissions import check
from kaohe.orgs.scope import get_visible_or_404

router = Router(tags=["commitments"])


class CampaignOut(Schema):
    id: int
    code: str
    name: str
    year: int
    owner_unit: str
    claimant_kind: str
    items_per_claimant: int
    claim_opens: dt.date
    claim_closes: dt.date

    @staticmethod
    def resolve_owner_unit(obj: Campaign) -> str:
        return obj.owner_unit.code


class CommitmentMilestoneOut(Schema):
    id: int
    seq: int
    title: str
    due_on: dt.date
    weight: int
    progress: int
    done_on: dt.date | None


class ItemOut(Schema):
    id: int
    campaign: str
    number: int
    unit: str
    unit_name: str
    claimant_name: str
    title: str
    status: str
    progress: Decimal
    published_at: dt.datetime | None

    @staticmethod
    def resolve_campaign(obj: Commitment) -> str:
        return obj.campaign.code

    @staticmethod
    def resolve_unit(obj: Commitment) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj: Commitment) -> str:
        return obj.unit.name


class ItemDetailOut(ItemOut):
    problem: str
    goal: str
    milestones: list[CommitmentMilestoneOut]

    @staticmethod
    def resolve_milestones(obj: Commitment) -> list[Milestone]:
        return list(obj.milestones.all())


class ProgressIn(Schema):
    progress: int
    note: str
    done_on: dt.date | None = None


@router.get("/campaigns", operation_id="commitments_campaign_list", summary="承诺活动 / List commitment campaigns", response=list[CampaignOut])
def campaigns(request):
    return list(Campaign.objects.visible_to(request.user).select_related("owner_unit"))


@router.get("/items", operation_id="commitments_item_list", summary="承诺事项 / List commitment items", response=list[ItemOut])
def items(request, campaign: str = "", unit: str = "", status: str = ""):
    rows = Commitment.objects.visible_to(request.user).select_related("campaign", "unit").order_by("campaign_id", "number")
    if campaign:
        rows = rows.filter(campaign__code=campaign)
    if unit:
        rows = rows.filter(unit__code=unit)
    if status:
        rows = rows.filter(status=status)
    return list(rows[:2000])


@router.get("/items/{item_id}", operation_id="commitments_item_get", summary="承诺事项详情 / A commitment item with its milestones", response=ItemDetailOut)
def item(request, item_id: Id):
    return get_visible_or_404(request.user, Commitment.objects.select_related("campaign", "unit"), pk=item_id)


@router.post("/milestones/{milestone_id}/progress", operation_id="commitments_progress_report", summary="报告节点进展 / Report a milestone's progress", response=CommitmentMilestoneOut)
def report_progress(request, milestone_id: Id, payload: ProgressIn):
    milestone = get_visible_or_404(request.user, Milestone.objects.select_related("commitment", "commitment__campaign"),
                                   pk=milestone_id)
    if not check(request.user, "commitments.act", milestone.commitment):
        raise HttpError(403, "只有事项责任单位或考核办可以报告进展")
    try:
        services.report_progress(milestone, payload.progress, payload.note, done_on=payload.done_on, user=request.user,
                                 source="api")
    except CommitmentError as exc:
        raise HttpError(422, str(exc)) from None
    milestone.refresh_from_db()
    return milestone


class ReasonIn(Schema):
    reason: str


class CloseIn(Schema):
    fulfilled: bool
    note: str
    closed_on: dt.date | None = None


class ScoreIn(Schema):
    score: Decimal
    note: str = ""


def _step(request, item_id: int, rule: str, denied: str, do) -> Commitment:
    """One workflow step on an item the caller may see (else 404), allowed by ``rule`` (else 403); a
    refusal of the service is a 422 with its reason. The same services as the item page."""
    rows = Commitment.objects.select_related("campaign", "unit")
    item = get_visible_or_404(request.user, rows, pk=item_id)
    if not check(request.user, rule, item):
        raise HttpError(403, denied)
    try:
        do(item)
    except CommitmentError as exc:
        raise HttpError(422, str(exc)) from None
    return get_visible_or_404(request.user, rows, pk=item_id)


_UNIT_ONLY = "只有事项责任单位或考核办可以报送"
_OFFICE_ONLY = "只有组织单位的考核办可以审核、公示、销号和考评"


@router.post("/items/{item_id}/submit", operation_id="commitments_item_submit", summary="报送审核 / Submit an item for approval",
             response=ItemDetailOut)
def submit(request, item_id: Id):
    return _step(request, item_id, "commitments.act", _UNIT_ONLY, lambda item: services.submit(item, user=request.user))


@router.post("/items/{item_id}/return", operation_id="commitments_item_return", summary="退回修改 / Return an item with the reason",
             response=ItemDetailOut)
def return_item(request, item_id: Id, payload: ReasonIn):
    return _step(request, item_id, "commitments.approve", _OFFICE_ONLY,
                 lambda item: services.return_item(item, payload.reason, user=request.user))


@router.post("/items/{item_id}/approve", operation_id="commitments_item_approve", summary="审核通过 / Approve an item",
             response=ItemDetailOut)
def approve(request, item_id: Id):
    return _step(request, item_id, "commitments.approve", _OFFICE_ONLY, lambda item: services.approve(item, user=request.user))


@router.post("/items/{item_id}/publish", operation_id="commitments_item_publish", summary="对外公示 / Publish an approved item",
             response=ItemDetailOut)
def publish(request, item_id: Id):
    return _step(request, item_id, "commitments.approve", _OFFICE_ONLY, lambda item: services.publish([item], user=request.user))


@router.post("/items/{item_id}/close", operation_id="commitments_item_close",
             summary="销号 / Close an item as fulfilled or not fulfilled", response=ItemDetailOut)
def close(request, item_id: Id, payload: CloseIn):
    return _step(request, item_id, "commitments.approve", _OFFICE_ONLY,
                 lambda item: services.close(item, fulfilled=payload.fulfilled, note=payload.note, closed_on=payload.closed_on,
                                             user=request.user))


@router.post("/items/{item_id}/score", operation_id="commitments_item_score", summary="组织考评 / The office's score out of 100",
             response=ItemDetailOut)
def score(request, item_id: Id, payload: ScoreIn):
    return _step(request, item_id, "commitments.approve", _OFFICE_ONLY,
                 lambda item: services.score(item, payload.score, payload.note, user=request.user))
