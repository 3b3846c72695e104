# ruff: noqa: F405, E501 — declarations read as one line per route; names come from tests.authz.rules
"""Access of the monitor routes (see tests/authz/rules.py for how to declare)."""

from tests.authz.rules import *  # noqa: F403

KWARGS = {"code": "C-A"}
ROUTES = {
    "monitor:board": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "monitor:bulletin": Route(get=allow({'office', 'leader', 'superuser'}, forbidden=SIGNED_IN - {'office', 'leader', 'superuser'})),
    "monitor:bulletin_draft": Route(post=allow({'office', 'superuser'}, forbidden=SIGNED_IN - {'office', 'superuser'})),
    "monitor:indicator": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'}), kwargs={"code": "gdp"}),
    "monitor:settings": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "monitor:unit": Route(get=allow(set(), forbidden={'norole'}), note='no monitored figures for 甲区 in the world: not found for everyone'),
}
API = {
    "GET /api/monitor/figures": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'}), query={"indicator": "gdp", "year": 2025, "month": 6}),
    "GET /api/monitor/indicators": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
}
