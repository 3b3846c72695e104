"""服务企业: the register of enterprises and their requests (企业诉求), handled under 12345 discipline.

- :class:`Enterprise` — 企业名录, keyed by the 18-character 统一社会信用代码 (GB 32100-2015,
  checked by :mod:`kaohe.lib.creditcode`), with its unit (所在地), its 服务专员 and 专班;
- :class:`EnterpriseRequest` — 诉求工单: 受理 → 分派 → 签收/办理 → 答复 → 回访 → 办结; the
  first-contact unit (首问单位) owns it to the end; every step is a :class:`RequestStep`
  (the timeline, audited with the request as parent) and its clocks (签收, 首次响应 = 事不过夜,
  办结) are derived from ``orgs.DeadlineEvent`` (``kaohe.orgs.deadlines``);
- :class:`RequestAttachment` — files kept outside MEDIA, served only through an authorised view;
- :class:`AccessCode` — the one-time codes of the enterprise's own link (no account);
- :class:`RoutingRule` — 分派规则: which unit handles a type at a level.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaohe.lib.files import private_storage
from kaohe.orgs.scope import ScopedQuerySet
from kaohe.supervision.models import ExtensionStatus


class Size(models.TextChoices):
    ABOVE = "above", _("规上")
    BELOW = "below", _("规下")


class Enterprise(models.Model):
    """企业: one registered enterprise, keyed by its 统一社会信用代码, placed in a unit (街道/园区/区)."""

    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("企业名称"), max_length=200)
    industry = models.CharField(_("行业"), max_length=60, blank=True)
    size = models.CharField(_("规模"), max_length=10, choices=Size.choices, default=Size.BELOW)
    is_key = models.BooleanField(_("重点企业"), default=False)
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在单位"))
    specialist = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="served_enterprises", verbose_name=_("服务专员"))
    task_force = models.CharField(_("服务专班"), max_length=100, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    #: The secret part of the enterprise's own link (企业专属链接); rotated by the office.
    link_key = models.CharField(max_length=64, unique=True)
    link_expires_at = models.DateTimeField(_("链接有效期至"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_owners = ("unit",)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]
        indexes = [models.Index(fields=["unit"]), models.Index(fields=["specialist"])]

    def __str__(self) -> str:
        return self.name

    @property
    def specialist_name(self) -> str:
        s = self.specialist
        return (s.first_name or s.get_username()) if s is not None else ""


class RequestType(models.TextChoices):
    POLICY = "policy", _("政策咨询")
    LAND = "land", _("用地")
    FINANCE = "finance", _("融资")
    PERMITS = "permits", pgettext_lazy("诉求类型", "审批")  # permits, not a decision on an extension
    TALENT = "talent", _("人才")
    UTILITIES = "utilities", _("水电气")
    OTHER = "other", _("其他")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class Channel(models.TextChoices):
    SPECIALIST = "specialist", _("服务专员代办")
    OFFICE = "office", _("服务窗口受理")
    ENTERPRISE = "enterprise", _("企业自主提交")
    HOTLINE = "hotline", _("12345转办")


class Level(models.TextChoices):
    CITY = "city", _("市级")
    DISTRICT = "district", _("区级")
    TOWN = "town", _("镇街级")


class LimitTier(models.TextChoices):
    """办结时限档次 (defaults in ``kaohe.enterprise.config``)."""

    IMMEDIATE = "immediate", _("即办")
    HOURS2 = "hours2", _("2个工作小时")
    WD1 = "wd1", _("1个工作日")
    WD3 = "wd3", _("3个工作日")
    WD15 = "wd15", _("15个工作日")


class Status(models.TextChoices):
    RECEIVED = "received", _("已受理")
    ASSIGNED = "assigned", _("已分派待签收")
    HANDLING = "handling", _("办理中")
    REPLIED = "replied", _("已答复待回访")
    CLOSED = "closed", _("已办结")


OPEN_STATUSES = (Status.RECEIVED, Status.ASSIGNED, Status.HANDLING)


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class EnterpriseRequest(models.Model):
    """企业诉求 (工单): one request of one enterprise, owned by its first-contact unit (首问负责)."""

    number = models.CharField(_("工单号"), max_length=20, unique=True)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="requests", verbose_name=_("企业"))
    rtype = models.CharField(_("诉求类型"), max_length=12, choices=RequestType.choices)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    tier = models.CharField(_("办结时限"), max_length=12, choices=LimitTier.choices)
    channel = models.CharField(_("受理渠道"), max_length=12, choices=Channel.choices)
    title = models.CharField(_("诉求事项"), max_length=200)
    content = models.TextField(_("诉求内容"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    first_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("首问单位"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("受理人"))
    received_at = models.DateTimeField(_("受理时间"))
    handler_unit = models.ForeignKey("orgs.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("承办单位"))
    level = models.CharField(_("办理层级"), max_length=10, choices=Level.choices, blank=True)
    assigned_at = models.DateTimeField(_("分派时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    responded_at = models.DateTimeField(_("首次响应时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    reply = models.TextField(_("答复内容"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    handbacks = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices, blank=True)
    solved = models.BooleanField(_("问题已解决"), null=True, blank=True)
    repeat_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("重复诉求"))
    in_faq = models.BooleanField(_("收入政策问答"), default=False)
    #: Cached due moments of the current round (for sorting and the board); the clocks themselves
    #: are always computed from the event log.
    response_due_at = models.DateTimeField(_("首次响应时限"), null=True, blank=True)
    due_at = models.DateTimeField(_("办结时限"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("督办时间"), null=True, blank=True)
    #: 挂起 (中止计时) since this moment — waiting on the enterprise (its material); None when the clock runs.
    paused_at = models.DateTimeField(_("挂起时间"), null=True, blank=True)
    supervision_ref = models.CharField(_("督办任务"), max_length=100, blank=True)
    #: One-time satisfaction link (回访): only the SHA-256 of its key is stored.
    survey_hash = models.CharField(max_length=64, blank=True, db_index=True)
    survey_expires_at = models.DateTimeField(null=True, blank=True)

    #: Seen by the enterprise's unit, the first-contact unit and the handling unit (and above).
    scope_owners = ("enterprise__unit", "first_unit", "handler_unit")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业诉求")
        verbose_name_plural = _("企业诉求")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            # the board's overdue list (open, most overdue first) and its colour counts
            models.Index(fields=["due_at"], name="enterprise_open_due", condition=models.Q(status__in=OPEN_STATUSES)),
            models.Index(fields=["received_at"]),
            models.Index(fields=["enterprise", "rtype", "received_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class StepKind(models.TextChoices):
    RECEIVE = "receive", _("受理")
    ASSIGN = "assign", _("分派")
    SIGN = "sign", _("签收")
    RESPOND = "respond", _("首次响应")
    HAND_BACK = "hand_back", _("退回")
    NOTE = "note", _("办理进展")
    REPLY = "reply", _("答复")
    VISIT = "visit", _("回访")
    REOPEN = "reopen", _("二次办理")
    CLOSE = "close", _("办结")
    ESCALATE = "escalate", _("督办")
    ATTACH = "attach", _("上传附件")
    PAUSE = "pause", _("挂起（暂停计时）")
    RESUME = "resume", _("恢复计时")
    EXTEND_ASK = "extend_ask", _("申请延期")
    EXTEND_OK = "extend_ok", _("同意延期")
    EXTEND_NO = "extend_no", _("不同意延期")


class RequestStep(models.Model):
    """办理过程: one step of a request's timeline — who did what, when, with which note (and legal basis)."""

    request = models.ForeignKey(EnterpriseRequest, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("环节"), max_length=12, choices=StepKind.choices)
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    by_enterprise = models.BooleanField(_("企业操作"), default=False)
    unit = models.ForeignKey("orgs.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("单位"))
    note = models.TextField(_("说明"), blank=True)
    basis = models.TextField(_("法定依据"), blank=True)
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices, blank=True)

    scope_owners = ("request__enterprise__unit", "request__first_unit", "request__handler_unit")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    @property
    def actor_name(self) -> str:
        return (self.by.first_name or self.by.get_username()) if self.by is not None else ""


