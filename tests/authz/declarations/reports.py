# ruff: noqa: F405, E501 — declarations read as one line per route; names come from tests.authz.rules
"""Access of the reports routes (see tests/authz/rules.py for how to declare)."""

from tests.authz.rules import *  # noqa: F403

KWARGS = {"pk": "a_document", "fmt": "docx", "year": 2026, "month": 1}
ROUTES = {
    "reports:document": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'superuser'}, hidden={'submitter', 'submitter_b', 'assessed_a', 'district_submitter_a', 'assessed_town_a', 'office_b', 'leader_b', 'assessed_b', 'district_submitter_b', 'assessed_town_b', 'norole'}), post=only(404), note='a POST without an action finds nothing'),
    "reports:download": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'superuser'}, hidden={'submitter', 'submitter_b', 'assessed_a', 'district_submitter_a', 'assessed_town_a', 'office_b', 'leader_b', 'assessed_b', 'district_submitter_b', 'assessed_town_b', 'norole'})),
    "reports:index": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "reports:new": Route(get=allow(SIGNED_IN), post=only(404), note='a POST without a kind finds nothing'),
    "reports:projects_bulletin": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'office_b', 'leader_b', 'superuser'}, forbidden={'submitter', 'submitter_b', 'assessed_a', 'district_submitter_a', 'assessed_town_a', 'assessed_b', 'district_submitter_b', 'assessed_town_b', 'norole'})),
}
