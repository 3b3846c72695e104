# ruff: noqa: F405, E501 — declarations read as one line per route; names come from tests.authz.rules
"""Access of the public routes (see tests/authz/rules.py for how to declare)."""

from tests.authz.rules import *  # noqa: F403

KWARGS = {"pk": "district_pub"}
ROUTES = {
    "public:detail": Route(get=allow(EVERYONE)),
    "public:index": Route(get=allow(EVERYONE)),
}
