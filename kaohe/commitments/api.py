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
