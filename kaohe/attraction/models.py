"""招商引资 (investment attraction): the pipeline from a lead to a project in effect, admission
evaluation (准入评估), recognition (认定), events (招商活动) and target bundles ("1145"…).

Amounts are in 万元, land in 亩. A project moves along :class:`Stage` one milestone at a
time (each dated and evidenced, :class:`Milestone`); a milestone counts in the figures only
once it is recognised (:attr:`Milestone.counted`, see :mod:`kaohe.attraction.recognition`).
On a recognised 开工 the project becomes a major project (``projects.Project``), linked, not
typed twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaohe.lib.files import private_storage
from kaohe.orgs.scope import ScopedQuerySet

AMOUNT = {"max_digits": 14, "decimal_places": 2}  # 万元: below 10^12 (numbers.field_limit(14, 2))
AREA = {"max_digits": 10, "decimal_places": 2}  # 亩


class Stage(models.TextChoices):
    """招商阶段, in order. 线索/在谈 come before any official milestone."""

    LEAD = "lead", _("线索")
    TALKS = "talks", _("在谈")
    SIGNED = "signed", _("签约")
    REGISTERED = "registered", _("注册")
    LANDED = "landed", _("落地（拿地）")
    STARTED = "started", _("开工")
    IN_STATS = "in_stats", _("入统")
    PRODUCING = "producing", _("投产/入规")
    EFFECTIVE = "effective", _("达效")


STAGE_ORDER: list[str] = list(Stage.values)


def stage_index(stage: str) -> int:
    return STAGE_ORDER.index(stage)


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", _("推进中")
    DROPPED = "dropped", _("已终止")


class LeadSource(models.TextChoices):
    EVENT = "event", _("招商活动")
    INVESTOR = "investor", _("以商招商")
    TEAM = "team", _("小分队招商")
    CHAIN = "chain", _("产业链招商")
    OTHER = "other", _("其他")


class SizeBand(models.Model):
    """投资规模档次: a band by its lower bound in 万元 (亿元以上 = 10,000万元); bands are cumulative
    ("50亿元以上" projects are also "亿元以上"), configurable per city."""

    city = models.ForeignKey("orgs.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("城市"))
    code = models.CharField(_("代码"), max_length=20)
    name = models.CharField(_("名称"), max_length=50)
    min_amount = models.DecimalField(_("下限（万元）"), **AMOUNT)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    scope_owners = ("city",)
    scope_published_down = True
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("投资规模档次")
        verbose_name_plural = _("投资规模档次")
        ordering = ["order", "min_amount"]
        constraints = [models.UniqueConstraint(fields=["city", "code"], name="unique_attraction_band")]

    def __str__(self) -> str:
        return self.name


class Industry(models.Model):
    """产业体系: an industry of a configurable system such as "3+3+X" (3 主导产业, 3 新兴产业,
    X 特色产业), each with its industry chain (产业链)."""

    city = models.ForeignKey("orgs.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("城市"))
    system = models.CharField(_("产业体系"), max_length=50, help_text=_("如 3+3+X"))
    tier = models.CharField(_("类别"), max_length=50, help_text=_("如 主导产业、新兴产业、特色产业"))
    code = models.CharField(_("代码"), max_length=20)
    name = models.CharField(_("产业"), max_length=50)
    chain = models.CharField(_("产业链"), max_length=200, blank=True, help_text=_("上游、中游、下游环节，以顿号分隔"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    scope_owners = ("city",)
    scope_published_down = True
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("产业")
        verbose_name_plural = _("产业")
        ordering = ["order", "code"]
        constraints = [models.UniqueConstraint(fields=["city", "code"], name="unique_attraction_industry")]

    def __str__(self) -> str:
        return self.name


class ExclusionRule(models.Model):
    """不予认定情形: a kind of project that never counts (房地产, 财政性资金投资, 本地企业迁建…)."""

    city = models.ForeignKey("orgs.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("城市"))
    code = models.CharField(_("代码"), max_length=20)
    name = models.CharField(_("情形"), max_length=100)

    scope_owners = ("city",)
    scope_published_down = True
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("不予认定情形")
        verbose_name_plural = _("不予认定情形")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["city", "code"], name="unique_attraction_exclusion")]

    def __str__(self) -> str:
        return self.name


class EventKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("综合性招商活动")
    THEMATIC = "thematic", _("主导产业专题招商活动")
    OVERSEAS = "overseas", _("境外招商活动")
    TEAM = "team", _("小分队招商")


class EventStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    HELD = "held", _("已举办")
    CANCELLED = "cancelled", _("已取消")


class Event(models.Model):
    """招商活动: planned for a date, held (or cancelled); leads and signings point back to it."""

    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("主办单位"))
    year = models.PositiveIntegerField(_("年度"))
    kind = models.CharField(_("类型"), max_length=20, choices=EventKind.choices)
    name = models.CharField(_("活动名称"), max_length=200)
    planned_on = models.DateField(_("计划日期"))
    held_on = models.DateField(_("举办日期"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    industry = models.ForeignKey(Industry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("产业"))
    status = models.CharField(_("状态"), max_length=20, choices=EventStatus.choices, default=EventStatus.PLANNED)
    note = models.TextField(_("说明"), blank=True)

    scope_owners = ("unit",)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("招商活动")
        verbose_name_plural = _("招商活动")
        ordering = ["planned_on", "id"]
        indexes = [models.Index(fields=["unit", "year"])]

    def __str__(self) -> str:
        return self.name


class EventTarget(models.Model):
    """活动目标: how many events of a kind a unit must hold in a year (default 5 综合性, 10 专题)."""

    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+", verbose_name=_("单位"))
    year = models.PositiveIntegerField(_("年度"))
    kind = models.CharField(_("类型"), max_length=20, choices=EventKind.choices)
    target = models.PositiveSmallIntegerField(_("目标场次"))

    scope_owners = ("unit",)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("活动目标")
        verbose_name_plural = _("活动目标")
        constraints = [models.UniqueConstraint(fields=["unit", "year", "kind"], name="unique_event_target")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}年 {self.get_kind_display()} {self.target}场"


class AttractionProject(models.Model):
    """招商项目: one investment from its lead to its effect, owned by its 属地单位."""

    code = models.CharField(_("项目编号"), max_length=40, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    investor = models.CharField(_("投资方"), max_length=200)
    investor_origin = models.CharField(_("投资方所在地"), max_length=100, blank=True)
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("属地单位"))
    industry = models.ForeignKey(Industry, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects",
                                 verbose_name=_("产业"))
    chain_link = models.CharField(_("产业链环节"), max_length=50, blank=True)
    amount = models.DecimalField(_("计划总投资（万元）"), **AMOUNT)
    landed_investment = models.DecimalField(_("落地投资（万元）"), default=0, **AMOUNT)
    land_mu = models.DecimalField(_("用地面积（亩）"), null=True, blank=True, **AREA)
    expected_tax = models.DecimalField(_("达产后年税收（万元）"), null=True, blank=True, **AMOUNT)
    source = models.CharField(_("线索来源"), max_length=20, choices=LeadSource.choices, default=LeadSource.OTHER)
    source_event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects",
                                     verbose_name=_("来源活动"))
    team = models.CharField(_("招商小分队"), max_length=100, blank=True)
    first_contact_on = models.DateField(_("首谈日期"), null=True, blank=True)
    stage = models.CharField(_("当前阶段"), max_length=20, choices=Stage.choices, default=Stage.LEAD, db_index=True)
    status = models.CharField(_("状态"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE)
    status_reason = models.CharField(_("终止原因"), max_length=200, blank=True)
    # Denormalised from the milestones (kept by services) so the figures are a few queries.
    signed_on = models.DateField(_("签约日期"), null=True, blank=True)
    exclusion = models.ForeignKey(ExclusionRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("不予认定情形"))
    major_project = models.OneToOneField("projects.Project", null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="attraction", verbose_name=pgettext_lazy("单个", "重大项目"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_owners = ("unit",)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("招商项目")
        verbose_name_plural = _("招商项目")
        ordering = ["code"]
        indexes = [models.Index(fields=["unit", "stage"]), models.Index(fields=["signed_on"])]
        constraints = [  # entered once, counted once: one active project per investor and name, in any unit
            models.UniqueConstraint(fields=["investor", "name"], condition=models.Q(status="active"),
                                    name="unique_active_attraction_project"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ConfirmLevel(models.TextChoices):
    DISTRICT = "district", _("区认定")
    CITY = "city", _("市认定")


class Milestone(models.Model):
    """阶段节点: the date a project reached a stage, its evidence and who recognised it (认定).

    One per project and stage (a project counts once per stage). ``counted`` says whether the
    figures count it (see :mod:`kaohe.attraction.recognition`), ``hold`` why not.
    """

    project = models.ForeignKey(AttractionProject, on_delete=models.CASCADE, related_name="milestones")
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices)
    on = models.DateField(_("日期"))
    evidence = models.CharField(_("佐证"), max_length=300)
    #: Outside MEDIA_ROOT (``kaohe.lib.files``), checked by type and content, handed out only by the
    #: scoped download view (``attraction:evidence``).
    evidence_file = models.FileField(_("佐证材料"), storage=private_storage, upload_to="attraction/evidence/%Y/",
                                     blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("录入时间"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    confirmed_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    confirm_level = models.CharField(_("认定层级"), max_length=20, choices=ConfirmLevel.choices, blank=True)
    rush_flag = models.BooleanField(_("疑似突击上报"), default=False)
    rush_cleared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    counted = models.BooleanField(_("计入实绩"), default=False)
    hold = models.CharField(_("未计入原因"), max_length=20, blank=True)

    scope_owners = ("project__unit",)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("招商阶段节点")
        verbose_name_plural = _("招商阶段节点")
        ordering = ["project", "on", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "stage"], name="unique_attraction_milestone")]
        indexes = [models.Index(fields=["stage", "counted", "on"])]

    def __str__(self) -> str:
        return f"{self.project.name} {self.get_stage_display()} {self.on:%Y-%m-%d}"


class CreditRole(models.TextChoices):
    LEAD = "lead", _("牵头领导")
    AGENT = "agent", _("招商专员")
    MEMBER = "member", _("小分队成员")


class Credit(models.Model):
    """招商实绩: a person (and their unit) credited with a project, with a share in percent."""

    project = models.ForeignKey(AttractionProject, on_delete=models.CASCADE, related_name="credits")
    person = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("人员账号"))
    name = models.CharField(_("姓名"), max_length=50)
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在单位"))
    role = models.CharField(_("角色"), max_length=20, choices=CreditRole.choices, default=CreditRole.AGENT)
    share = models.DecimalField(_("计分比例（%）"), max_digits=5, decimal_places=2, default=100)

    scope_owners = ("project__unit", "unit")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("招商实绩")
        verbose_name_plural = _("招商实绩")
        ordering = ["project", "role", "name"]
        constraints = [models.UniqueConstraint(fields=["project", "name", "unit"], name="unique_attraction_credit")]

    def __str__(self) -> str:
        return f"{self.project.name} {self.get_role_display()} {self.name}"


class Checklist(models.Model):
    """准入评估表: a configurable scored checklist (e.g. 100 points) with veto items and a pass mark."""

    city = models.ForeignKey("orgs.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("城市"))
    code = models.CharField(_("代码"), max_length=20)
    name = models.CharField(_("名称"), max_length=100)
    pass_score = models.DecimalField(_("通过分数"), max_digits=6, decimal_places=2, default=60)
    is_active = models.BooleanField(_("启用"), default=True)

    scope_owners = ("city",)
    scope_published_down = True
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("准入评估表")
        verbose_name_plural = _("准入评估表")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["city", "code"], name="unique_attraction_checklist")]

    def __str__(self) -> str:
        return self.name


class ItemKind(models.TextChoices):
    SCORED = "scored", _("计分项")
    VETO = "veto", _("一票否决项")


class Metric(models.TextChoices):
    """What a computed item reads from the project (empty: the evaluator gives the points)."""

    NONE = "", _("评审打分")
    AMOUNT = "amount", _("计划总投资（万元）")
    INTENSITY = "intensity", _("投资强度（万元/亩）")
    TAX_PER_MU = "tax_per_mu", _("亩均税收（万元/亩·年）")


class ChecklistItem(models.Model):
    """评估项: a scored item (``points`` at most; computed from ``metric`` by ``steps`` — a list
    of [threshold, share of the points] — or given by the evaluator) or a veto item."""

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("代码"), max_length=20)
    name = models.CharField(_("评估项"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=ItemKind.choices, default=ItemKind.SCORED)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2, default=0)
    metric = models.CharField(_("计算依据"), max_length=20, choices=Metric.choices, blank=True)
    steps = models.JSONField(_("分档"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    scope_owners = ("checklist__city",)
    scope_published_down = True
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("评估项")
        verbose_name_plural = _("评估项")
        ordering = ["checklist", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["checklist", "code"], name="unique_checklist_item")]

    def __str__(self) -> str:
        return self.name


class Decision(models.TextChoices):
    APPROVED = "approved", _("同意准入")
    CONDITIONAL = "conditional", _("有条件准入")
    REJECTED = "rejected", _("不予准入")


class Evaluation(models.Model):
    """准入评估: a project scored on a checklist; ``scores`` maps item code → points given (or, for
    a veto item, True when it applies). The decision and who made it come before signing."""

    project = models.ForeignKey(AttractionProject, on_delete=models.CASCADE, related_name="evaluations")
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="+")
    scores = models.JSONField(_("各项得分"), default=dict)
    vetoes = models.JSONField(_("否决项"), default=list)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2)
    decision = models.CharField(_("评估结论"), max_length=20, choices=Decision.choices)
    conditions = models.TextField(_("准入条件/意见"), blank=True)
    decider = models.CharField(_("决策机构/决策人"), max_length=100)
    decided_on = models.DateField(_("决策日期"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("录入人"))
    created_at = models.DateTimeField(auto_now_add=True)

    scope_owners = ("project__unit",)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("准入评估")
        verbose_name_plural = _("准入评估")
        ordering = ["project", "-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.project.name} 准入评估 {self.get_decision_display()} {self.total}分"

    @property
    def admits(self) -> bool:
        return self.decision in (Decision.APPROVED, Decision.CONDITIONAL) and not self.vetoes


class TargetBundle(models.Model):
    """目标任务包: a named set of count targets by size band and stage for a unit and year —
    the district's "1145", 淮安's "4633"/"1422" (their contents are local, so configurable)."""

    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("单位"))
    year = models.PositiveIntegerField(_("年度"))
    code = models.CharField(_("代号"), max_length=20)
    name = models.CharField(_("名称"), max_length=100)

    scope_owners = ("unit",)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("目标任务包")
        verbose_name_plural = _("目标任务包")
        ordering = ["year", "unit", "code"]
        constraints = [models.UniqueConstraint(fields=["unit", "year", "code"], name="unique_target_bundle")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class BundleItem(models.Model):
    """One target of a bundle: so many projects of at least ``band`` reaching ``stage`` in the year."""

    bundle = models.ForeignKey(TargetBundle, on_delete=models.CASCADE, related_name="items")
    band = models.ForeignKey(SizeBand, on_delete=models.PROTECT, related_name="+", verbose_name=_("投资规模"))
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices, default=Stage.SIGNED)
    target = models.PositiveIntegerField(_("目标个数"))

    scope_owners = ("bundle__unit",)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("目标任务")
        verbose_name_plural = _("目标任务")
        ordering = ["bundle", "stage", "-band__min_amount"]
        constraints = [models.UniqueConstraint(fields=["bundle", "band", "stage"], name="unique_bundle_item")]

    def __str__(self) -> str:
        return f"{self.bundle} {self.band} {self.get_stage_display()} {self.target}个"
