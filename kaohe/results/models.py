"""Results (考核结果): scoring runs and everything built on them.

A :class:`ScoringRun` (计分) scores one scheme version for one period with the
engine. It keeps its inputs exactly (compressed canonical JSON), the engine's
full output (rows in :class:`RunTotal`, :class:`RunIndicator`,
:class:`RunBoard`, plus explanations and warnings) and a content hash. Once
sealed a run never changes: a correction makes a new run pointing at the one it
corrects. Flags (红旗/黄灯), reviews (点评), awards (奖项), publications (公示),
appeals (申诉) and notifications hang off runs.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaohe.assessment.models import PeriodKind
from kaohe.lib.deadlines import Clock, ClockEvent, EventKind, TimeLimit
from kaohe.lib.files import private_storage
from kaohe.lib.periods import Period as PeriodValue
from kaohe.lib.periods import PeriodKind as Kind
from kaohe.orgs import deadlines
from kaohe.orgs.scope import ScopedQuerySet


class RunImmutableError(Exception):
    """Raised on any attempt to change a sealed scoring run or its rows."""


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("计算中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ScoringRunQuerySet(ScopedQuerySet):
    def done(self) -> ScoringRunQuerySet:
        return self.filter(status=RunStatus.DONE)

    def current(self) -> ScoringRunQuerySet:
        """Sealed runs not replaced by a sealed correction."""
        corrected = ScoringRun.objects.filter(status=RunStatus.DONE, previous__isnull=False).values("previous_id")
        return self.done().exclude(pk__in=corrected)

    def of_scheme(self, owner_unit_id: int | None, scheme_code: str) -> ScoringRunQuerySet:
        """The runs of one owner's scheme family (a scheme code is unique per 考核主体 only: the
        city's ``HQD`` and 明湖区's ``HQD`` are two families)."""
        return self.filter(owner_unit_id=owner_unit_id, scheme_code=scheme_code)

    def family(self, run: ScoringRun) -> ScoringRunQuerySet:
        """The runs of ``run``'s scheme family (same owner, same scheme code)."""
        return self.of_scheme(run.owner_unit_id, run.scheme_code)


