"""站内通知: one inbox for every module — reminders, appeal answers, publications, awards,
project warnings and problems — each notification addressed to one user."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """通知类别: which module sent it (a new module adds its kind here)."""

    REMINDER = "reminder", _("催报提醒")
    APPEAL = "appeal", _("申诉答复")
    PUBLICATION = "publication", _("结果公示")
    AWARD = "award", _("奖项审批")
    WARNING = "warning", _("项目预警")
    PROBLEM = "problem", _("问题督办")
    SUPERVISION = "supervision", _("督查督办")
    COMMITMENT = "commitment", _("公开承诺")
    OTHER = "other", _("其他")


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> NotificationQuerySet:
        """The user's own inbox; nobody else's notification is ever found (a 404)."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient_id=user.pk)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """通知: a title and a text for one recipient, with a link to what it is about.

    ``object_type``/``object_id`` name the object (a submission, an appeal, a project) by
    content type and id, as the change log does. ``read_at`` is set when the recipient
    opens or marks it read.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                                  verbose_name=_("接收人"))
    kind = models.CharField(_("类别"), max_length=20, choices=NotificationKind.choices, default=NotificationKind.OTHER)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    object_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("对象类型"))
    object_id = models.PositiveBigIntegerField(_("对象编号"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed = models.BooleanField(_("已发邮件"), default=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "created_at"], name="notification_inbox_idx")]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
