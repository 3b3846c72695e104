"""Assessment data: schemes (考核方案) and their versions, indicators, periods, values, submissions.

The scheme's content is the engine's scheme dict (YAML is its storage and exchange
format); :class:`IndicatorSpec` rows are derived from it for querying and are never
edited apart from the scheme. Values are stored per (version, unit, indicator,
period) and change only through ``kaohe.assessment.services`` (which audits them).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kaohe.audit.models import ChangeSource
from kaohe.lib.deadlines import Clock, ClockEvent, EventKind, TimeLimit
from kaohe.lib.periods import Period as PeriodValue
from kaohe.lib.periods import PeriodKind as Kind
from kaohe.orgs import deadlines
from kaohe.orgs.calendar import work_calendar
from kaohe.orgs.scope import ScopedQuerySet


class Scheme(models.Model):
    """考核方案: the assessment scheme of one year (e.g. 2025年度高质量发展综合考核).

    Every scheme has its 考核主体 (``owner_unit``): the city for 市对区, a district for 区对镇
    (a district's scheme may be derived from the city's, see ``assessment.derivation``). The code
    is unique per owner and year, so the city and each district may all use ``HQD``.
    """

    year = models.PositiveIntegerField(_("年度"))
    code = models.CharField(_("代码"), max_length=32, help_text=_("同一方案在各年度使用相同代码"))
    name = models.CharField(_("名称"), max_length=200)
    owner_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("考核主体")
    )
    derived_from = models.ForeignKey(
        "SchemeVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="derived_schemes",
        verbose_name=_("派生自"), help_text=_("区方案对照的市方案版本（目标分解时取其下达的目标）"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    #: Owned by its 考核主体 (none: city-wide); read by every unit below it (see kaohe.orgs.scope).
    scope_owners = ("owner_unit",)
    scope_published_down = True
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["-year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["owner_unit", "year", "code"], name="unique_scheme_per_owner_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    def current_version(self) -> SchemeVersion | None:
        """The adopted version, or else the newest draft."""
        versions = list(self.versions.order_by("-number"))
        for version in versions:
            if version.status == VersionStatus.ADOPTED:
                return version
        return versions[0] if versions else None


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ADOPTED = "adopted", _("已发布")
    SUPERSEDED = "superseded", _("已替代")


class SchemeVersion(models.Model):
    """方案版本: a draft until the office adopts it; an adopted version is immutable."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="versions", verbose_name=_("方案"))
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    content = models.JSONField(_("方案内容"), default=dict)
    yaml_text = models.TextField(_("YAML"), blank=True)
    reason = models.TextField(_("修订原因"), blank=True)
    peer_groups = models.ManyToManyField("orgs.PeerGroup", blank=True, related_name="scheme_versions", verbose_name=_("考核分组"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    adopted_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    scope_owners = ("scheme__owner_unit",)
    scope_published_down = True
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("方案版本")
        verbose_name_plural = _("方案版本")
        ordering = ["scheme", "-number"]
        constraints = [models.UniqueConstraint(fields=["scheme", "number"], name="unique_version_number")]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._loaded_status = self.status if self.pk else None
        self._loaded_hash = self.content_hash() if self.pk else None

    def __str__(self) -> str:
        return f"{self.scheme} v{self.number}"

    def save(self, *args, **kwargs):
        # An adopted (or superseded) version never changes its content: a change is a new version.
        if self.pk and self.is_frozen and (
            self.content_hash() != self._loaded_hash or self.status == VersionStatus.DRAFT
        ):
            raise ValidationError(_("已发布的方案版本不可修改；请新建版本并说明原因。"))
        super().save(*args, **kwargs)
        self._loaded_status = self.status
        self._loaded_hash = self.content_hash()

    def content_hash(self) -> str:
        import json

        return hashlib.sha256(json.dumps(self.content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    @property
    def is_adopted(self) -> bool:
        return self.status == VersionStatus.ADOPTED

    @property
    def is_frozen(self) -> bool:
        return self._loaded_status in (VersionStatus.ADOPTED, VersionStatus.SUPERSEDED)


class Frequency(models.TextChoices):
    """报送频次 of an indicator: once per period of one :class:`PeriodKind` (``Kind.frequency``)."""

    MONTHLY = Kind.MONTH.frequency, _("月度")
    QUARTERLY = Kind.QUARTER.frequency, _("季度")
    HALF_YEARLY = Kind.HALF.frequency, _("半年")
    YEARLY = Kind.YEAR.frequency, _("年度")


class ValueKind(models.TextChoices):
    PERIOD = "period", _("当期值")
    YTD = "ytd", _("累计值")


class IndicatorSpec(models.Model):
    """指标: one collected or scored indicator of a scheme version, derived from its content."""

    version = models.ForeignKey(SchemeVersion, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("指标代码"), max_length=64)
    name = models.CharField(_("指标名称"), max_length=200)
    category_path = models.CharField(_("所属类别"), max_length=300, blank=True)
    unit_of_measure = models.CharField(_("计量单位"), max_length=32, blank=True)
    responsible_unit = models.ForeignKey(
        "orgs.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("指标责任单位")
    )
    frequency = models.CharField(_("报送频次"), max_length=12, choices=Frequency.choices, default=Frequency.MONTHLY)
    value_kind = models.CharField(_("数值类型"), max_length=8, choices=ValueKind.choices, default=ValueKind.PERIOD)
    rules = models.JSONField(_("审核规则"), default=dict, blank=True)
    points = models.DecimalField(_("分值"), max_digits=10, decimal_places=3, null=True, blank=True)
    method = models.CharField(_("计分方法"), max_length=32, blank=True)
    direction = models.CharField(_("方向"), max_length=8, blank=True)
    is_scored = models.BooleanField(_("计分指标"), default=True)
    is_collected = models.BooleanField(_("需填报"), default=True)
    #: 数据来源: "" = entered (grid, Excel, API); else the kaohe module that computes the values
    #: for each period (``kaohe.assessment.sources``), e.g. ``projects`` — such values are never typed.
    source = models.CharField(_("数据来源"), max_length=32, blank=True, default="")
    sort_order = models.PositiveIntegerField(default=0)

    scope_owners = ("version__scheme__owner_unit",)
    scope_published_down = True
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["version", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_indicator_per_version")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PeriodKind(models.TextChoices):
    """The database choices of :class:`kaohe.lib.periods.PeriodKind`, value for value."""

    MONTH = Kind.MONTH.value, _("月度")
    QUARTER = Kind.QUARTER.value, _("季度")
    HALF = Kind.HALF.value, _("半年")
    YEAR = Kind.YEAR.value, _("年度")


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("填报中")
    CLOSED = "closed", _("已截止")
    LOCKED = "locked", _("已锁定")


SUBMISSION_YELLOW_WORKDAYS = 2  # 临近: the last two working days before 填报截止


def period_deadline(end: dt.date, day: int, calendar=None) -> dt.date:
    """填报截止: the ``day``-th working day after the period ends (2025-09, day 5 → 2025-10-14:
    10/1–10/8 off, then 10/9, 10/10, Sat 10/11 调休上班, 10/13, 10/14)."""
    calendar = calendar or work_calendar()
    first_day = calendar.at(end + dt.timedelta(days=1), dt.time(0))
    return TimeLimit(day, count_start_day=True).due_from(first_day, calendar).date()


class Period(models.Model):
    """考核期: a month, quarter, half-year or year, with its submission deadline (填报截止).

    Periods belong to an assessment owner (考核主体, the unit whose office runs the assessment):
    the city's 2025年3月 and 明湖区's 2025年3月 are two periods with their own deadline and their
    own lock, so a district locking its month never locks the city's. All schemes of one owner
    share its periods.

    ``year``, ``kind`` and ``number`` are a :class:`kaohe.lib.periods.Period` (``.value``);
    its code (2025-03, 2025Q1, 2025-H1, 2025) and label come from there.
    """

    owner_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("考核主体")
    )
    year = models.PositiveIntegerField(_("年度"))
    kind = models.CharField(_("类型"), max_length=8, choices=PeriodKind.choices)
    number = models.PositiveSmallIntegerField(_("序号"))
    start = models.DateField(_("开始"))
    end = models.DateField(_("结束"))
    deadline = models.DateField(_("填报截止"))
    status = models.CharField(_("状态"), max_length=8, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)

    #: Owned by its 考核主体; read by every unit below it (see kaohe.orgs.scope).
    scope_owners = ("owner_unit",)
    scope_published_down = True
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核期")
        verbose_name_plural = _("考核期")
        ordering = ["year", "end", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["owner_unit", "year", "kind", "number"], name="unique_period_per_owner"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def value(self) -> PeriodValue:
        """This period as the shared value type (what the engine and the results use)."""
        return PeriodValue(Kind(self.kind), self.year, self.number)

    @property
    def label(self) -> str:
        """2025年3月, 2025年第1季度, 2025年上半年, 2025年度 (in English Mar 2025 …)."""
        return self.value.label(get_language())

    @property
    def code(self) -> str:
        """The period's code in the engine's values table: 2025-03, 2025Q1, 2025-H1, 2025."""
        return self.value.code

    @property
    def frequency(self) -> str:
        return Kind(self.kind).frequency

    def clock(self, submission: Submission | None = None, *, now: dt.datetime | None = None, calendar=None) -> Clock:
        """填报时限 of one submission (or of a responsible unit that has none yet): from the end of
        the period to 17:30 on ``deadline``; stopped when submitted (a returned one runs again);
        临近 in the last ``SUBMISSION_YELLOW_WORKDAYS`` working days."""
        calendar = calendar or work_calendar()
        start = calendar.at(self.end, calendar.hours.end)
        log = [ClockEvent(EventKind.START, start), ClockEvent(EventKind.EXTEND, start, calendar.end_of_day(self.deadline))]
        if submission is not None and submission.submitted_at and submission.status not in ("draft", "returned"):
            log.append(ClockEvent(EventKind.STOP, submission.submitted_at))
        return deadlines.clock_for(log, TimeLimit(0, yellow=SUBMISSION_YELLOW_WORKDAYS), now=now, calendar=calendar)


class DataValue(models.Model):
    """填报数据: one value of one indicator for one assessed unit in one period.

    ``revision`` increases on every change; a save carrying an older revision is a
    conflict (optimistic locking) and is refused with both values shown.
    """

    # A fact table written a million rows at a time. Only the two composite indexes below (the
    # unique one serves the version's lookups), and no database-level foreign-key constraints:
    # PostgreSQL checks deferred FKs row by row at COMMIT, which cost more than the COPY itself.
    # Rows are written only by ``services.save_values``, which resolves every id from the
    # database first; on_delete (CASCADE/PROTECT/SET_NULL) is enforced by Django as before.
    version = models.ForeignKey(SchemeVersion, on_delete=models.CASCADE, related_name="values", db_index=False, db_constraint=False)
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("单位"), db_index=False, db_constraint=False)
    indicator = models.CharField(_("指标代码"), max_length=64)
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="values", verbose_name=_("考核期"), db_index=False, db_constraint=False)
    value = models.DecimalField(_("数值"), max_digits=24, decimal_places=6, null=True, blank=True)
    kind = models.CharField(_("数值类型"), max_length=8, choices=ValueKind.choices, default=ValueKind.PERIOD)
    explanation = models.TextField(_("说明"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False, db_constraint=False)
    updated_at = models.DateTimeField(auto_now=True)
    revision = models.PositiveIntegerField(default=1)

    #: The scheme's owner and the assessed unit (the responsible unit acts through its Submission).
    scope_owners = ("version__scheme__owner_unit", "unit")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("填报数据")
        verbose_name_plural = _("填报数据")
        constraints = [
            models.UniqueConstraint(fields=["version", "unit", "indicator", "period"], name="unique_data_value"),
        ]
        indexes = [models.Index(fields=["period", "version", "indicator"], name="assessment_dv_period_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.indicator}/{self.period_id}={self.value}"


class ValueChange(models.Model):
    """数据修改记录: one changed cell — old and new value, who, when, through which channel.

    A cell's history (修改记录) is one indexed query on this narrow table. Each row points
    at the audit entry of its batch (the change log's entry: action, reason, request, the
    submission it belongs to). Written in bulk by ``services.save_values`` (COPY on
    PostgreSQL), hence, like :class:`DataValue`, one composite index and no database-level
    foreign-key constraints.
    """

    entry = models.ForeignKey("audit.AuditEntry", on_delete=models.PROTECT, related_name="+", db_index=False,
                              db_constraint=False, verbose_name=_("操作日志"))
    version = models.ForeignKey(SchemeVersion, on_delete=models.CASCADE, related_name="+", db_index=False,
                                db_constraint=False)
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False,
                               verbose_name=_("考核期"))
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", db_index=False,
                             db_constraint=False, verbose_name=_("单位"))
    indicator = models.CharField(_("指标代码"), max_length=64)
    old = models.DecimalField(_("修改前"), max_digits=24, decimal_places=6, null=True, blank=True)
    new = models.DecimalField(_("修改后"), max_digits=24, decimal_places=6, null=True, blank=True)
    revision = models.PositiveIntegerField(_("版本号"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", db_index=False, db_constraint=False, verbose_name=_("修改人"))
    at = models.DateTimeField(_("时间"))
    source = models.CharField(_("来源"), max_length=16, choices=ChangeSource.choices)

    class Meta:
        verbose_name = _("数据修改记录")
        verbose_name_plural = _("数据修改记录")
        indexes = [models.Index(fields=["version", "period", "unit", "indicator", "at"], name="assessment_vc_cell_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.indicator}/{self.period_id}: {self.old} → {self.new}"


class ValueProvenance(models.Model):
    """数据来源记录: where a computed value came from — the module (数据来源), when it was
    computed, and what it was computed from (the ids of the module's records, and their hash)."""

    value = models.OneToOneField(DataValue, on_delete=models.CASCADE, primary_key=True, related_name="provenance")
    source = models.CharField(_("数据来源"), max_length=32)
    computed_at = models.DateTimeField(_("计算时间"))
    inputs_hash = models.CharField(_("输入数据哈希"), max_length=64)
    inputs = models.JSONField(_("输入数据"), default=dict)

    class Meta:
        verbose_name = _("数据来源记录")
        verbose_name_plural = _("数据来源记录")

    def __str__(self) -> str:
        return f"{self.value_id} ← {self.source} {self.computed_at:%Y-%m-%d %H:%M}"


class Target(models.Model):
    """目标值: a unit's own target for an indicator in a scheme version."""

    version = models.ForeignKey(SchemeVersion, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("单位"))
    indicator = models.CharField(_("指标代码"), max_length=64)
    target = models.DecimalField(_("目标值"), max_digits=24, decimal_places=6)

    scope_owners = ("version__scheme__owner_unit", "unit")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("目标值")
        verbose_name_plural = _("目标值")
        constraints = [models.UniqueConstraint(fields=["version", "unit", "indicator"], name="unique_target")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.indicator}={self.target}"


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审核")
    LOCKED = "locked", _("已锁定")


class Submission(models.Model):
    """报送: one responsible unit's data for one period, through draft → submitted → approved → locked."""

    version = models.ForeignKey(SchemeVersion, on_delete=models.CASCADE, related_name="submissions")
    responsible_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("指标责任单位")
    )
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("考核期"))
    status = models.CharField(_("状态"), max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT)
    reason = models.TextField(_("退回原因"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    scope_owners = ("version__scheme__owner_unit", "responsible_unit")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("报送")
        verbose_name_plural = _("报送")
        constraints = [
            models.UniqueConstraint(fields=["version", "responsible_unit", "period"], name="unique_submission"),
        ]

    def __str__(self) -> str:
        return f"{self.responsible_unit} {self.period} {self.get_status_display()}"

    @property
    def is_editable(self) -> bool:
        return self.status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)

    def clock(self, *, now: dt.datetime | None = None, calendar=None) -> Clock:
        """The submission's deadline (填报截止) as it stands: see :meth:`Period.clock`."""
        return self.period.clock(self, now=now, calendar=calendar)


class QualityFinding(models.Model):
    """数据质量发现: a screening finding (outlier, jump, Benford, duplicate) or a validation warning."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="findings")
    unit = models.ForeignKey("orgs.OrgUnit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    indicator = models.CharField(max_length=64, blank=True)
    code = models.CharField(max_length=40)
    severity = models.CharField(max_length=10, default="warning")
    message = models.TextField()
    message_en = models.TextField(blank=True)
    resolved = models.BooleanField(_("已处理"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_owners = ("submission__version__scheme__owner_unit", "submission__responsible_unit")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("数据质量发现")
        verbose_name_plural = _("数据质量发现")
        ordering = ["submission", "unit", "indicator"]

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def text(self, language: str | None = None) -> str:
        return self.message_en if language and language.startswith("en") and self.message_en else self.message

    @property
    def label(self) -> str:
        """The check's name in the active language (同比突变), never its code (``jump_yoy``)."""
        from django.utils.translation import get_language

        from kaohe.engine.quality import check_label

        return check_label(self.code, get_language() or "zh")


class Reminder(models.Model):
    """催报: a recorded reminder sent to a responsible unit for a period."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reminders")
    message = models.TextField(_("提醒内容"))
    sent_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    scope_owners = ("submission__version__scheme__owner_unit", "submission__responsible_unit")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("催报提醒")
        verbose_name_plural = _("催报提醒")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.submission}: {self.message[:40]}"
