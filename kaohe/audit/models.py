"""The audit trail (操作日志): one change-log table for every change to domain data."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.orgs.scope import ScopedQuerySet


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    IMPORT = "import", _("导入")
    SUBMIT = "submit", _("提交")
    APPROVE = "approve", _("审核通过")
    RETURN = "return", _("退回")
    LOCK = "lock", _("锁定")
    CORRECT = "correct", _("更正")
    PUBLISH = "publish", _("发布")
    LOGIN = "login", _("登录")
    OTHER = "other", _("其他")


class ChangeSource(models.TextChoices):
    """数据来源: through which channel a change came in (shown in Chinese, stored as a code)."""

    GRID = "grid", _("在线填报")
    EXCEL = "excel", _("Excel导入")
    CSV = "csv", _("CSV导入")
    API = "api", _("接口")
    CORRECTION = "correction", _("更正")
    DEMO = "demo", _("演示数据")


def source_label(code: str) -> str:
    """The Chinese name of a change source code (the code itself if unknown)."""
    try:
        return str(ChangeSource(code).label)
    except ValueError:
        return code


class AuditEntryQuerySet(ScopedQuerySet):
    def of_type(self, label: str) -> AuditEntryQuerySet:
        """Entries about objects of one model, named ``app_label.modelname``."""
        app_label, _dot, model = label.partition(".")
        return self.filter(object_type__app_label=app_label, object_type__model=model)


class AuditEntry(models.Model):
    """操作日志条目: who did what to which object, when, from where, with before/after JSON.

    The object is named by content type and integer id (``object_id`` is empty for a
    batch such as "1,200 values of 2025年3月"), its parent object (上级对象: the project
    of a report or problem, the submission of a batch of values) the same way, so that
    "every change to this project and everything under it" is one indexed query
    (NetBox's ObjectChange with ``related_object``). ``object_unit`` is the unit the
    object belongs to (the scope an office reads the log by); ``actor_unit`` the unit of
    the person who acted. Written only through ``kaohe.audit.services.record``; never
    updated or deleted.
    """

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("用户")
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    actor_unit = models.ForeignKey(
        "orgs.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("操作人单位"),
    )
    action = models.CharField(_("操作"), max_length=20, choices=AuditAction.choices)
    object_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("对象类型")
    )
    object_id = models.PositiveBigIntegerField(_("对象编号"), null=True, blank=True)
    object_repr = models.CharField(_("对象"), max_length=300, blank=True)
    related_object_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("上级对象类型")
    )
    related_object_id = models.PositiveBigIntegerField(_("上级对象编号"), null=True, blank=True)
    object_unit = models.ForeignKey(
        "orgs.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("对象所属单位"),
    )
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    # Hash chain (kaohe.audit.chain): set by the sealer in id order, after the entry committed —
    # the writer never waits for it. ``chain`` = sha256(previous entry's chain + this entry).
    seq = models.PositiveBigIntegerField(_("封存序号"), null=True, blank=True, unique=True)
    chain = models.CharField(_("链哈希"), max_length=64, blank=True, default="")

    #: Read within the scope of the object's unit or the actor's; entries naming neither are city-wide.
    scope_owners = ("object_unit", "actor_unit")
    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("操作日志")
        verbose_name_plural = _("操作日志")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"], name="audit_object_at"),
            models.Index(fields=["related_object_type", "related_object_id", "at"], name="audit_related_at"),
            models.Index(fields=["object_unit", "at"], name="audit_object_unit_at"),
            models.Index(fields=["user", "at"], name="audit_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type_name}#{self.object_id or ''}"

    @property
    def object_type_name(self) -> str:
        """``app_label.modelname`` of the object, or ""."""
        if self.object_type_id is None:
            return ""
        ct = ContentType.objects.get_for_id(self.object_type_id)
        return f"{ct.app_label}.{ct.model}"


class AuditChainHead(models.Model):
    """The sealed chain's last link (one row): a deletion at the end of the log shows as a mismatch."""

    seq = models.PositiveBigIntegerField(default=0)
    chain = models.CharField(max_length=64, blank=True, default="")
    sealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("操作日志链头")
        verbose_name_plural = _("操作日志链头")

    def __str__(self) -> str:
        return f"{self.seq} {self.chain}"