# ExtensionStatus (待审批/已同意/不同意) is supervision's: one 审批 status for every 延期申请.

class RequestExtension(models.Model):
    """延期申请: asked by the handling unit *before* the resolution limit, with the reason and the
    legal time limit it relies on, for a later working day; approved or refused, with a reason, by
    the office over the first-contact unit (the enterprise is told either way)."""

    request = models.ForeignKey(EnterpriseRequest, on_delete=models.CASCADE, related_name="extensions")
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    asked_at = models.DateTimeField(_("申请时间"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(_("延期理由"))
    basis = models.TextField(_("法定时限依据"), blank=True)
    proposed_on = models.DateField(_("申请延至"))
    old_due_at = models.DateTimeField(_("原办结时限"))
    status = models.CharField(_("审批"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decision = models.TextField(_("审批意见"), blank=True)
    new_due_at = models.DateTimeField(_("批准办结时限"), null=True, blank=True)

    scope_owners = ("request__enterprise__unit", "request__first_unit", "request__handler_unit")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-asked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.request_id} → {self.proposed_on}"


class RequestAttachment(models.Model):
    """附件: a file given with a request (allowed types only), kept outside MEDIA (``kaohe.lib.files``),
    downloaded through ``enterprise:attachment``."""

    request = models.ForeignKey(EnterpriseRequest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to="enterprise/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    scope_owners = ("request__enterprise__unit", "request__first_unit", "request__handler_unit")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("诉求附件")
        verbose_name_plural = _("诉求附件")

    def __str__(self) -> str:
        return self.name


class AccessCode(models.Model):
    """一次性验证码: sent to the enterprise's contact for its own link; used once, expires, rate-limited."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="access_codes")
    code_hash = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("验证码")
        verbose_name_plural = _("验证码")
        indexes = [models.Index(fields=["enterprise", "created_at"]), models.Index(fields=["ip", "created_at"])]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.created_at:%Y-%m-%d %H:%M}"

    def live(self, now: dt.datetime) -> bool:
        return self.used_at is None and now < self.expires_at


class RoutingRule(models.Model):
    """分派规则: requests of a type at a level go to this unit by default (the office may choose another)."""

    owner_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+", verbose_name=_("所属单位"))
    rtype = models.CharField(_("诉求类型"), max_length=12, choices=RequestType.choices)
    level = models.CharField(_("办理层级"), max_length=10, choices=Level.choices)
    handler_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+", verbose_name=_("承办单位"))

    scope_owners = ("owner_unit",)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("分派规则")
        verbose_name_plural = _("分派规则")
        constraints = [models.UniqueConstraint(fields=["owner_unit", "rtype", "level"], name="unique_enterprise_route")]

    def __str__(self) -> str:
        return f"{self.rtype}/{self.level} → {self.handler_unit_id}"
