"""Major projects (重大项目): the list, lifecycle stages, monthly reports, problems, warnings."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.orgs.scope import ScopedQuerySet


class StageRole(models.TextChoices):
    """What a stage means to the warning rules and figures, whatever a city calls it."""

    SIGNED = "signed", _("签约")
    LANDED = "landed", _("落地")
    STARTED = "started", _("开工")
    COMPLETED = "completed", _("竣工")
    IN_STATS = "in_stats", _("列统")
    OPERATING = "operating", _("投产达效")
    OTHER = "other", _("其他")


class StageSet(models.Model):
    """阶段设置: a city's ordered lifecycle stages (default 签约→落地→开工→竣工→列统→投产达效)."""

    city = models.ForeignKey(
        "orgs.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("城市")
    )
    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    is_default = models.BooleanField(_("默认"), default=False)

    scope_owners = ("city",)
    scope_published_down = True
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("阶段设置")
        verbose_name_plural = _("阶段设置")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    """项目阶段: one step of a stage set, in order; ``role`` ties it to the rules."""

    stage_set = models.ForeignKey(StageSet, on_delete=models.CASCADE, related_name="stages")
    code = models.CharField(_("代码"), max_length=32)
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"))
    role = models.CharField(_("含义"), max_length=20, choices=StageRole.choices, default=StageRole.OTHER)

    scope_owners = ("stage_set__city",)
    scope_published_down = True
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目阶段")
        verbose_name_plural = _("项目阶段")
        ordering = ["stage_set", "order"]
        constraints = [models.UniqueConstraint(fields=["stage_set", "code"], name="unique_stage_code")]

    def __str__(self) -> str:
        return self.name


class ProjectType(models.TextChoices):
    INDUSTRY = "industry", _("产业")
    LIVELIHOOD = "livelihood", _("民生")
    INFRASTRUCTURE = "infrastructure", _("基础设施")
    SOCIAL = "social", _("社会事业")


class ProjectLevel(models.TextChoices):
    PROVINCE = "province", _("省重大")
    CITY = "city", _("市重大")
    DISTRICT = "district", _("区重大")


class ProjectSource(models.TextChoices):
    INVESTMENT = "investment", _("招商引资")
    GOVERNMENT = "government", _("政府投资")
    ENTERPRISE = "enterprise", _("企业自主")


class WarningLevel(models.TextChoices):
    GREEN = "green", _("绿灯")
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")


WARNING_RANK = {"red": 0, "yellow": 1, "green": 2}


class Project(models.Model):
    """重大项目: one entry of the project list (清单). Amounts are in 万元."""

    code = models.CharField(_("项目编号"), max_length=40, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    owner_enterprise = models.CharField(_("业主单位"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="projects", verbose_name=_("属地单位")
    )
    industry = models.CharField(_("行业"), max_length=100, blank=True)
    ptype = models.CharField(_("项目类型"), max_length=20, choices=ProjectType.choices, default=ProjectType.INDUSTRY)
    level = models.CharField(_("项目级别"), max_length=20, choices=ProjectLevel.choices, default=ProjectLevel.CITY)
    source = models.CharField(_("项目来源"), max_length=20, choices=ProjectSource.choices, default=ProjectSource.INVESTMENT)
    signed_on = models.DateField(_("签约日期"), null=True, blank=True)
    total_investment = models.DecimalField(_("总投资（万元）"), max_digits=14, decimal_places=2)
    year = models.PositiveIntegerField(_("计划年度"))
    year_plan = models.DecimalField(_("年度计划投资（万元）"), max_digits=14, decimal_places=2, default=0)
    leader_name = models.CharField(_("挂包领导"), max_length=50, blank=True)
    leader = models.ForeignKey(
        "orgs.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("挂包领导账号")
    )
    task_force = models.CharField(_("专班"), max_length=100, blank=True)
    tags = models.CharField(_("标签"), max_length=200, blank=True, help_text=_("以逗号分隔，如 1145"))
    stage_set = models.ForeignKey(StageSet, on_delete=models.PROTECT, related_name="projects", verbose_name=_("阶段设置"))
    stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("当前阶段")
    )
    # Denormalised from milestones (kept by services.set_milestone) so that the warning
    # computation over 10,000 projects is one query.
    planned_start = models.DateField(_("计划开工"), null=True, blank=True)
    actual_start = models.DateField(_("实际开工"), null=True, blank=True)
    planned_completion = models.DateField(_("计划竣工"), null=True, blank=True)
    actual_completion = models.DateField(_("实际竣工"), null=True, blank=True)
    actual_stats = models.DateField(_("列统日期"), null=True, blank=True)
    warning_level = models.CharField(
        _("预警"), max_length=10, choices=WarningLevel.choices, default=WarningLevel.GREEN, db_index=True
    )
    # 0 red, 1 yellow, 2 green: lists sort red first by walking the (warning_rank, code) index
    warning_rank = models.PositiveSmallIntegerField(default=2, editable=False)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    #: Owned by its 属地单位 (see kaohe.orgs.scope).
    scope_owners = ("unit",)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("重大项目")
        verbose_name_plural = _("重大项目")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["unit", "year"]),
            models.Index(fields=["year", "warning_level"]),
            models.Index(fields=["warning_rank", "code"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]

    @property
    def size_band(self) -> str:
        """投资规模: ≥100亿/≥50亿/≥10亿/≥1亿/<1亿 (1亿 = 10,000万元)."""
        total = float(self.total_investment)
        for limit, label in ((1_000_000, "100亿+"), (500_000, "50亿+"), (100_000, "10亿+"), (10_000, "1亿+")):
            if total >= limit:
                return label
        return "<1亿"


class Milestone(models.Model):
    """阶段节点: a project's planned and actual date for one stage."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    planned_on = models.DateField(_("计划日期"), null=True, blank=True)
    actual_on = models.DateField(_("实际日期"), null=True, blank=True)

    scope_owners = ("project__unit",)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("阶段节点")
        verbose_name_plural = _("阶段节点")
        ordering = ["project", "stage__order"]
        constraints = [models.UniqueConstraint(fields=["project", "stage"], name="unique_project_stage")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.stage}"


class ApprovalNode(models.Model):
    """审批节点: an approval under a stage with a time limit (e.g. 拿地即开工: permits in N days)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="approvals")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("审批事项"), max_length=100)
    time_limit_days = models.PositiveIntegerField(_("时限（天）"), default=30)
    started_on = models.DateField(_("受理日期"), null=True, blank=True)
    done_on = models.DateField(_("办结日期"), null=True, blank=True)

    scope_owners = ("project__unit",)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("审批节点")
        verbose_name_plural = _("审批节点")
        ordering = ["project", "stage__order", "id"]

    def __str__(self) -> str:
        return self.name

    def is_overdue(self, today) -> bool:
        import datetime as dt

        if self.started_on is None:
            return False
        end = self.done_on or today
        return end > self.started_on + dt.timedelta(days=self.time_limit_days)


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已报送")
    CONFIRMED = "confirmed", _("已确认")
    RETURNED = "returned", _("已退回")


