"""Shared fixtures. Browser tests need ORM access from Playwright's sync loop."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# ---- the organisation world (foundation helper) -------------------------------------------
from types import SimpleNamespace  # noqa: E402

import pytest  # noqa: E402

from tests.deselected import DESELECTED  # noqa: E402


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


# ---- CI cannot pass by skipping ------------------------------------------------------------
def pytest_collection_modifyitems(config, items):
    """Deselect the tests listed in tests/deselected.py (by node id, each with its reason)."""
    if not DESELECTED:
        return
    keep, dropped = [], []
    for item in items:
        (dropped if item.nodeid in DESELECTED else keep).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def pytest_report_header(config):
    lines = [f"deselected by name: {nodeid} ({why})" for nodeid, why in DESELECTED.items()]
    if _in_ci():
        lines.append("CI=true: a skipped test fails the run")
    return lines


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With CI=true a skip is a failure: what cannot run here belongs in tests/deselected.py."""
    outcome = yield
    report = outcome.get_result()
    if _in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = (f"skipped under CI=true ({reason}); a test that cannot run here is "
                           "deselected by name in tests/deselected.py with its reason")


@pytest.fixture
def org_world(db):
    """The small test city of ``build_org_world`` (its docstring lists the units and users)."""
    return build_org_world()


def build_org_world():
    """A small city for owner/member/outsider tests, with a same-role outsider for every role.

    测试市 (city ``C``) with two districts 甲区 ``C-A`` and 乙区 ``C-B`` (two towns/streets
    each and a statistics bureau each: 甲区统计局 ``C-A-TJJ``, 乙区统计局 ``C-B-TJJ``), a
    development zone ``C-Z`` beside them, and two city departments: 统计局 ``C-TJJ`` and
    商务局 ``C-SWJ``. Users (password ``tests.factories.PASSWORD``):

    - at the city: ``office`` and ``leader``; ``submitter`` at 统计局, ``submitter_b`` at 商务局;
    - at 甲区: ``office_a``, ``leader_a``, ``assessed_a`` (owner of 甲区's data),
      ``district_submitter_a`` at 甲区统计局 and ``assessed_town_a`` at 甲一街道;
    - at 乙区, the same-role outsiders: ``office_b``, ``leader_b``, ``assessed_b``,
      ``district_submitter_b`` at 乙区统计局 and ``assessed_town_b`` at 乙一街道;
    - ``anonymous``.

    ``w.users`` maps those names to users; ``w.peer_group`` is the 2025 group of both districts.
    """
    from django.contrib.auth.models import AnonymousUser

    from kaohe.orgs.models import UnitKind
    from tests import factories as f

    city = f.OrgUnitFactory(code="C", name="测试市", name_en="Test City", kind=UnitKind.CITY)
    a = f.OrgUnitFactory(code="C-A", name="甲区", name_en="District A", kind=UnitKind.DISTRICT, parent=city)
    b = f.OrgUnitFactory(code="C-B", name="乙区", name_en="District B", kind=UnitKind.DISTRICT, parent=city)
    towns_a = [
        f.OrgUnitFactory(code="C-A-01", name="甲一街道", kind=UnitKind.STREET, parent=a),
        f.OrgUnitFactory(code="C-A-02", name="甲二镇", kind=UnitKind.TOWN, parent=a),
    ]
    towns_b = [
        f.OrgUnitFactory(code="C-B-01", name="乙一街道", kind=UnitKind.STREET, parent=b),
        f.OrgUnitFactory(code="C-B-02", name="乙二镇", kind=UnitKind.TOWN, parent=b),
    ]
    zone = f.OrgUnitFactory(code="C-Z", name="测试开发区", kind=UnitKind.DEV_ZONE, parent=city)
    stats_a = f.OrgUnitFactory(code="C-A-TJJ", name="甲区统计局", kind=UnitKind.DEPARTMENT, parent=a)
    stats_b = f.OrgUnitFactory(code="C-B-TJJ", name="乙区统计局", kind=UnitKind.DEPARTMENT, parent=b)
    stats = f.OrgUnitFactory(code="C-TJJ", name="市统计局", kind=UnitKind.DEPARTMENT, parent=city)
    commerce = f.OrgUnitFactory(code="C-SWJ", name="市商务局", kind=UnitKind.DEPARTMENT, parent=city)
    group = f.PeerGroupFactory(year=2025, code="ZCQ", name="主城区", members=[a, b])
    users = {
        "office": f.office(city, username="office"),
        "leader": f.leader(city, username="leader"),
        "submitter": f.submitter(stats, username="submitter"),
        "submitter_b": f.submitter(commerce, username="submitter_b"),
        "assessed_a": f.assessed(a, username="assessed_a"),
        "assessed_b": f.assessed(b, username="assessed_b"),
        "office_a": f.office(a, username="office_a"),
        "leader_a": f.leader(a, username="leader_a"),
        "district_submitter_a": f.submitter(stats_a, username="district_submitter_a"),
        "assessed_town_a": f.assessed(towns_a[0], username="assessed_town_a"),
        "office_b": f.office(b, username="office_b"),
        "leader_b": f.leader(b, username="leader_b"),
        "district_submitter_b": f.submitter(stats_b, username="district_submitter_b"),
        "assessed_town_b": f.assessed(towns_b[0], username="assessed_town_b"),
        "anonymous": AnonymousUser(),
    }
    return SimpleNamespace(
        city=city, district_a=a, district_b=b, towns_a=towns_a, towns_b=towns_b, zone=zone,
        stats_bureau=stats, commerce_bureau=commerce, stats_a=stats_a, stats_b=stats_b, department=stats, peer_group=group,
        users=users, **users,
    )


@pytest.fixture
def client_for(db):
    """``client_for(user)``: a test client logged in as ``user`` (anonymous: not logged in)."""
    from django.test import Client

    def make(user):
        client = Client()
        if user is not None and user.is_authenticated:
            client.force_login(user)
        return client

    return make


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 costs ~0.3 s per password by design; tests do not need that."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# ---- language ----------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _back_to_chinese_after_each_test():
    """Requests in English leave English active in the thread; don't leak it into other tests."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _chinese_by_default():
    """Every test starts in the source language: an English request (LocaleMiddleware activates
    the language for the thread and never resets it) or ``translation.activate`` in one test
    must not change the strings the next test stores or reads."""
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.activate("zh-hans")


@pytest.fixture
def work_calendar(db):
    """The shipped 2025/2026 State Council calendars in the database (a flushed test database
    loses the migration's seed, so tests that count working days load them explicitly)."""
    from kaohe.orgs import calendar

    for year in calendar.shipped_years():
        calendar.import_shipped(year)
    return calendar.work_calendar()
