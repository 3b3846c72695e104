"""Organisation model: units (单位), their dated hierarchy, peer groups (分类考核组), people and roles."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.orgs.choices import Role, UnitKind
from kaohe.orgs.scope import ScopedQuerySet

__all__ = ["OrgUnit", "PeerGroup", "Person", "Role", "UnitKind", "UnitPlacement"]


class OrgUnit(models.Model):
    """单位: a city, district, town/street, zone, park, department or state-owned company.

    ``parent`` and ``kind`` hold the *current* placement; the dated history of
    moves lives in :class:`UnitPlacement` (a unit can change parent or kind from
    one year to the next, and old assessments must still show the old shape).
    """

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    sort_order = models.IntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    #: A unit owns itself (see ``kaohe.orgs.scope``).
    scope_owners = ("pk",)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["sort_order", "code"]
        indexes = [models.Index(fields=["kind"]), models.Index(fields=["parent"])]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None = None) -> str:
        if language and language.startswith("en") and self.name_en:
            return self.name_en
        return self.name


class UnitPlacement(models.Model):
    """A dated placement of a unit: its parent and kind from ``valid_from`` until ``valid_to``.

    Exactly one open-ended placement per unit is its current one; moves close the
    previous placement and open a new one (see ``orgs.services.move_unit``).
    """

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="placements")
    parent = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=UnitKind.choices)
    valid_from = models.DateField(default=dt.date(2000, 1, 1))
    valid_to = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)

    scope_owners = ("unit",)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位隶属变更")
        verbose_name_plural = _("单位隶属变更")
        ordering = ["unit", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "valid_from"], name="unique_placement_start"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} @ {self.valid_from}"


class PeerGroup(models.Model):
    """分类考核组: units compared with each other in one year (e.g. 主城区, 郊区, 开发区, 市属国企)."""

    year = models.PositiveIntegerField(_("年度"))
    code = models.CharField(_("代码"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    members = models.ManyToManyField(OrgUnit, related_name="peer_groups", blank=True, verbose_name=_("成员单位"))
    sort_order = models.IntegerField(default=0)

    #: Owned by its members: an office manages a group all of whose members it manages (a
    #: city group of districts is the city's); an empty group is city-wide.
    scope_owners = ("members",)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核分组")
        verbose_name_plural = _("考核分组")
        ordering = ["year", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["year", "code"], name="unique_peer_group_per_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class Person(models.Model):
    """A user's place in the organisation: the unit they belong to and their role there.

    The scope of an office or leader is the subtree under their unit; a submitter
    acts for the indicators their unit owns; an assessed-unit user sees their unit.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="people", verbose_name=_("所属单位"))
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    title = models.CharField(_("职务"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)

    scope_owners = ("unit",)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")

    def __str__(self) -> str:
        return f"{self.display_name or self.user.get_username()} ({self.get_role_display()}, {self.unit})"


class ApiToken(models.Model):
    """API令牌: a per-user token for the JSON API; only its SHA-256 hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(_("已吊销"), default=False)

    class Meta:
        verbose_name = _("API令牌")
        verbose_name_plural = _("API令牌")

    def __str__(self) -> str:
        return f"{self.user} {self.name} ({self.prefix}…)"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str) -> tuple[ApiToken, str]:
        """Create a token; the plain key is returned once and never stored."""
        key = "kh_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=key[:10], key_hash=cls.hash(key))
        return token, key


class WorkCalendarDay(models.Model):
    """工作日历: one day that differs from Monday–Friday — a public holiday (放假) or a make-up working day (调休上班).

    One calendar per deployment, loaded per year from the State Council's notice
    (``kaohe calendar import``); days not listed follow Monday–Friday. Every deadline in
    kaohe is counted on it (``kaohe.orgs.calendar.work_calendar()``).
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("上班"), default=False)
    note = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {'上班' if self.is_workday else '放假'} {self.note}".strip()


class DeadlineEvent(models.Model):
    """时限事件: one entry of an object's deadline log — started (交办/受理), paused while waiting on
    someone else, resumed, finished (办结), sent back (退回重办), extended (延期).

    Any module's object (a project problem, a submission, a supervision task …) keeps its clock
    here, by content type and id; the clock itself is never stored but computed from these
    events and the working-day calendar (``kaohe.orgs.deadlines``). ``clock`` names the clock
    when an object has more than one (签收 and 办结, say).
    """

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    clock = models.CharField(_("时限"), max_length=32, blank=True, default="")
    kind = models.CharField(_("事件"), max_length=10, choices=[
        ("start", _("开始计时")), ("pause", _("暂停计时")), ("resume", _("恢复计时")),
        ("stop", _("办结")), ("reopen", _("退回重办")), ("extend", _("延期")),
    ])
    at = models.DateTimeField(_("时间"))
    due = models.DateTimeField(_("新的期限"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("时限事件")
        verbose_name_plural = _("时限事件")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "clock", "at"], name="orgs_deadline_event_obj")]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
