# ruff: noqa: F405, E501 — declarations read as one line per route; names come from tests.authz.rules
"""Access of the orgs routes (see tests/authz/rules.py for how to declare)."""

from tests.authz.rules import *  # noqa: F403

KWARGS = {"code": "C-A"}
ROUTES = {
    "orgs:directory": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "orgs:peer_groups": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "orgs:unit": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'assessed_a', 'district_submitter_a', 'superuser'}, forbidden={'norole'})),
}
API = {
    "GET /api/orgs/peer-groups": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'}), query={"year": 2025}),
    "GET /api/orgs/units": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "GET /api/orgs/units/{code}": Route(get=allow(A_SIDE | {'superuser'}, hidden=B_SIDE | {'norole'}), kwargs={"code": "C-A-01"}),
}
