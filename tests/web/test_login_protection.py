"""登录保护: throttling per account and per address (the admin login too), the username-similarity
validator, the change-password page, idle expiry and a maximum session lifetime."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from kaohe.web.models import LoginThrottle
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password, url=None):
    return client.post(url or reverse("login"), {"username": username, "password": password})


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("url", [None, "/admin/login/"])
def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(org_world, url):
    client = Client()
    for _ in range(5):
        r = _login(client, "office", "wrong-password", url)
        assert r.status_code == 200 and not _signed_in(client)
    r = _login(client, "office", PASSWORD, url)
    assert r.status_code == 200 and not _signed_in(client)
    assert "登录失败次数过多" in r.content.decode() and "分钟" in r.content.decode()
    # another account from the same address is not locked by one account's failures
    assert _login(Client(), "leader", PASSWORD).status_code == 302


def test_the_lock_ends_after_its_period_and_a_success_clears_the_count(org_world):
    client = Client()
    for _ in range(5):
        _login(client, "office", "wrong")
    LoginThrottle.objects.filter(kind="account").update(locked_until=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
                                                        window_start=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    assert _login(client, "office", PASSWORD).status_code == 302
    assert not LoginThrottle.objects.filter(kind="account", key="office").exists()


def test_many_failures_from_one_address_lock_the_address(org_world, settings):
    settings.KAOHE_LOGIN_MAX_ADDRESS_FAILURES = 6
    for name in ["a1", "a2", "a3", "a4", "a5", "a6"]:
        _login(Client(), name, "guess")
    r = _login(Client(), "leader", PASSWORD)
    assert r.status_code == 200 and "登录失败次数过多" in r.content.decode()
    # from another address the account is fine
    assert Client(REMOTE_ADDR="10.0.0.9").post(reverse("login"), {"username": "leader", "password": PASSWORD}).status_code == 302


def test_the_password_may_not_resemble_the_user_name():
    user = get_user_model()(username="kaoheban", first_name="考核办")
    with pytest.raises(ValidationError):
        validate_password("kaoheban", user)
    with pytest.raises(ValidationError):
        validate_password("12345678901", user)
    validate_password("Qz7!vangu-ard", user)


def test_the_change_password_page(org_world, client_for):
    assert client_for(org_world.anonymous).get(reverse("password_change")).status_code == 302
    client = client_for(org_world.office)
    assert client.get(reverse("password_change")).status_code == 200
    assert reverse("password_change") in client.get(reverse("home")).content.decode()
    bad = client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": "office1",
                                                   "new_password2": "office1"})
    assert bad.status_code == 200 and not org_world.office.__class__.objects.get(pk=org_world.office.pk).check_password("office1")
    good = client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": "Lx9#rivertown",
                                                    "new_password2": "Lx9#rivertown"})
    assert good.status_code == 302
    assert get_user_model().objects.get(pk=org_world.office.pk).check_password("Lx9#rivertown")
    assert client.get(reverse("home")).status_code == 200  # still signed in


def test_a_session_ends_after_the_idle_limit_and_the_maximum_lifetime(org_world, settings):
    assert settings.SESSION_COOKIE_AGE == settings.KAOHE_SESSION_IDLE_MINUTES * 60 <= 8 * 3600
    client = Client()
    assert _login(client, "office", PASSWORD).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session["_kaohe_seen"] = int(time.time()) - settings.KAOHE_SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    assert client.get(reverse("home")).status_code == 302  # idle too long: sign in again

    assert _login(client, "office", PASSWORD).status_code == 302
    client.get(reverse("home"))
    session = client.session
    session["_kaohe_login_at"] = int(time.time()) - settings.KAOHE_SESSION_MAX_HOURS * 3600 - 5
    session.save()
    assert client.get(reverse("home")).status_code == 302  # signed in too long ago