class MonthlyReport(models.Model):
    """月度进展: investment this month and year to date (万元), image progress, problems."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    invest_month = models.DecimalField(_("当月完成投资（万元）"), max_digits=14, decimal_places=2)
    invest_ytd = models.DecimalField(_("年度累计完成投资（万元）"), max_digits=14, decimal_places=2)
    progress = models.TextField(_("形象进度"), blank=True)
    issues = models.TextField(_("存在问题"), blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报送时间"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    scope_owners = ("project__unit",)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("月度进展")
        verbose_name_plural = _("月度进展")
        ordering = ["project", "year", "month"]
        constraints = [models.UniqueConstraint(fields=["project", "year", "month"], name="unique_project_month")]
        indexes = [models.Index(fields=["year", "month"])]

    def __str__(self) -> str:
        return f"{self.project_id} {self.year}-{self.month:02d}"


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    RESOLVED = "resolved", _("已办结待确认")
    CLOSED = "closed", _("已销号")


class Problem(models.Model):
    """项目问题: raised for a project, assigned to a unit, due in a day by default (事不过夜)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="problems")
    title = models.CharField(_("问题"), max_length=200)
    description = models.TextField(_("问题描述"), blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("提出人")
    )
    raised_at = models.DateTimeField(_("提出时间"))
    assigned_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("责任单位")
    )
    due_at = models.DateTimeField(_("办结时限"))
    status = models.CharField(_("状态"), max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    resolution = models.TextField(_("办理结果"), blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    escalation = models.PositiveSmallIntegerField(_("升级层级"), default=0)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)

    #: The project's unit and the unit the problem is assigned to.
    scope_owners = ("project__unit", "assigned_unit")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目问题")
        verbose_name_plural = _("项目问题")
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def solved_on_time(self) -> bool:
        return self.resolved_at is not None and self.resolved_at <= self.due_at


class ProjectWarning(models.Model):
    """每日预警结果: a project's level on one day, with its reasons (list of {code, level, zh, en})."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="warnings")
    date = models.DateField(_("日期"))
    level = models.CharField(_("预警"), max_length=10, choices=WarningLevel.choices)
    reasons = models.JSONField(_("原因"), default=list)

    scope_owners = ("project__unit",)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目预警")
        verbose_name_plural = _("项目预警")
        ordering = ["-date", "project"]
        constraints = [models.UniqueConstraint(fields=["project", "date"], name="unique_project_warning_day")]
        indexes = [models.Index(fields=["date", "level"])]

    def __str__(self) -> str:
        return f"{self.project_id} {self.date} {self.level}"


class ActionTarget(models.TextChoices):
    OWNER_UNIT = "owner_unit", _("属地单位")
    LEADER = "leader", _("挂包领导")
    CITY_LEADER = "city_leader", _("分管市领导")


class ActionItem(models.Model):
    """督办事项: who must act on a warned project, by when (the escalation list)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="actions")
    date = models.DateField(_("交办日期"))
    level = models.CharField(_("预警"), max_length=10, choices=WarningLevel.choices)
    target = models.CharField(_("督办对象"), max_length=20, choices=ActionTarget.choices)
    addressee = models.CharField(_("责任人/单位"), max_length=100, blank=True)
    due_on = models.DateField(_("完成时限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    scope_owners = ("project__unit",)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        ordering = ["due_on", "project"]
        constraints = [
            models.UniqueConstraint(fields=["project", "date", "target"], name="unique_action_per_day_target")
        ]
        indexes = [models.Index(fields=["date", "due_on", "id"])]

    def __str__(self) -> str:
        return f"{self.project_id} {self.target} {self.due_on}"

    def overdue_days(self, day: dt.date) -> int:
        """Days past its time limit on ``day`` (0 when done or not yet due)."""
        return 0 if self.done_at is not None or day <= self.due_on else (day - self.due_on).days


class SavedView(models.Model):
    """保存的筛选: a user's named filter query string for the project list."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("名称"), max_length=50)
    querystring = models.CharField(_("筛选条件"), max_length=500)

    class Meta:
        verbose_name = _("保存的筛选")
        verbose_name_plural = _("保存的筛选")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="unique_saved_view_name")]

    def __str__(self) -> str:
        return self.name
