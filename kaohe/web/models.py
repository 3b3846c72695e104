"""Models of the shell: login throttling (登录保护)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginThrottle(models.Model):
    """Failed sign-ins of one account or one client address within the current window.

    In the database (not the per-process cache) so that every web worker and host counts the
    same failures. ``locked_until`` in the future refuses every sign-in of that account or
    address, the right password included (kaohe.web.throttle).
    """

    kind = models.CharField(_("类型"), max_length=8, choices=[("account", _("账号")), ("address", _("地址"))])
    key = models.CharField(_("账号或地址"), max_length=200)
    failures = models.PositiveIntegerField(_("失败次数"), default=0)
    window_start = models.DateTimeField(_("起算时间"))
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录保护")
        verbose_name_plural = _("登录保护")
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="web_login_throttle_key")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key} {self.failures}"
