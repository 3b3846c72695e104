"""The authorisation matrix: every route of the URL resolver and every operation of the OpenAPI
document × every role (tests/authz/rules.py ROLES) × GET and the state-changing method, against the
outcome declared for it in tests/authz/declarations/<app>.py.

A route without a declaration fails ``test_every_route_is_declared`` with the file to declare it
in. Each route's requests run on one world (tests/authz/world.py: real objects of 甲区 and of the
city for every URL kwarg), built once for the module; every request is made inside a savepoint
that is rolled back, so an allowed POST (made with an empty form) changes nothing the next sees.

Expected: allowed → 2xx/3xx; anonymous → the login redirect (pages) or 401 (API); out of scope →
404; in scope but not allowed → 403; never 5xx. ``KAOHE_AUTHZ_RECORD=path`` writes what was
observed instead of asserting it (to review when declaring a whole new app).
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import re
from functools import cache
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.authz import declarations
from tests.authz.rules import LOGIN, OK, ROLES, Route

pytestmark = pytest.mark.django_db  # the test database is only set up for marked tests
RECORD = os.environ.get("KAOHE_AUTHZ_RECORD", "")
#: POSTed to a page that changes nothing: a few roles suffice to show it is refused or harmless.
API_APPS = {"projects", "assessment", "results", "orgs", "audit", "notifications", "monitor", "attraction", "documents",
            "commitments", "supervision", "enterprise"}
SIGNS_OUT = {"logout", "password_change"}
#: The admin's index and its changelist, add and change pages are declared (declarations/admin.py);
#: its sign-in, sign-out and own password pages are not resources, and its delete and history pages
#: are guarded by the same get_object and permission methods as the change page.
ADMIN_LEFT_OUT = ("admin:login", "admin:logout", "admin:password_change", "admin:password_change_done", "admin:jsi18n",
                  "admin:autocomplete", "admin:view_on_site", "admin:app_list")
ADMIN_LEFT_OUT_PAGES = ("_delete", "_history")
POST_PROBES = ("anonymous", "norole", "office_b", "assessed_town_a", "superuser")


# ---- what exists --------------------------------------------------------------------------


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
            yield prefix + str(p.pattern), name, p


def _left_out(name: str) -> bool:
    return name.startswith("admin:") and (name in ADMIN_LEFT_OUT or name.endswith(ADMIN_LEFT_OUT_PAGES))


def _is_api_operation(pattern: URLPattern) -> bool:
    return getattr(pattern.callback, "__module__", "").startswith("ninja.operation")


@cache
def page_routes() -> dict[str, tuple[str, URLPattern]]:
    """URL name → (pattern text, pattern) of every named route that is not an API operation."""
    out = {}
    for text, name, pattern in _walk(get_resolver().url_patterns):
        if _is_api_operation(pattern) or not name:
            continue
        out[name] = (text, pattern)
    return out


@cache
def unnamed_routes() -> list[str]:
    return [text for text, name, pattern in _walk(get_resolver().url_patterns)
            if not name and not _is_api_operation(pattern) and not text.startswith(("^media", "admin/"))]


@cache
def api_operations() -> dict[str, dict]:
    """"METHOD /api/path" → OpenAPI operation."""
    from kaohe.api.routers import api

    schema = api.get_openapi_schema(path_prefix="/api/")
    return {f"{method.upper()} {path}": op for path, ops in schema["paths"].items() for method, op in ops.items()}


@cache
def declared() -> tuple[dict[str, tuple[str, Route]], dict[str, tuple[str, Route]], dict]:
    """(pages, API operations, kwarg defaults): each with the declaring module's name."""
    pages, api, kwargs = {}, {}, {}
    for info in pkgutil.iter_modules(declarations.__path__):
        module = importlib.import_module(f"{declarations.__name__}.{info.name}")
        for name, route in getattr(module, "ROUTES", {}).items():
            assert name not in pages, f"{name} is declared twice ({pages.get(name, ('?',))[0]} and {info.name})"
            pages[name] = (info.name, route)
        for key, route in getattr(module, "API", {}).items():
            assert key not in api, f"{key} is declared twice"
            api[key] = (info.name, route)
        kwargs[info.name] = getattr(module, "KWARGS", {})
    return pages, api, kwargs


