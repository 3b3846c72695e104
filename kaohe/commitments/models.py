"""公开承诺: campaigns (百名局长百件事 …), the items units claim, their milestones and progress,
the public's comments under the 2022 comment rules, and the year-end evaluation (评诺).

- :class:`Campaign` (承诺活动): who claims (a kind of claimant), when (the claim window), how many
  items each claimant takes, and the public-feedback rules (reports before auto-hiding, reply
  time limit, rate limits).
- :class:`Commitment` (承诺事项): one claimed item — the problem it addresses (操心事、烦心事、揪心事),
  the goal, the claimant and unit; claimed → submitted → approved by the office → published
  (公示) → fulfilled (已兑现) or, at year end, not fulfilled (未兑现, kept visible with its reason).
- :class:`Milestone` (节点): measurable steps with dates; the item's progress is their weighted
  progress. :class:`ProgressReport` (进展) is one report on one milestone: the timeline.
- :class:`Citizen` (实名身份): the back-end identity (a verified phone or a token), never shown;
  :class:`Comment` carries a nickname in front (后台实名、前台自愿), is reviewed before it
  appears (先审后发) and may be answered by the unit. :class:`Vote` is a 评诺 vote.
"""

from __future__ import annotations

import hashlib
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.orgs.models import OrgUnit, UnitKind
from kaohe.orgs.scope import ScopedQuerySet


class ClaimantKind(models.TextChoices):
    """认领主体: who claims the campaign's items, and which kinds of unit they head."""

    BUREAU_HEAD = "bureau_head", _("单位主要负责人")
    SECTION_CHIEF = "section_chief", _("科长")
    STREET = "street", _("街道（镇）")
    PARK = "park", _("园区")


#: The kinds of unit whose head may claim, per claimant kind.
ELIGIBLE_KINDS: dict[str, tuple[str, ...]] = {
    ClaimantKind.BUREAU_HEAD: (UnitKind.DEPARTMENT, UnitKind.DISTRICT, UnitKind.NEW_AREA, UnitKind.DEV_ZONE,
                               UnitKind.HIGH_TECH_PARK, UnitKind.ENTERPRISE, UnitKind.STREET, UnitKind.TOWN),
    ClaimantKind.SECTION_CHIEF: (UnitKind.DEPARTMENT,),
    ClaimantKind.STREET: (UnitKind.STREET, UnitKind.TOWN),
    ClaimantKind.PARK: (UnitKind.DEV_ZONE, UnitKind.HIGH_TECH_PARK),
}


