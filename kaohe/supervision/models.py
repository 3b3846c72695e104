"""督查督办: supervision tasks (督办事项), their step log, extensions, milestones and documents.

A task is owned by the office that set it up (``office_unit``), its lead unit (牵头单位) and its
co-handling units (配合单位): each of them sees it (``scope_owners``). Its deadlines are the one
clock (``kaohe.orgs.deadlines``: 交办 starts it, 办结报告 stops it, 退回重办/回头看 reopen it, an
approved extension moves it); ``due_at``/``sign_due_at`` are kept from the clock for queries and
the daily sweep. Every step is a :class:`TaskEvent` (the timeline) and an audit entry whose
parent is the task.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaohe.orgs.scope import ScopedQuerySet

#: The longest 办理时限 a task may be given (working days): the form, the API and the import.
MAX_LIMIT_WORKDAYS = 250


class SourceKind(models.TextChoices):
    DOCUMENT = "document", _("上级公文")
    MEETING = "meeting", _("会议纪要")
    INSTRUCTION = "instruction", _("领导批示")
    ASSESSMENT = "assessment", _("考核发现")
    PROJECT = "project", _("项目预警/问题")
    ENTERPRISE = "enterprise", _("企业诉求")
    MANUAL = "manual", _("手工录入")


class Urgency(models.TextChoices):
    URGENT = "urgent", _("急件")
    NORMAL = "normal", _("非急件")
    HARD = "hard", _("难件")


class Cadence(models.TextChoices):
    NONE = "", _("不定期")
    DAILY = "daily", _("每日")
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")


class TaskState(models.TextChoices):
    DRAFT = "draft", _("已立项")
    ASSIGNED = "assigned", _("待签收")
    IN_PROGRESS = "in_progress", _("办理中")
    REPORTED = "reported", _("待审核")
    CLOSED = "closed", _("已销号")


OPEN_STATES = (TaskState.ASSIGNED, TaskState.IN_PROGRESS)


class Colour(models.TextChoices):
    BLUE = "blue", _("蓝色（按期）")
    YELLOW = "yellow", _("黄色（催办）")
    RED = "red", _("红色（督办）")


class Task(models.Model):
    """督办事项: one thing to be done by a lead unit by a deadline, driven to 销号."""

    year = models.PositiveIntegerField(_("年度"))
    seq = models.PositiveIntegerField(_("序号"))
    title = models.CharField(_("事项"), max_length=300)
    content = models.TextField(_("工作要求"), blank=True)
    source_kind = models.CharField(_("来源"), max_length=20, choices=SourceKind.choices, default=SourceKind.MANUAL)
    urgency = models.CharField(_("缓急"), max_length=10, choices=Urgency.choices, blank=True)
    source_ref = models.CharField(_("来源文号/出处"), max_length=200, blank=True)
    source_type = models.ForeignKey("contenttypes.ContentType", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    office_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("立项单位"))
    lead_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("牵头单位"))
    co_units = models.ManyToManyField("orgs.OrgUnit", blank=True, related_name="+", verbose_name=_("配合单位"))
    leader = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("责任领导账号"))
    leader_name = models.CharField(_("责任领导"), max_length=50, blank=True)
    limit_workdays = models.PositiveIntegerField(_("办理时限（工作日）"))
    cadence = models.CharField(_("进展报送频次"), max_length=10, choices=Cadence.choices, blank=True, default="")
    state = models.CharField(_("状态"), max_length=20, choices=TaskState.choices, default=TaskState.DRAFT)
    colour = models.CharField(_("督办等级"), max_length=10, choices=Colour.choices, default=Colour.BLUE)
    created_at = models.DateTimeField(_("立项时间"))
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    sign_due_at = models.DateTimeField(_("签收时限"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    due_at = models.DateTimeField(_("办结时限"), null=True, blank=True)
    original_due_at = models.DateTimeField(_("原定时限"), null=True, blank=True)
    reported_at = models.DateTimeField(_("办结报告时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    on_time = models.BooleanField(_("按期办结"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    yellow_count = models.PositiveSmallIntegerField(_("黄色催办次数"), default=0)
    red_count = models.PositiveSmallIntegerField(_("红色督办次数"), default=0)
    returned_count = models.PositiveSmallIntegerField(_("退回重办次数"), default=0)
    extended_count = models.PositiveSmallIntegerField(_("延期次数"), default=0)
    reopened_count = models.PositiveSmallIntegerField(_("回头看重启次数"), default=0)
    sign_late = models.BooleanField(_("签收超时"), default=False)
    # The due moment for which the 临近提醒 / 催办单 went out (the ladder fires once per deadline).
    reminded_for = models.DateTimeField(null=True, blank=True, editable=False)
    urged_for = models.DateTimeField(null=True, blank=True, editable=False)
    urged_at = models.DateTimeField(_("催办时间"), null=True, blank=True)
    red_at = models.DateTimeField(_("督办函时间"), null=True, blank=True)

    scope_owners = ("office_unit", "lead_unit", "co_units")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        ordering = ["-year", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["year", "seq"], name="supervision_task_number"),
            models.UniqueConstraint(fields=["source_type", "source_id"], name="supervision_one_task_per_source",
                                    condition=models.Q(source_id__isnull=False)),
        ]
        indexes = [
            models.Index(fields=["state", "due_at"], name="supervision_state_due"),
            models.Index(fields=["lead_unit", "state"], name="supervision_lead_state"),
            models.Index(fields=["office_unit", "state", "due_at"], name="supervision_office_state"),
            models.Index(fields=["colour", "state"], name="supervision_colour"),
            models.Index(fields=["due_at", "id"], name="supervision_due"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        """督办编号: 督〔2025〕15号."""
        return f"督〔{self.year}〕{self.seq}号"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class EventKind(models.TextChoices):
    CREATE = "create", _("立项")
    ASSIGN = "assign", _("交办")
    SIGN = "sign", _("签收")
    PROGRESS = "progress", _("进展报告")
    REQUEST = "request", _("要求报送进展")
    EXTENSION_ASKED = "ext_ask", _("申请延期")
    EXTENSION_APPROVED = "ext_ok", _("同意延期")
    EXTENSION_REFUSED = "ext_no", _("不同意延期")
    REPORT = "report", _("办结报告")
    CLOSE = "close", _("审核销号")
    RETURN = "return", _("退回重办")
    REOPEN = "reopen", _("回头看重启")
    REMIND = "remind", _("临近提醒")
    SIGN_URGE = "sign_urge", _("签收催办")
    URGE = "urge", _("催办单")
    SUPERVISE = "supervise", _("督办函")
    MILESTONE = "milestone", _("节点完成")
    EDIT = "edit", _("修改")


class TaskEvent(models.Model):
    """办理记录: one time-stamped step of a task (the timeline)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("环节"), max_length=12, choices=EventKind.choices)
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    unit = models.ForeignKey("orgs.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("单位"))
    text = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    document = models.ForeignKey("supervision.TaskDocument", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")

    scope_owners = ("task__office_unit", "task__lead_unit", "task__co_units")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["task", "at"], name="supervision_event_task"),
                   models.Index(fields=["kind", "at"], name="supervision_event_kind")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("不同意")


class Extension(models.Model):
    """申请延期: asked before the deadline with a reason and a proposed date; decided with a reason."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="extensions")
    asked_at = models.DateTimeField(_("申请时间"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(_("延期理由"))
    proposed_on = models.DateField(_("申请延至"))
    old_due_at = models.DateTimeField(_("原时限"))
    status = models.CharField(_("审批"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decision = models.TextField(_("审批意见"), blank=True)
    new_due_at = models.DateTimeField(_("批准时限"), null=True, blank=True)

    scope_owners = ("task__office_unit", "task__lead_unit", "task__co_units")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-asked_at"]

    def __str__(self) -> str:
        return f"{self.task_id} → {self.proposed_on}"


class TaskMilestone(models.Model):
    """阶段节点 of a long task: what, by when, done when."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=200)
    due_on = models.DateField(_("计划完成"))
    done_on = models.DateField(_("实际完成"), null=True, blank=True)

    scope_owners = ("task__office_unit", "task__lead_unit", "task__co_units")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办节点")
        verbose_name_plural = _("督办节点")
        ordering = ["task", "due_on", "id"]

    def __str__(self) -> str:
        return self.title


class DocumentKind(models.TextChoices):
    ASSIGN = "assign", _("交办单")
    URGE = "urge", _("催办单")
    SUPERVISE = "supervise", _("督办函")
    BULLETIN = "bulletin", _("督查情况通报")
    BATCH = "batch", _("周交办清单")


class TaskDocument(models.Model):
    """A generated document (交办单、催办单、督办函、周交办清单): its number (代字〔年〕N号 from the documents
    register's counter — per issuer, 代字 and year, no gaps), the content it was built from, the .docx
    and its SHA-256."""

    kind = models.CharField(_("文种"), max_length=10, choices=DocumentKind.choices)
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="documents")
    issuer = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("发文单位"))
    addressee = models.ForeignKey("orgs.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("主送单位"))
    year = models.PositiveIntegerField(_("年度"))
    seq = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("文号"), max_length=40)
    title = models.CharField(_("标题"), max_length=300)
    content = models.JSONField(_("内容"), default=dict)
    # Rendered when issued by hand; the daily sweep stores the content and number only and the
    # file is rendered from it afterwards (``documents.file_of``): the content is what was issued.
    docx = models.BinaryField(_("文件"), editable=False, default=b"")
    sha256 = models.CharField(max_length=64, editable=False, blank=True)
    issued_at = models.DateTimeField(_("印发时间"))
    period = models.CharField(_("期间"), max_length=20, blank=True)

    scope_owners = ("issuer", "addressee")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("督查文书")
        verbose_name_plural = _("督查文书")
        ordering = ["-issued_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["issuer", "number"], name="supervision_doc_number_once")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Bulletin(models.Model):
    """督查情况通报 draft: generated from the data for a period, edited, then issued (a TaskDocument)."""

    office_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("发布单位"))
    period = models.CharField(_("期间"), max_length=20)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    created_at = models.DateTimeField(auto_now_add=True)
    document = models.ForeignKey(TaskDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    #: The issued 公文 in the documents register (number, .docx and PDF with their hashes).
    issued = models.ForeignKey("documents.IssuedDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=pgettext_lazy("单个", "公文"))

    scope_owners = ("office_unit",)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("督查通报")
        verbose_name_plural = _("督查通报")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