class ScoringRun(models.Model):
    """计分批次: one scheme version scored for one period, stored exactly and sealed.

    ``inputs`` holds zlib-compressed canonical JSON of the scheme, values, units
    and targets used; ``content_hash`` is sha256 over the canonical inputs and
    outputs. ``previous`` is the run this one corrects (更正), if any.
    """

    scheme_code = models.CharField(_("方案代码"), max_length=64, db_index=True)
    scheme_name = models.CharField(_("方案名称"), max_length=200)
    # The stored scheme version and period when the run scored the assessment's data; empty
    # for runs scored from files (the demo's city results, benchmarks, ``kaohe score``), which
    # still carry their period as (year, kind, number).
    scheme_version = models.ForeignKey(
        "assessment.SchemeVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="runs",
        verbose_name=_("方案版本"),
    )
    period = models.ForeignKey(
        "assessment.Period", null=True, blank=True, on_delete=models.PROTECT, related_name="runs",
        verbose_name=_("考核期"),
    )
    owner_unit = models.ForeignKey(
        "orgs.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("考核单位"),
        help_text=_("组织考核的单位（如市考核办所在的市）"),
    )
    year = models.PositiveIntegerField(_("年度"))
    kind = models.CharField(_("类型"), max_length=8, choices=PeriodKind.choices)
    number = models.PositiveSmallIntegerField(_("期次"), help_text=_("月份 1–12、季度 1–4、半年 1–2、年度 1"))
    label = models.CharField(_("名称"), max_length=100, help_text=_("考核期名称，由年度、类型和期次生成"))
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("更正自")
    )
    reason = models.TextField(_("原因"), blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    error = models.TextField(_("错误"), blank=True)
    inputs = models.BinaryField(_("输入"))
    inputs_hash = models.CharField(_("输入哈希"), max_length=64)
    source_hash = models.CharField(_("来源哈希"), max_length=64, blank=True)
    scheme_meta = models.JSONField(
        _("方案摘要"), default=dict, blank=True,
        help_text=_("由方案导出的名称、分值、榜单与等次（便于页面显示；不参与哈希）"),
    )
    explain = models.JSONField(_("计分说明"), default=dict, blank=True)
    warnings = models.JSONField(_("警告"), default=list, blank=True)
    content_hash = models.CharField(_("内容哈希"), max_length=64, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Who computes the run and when it last reported progress (kaohe.results.recovery: a run whose
    # process died is marked failed instead of staying "running" forever).
    runner = models.CharField(_("计算进程"), max_length=200, blank=True, help_text=_("主机:进程号:启动时刻"))
    heartbeat_at = models.DateTimeField(_("最后报告进度"), null=True, blank=True)

    objects = ScoringRunQuerySet.as_manager()

    #: Owned by the unit that organises the assessment; read (filtered) by the units below it.
    scope_owners = ("owner_unit",)
    scope_published_down = True

    class Meta:
        verbose_name = _("计分批次")
        verbose_name_plural = _("计分批次")
        ordering = ["-year", "kind", "-number", "-id"]
        indexes = [models.Index(fields=["scheme_code", "year", "kind", "number"])]

    def __str__(self) -> str:
        return f"{self.scheme_name} {self.label} #{self.pk}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = ScoringRun.objects.filter(pk=self.pk).values_list("status", "content_hash").first()
            if stored and stored[0] == RunStatus.DONE and stored[1]:
                raise RunImmutableError(_("计分批次已封存，不能修改；更正请新建批次。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.sealed:
            raise RunImmutableError(_("计分批次已封存，不能删除。"))
        return super().delete(*args, **kwargs)

    @property
    def sealed(self) -> bool:
        return self.status == RunStatus.DONE and bool(self.content_hash)

    @property
    def period_value(self) -> PeriodValue:
        """The period scored, as the shared value type (2025-H1 …)."""
        return PeriodValue(Kind(self.kind), self.year, self.number)


class SealedRowQuerySet(ScopedQuerySet):
    """Rows of a run: written once in bulk; ``update``/``delete`` refused for sealed runs."""

    def update(self, **kwargs):
        raise RunImmutableError(_("计分结果不能修改。"))

    def delete(self):
        if self.filter(run__status=RunStatus.DONE).exclude(run__content_hash="").exists():
            raise RunImmutableError(_("计分结果不能删除。"))
        return super().delete()


class _RunRow(models.Model):
    #: A row belongs to its run's owner and to the unit it is about.
    scope_owners = ("run__owner_unit", "unit")
    objects = SealedRowQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None or self.run.sealed:
            raise RunImmutableError(_("计分结果不能修改。"))
        super().save(*args, **kwargs)


#: Ranked units first, then those not assessed (NULL ranks sort first on SQLite, last on PostgreSQL).
RANK_ORDER = models.F("rank").asc(nulls_last=True)


class RunTotal(_RunRow):
    """One unit's total, rank, tier and statistics in a run (总分/排名/等次)."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="totals")
    unit = models.ForeignKey("orgs.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit_code = models.CharField(_("单位代码"), max_length=64)
    unit_name = models.CharField(_("单位"), max_length=100)
    group = models.CharField(_("分组"), max_length=64)
    total = models.FloatField(_("总分"), null=True, blank=True, help_text=_("不参与排名的单位没有总分"))
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    tier = models.CharField(_("等次"), max_length=50, blank=True)
    vetoed = models.BooleanField(_("一票否决"), default=False)
    assessed = models.BooleanField(_("参与排名"), default=True)
    reason = models.CharField(_("不参与排名的原因"), max_length=300, blank=True)
    bonus = models.FloatField(_("加分"), default=0)
    deduction = models.FloatField(_("扣分"), default=0)
    categories = models.JSONField(_("分类得分"), default=dict)
    n_indicators = models.PositiveIntegerField(_("指标数"), default=0)
    first_places = models.PositiveIntegerField(_("第一名"), default=0)
    top3 = models.PositiveIntegerField(_("前三名"), default=0)
    full_marks = models.PositiveIntegerField(_("满分"), default=0)

    class Meta:
        verbose_name = _("总分")
        verbose_name_plural = _("总分")
        ordering = ["run", "group", RANK_ORDER, "unit_code"]
        constraints = [models.UniqueConstraint(fields=["run", "unit_code"], name="unique_run_total")]
        indexes = [models.Index(fields=["unit_code", "run"]), models.Index(fields=["run", "group", "rank"])]

    def __str__(self) -> str:
        return f"{self.unit_name} {self.total} #{self.rank}"


class RunIndicator(_RunRow):
    """One unit's value, score and place on one indicator in a run."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="indicator_rows")
    unit = models.ForeignKey("orgs.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit_code = models.CharField(_("单位代码"), max_length=64)
    group = models.CharField(_("分组"), max_length=64)
    indicator = models.CharField(_("指标"), max_length=64)
    value = models.FloatField(_("数值"), null=True, blank=True)
    score = models.FloatField(_("得分"))
    rank = models.PositiveIntegerField(_("位次"), null=True, blank=True)
    full_marks = models.FloatField(_("满分值"))

    class Meta:
        verbose_name = _("指标得分")
        verbose_name_plural = _("指标得分")
        ordering = ["run", "unit_code", "indicator"]
        constraints = [models.UniqueConstraint(fields=["run", "unit_code", "indicator"], name="unique_run_indicator")]
        indexes = [models.Index(fields=["run", "indicator"]), models.Index(fields=["run", "group", "indicator"])]

    def __str__(self) -> str:
        return f"{self.unit_code} {self.indicator} {self.score}"


class RunBoard(_RunRow):
    """One unit's standing on one board (晒榜) in a run."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="board_rows")
    board = models.CharField(_("榜单"), max_length=64)
    unit = models.ForeignKey("orgs.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit_code = models.CharField(_("单位代码"), max_length=64)
    unit_name = models.CharField(_("单位"), max_length=100)
    group = models.CharField(_("分组"), max_length=64)
    score = models.FloatField(_("得分"))
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)  # none: not assessed (不参与排名)

    class Meta:
        verbose_name = _("榜单得分")
        verbose_name_plural = _("榜单得分")
        ordering = ["run", "board", "group", RANK_ORDER, "unit_code"]
        constraints = [models.UniqueConstraint(fields=["run", "board", "unit_code"], name="unique_run_board")]
        indexes = [models.Index(fields=["run", "board", "group", "rank"]), models.Index(fields=["unit_code", "board"])]

    def __str__(self) -> str:
        return f"{self.board} {self.unit_name} #{self.rank}"


class StaleMark(models.Model):
    """A note that data behind a run was corrected after it was computed (结果待更新)."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="stale_marks")
    reason = models.TextField(_("原因"), blank=True)
    units = models.JSONField(default=list, blank=True)
    indicators = models.JSONField(default=list, blank=True)
    at = models.DateTimeField(default=timezone.now)

    scope_owners = ("run__owner_unit",)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("结果过期标记")
        verbose_name_plural = _("结果过期标记")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.run_id} {self.at:%Y-%m-%d}"


class FlagKind(models.TextChoices):
    RED = "red", _("红旗")
    YELLOW = "yellow", _("黄灯")


class FlagPolicy(models.Model):
    """红旗/黄灯 rules of one owner's scheme (by owner and scheme code; without an owner: that scheme
    code of any owner without its own policy); without one the defaults apply (see ``results.flags``)."""

    owner_unit = models.ForeignKey(
        "orgs.OrgUnit", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("考核主体"),
    )
    scheme_code = models.CharField(_("方案代码"), max_length=64)
    rules = models.JSONField(_("规则"), default=dict, help_text=_('例如 {"red": [{"rule": "board_first"}], "yellow": [{"rule": "board_last"}]}'))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("红旗黄灯规则")
        verbose_name_plural = _("红旗黄灯规则")
        constraints = [
            models.UniqueConstraint(fields=["owner_unit", "scheme_code"], name="unique_flag_policy_per_owner"),
            models.UniqueConstraint(fields=["scheme_code"], condition=models.Q(owner_unit__isnull=True),
                                    name="unique_flag_policy_any_owner"),
        ]

    def __str__(self) -> str:
        return self.scheme_code


class Flag(models.Model):
    """红旗激励 / 黄灯提醒 earned by a unit in a monthly run, with the rule that gave it."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="flags")
    year = models.PositiveIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    kind = models.CharField(_("类型"), max_length=10, choices=FlagKind.choices)
    rule = models.CharField(_("规则"), max_length=40)
    unit_code = models.CharField(_("单位代码"), max_length=64)
    unit_name = models.CharField(_("单位"), max_length=100)
    group = models.CharField(_("分组"), max_length=64)
    board = models.CharField(_("榜单"), max_length=64, blank=True)
    reason = models.CharField(_("说明"), max_length=300)

    scope_owners = ("run__owner_unit",)
    scope_published_down = True
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("红旗黄灯")
        verbose_name_plural = _("红旗黄灯")
        ordering = ["year", "month", "kind", "group", "board", "unit_code"]
        indexes = [models.Index(fields=["year", "unit_code", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit_name} {self.year}-{self.month}"


class Review(models.Model):
    """季度点评 / 年度考核 commentary written by the office on a run."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="reviews")
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("点评"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    scope_owners = ("run__owner_unit",)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("点评")
        verbose_name_plural = _("点评")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class AwardKind(models.TextChoices):
    FIRST_PRIZE = "first_prize", _("综合考核一等奖")
    SPECIAL = "special", _("特别贡献奖")
    GOOD_TEAM = "good_team", _("好班子")
    GOOD_LEADER = "good_leader", _("好班长")
    GOOD_ASSISTANT = "good_assistant", _("好助手")


class AwardStatus(models.TextChoices):
    NOMINATED = "nominated", _("已提名")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class Award(models.Model):
    """奖项与荣誉: 一等奖 by quota or tier from an annual run; 特别贡献奖 and 好班子/好班长/好助手 by nomination."""

    year = models.PositiveIntegerField(_("年度"))
    kind = models.CharField(_("奖项"), max_length=20, choices=AwardKind.choices)
    run = models.ForeignKey(ScoringRun, null=True, blank=True, on_delete=models.PROTECT, related_name="awards")
    unit = models.ForeignKey("orgs.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit_code = models.CharField(_("单位代码"), max_length=64)
    unit_name = models.CharField(_("单位"), max_length=100)
    person_name = models.CharField(_("人员"), max_length=50, blank=True)
    reason = models.TextField(_("事由"))
    status = models.CharField(_("状态"), max_length=20, choices=AwardStatus.choices, default=AwardStatus.NOMINATED)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decision_note = models.TextField(_("审批意见"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    scope_owners = ("run__owner_unit", "unit")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("奖项")
        verbose_name_plural = _("奖项")
        ordering = ["-year", "kind", "unit_code"]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()} {self.unit_name} {self.person_name}".strip()


class Publication(models.Model):
    """公示: a run made public with a notice period; each records the previous one's hash (a chain)."""

    run = models.OneToOneField(ScoringRun, on_delete=models.PROTECT, related_name="publication")
    title = models.CharField(_("标题"), max_length=200)
    published_at = models.DateTimeField(_("公示时间"), default=timezone.now)
    notice_ends = models.DateTimeField(_("公示截止"))
    appeal_days = models.PositiveSmallIntegerField(_("申诉答复期限（工作日）"), default=10)
    run_hash = models.CharField(_("结果哈希"), max_length=64)
    previous_hash = models.CharField(_("上一公示哈希"), max_length=64, blank=True)
    chain_hash = models.CharField(_("链哈希"), max_length=64)
    # sha256 over everything the publication shows beside the scores (kaohe.results.runs.publication_manifest):
    # title, notice period, unit and tier names, scheme names. Empty for publications made before it existed.
    seal_hash = models.CharField(_("公示封存哈希"), max_length=64, blank=True, default="")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    scope_owners = ("run__owner_unit",)
    scope_published_down = True
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def in_notice_period(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.published_at <= now < self.notice_ends

    def is_final(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.notice_ends


def appeal_time_limit(days: int) -> TimeLimit:
    """申诉答复时限: ``days`` working days, 临近 in the last two."""
    return TimeLimit(days, yellow=min(2, days))


def notice_time_limit(days: int) -> TimeLimit:
    """公示期: ``days`` working days after publication, to 17:30 of the last one."""
    return TimeLimit(days)


class AppealStatus(models.TextChoices):
    FILED = "filed", _("待处理")
    ACCEPTED = "accepted", _("已采纳")
    REJECTED = "rejected", _("已驳回")


class Appeal(models.Model):
    """申诉: an assessed unit contests an indicator during the notice period; the office answers by a deadline."""

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="appeals")
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    indicator = models.CharField(_("指标"), max_length=64)
    reason = models.TextField(_("申诉理由"))
    claimed_value = models.FloatField(_("申诉数值"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=AppealStatus.choices, default=AppealStatus.FILED)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    filed_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    answer_due = models.DateTimeField(_("答复期限"))
    response = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    corrected_run = models.ForeignKey(
        ScoringRun, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals_resolved"
    )

    scope_owners = ("publication__run__owner_unit", "unit")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")
        ordering = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} {self.indicator_name}"

    @property
    def indicator_name(self) -> str:
        """The contested indicator's name (from the published run's scheme), never its code."""
        meta = (self.publication.run.scheme_meta or {}).get("indicators", {})
        return (meta.get(self.indicator) or {}).get("name") or self.indicator

    @property
    def indicator_uom(self) -> str:
        meta = (self.publication.run.scheme_meta or {}).get("indicators", {})
        return (meta.get(self.indicator) or {}).get("unit") or ""

    def clock(self, now: dt.datetime | None = None, calendar=None) -> Clock:
        """答复时限: ``appeal_days`` working days from filing (after 17:30: from the next working day),
        stopped when answered; 临近 in the last two working days."""
        log = [ClockEvent(EventKind.START, self.filed_at)]
        if self.answered_at:
            log.append(ClockEvent(EventKind.STOP, self.answered_at))
        return deadlines.clock_for(log, appeal_time_limit(self.publication.appeal_days), now=now, calendar=calendar)

    def overdue(self, now: dt.datetime | None = None, calendar=None) -> bool:
        return self.status == AppealStatus.FILED and self.clock(now, calendar).overdue


class AppealAttachment(models.Model):
    """A file attached to an appeal (申诉材料)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    # Outside MEDIA_ROOT (kaohe.lib.files): downloaded only through results:appeal_attachment.
    file = models.FileField(storage=private_storage, upload_to="appeals/%Y/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, default="application/octet-stream")

    scope_owners = ("appeal__publication__run__owner_unit", "appeal__unit")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("申诉材料")
        verbose_name_plural = _("申诉材料")

    def __str__(self) -> str:
        return self.name
