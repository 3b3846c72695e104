"""Pages of public commitments for the organisation: campaigns, claiming, an item's page with its
workflow and progress, the Excel round trip, and the comment moderation queue.

Views stay thin: permission via ``require``/``check``, scope via ``visible_to`` and
``get_visible_or_404`` (out of scope is a 404), changes via ``services`` and ``public``.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaohe.audit.services import changes_under
from kaohe.commitments import excel, public, services
from kaohe.commitments.models import (
    PUBLIC_STATUSES,
    Campaign,
    Comment,
    CommentStatus,
    Commitment,
    CommitmentStatus,
    Milestone,
    ProblemKind,
)
from kaohe.commitments.services import CommitmentError, MilestonePlan
from kaohe.lib.exports import DOCX_TYPE, XLSX_TYPE, attachment
from kaohe.lib.tabular import TabularError
from kaohe.orgs.calendar import work_calendar
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.permissions import check, person_of, require
from kaohe.orgs.scope import get_visible_or_404

PAGE_SIZE = 50
MILESTONE_ROWS = 5


def _visible_items(user):
    return Commitment.objects.visible_to(user).select_related("campaign", "unit")


@login_required
def index(request):
    """The campaigns the user sees, and the items of the user's own unit."""
    require(request.user, "commitments.list")
    campaigns = list(Campaign.objects.visible_to(request.user).select_related("owner_unit")
                     .annotate(n=Count("commitments"), published=Count("commitments", filter=Q(commitments__status__in=[
                         CommitmentStatus.PUBLISHED, CommitmentStatus.FULFILLED, CommitmentStatus.NOT_FULFILLED]))))
    person = person_of(request.user)
    mine = []
    if person is not None:
        mine = list(_visible_items(request.user).filter(unit_id=person.unit_id).order_by("-campaign__year", "number"))
    for c in campaigns:
        c.claimable = services.claim_open(c) and person is not None and (
            check(request.user, "commitments.claim", person.unit) and services.eligible_units(c).filter(pk=person.unit_id).exists()
            or check(request.user, "commitments.manage_campaign", c))
    return render(request, "commitments/index.html", {"nav_active": "commitments", "campaigns": campaigns, "mine": mine})


def _campaign(request, pk: int) -> Campaign:
    return get_visible_or_404(request.user, Campaign.objects.select_related("owner_unit"), pk=pk)