def _declaration_file(name: str) -> str:
    app = name.split(":")[0] if ":" in name else "web"
    if name.split(" ")[-1].startswith("/api/"):
        app = name.split(" ")[-1].split("/")[2]
        app = app if app in API_APPS else "api"
    return f"tests/authz/declarations/{app}.py"


def test_every_route_is_declared():
    from tests.authz.declarations.pending import PENDING_API

    pages, api, _kwargs = declared()
    assert not [k for k in PENDING_API if k in api], "declared now: remove them from declarations/pending.py"
    assert not [k for k in PENDING_API if k not in api_operations()], "no longer routed: remove them from pending.py"
    api = {**api, **dict.fromkeys(PENDING_API, None)}
    missing = [f"{name} ({text}) → ROUTES in {_declaration_file(name)}"
               for name, (text, _p) in page_routes().items() if name not in pages and not _left_out(name)]
    missing += [f"{key} → API in {_declaration_file(key)}" for key in api_operations() if key not in api]
    stale = [name for name in pages if name not in page_routes()] + [key for key in api if key not in api_operations()]
    assert not missing, ("routes without a declared access (see tests/authz/rules.py for how):\n  "
                         + "\n  ".join(missing))
    assert not stale, f"declared but no longer routed (remove them): {stale}"
    assert not unnamed_routes(), f"routes without a URL name cannot be declared: {unnamed_routes()}"


# ---- the world ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    from tests.authz.world import build
    from tests.conftest import build_org_world

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            w = build(build_org_world())
            _clients(w)  # signed in once, inside the module's transaction (a test's own savepoint is rolled back)
            yield w
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _clients(w) -> None:
    """A signed-in client per role, fresh for each route (signing out must not carry over)."""
    w.clients = {}
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(w.users[role])
        w.clients[role] = client


def _values(w, data: dict | None) -> dict | None:
    """Form or query values; ``"@name"`` is the pk of the world's ``name``."""
    if data is None:
        return None
    return {k: _kwarg(w, v[1:]) if isinstance(v, str) and v.startswith("@") else v for k, v in data.items()}


def _kwarg(w, attribute):
    value = getattr(w, attribute) if isinstance(attribute, str) and hasattr(w, attribute) else attribute
    return value if isinstance(value, (str, int)) else value.pk


def _url(w, name: str, route: Route, defaults: dict) -> str:
    _text, pattern = page_routes()[name]
    names = list(pattern.pattern.converters)
    missing = [k for k in names if k not in route.kwargs and k not in defaults]
    assert not missing, f"{name}: say which world object fills {missing} (Route(kwargs=...) or KWARGS)"
    kwargs = {k: _kwarg(w, route.kwargs.get(k, defaults.get(k))) for k in names}
    return reverse(name, kwargs=kwargs)


def _outcome(response, api: bool):
    code = response.status_code
    if api and code == 401:
        return LOGIN
    if code in (301, 302, 303, 307, 308):
        location = response.get("Location", "")
        if "/login/" in location:
            return LOGIN
        return OK
    if 200 <= code < 300:
        return OK
    return code


def _upload(value):
    """``"upload:name.xlsx"``: an empty workbook of that name (the import judges it, not the matrix)."""
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    if not (isinstance(value, str) and value.startswith("upload:")):
        return value
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return SimpleUploadedFile(value.removeprefix("upload:"), buffer.getvalue())


def _ask(w, role, method, url, data, api):
    data = _values(w, data)
    client = w.clients[role]
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        elif api and any(isinstance(v, str) and v.startswith("upload:") for v in (data or {}).values()):
            response = client.post(url, {k: _upload(v) for k, v in data.items()})
        elif api:
            response = client.generic(method, url, json.dumps(data or {}), content_type="application/json")
        else:
            response = client.post(url, data or {})
        transaction.set_rollback(True)
    outcome = _outcome(response, api)
    if method != "GET" and response.status_code in (400, 409, 422):
        outcome = ("ok?", response.status_code)
    return outcome, response.status_code


def _matches(expected, outcome) -> bool:
    if isinstance(outcome, tuple):  # a POST judged on its content: allowed, if the role was
        return expected == OK
    return expected == outcome


