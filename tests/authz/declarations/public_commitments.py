# ruff: noqa: F405, E501 — declarations read as one line per route; names come from tests.authz.rules
"""Access of the public_commitments routes (see tests/authz/rules.py for how to declare)."""

from tests.authz.rules import *  # noqa: F403

KWARGS = {"pk": "commitment"}
ROUTES = {
    "public_commitments:comment": Route(post=allow(EVERYONE)),
    "public_commitments:index": Route(get=allow(EVERYONE)),
    "public_commitments:item": Route(get=allow(EVERYONE)),
    "public_commitments:report": Route(get=allow(EVERYONE), kwargs={"pk": "comment"}),
    "public_commitments:verify": Route(get=allow(EVERYONE)),
    "public_commitments:vote": Route(post=allow(EVERYONE)),
}