@login_required
def campaign_detail(request, pk: int):
    campaign = _campaign(request, pk)
    require(request.user, "commitments.view_campaign", campaign)
    items = _visible_items(request.user).filter(campaign=campaign)
    unit_code, status = request.GET.get("unit", ""), request.GET.get("status", "")
    units = OrgUnit.objects.filter(pk__in=items.values("unit_id")).order_by("sort_order", "code")
    filtered = items
    if unit_code:
        filtered = filtered.filter(unit__code=unit_code)
    if status == "lagging":
        filtered = filtered.filter(status=CommitmentStatus.PUBLISHED, milestones__done_on__isnull=True,
                                   milestones__due_on__lt=timezone.localdate()).distinct()
    elif status:
        filtered = filtered.filter(status=status)
    page = Paginator(filtered.order_by("number"), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = dict(items.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    manage = check(request.user, "commitments.manage_campaign", campaign)
    stats = items.aggregate(n=Count("id"), progress=Avg("progress", filter=Q(status__in=[
        CommitmentStatus.PUBLISHED, CommitmentStatus.FULFILLED, CommitmentStatus.NOT_FULFILLED])))
    context = {
        "nav_active": "commitments", "campaign": campaign, "page": page, "units": units, "unit_code": unit_code,
        "status": status, "statuses": CommitmentStatus.choices, "counts": counts, "stats": stats, "manage": manage,
        "claim_open": services.claim_open(campaign), "evaluation_open": services.evaluation_open(campaign),
        "unclaimed": services.unclaimed_units(campaign) if manage else [],
        "duplicates": services.duplicate_titles(campaign) if manage else {},
        "approved": counts.get(CommitmentStatus.APPROVED, 0),
        "can_notice": check(request.user, "commitments.notice", campaign),
        "can_import": check(request.user, "commitments.import_progress", campaign),
        "can_draft": check(request.user, "documents.draft", campaign.owner_unit) and check(request.user, "commitments.notice", campaign),
        "public_total": sum(counts.get(s, 0) for s in PUBLIC_STATUSES),
        "query": request.GET.urlencode(),
    }
    return render(request, "commitments/campaign.html", context)


# ---- claim / edit ------------------------------------------------------------------------------


class ItemForm(forms.Form):
    unit = forms.ModelChoiceField(label=gettext_lazy("责任单位"), queryset=OrgUnit.objects.none())
    claimant_name = forms.CharField(label=gettext_lazy("认领人"), max_length=50)
    claimant_title = forms.CharField(label=gettext_lazy("职务"), max_length=100, required=False)
    title = forms.CharField(label=gettext_lazy("承诺事项"), max_length=200)
    problem_kind = forms.ChoiceField(label=gettext_lazy("问题类型"), choices=ProblemKind.choices)
    problem = forms.CharField(label=gettext_lazy("群众反映的问题"), widget=forms.Textarea(attrs={"rows": 3}))
    goal = forms.CharField(label=gettext_lazy("承诺目标"), widget=forms.Textarea(attrs={"rows": 3}))
    contact = forms.CharField(label=gettext_lazy("监督电话"), max_length=100, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else OrgUnit.objects.none()
        self.fields["unit"].empty_label = _("请选择单位")
        for i in range(1, MILESTONE_ROWS + 1):
            self.fields[f"m{i}_title"] = forms.CharField(label=_("节点%(n)d目标") % {"n": i}, max_length=200, required=False)
            self.fields[f"m{i}_due"] = forms.DateField(label=_("节点%(n)d计划完成日期") % {"n": i}, required=False,
                                                       widget=forms.DateInput(attrs={"type": "date"}))
            self.fields[f"m{i}_weight"] = forms.IntegerField(label=_("节点%(n)d权重") % {"n": i}, min_value=1, max_value=10,
                                                             initial=1, required=False)
            for name in (f"m{i}_title", f"m{i}_due", f"m{i}_weight"):
                self.fields[name].widget.attrs["aria-label"] = self.fields[name].label

    def milestone_rows(self):
        return [(self[f"m{i}_title"], self[f"m{i}_due"], self[f"m{i}_weight"]) for i in range(1, MILESTONE_ROWS + 1)]

    def plans(self) -> list[MilestonePlan]:
        out = []
        for i in range(1, MILESTONE_ROWS + 1):
            title, due = self.cleaned_data.get(f"m{i}_title") or "", self.cleaned_data.get(f"m{i}_due")
            if title.strip() or due:
                if not (title.strip() and due):
                    raise CommitmentError(_("第%(n)d个节点：请同时填写节点目标和计划完成日期") % {"n": i})
                out.append(MilestonePlan(title, due, self.cleaned_data.get(f"m{i}_weight") or 1))
        return out


def _claim_units(request, campaign: Campaign):
    """The units the user may claim for in this campaign: their own (if eligible), or, for the
    office, every eligible unit it manages."""
    eligible = services.eligible_units(campaign)
    if check(request.user, "commitments.manage_campaign", campaign):
        return eligible
    person = person_of(request.user)
    return eligible.filter(pk=person.unit_id) if person is not None and check(request.user, "commitments.claim", person.unit) else eligible.none()


@login_required
def claim(request, pk: int):
    campaign = _campaign(request, pk)
    units = _claim_units(request, campaign)
    if not units.exists():
        require(request.user, "commitments.manage_campaign", campaign)  # a clear 403
    form = ItemForm(request.POST or None, units=units, initial={"unit": units.first() if units.count() == 1 else None})
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        require(request.user, "commitments.claim", unit)
        try:
            item = services.claim(campaign, unit, milestones=form.plans(), user=request.user,
                                  **{k: form.cleaned_data[k] for k in services.ITEM_FIELDS})
        except CommitmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已认领第%(n)d号事项，请核对后报送审核。") % {"n": item.number})
            return redirect("commitments:item", item.pk)
    return render(request, "commitments/claim.html", {"nav_active": "commitments", "campaign": campaign, "form": form,
                                                      "claim_open": services.claim_open(campaign)})


def _item(request, pk: int) -> Commitment:
    return get_visible_or_404(request.user, Commitment.objects.select_related("campaign", "campaign__owner_unit", "unit"), pk=pk)


@login_required
def edit(request, pk: int):
    item = _item(request, pk)
    require(request.user, "commitments.act", item)
    units = OrgUnit.objects.filter(pk=item.unit_id)
    initial = {k: getattr(item, k) for k in services.ITEM_FIELDS} | {"unit": item.unit}
    for m in item.milestones.all():
        if m.seq <= MILESTONE_ROWS:
            initial |= {f"m{m.seq}_title": m.title, f"m{m.seq}_due": m.due_on, f"m{m.seq}_weight": m.weight}
    form = ItemForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_item(item, milestones=form.plans(), user=request.user,
                                 **{k: form.cleaned_data[k] for k in services.ITEM_FIELDS})
        except CommitmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存（第%(v)d版）。") % {"v": item.version})
            return redirect("commitments:item", item.pk)
    return render(request, "commitments/claim.html", {"nav_active": "commitments", "campaign": item.campaign, "form": form,
                                                      "item": item, "claim_open": True})


# ---- the item page -----------------------------------------------------------------------------


@login_required
def item_detail(request, pk: int):
    item = _item(request, pk)
    require(request.user, "commitments.view", item)
    calendar, today = work_calendar(), timezone.localdate()
    milestones = list(item.milestones.prefetch_related("reports"))
    for m in milestones:
        m.state = services.milestone_state(m, today, calendar)
    can_act, can_approve = check(request.user, "commitments.act", item), check(request.user, "commitments.approve", item)
    comments = list(item.comments.order_by("-created_at")) if item.is_public else []
    if not can_approve:
        comments = [c for c in comments if c.status == CommentStatus.APPROVED]
    for c in comments:
        c.clock = public.reply_clock(c, calendar=calendar)
    context = {
        "nav_active": "commitments", "item": item, "campaign": item.campaign, "milestones": milestones,
        "can_act": can_act, "can_approve": can_approve, "comments": comments, "tally": public.tally(item),
        "history": changes_under(item)[:50], "today": today,
        "evaluation_open": services.evaluation_open(item.campaign),
        "can_report": can_act and item.status == CommitmentStatus.PUBLISHED,
    }
    return render(request, "commitments/item.html", context)


@login_required
@require_POST
def item_action(request, pk: int):
    item = _item(request, pk)
    action = request.POST.get("action", "")
    note = request.POST.get("note", "")
    try:
        if action == "submit":
            require(request.user, "commitments.act", item)
            services.submit(item, user=request.user)
            messages.success(request, _("已报送审核。"))
        elif action in ("approve", "return", "publish", "fulfilled", "not_fulfilled", "score"):
            require(request.user, "commitments.approve", item)
            if action == "approve":
                services.approve(item, user=request.user)
                messages.success(request, _("已审核通过，可对外公示。"))
            elif action == "return":
                services.return_item(item, note, user=request.user)
                messages.success(request, _("已退回修改。"))
            elif action == "publish":
                services.publish([item], user=request.user)
                messages.success(request, _("已对外公示。"))
            elif action in ("fulfilled", "not_fulfilled"):
                services.close(item, fulfilled=action == "fulfilled", note=note, user=request.user)
                messages.success(request, _("已销号。"))
            else:
                services.score(item, request.POST.get("score", ""), note, user=request.user)
                messages.success(request, _("已保存组织考评得分。"))
        else:
            messages.error(request, _("未知操作"))
    except CommitmentError as exc:
        messages.error(request, str(exc))
    return redirect("commitments:item", item.pk)


@login_required
@require_POST
def publish_approved(request, pk: int):
    campaign = _campaign(request, pk)
    require(request.user, "commitments.manage_campaign", campaign)
    n = services.publish(list(campaign.commitments.filter(status=CommitmentStatus.APPROVED)), user=request.user)
    messages.success(request, _("已对外公示%(n)d项承诺事项。") % {"n": n})
    return redirect("commitments:campaign", campaign.pk)


@login_required
@require_POST
def report(request, pk: int):
    milestone = get_visible_or_404(request.user, Milestone.objects.select_related("commitment", "commitment__campaign"), pk=pk)
    item = milestone.commitment
    require(request.user, "commitments.act", item)
    try:
        progress = int(request.POST.get("progress", ""))
        done = request.POST.get("done_on") or None
        services.report_progress(milestone, progress, request.POST.get("note", ""), user=request.user,
                                 done_on=dt.date.fromisoformat(done) if done else None)
        messages.success(request, _("已报告进展。"))
    except ValueError:
        messages.error(request, _("完成进度应为0–100之间的整数，日期格式为YYYY-MM-DD"))
    except CommitmentError as exc:
        messages.error(request, str(exc))
    return redirect("commitments:item", item.pk)


# ---- comments: moderation and answers ------------------------------------------------------------


@login_required
def moderation(request):
    """先审后发: the comments waiting for review and those hidden after reports, of the campaigns
    the office manages."""
    person = person_of(request.user)
    if not request.user.is_superuser and (person is None or person.role != "office"):
        require(request.user, "commitments.moderate", None)  # a clear 403: offices moderate
    campaigns = [c for c in Campaign.objects.visible_to(request.user) if check(request.user, "commitments.moderate", c)]
    rows = (Comment.objects.filter(commitment__campaign__in=campaigns, status__in=[CommentStatus.PENDING, CommentStatus.HIDDEN])
            .select_related("commitment", "commitment__unit", "citizen").order_by("created_at"))
    return render(request, "commitments/moderation.html", {"nav_active": "commitments", "comments": rows[:200],
                                                           "total": rows.count()})


def _comment(request, pk: int) -> Comment:
    return get_visible_or_404(request.user, Comment.objects.select_related("commitment", "commitment__campaign"), pk=pk)


@login_required
@require_POST
def moderate(request, pk: int):
    comment = _comment(request, pk)
    require(request.user, "commitments.moderate", comment.commitment.campaign)
    try:
        public.moderate(comment, approve=request.POST.get("action") == "approve", note=request.POST.get("note", ""),
                        user=request.user)
        messages.success(request, _("已审核。"))
    except CommitmentError as exc:
        messages.error(request, str(exc))
    return redirect(request.POST.get("next") or "commitments:moderation")


@login_required
@require_POST
def answer(request, pk: int):
    comment = _comment(request, pk)
    require(request.user, "commitments.answer", comment)
    try:
        public.answer(comment, request.POST.get("answer", ""), user=request.user)
        messages.success(request, _("已答复。"))
    except CommitmentError as exc:
        messages.error(request, str(exc))
    return redirect("commitments:item", comment.commitment_id)


@login_required
def notice_docx(request, pk: int):
    """承诺事项进展公示 as a GB/T 9704 .docx, from the data as it stands today."""
    from kaohe.commitments import notice

    campaign = _campaign(request, pk)
    require(request.user, "commitments.notice", campaign)
    c = notice.content(campaign, timezone.localdate())
    return attachment(notice.render(c), f"{c.title}.docx", DOCX_TYPE)


@login_required
@require_POST
def notice_draft(request, pk: int):
    """The notice as a draft in the register of documents (报告), to edit, number and issue there."""
    from kaohe.commitments import notice
    from kaohe.documents import services as documents

    campaign = _campaign(request, pk)
    require(request.user, "commitments.notice", campaign)
    require(request.user, "documents.draft", campaign.owner_unit)
    on = timezone.localdate()
    c = notice.content(campaign, on)
    stored = documents.draft(kind=notice.KIND, unit=campaign.owner_unit, period=on.isoformat(), document=notice.document(c),
                             user=request.user, source=campaign)
    messages.success(request, _("已生成进展公示草稿，修改后编号印发。"))
    return redirect("reports:document", stored.pk)


# ---- Excel round trip ---------------------------------------------------------------------------


@login_required
def export(request, pk: int):
    """The milestones of the items the user sees (a unit: its own), to fill in and import back."""
    campaign = _campaign(request, pk)
    require(request.user, "commitments.view_campaign", campaign)
    items = _visible_items(request.user).filter(campaign=campaign)
    person = person_of(request.user)
    if person is not None and not check(request.user, "commitments.manage_campaign", campaign) and person.role in ("assessed", "submitter"):
        items = items.filter(unit_id=person.unit_id)
    data = excel.export_progress(items)
    return attachment(data, f"{campaign.year}年{campaign.name}-进展填报.xlsx", XLSX_TYPE)


@login_required
def import_progress(request, pk: int):
    campaign = _campaign(request, pk)
    require(request.user, "commitments.import_progress", campaign)  # seen (else 404) but not one who reports: 403
    errors, result = [], None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [_("请选择文件")]
        else:
            try:
                result = excel.import_progress(upload.read(), campaign=campaign, user=request.user, filename=upload.name)
            except TabularError as exc:
                errors = exc.texts()
            else:
                messages.success(request, _("已导入%(n)d条进展，无变化%(s)d条。") % {"n": result["reports"], "s": result["unchanged"]})
                return redirect("commitments:campaign", campaign.pk)
    return render(request, "commitments/import.html", {"nav_active": "commitments", "campaign": campaign, "errors": errors})
