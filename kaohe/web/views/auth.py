"""Sign-in and sign-out, with messages in the user's language."""

from __future__ import annotations

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
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
