"""Error pages in the user's language, inside the shell, never a stack trace; bad settings exit cleanly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from kaohe.lib.errors import NotFound
from kaohe.orgs.models import Role
from kaohe.orgs.services import unit_or_404
from kaohe.web.views import errors

from .factories import PASSWORD, city_with_people

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return city_with_people()


def _request(user=None, language="zh-hans"):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().get("/somewhere/")
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request.LANGUAGE_CODE = language
    return request


def test_unknown_url_gives_the_chinese_404_page_in_the_shell(client, people):
    client.login(username="assessed", password=PASSWORD)
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and "返回首页" in html
    assert 'class="sidenav"' in html  # inside the shell, with navigation
    assert "Traceback" not in html


def test_404_in_english_for_an_english_reader(client, people):
    client.login(username="assessed", password=PASSWORD)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/no/such/page/").content.decode()
    assert "Page not found" in html


def test_403_explains_what_to_do(people):
    from django.utils import translation

    with translation.override("zh-hans"):
        response = errors.permission_denied(_request(people[Role.ASSESSED].user), PermissionDenied("audit.view"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "您无权访问此页面" in html
    assert "请联系本单位考核办开通权限" in html
    assert "audit.view" not in html  # the rule name is an internal detail


def test_403_in_english(people):
    from django.utils import translation

    with translation.override("en"):
        html = errors.permission_denied(_request(people[Role.ASSESSED].user), PermissionDenied()).content.decode()
    assert "You do not have permission to view this page" in html


def test_unknown_unit_code_is_a_404_naming_the_code(people):
    from django.utils import translation

    assert unit_or_404("SFS-DC").name == "东城区"
    with translation.override("zh-hans"), pytest.raises(NotFound) as caught:
        unit_or_404("NOPE-42")
    with translation.override("zh-hans"):
        html = errors.page_not_found(_request(), caught.value).content.decode()
    assert "没有代码为“NOPE-42”的单位" in html


def test_plain_404_messages_are_not_shown_to_users(people):
    from django.http import Http404

    html = errors.page_not_found(_request(), Http404("No OrgUnit matches the given query.")).content.decode()
    assert "Page not found" in html or "页面不存在" in html
    assert "No OrgUnit matches" not in html


def test_400_and_500_pages_render(people):
    from django.utils import translation

    assert errors.bad_request(_request()).status_code == 400
    with translation.override("zh-hans"):
        response = errors.server_error(_request())
    assert response.status_code == 500
    assert "服务器内部错误" in response.content.decode()


def test_csrf_failure_says_the_page_expired(people):
    from django.utils import translation

    with translation.override("zh-hans"):
        response = errors.csrf_failure(_request())
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def _kaohe(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("KAOHE_", "DJANGO_"))}
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "kaohe.cli", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_a_bad_environment_value_gives_a_clear_message_and_exit_code_2(tmp_path):
    result = _kaohe("check", KAOHE_DEBUG="ture", KAOHE_VAR_DIR=str(tmp_path))
    assert result.returncode == 2
    assert "KAOHE_DEBUG='ture'" in result.stderr
    assert "配置错误" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_without_a_secret_is_refused_clearly(tmp_path):
    result = _kaohe("check", KAOHE_ENV="production", KAOHE_VAR_DIR=str(tmp_path))
    assert result.returncode == 2
    assert "KAOHE_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_user_facing_404_shows_the_shell_page_even_with_debug_on(people):
    from kaohe.web.middleware import UserFacingErrorsMiddleware

    request = _request(people[Role.ASSESSED].user)

    response = UserFacingErrorsMiddleware(lambda r: None).process_exception(request, NotFound("没有这个单位"))
    assert response.status_code == 404
    assert "没有这个单位" in response.content.decode()
    assert UserFacingErrorsMiddleware(lambda r: None).process_exception(request, ValueError("x")) is None


def test_anonymous_visitor_on_an_error_page_is_offered_the_login(client):
    html = client.get("/no/such/page/").content.decode()
    assert 'class="btn btn-sm topbar-login"' in html
    assert 'class="btn btn-sm topbar-login"' not in client.get(reverse("login")).content.decode()


def test_a_database_connection_cut_mid_request_is_a_503_saying_to_try_again(people):
    """tests/faults/test_connections_killed.py cuts real connections under load; here the pages themselves."""
    from django.db import OperationalError
    from django.utils import translation

    with translation.override("zh-hans"):
        page = errors.database_unavailable(_request(), OperationalError("server closed the connection unexpectedly"))
        try:  # raised in a middleware: Django's handler500 is called while the exception is handled
            raise OperationalError("terminating connection due to administrator command")
        except OperationalError:
            handled = errors.server_error(_request())
    for response in (page, handled):
        body = response.content.decode()
        assert response.status_code == 503 and response["Retry-After"] == "2"
        assert "数据库连接暂时中断" in body and "核对是否已保存" in body and "administrator command" not in body
    api = RequestFactory().get("/api/projects/")
    answer = errors.database_unavailable(api, OperationalError("x"))
    assert answer.status_code == 503 and answer["Content-Type"].startswith("application/json")
    assert "try again" in json.loads(answer.content)["detail"]


def test_a_session_save_cut_by_the_database_is_a_503_not_a_bad_request(people):
    """Django's session middleware raises SessionInterrupted (a 400) from the DatabaseError of a cut
    connection while saving the session: found under load by tests/faults/test_connections_killed.py."""
    from django.contrib.sessions.exceptions import SessionInterrupted
    from django.db import OperationalError

    try:
        try:
            raise OperationalError("terminating connection due to administrator command")
        except OperationalError as exc:
            raise SessionInterrupted("The request's session was deleted before the request completed.") from exc
    except SessionInterrupted as interrupted:
        response = errors.bad_request(_request(), interrupted)
    assert response.status_code == 503 and "数据库连接暂时中断" in response.content.decode()
    assert errors.bad_request(_request(), SessionInterrupted("plain")).status_code == 400
