# ruff: noqa: F405, E501 — declarations read as one line per route; names come from tests.authz.rules
"""Access of the api routes (see tests/authz/rules.py for how to declare)."""

from tests.authz.rules import *  # noqa: F403

KWARGS: dict = {}
ROUTES = {
    "api:api-root": Route(get=only(404, anonymous=404), note="django-ninja's root is not served: 404 for everyone"),
    "api:openapi-json": Route(get=allow(EVERYONE)),
    "api:openapi-view": Route(get=allow(EVERYONE)),
}
API = {
    "GET /api/health": Route(get=allow(EVERYONE)),
}
