# ruff: noqa: F405, E501 — declarations read as one line per route; names come from tests.authz.rules
"""Access of the attraction routes (see tests/authz/rules.py for how to declare)."""

from tests.authz.rules import *  # noqa: F403

KWARGS = {"pk": "a_project", "code": "C-A", "year": 2026, "quarter": 1, "fmt": "docx", "action": "hold"}
ROUTES = {
    "attraction:add_credit": Route(post=allow({'office', 'office_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_town_a'})),
    "attraction:advance": Route(post=allow({'office', 'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_a', 'assessed_town_a'})),
    "attraction:board": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'assessed_a', 'district_submitter_a', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'})),
    "attraction:bulletin": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'office_b', 'leader_b', 'superuser'}, forbidden={'submitter', 'submitter_b', 'assessed_a', 'district_submitter_a', 'assessed_town_a', 'assessed_b', 'district_submitter_b', 'assessed_town_b', 'norole'})),
    "attraction:bulletin_draft": Route(post=allow({'office', 'office_a', 'office_b', 'superuser'}, forbidden=SIGNED_IN - {'office', 'office_a', 'office_b', 'superuser'}), kwargs={"year": 2026, "quarter": 1}),
    "attraction:clear_rush": Route(post=allow({'office', 'office_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_town_a'}), kwargs={"pk": "a_milestone"}),
    "attraction:confirm": Route(post=allow({'office', 'office_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_town_a'}), kwargs={"pk": "a_milestone"}),
    "attraction:detail": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'assessed_a', 'district_submitter_a', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'})),
    "attraction:drop": Route(post=allow({'office', 'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_a', 'assessed_town_a'})),
    "attraction:evaluate": Route(post=allow({'office', 'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_a', 'assessed_town_a'})),
    "attraction:event_action": Route(post=allow({'office', 'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_a', 'assessed_town_a'}), kwargs={"pk": "event"}),
    "attraction:events": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "attraction:evidence": Route(get=only(404), kwargs={"pk": "a_milestone"}, note="the world's milestone has no evidence file: not found for everyone"),
    "attraction:exclude": Route(post=allow({'office', 'office_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_town_a'})),
    "attraction:export": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "attraction:import": Route(get=allow({'office', 'office_a', 'assessed_a', 'assessed_town_a', 'office_b', 'assessed_b', 'assessed_town_b', 'superuser'}, forbidden={'leader', 'submitter', 'submitter_b', 'leader_a', 'district_submitter_a', 'leader_b', 'district_submitter_b', 'norole'})),
    "attraction:kanban": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "attraction:list": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "attraction:new": Route(get=allow({'office', 'office_a', 'assessed_a', 'assessed_town_a', 'office_b', 'assessed_b', 'assessed_town_b', 'superuser'}, forbidden={'leader', 'submitter', 'submitter_b', 'leader_a', 'district_submitter_a', 'leader_b', 'district_submitter_b', 'norole'})),
    "attraction:new_event": Route(post=allow({'office', 'office_a', 'assessed_a', 'assessed_town_a', 'office_b', 'assessed_b', 'assessed_town_b', 'superuser'}, forbidden={'leader', 'submitter', 'submitter_b', 'leader_a', 'district_submitter_a', 'leader_b', 'district_submitter_b', 'norole'})),
}
API = {
    "GET /api/attraction/projects": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "GET /api/attraction/projects/{pk}": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'assessed_a', 'district_submitter_a', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"pk": "a_project"}),
    "GET /api/attraction/units/{code}/figures": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'assessed_a', 'district_submitter_a', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"code": "C-A"}),
    "POST /api/attraction/projects/{pk}/milestones": Route(post=allow({'office', 'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_a', 'assessed_town_a'}), kwargs={"pk": "a_project"}, data={"stage": "registered", "on": "2026-03-01", "evidence": "营业执照"}),
}