def _check(w, key, method, url, access, roles, api, recorded, like=None, data=None):
    """``access`` None: the method is not declared — refused with 405, or (``like``: the GET's
    declaration) answered as the GET would be."""
    problems = []
    for role in roles:
        outcome, code = _ask(w, role, method, url, data, api)
        if code >= 500:
            problems.append(f"{role}: {code} (server error)")
            continue
        if RECORD:
            recorded.setdefault(key, {}).setdefault(method, {})[role] = code if outcome not in (OK, LOGIN) else outcome
            continue
        if access is not None:
            expected = {access[role]}
        else:
            expected = {405} | ({like[role]} if like is not None else set())
            if role == "anonymous":
                expected.add(LOGIN)
        if not any(_matches(e, outcome) for e in expected):
            problems.append(f"{role}: expected {'/'.join(map(str, expected))}, got {code}")
    return problems


_RECORDED: dict = {}


@pytest.fixture(scope="module", autouse=True)
def _write_record():
    yield
    if RECORD:
        with open(RECORD, "w") as f:
            json.dump(_RECORDED, f, ensure_ascii=False, indent=1, sort_keys=True)


def _page_names():
    names = [n for n in page_routes() if not _left_out(n)]
    return sorted(n for n in names if RECORD or n in declared()[0])


def _module(name: str) -> str:
    return _declaration_file(name).rsplit("/", 1)[-1].removesuffix(".py")


@pytest.mark.parametrize("name", _page_names())
def test_page_route_answers_every_role_as_declared(world, django_db_blocker, name):
    from django.core.cache import cache as django_cache

    from tests.authz.rules import EVERYONE, allow

    app, route = declared()[0].get(name) or (_module(name), Route(get=allow(EVERYONE), post=allow(EVERYONE)))
    url = _url(world, name, route, declared()[2].get(app, {}))
    get_url = f"{url}?{urlencode(_values(world, route.query))}" if route.query else url
    problems = []
    if name in SIGNS_OUT:  # a sign-out ends the session: these requests get clients of their own
        kept = world.clients
        _clients(world)
    with django_db_blocker.unblock():
        django_cache.clear()
        get_roles = ROLES if route.get is not None or RECORD else POST_PROBES
        problems += [f"GET {p}" for p in _check(world, name, "GET", get_url, route.get, get_roles, False, _RECORDED)]
        post_roles = ROLES if route.post is not None or RECORD else POST_PROBES
        problems += [f"POST {p}" for p in _check(world, name, "POST", get_url, route.post, post_roles, False, _RECORDED,
                                                  like=route.get, data=route.data)]
    if name in SIGNS_OUT:
        world.clients = kept
    assert not problems, f"{name} ({url}, declared in {_declaration_file(name)}):\n  " + "\n  ".join(problems)


# ---- the API ------------------------------------------------------------------------------


def _api_keys():
    keys = list(api_operations())
    return sorted(k for k in keys if RECORD or k in declared()[1])


def _api_url(w, key: str, route: Route) -> str:
    path = key.split(" ", 1)[1]
    for param in re.findall(r"{(\w+)}", path):
        assert param in route.kwargs, f"{key}: say which world object fills {{{param}}} (Route(kwargs=...))"
        path = path.replace(f"{{{param}}}", str(_kwarg(w, route.kwargs[param])))
    if route.query:
        path += "?" + urlencode(_values(w, route.query))
    return path


@pytest.mark.parametrize("key", _api_keys())
def test_api_operation_answers_every_role_as_declared(world, key):
    from django.core.cache import cache as django_cache

    from tests.authz.rules import EVERYONE, allow

    method = key.split(" ", 1)[0]
    app, route = declared()[1].get(key) or ("api", Route(get=allow(EVERYONE), post=allow(EVERYONE)))
    access = route.get if method == "GET" else route.post
    url = _api_url(world, key, route)
    django_cache.clear()
    problems = []
    for role in ROLES:
        outcome, code = _ask(world, role, method, url, route.data, True)
        if code >= 500:
            problems.append(f"{role}: {code} (server error)")
            continue
        if RECORD:
            _RECORDED.setdefault(key, {}).setdefault(method, {})[role] = code if outcome not in (OK, LOGIN) else outcome
            continue
        if not _matches(access[role], outcome):
            problems.append(f"{role}: expected {access[role]}, got {code}")
    assert not problems, f"{key} ({url}, declared in {_declaration_file(key)}):\n  " + "\n  ".join(problems)
