# ruff: noqa: F405, E501 — declarations read as one line per route; names come from tests.authz.rules
"""Access of the notifications routes (see tests/authz/rules.py for how to declare)."""

from tests.authz.rules import *  # noqa: F403

KWARGS = {"pk": "notification"}
ROUTES = {
    "notifications:inbox": Route(get=allow(SIGNED_IN)),
    "notifications:read": Route(post=allow({'office_a'}, hidden=SIGNED_IN - {'office_a'})),
    "notifications:read_all": Route(post=allow(SIGNED_IN)),
}
API = {
    "GET /api/notifications/": Route(get=allow(SIGNED_IN)),
    "POST /api/notifications/read-all": Route(post=allow(SIGNED_IN)),
    "POST /api/notifications/{notification_id}/read": Route(post=allow({'office_a'}, hidden=SIGNED_IN - {'office_a'}), kwargs={"notification_id": "notification"}),
}
