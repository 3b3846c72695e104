# ruff: noqa: F405, E501 — declarations read as one line per route; names come from tests.authz.rules
"""Access of the documents register (API only; the pages are reports')."""

from tests.authz.rules import *  # noqa: F403

ROUTES: dict = {}
API = {
    "GET /api/documents/": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "GET /api/documents/{document_id}": Route(get=allow(set(), forbidden={'norole'}), kwargs={"document_id": "a_document"}, note="the world's document is a draft: not in the register, found by nobody"),
}
