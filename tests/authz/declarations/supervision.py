# ruff: noqa: F405, E501 — declarations read as one line per route; names come from tests.authz.rules
"""Access of the supervision routes (see tests/authz/rules.py for how to declare)."""

from tests.authz.rules import *  # noqa: F403

KWARGS = {"pk": "task"}
ROUTES = {
    "supervision:assign": Route(post=allow({'office', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'})),
    "supervision:board": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'office_b', 'leader_b', 'superuser'}, forbidden={'submitter', 'submitter_b', 'assessed_a', 'district_submitter_a', 'assessed_town_a', 'assessed_b', 'district_submitter_b', 'assessed_town_b', 'norole'})),
    "supervision:bulletin": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'office_b', 'leader_b', 'superuser'}, forbidden={'submitter', 'submitter_b', 'assessed_a', 'district_submitter_a', 'assessed_town_a', 'assessed_b', 'district_submitter_b', 'assessed_town_b', 'norole'}), post=allow({'office', 'office_a', 'office_b', 'superuser'}, hidden={'leader', 'leader_a', 'leader_b'})),
    "supervision:bulletin_list": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'office_b', 'leader_b', 'superuser'}, forbidden={'submitter', 'submitter_b', 'assessed_a', 'district_submitter_a', 'assessed_town_a', 'assessed_b', 'district_submitter_b', 'assessed_town_b', 'norole'})),
    "supervision:decide": Route(post=allow({'office', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"pk": "extension"}),
    "supervision:document": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'assessed_a', 'district_submitter_a', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"pk": "sv_document"}),
    "supervision:documents": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'office_b', 'leader_b', 'superuser'}, forbidden={'submitter', 'submitter_b', 'assessed_a', 'district_submitter_a', 'assessed_town_a', 'assessed_b', 'district_submitter_b', 'assessed_town_b', 'norole'})),
    "supervision:extend": Route(post=allow({'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office_a', 'assessed_a', 'assessed_town_a'})),
    "supervision:finish": Route(post=allow({'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office_a', 'assessed_a', 'assessed_town_a'})),
    "supervision:import": Route(get=allow({'office', 'office_a', 'office_b', 'superuser'}, hidden=SIGNED_IN - {'office', 'office_a', 'office_b', 'superuser'})),
    "supervision:inbox": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "supervision:milestone_done": Route(post=allow({'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office_a', 'assessed_a', 'assessed_town_a'}), kwargs={"pk": "task_milestone"}),
    "supervision:new": Route(get=allow({'office', 'office_a', 'office_b', 'superuser'}, hidden=SIGNED_IN - {'office', 'office_a', 'office_b', 'superuser'})),
    "supervision:overview": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'office_b', 'leader_b', 'superuser'}, forbidden={'submitter', 'submitter_b', 'assessed_a', 'district_submitter_a', 'assessed_town_a', 'assessed_b', 'district_submitter_b', 'assessed_town_b', 'norole'})),
    "supervision:progress": Route(post=allow({'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office_a', 'assessed_a', 'assessed_town_a'})),
    "supervision:quick_create": Route(post=only(404), note='a POST without a source finds nothing'),
    "supervision:reopen": Route(post=allow({'office', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'})),
    "supervision:review": Route(post=allow({'office', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'})),
    "supervision:sign": Route(post=allow({'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office_a', 'assessed_a', 'assessed_town_a'})),
    "supervision:task": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'assessed_a', 'district_submitter_a', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'})),
}
