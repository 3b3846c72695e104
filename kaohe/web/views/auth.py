"""Sign-in and sign-out, with messages in the user's language."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kaohe.audit.middleware import client_ip
from kaohe.web import throttle


class ThrottledLogin:
    """Refuses sign-in while the account or the address is locked (kaohe.web.throttle), counts
    every failure, clears the account's count on success. For the login page and the admin's."""

    def clean(self):
        username = self.cleaned_data.get("username")
        address = client_ip(self.request) if self.request is not None else None
        until = throttle.locked_until(username, address)
        if until is not None:
            raise self._locked(until)
        try:
            cleaned = super().clean()
        except ValidationError as exc:
            if getattr(exc, "code", None) == "invalid_login":
                until = throttle.failed(username, address)
                if until is not None:
                    raise self._locked(until) from None
            raise
        throttle.succeeded(username)
        return cleaned

    @staticmethod
    def _locked(until) -> ValidationError:
        minutes = max(1, round((until - timezone.now()).total_seconds() / 60))
        return ValidationError(
            gettext("登录失败次数过多，已暂时锁定。请于 %(time)s（约 %(n)s 分钟后）再试；如忘记密码，请联系本单位考核办重置。")
            % {"time": timezone.localtime(until).strftime("%H:%M"), "n": minutes},
            code="throttled",
        )


class AdminLoginForm(ThrottledLogin, AdminAuthenticationForm):
    pass


class LoginForm(ThrottledLogin, AuthenticationForm):
    """The login form with kaohe's own wording (Django's stock Chinese reads stiffly)."""

    username = forms.CharField(
        label=_("用户名"), max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("用户名或密码不正确，请重新输入。密码区分大小写。"),
        "inactive": _("该账号已停用，请联系本单位考核办。"),
    }


class KaoheLoginView(auth_views.LoginView):
    template_name = "web/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


class KaoheLogoutView(auth_views.LogoutView):
    pass


class KaohePasswordChangeView(auth_views.PasswordChangeView):
    """修改密码: the old password, then the new one twice, checked by every password validator
    (length, common passwords, not like the user name); the session stays signed in."""

    template_name = "web/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, gettext("密码已修改。"))
        return response
