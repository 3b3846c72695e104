import datetime as dt
from zoneinfo import ZoneInfo

import pytest

TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The board keeps its figures a minute in the cache: no test reads another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sv(org_world, work_calendar):
    """The test city with the 2025 calendar; ``sv.make(**kw)`` sets up a task by the city office."""
    from kaohe.supervision import services

    w = org_world

    def make(title="推进城东片区改造", *, lead=None, assign=True, now=None, **kw):
        kw.setdefault("source_kind", "meeting")
        kind = kw.pop("source_kind")
        source = kw.pop("source_object", None)
        return services.create_task(kind, source, title=title, lead_unit=lead or w.district_a, user=w.office,
                                    assign=assign, now=now or at(2025, 9, 22), **kw)

    w.make = make
    return w