class Campaign(models.Model):
    """承诺活动: 百名局长百件事、千名科长千道题、十个街道十张卷、五大园区五场考 — run by an office
    (``owner_unit``) for the units below it, in one year."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    year = models.PositiveIntegerField(_("年度"))
    owner_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("组织单位"))
    claimant_kind = models.CharField(_("认领主体"), max_length=20, choices=ClaimantKind.choices)
    items_per_claimant = models.PositiveSmallIntegerField(_("每个认领主体认领事项数"), default=1)
    claim_opens = models.DateField(_("认领开始"))
    claim_closes = models.DateField(_("认领截止"))
    description = models.TextField(_("说明"), blank=True)
    #: 评诺 is open from this day to ``evaluation_closes`` (votes of the public, the office's score).
    evaluation_opens = models.DateField(_("评诺开始"), null=True, blank=True)
    evaluation_closes = models.DateField(_("评诺截止"), null=True, blank=True)
    hide_after_reports = models.PositiveSmallIntegerField(_("被举报几次后自动隐藏"), default=3)
    reply_workdays = models.PositiveSmallIntegerField(_("答复时限（工作日）"), default=5)
    comments_per_day = models.PositiveSmallIntegerField(_("每个身份每日留言上限"), default=5)
    comments_per_hour_per_address = models.PositiveSmallIntegerField(_("每个网络地址每小时留言上限"), default=20)
    created_at = models.DateTimeField(auto_now_add=True)

    #: The organising office's; units below read it (they claim in it).
    scope_owners = ("owner_unit",)
    scope_published_down = True
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("承诺活动")
        verbose_name_plural = _("承诺活动")
        ordering = ["-year", "code"]

    def __str__(self) -> str:
        return f"{self.year}年{self.name}"

    @property
    def eligible_kinds(self) -> tuple[str, ...]:
        return ELIGIBLE_KINDS[self.claimant_kind]


class ProblemKind(models.TextChoices):
    """群众或服务对象反映强烈的问题."""

    WORRY = "worry", _("操心事")
    ANNOYANCE = "annoyance", _("烦心事")
    ANXIETY = "anxiety", _("揪心事")


class CommitmentStatus(models.TextChoices):
    CLAIMED = "claimed", _("已认领")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("退回修改")
    APPROVED = "approved", _("审核通过")
    PUBLISHED = "published", _("推进中")
    FULFILLED = "fulfilled", _("已兑现")
    NOT_FULFILLED = "not_fulfilled", _("未兑现")


#: Statuses the public sees (公示 onwards).
PUBLIC_STATUSES = (CommitmentStatus.PUBLISHED, CommitmentStatus.FULFILLED, CommitmentStatus.NOT_FULFILLED)
#: Statuses the unit may still edit (before approval).
EDITABLE_STATUSES = (CommitmentStatus.CLAIMED, CommitmentStatus.RETURNED)


class Commitment(models.Model):
    """承诺事项: one item a claimant (the head of ``unit``) takes on in a campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("承诺活动"))
    number = models.PositiveIntegerField(_("序号"))
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("责任单位"))
    claimant_name = models.CharField(_("认领人"), max_length=50)
    claimant_title = models.CharField(_("职务"), max_length=100, blank=True)
    title = models.CharField(_("承诺事项"), max_length=200)
    problem_kind = models.CharField(_("问题类型"), max_length=20, choices=ProblemKind.choices, default=ProblemKind.WORRY)
    problem = models.TextField(_("群众反映的问题"))
    goal = models.TextField(_("承诺目标"))
    contact = models.CharField(_("监督电话"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=CommitmentStatus.choices, default=CommitmentStatus.CLAIMED)
    return_reason = models.CharField(_("退回原因"), max_length=300, blank=True)
    claimed_at = models.DateTimeField(_("认领时间"))
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    closed_on = models.DateField(_("兑现（销号）日期"), null=True, blank=True)
    close_note = models.TextField(_("兑现情况"), blank=True)
    #: Weighted progress of the milestones, 0–100 (stored when a milestone changes, for lists).
    progress = models.DecimalField(_("完成进度（%）"), max_digits=5, decimal_places=1, default=Decimal(0))
    #: 组织考评 (评诺): the office's score out of 100.
    office_score = models.DecimalField(_("组织考评得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    office_score_note = models.CharField(_("考评意见"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(auto_now=True)

    #: Read by the campaign's office (and its leaders) and by the unit (and the units above it).
    scope_owners = ("campaign__owner_unit", "unit")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("承诺事项")
        verbose_name_plural = _("承诺事项")
        ordering = ["campaign", "number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="commitment_number_per_campaign")]
        indexes = [models.Index(fields=["campaign", "status"], name="commitment_campaign_status"),
                   models.Index(fields=["unit", "campaign"], name="commitment_unit_campaign")]

    def __str__(self) -> str:
        return f"{self.campaign.name}第{self.number}号：{self.title}"

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def is_fulfilled(self) -> bool:
        return self.status == CommitmentStatus.FULFILLED

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class Milestone(models.Model):
    """节点: a measurable step of a commitment with its date; ``progress`` 0–100, ``done_on`` when reached."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("承诺事项"))
    seq = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("节点目标"), max_length=200)
    due_on = models.DateField(_("计划完成日期"))
    weight = models.PositiveSmallIntegerField(_("权重"), default=1)
    progress = models.PositiveSmallIntegerField(_("完成进度（%）"), default=0)
    done_on = models.DateField(_("实际完成日期"), null=True, blank=True)
    note = models.TextField(_("最新进展"), blank=True)
    #: The days the daily job told the unit it is 临近 and (the unit and the office) it is overdue — once each.
    reminded_on = models.DateField(_("临近提醒日期"), null=True, blank=True)
    overdue_noticed_on = models.DateField(_("逾期通知日期"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_owners = ("commitment__campaign__owner_unit", "commitment__unit")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("承诺节点")
        verbose_name_plural = _("承诺节点")
        ordering = ["commitment", "seq"]
        constraints = [models.UniqueConstraint(fields=["commitment", "seq"], name="milestone_seq_per_commitment")]

    def __str__(self) -> str:
        return f"{self.commitment_id}-{self.seq} {self.title}"

    @property
    def on_time(self) -> bool | None:
        """Reached by its date (None while not reached)."""
        return None if self.done_on is None else self.done_on <= self.due_on


class ProgressReport(models.Model):
    """进展: one report on one milestone (the public timeline shows those of published items)."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="reports", verbose_name=_("节点"))
    reported_on = models.DateField(_("报告日期"))
    progress = models.PositiveSmallIntegerField(_("完成进度（%）"))
    note = models.TextField(_("进展情况"))
    source = models.CharField(_("来源"), max_length=20, default="grid")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_owners = ("milestone__commitment__campaign__owner_unit", "milestone__commitment__unit")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("承诺进展")
        verbose_name_plural = _("承诺进展")
        ordering = ["reported_on", "id"]

    def __str__(self) -> str:
        return f"{self.milestone_id} {self.reported_on} {self.progress}%"


# ---- the public ------------------------------------------------------------------------------


def phone_digest(phone: str) -> str:
    """The key a phone is found by (SHA-256 with the deployment's secret): the number itself is
    stored once, for the back end only."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:phone:{phone}".encode()).hexdigest()


class Citizen(models.Model):
    """后台实名: a member of the public verified by a one-time code sent to a phone, or by a token
    the office handed out (a 服务对象, a deputy). Never shown in front; comments carry a nickname."""

    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    phone_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    token_label = models.CharField(_("令牌说明"), max_length=100, blank=True)
    verified_at = models.DateTimeField(_("验证时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    blocked = models.BooleanField(_("已禁言"), default=False)

    class Meta:
        verbose_name = _("实名身份")
        verbose_name_plural = _("实名身份")

    def __str__(self) -> str:
        return self.masked

    @property
    def masked(self) -> str:
        """138****5678 (the moderators' view); a token identity by its label."""
        if self.phone:
            return self.phone[:3] + "****" + self.phone[-4:]
        return self.token_label or str(_("令牌身份"))

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue_token(cls, label: str) -> tuple[Citizen, str]:
        """A token identity; the plain token is returned once and never stored."""
        token = "cz_" + secrets.token_urlsafe(18)
        return cls.objects.create(token_hash=cls.hash_token(token), token_label=label[:100]), token


class PhoneCode(models.Model):
    """One-time code sent to a phone (its hash only); valid for minutes, a few attempts."""

    phone_key = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")

    def __str__(self) -> str:
        return f"{self.phone_key[:8]} {self.created_at:%Y-%m-%d %H:%M}"


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已发布")
    REJECTED = "rejected", _("未通过")
    HIDDEN = "hidden", _("已隐藏")


class Comment(models.Model):
    """留言: a citizen's comment (and optional rating 1–5) on a published commitment — shown only
    once approved (先审后发), under the nickname the citizen chose; the unit may answer."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="comments", verbose_name=_("承诺事项"))
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="comments", verbose_name=_("实名身份"))
    nickname = models.CharField(_("昵称"), max_length=30)
    body = models.TextField(_("留言内容"), max_length=1000)
    rating = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=CommentStatus.choices, default=CommentStatus.PENDING)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(_("留言时间"), db_index=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    review_note = models.CharField(_("审核意见"), max_length=200, blank=True)
    report_count = models.PositiveSmallIntegerField(_("被举报次数"), default=0)
    answer = models.TextField(_("答复"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    scope_owners = ("commitment__campaign__owner_unit", "commitment__unit")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("留言")
        verbose_name_plural = _("留言")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["commitment", "status", "created_at"], name="comment_item_status"),
                   models.Index(fields=["citizen", "created_at"], name="comment_citizen_at"),
                   models.Index(fields=["ip", "created_at"], name="comment_ip_at")]

    def __str__(self) -> str:
        return f"{self.nickname}: {self.body[:20]}"

    @property
    def stars(self) -> str:
        return "★" * (self.rating or 0) + "☆" * (5 - (self.rating or 0)) if self.rating else ""


class CommentReport(models.Model):
    """举报: one report of a published comment (once per identity or address)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    citizen = models.ForeignKey(Citizen, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ip = models.GenericIPAddressField(null=True, blank=True)
    reason = models.CharField(_("举报理由"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("留言举报")
        verbose_name_plural = _("留言举报")

    def __str__(self) -> str:
        return f"{self.comment_id} {self.reason}"


class VoteChoice(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class Vote(models.Model):
    """评诺 vote: one per verified identity and commitment, while the campaign's evaluation is open."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="votes")
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="votes")
    choice = models.CharField(_("评价"), max_length=20, choices=VoteChoice.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")
        constraints = [models.UniqueConstraint(fields=["commitment", "citizen"], name="one_vote_per_citizen")]

    def __str__(self) -> str:
        return f"{self.commitment_id} {self.choice}"
