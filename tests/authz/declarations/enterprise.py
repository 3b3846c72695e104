# ruff: noqa: F405, E501 — declarations read as one line per route; names come from tests.authz.rules
"""Access of the enterprise routes (see tests/authz/rules.py for how to declare)."""

from tests.authz.rules import *  # noqa: F403

KWARGS = {"pk": "ent_request", "action": "sign", "key": "portal_key"}
ROUTES = {
    "enterprise:act": Route(post=allow({'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), note='action sign of a request not yet assigned: refused to everyone but the superuser'),
    "enterprise:attachment": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'assessed_a', 'district_submitter_a', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"pk": "ent_file"}),
    "enterprise:board": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'office_b', 'leader_b', 'superuser'}, forbidden={'submitter', 'submitter_b', 'assessed_a', 'district_submitter_a', 'assessed_town_a', 'assessed_b', 'district_submitter_b', 'assessed_town_b', 'norole'})),
    "enterprise:bulletin": Route(post=allow({'office', 'office_a', 'office_b', 'superuser'}, forbidden=SIGNED_IN - {'office', 'office_a', 'office_b', 'superuser'})),
    "enterprise:enterprise": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'assessed_a', 'district_submitter_a', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"pk": "enterprise"}),
    "enterprise:export": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "enterprise:export_register": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "enterprise:faq": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "enterprise:import": Route(get=allow({'office', 'office_a', 'office_b', 'superuser'}, forbidden=SIGNED_IN - {'office', 'office_a', 'office_b', 'superuser'})),
    "enterprise:portal": Route(get=allow(EVERYONE)),
    "enterprise:portal_attachment": Route(get=only(404, anonymous=404), kwargs={"pk": "ent_file"}, note="the world's attachment is not the enterprise's own (portal shows its own uploads): not found"),
    "enterprise:portal_leave": Route(post=allow(EVERYONE)),
    "enterprise:portal_request": Route(get=allow(EVERYONE)),
    "enterprise:receive": Route(post=allow({'office', 'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_a', 'assessed_town_a'}), kwargs={"pk": "enterprise"}),
    "enterprise:register": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "enterprise:renew_link": Route(post=allow({'office', 'office_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_town_a'}), kwargs={"pk": "enterprise"}),
    "enterprise:request": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'assessed_a', 'district_submitter_a', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'})),
    "enterprise:requests": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "enterprise:survey": Route(get=only(404, anonymous=404), kwargs={"key": "survey_key"}, note='no survey key is open in the world: not found for everyone'),
    "enterprise:workbench": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
}
