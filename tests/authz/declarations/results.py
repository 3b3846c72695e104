# ruff: noqa: F405, E501 — declarations read as one line per route; names come from tests.authz.rules
"""Access of the results routes (see tests/authz/rules.py for how to declare)."""

from tests.authz.rules import *  # noqa: F403

KWARGS = {"pk": "da", "other": "dm", "run_id": "da", "code": "C-A-01", "pub_id": "district_pub"}
ROUTES = {
    "results:appeal_answer": Route(post=allow({'office', 'office_a', 'superuser'}, hidden=B_SIDE | {'norole'}), kwargs={"pk": "appeal_town"}),
    "results:appeal_attachment": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'assessed_town_a', 'superuser'}, forbidden={'submitter', 'submitter_b', 'assessed_a', 'district_submitter_a'}), kwargs={"pk": "appeal_file"}),
    "results:appeal_detail": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'assessed_town_a', 'superuser'}, forbidden={'submitter', 'submitter_b', 'assessed_a', 'district_submitter_a'}), kwargs={"pk": "appeal_town"}),
    "results:appeal_new": Route(get=allow({'assessed_a', 'assessed_town_a'}, hidden=B_SIDE | {'norole'})),
    "results:appeals": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "results:award_decide": Route(post=allow({'office', 'superuser'}, hidden=B_SIDE | {'norole'}), kwargs={"pk": "award_town"}),
    "results:award_grant": Route(post=allow({'office', 'office_a', 'superuser'}, hidden=B_SIDE)),
    "results:award_nominate": Route(post=only(404), note='a POST without a unit finds nothing'),
    "results:awards": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "results:board": Route(get=allow(A_SIDE | {'superuser'}, forbidden={'norole'}), kwargs={"run_id": "da", "code": "ZX"}),
    "results:boards": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "results:cockpit": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "results:flags": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "results:index": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "results:my_unit": Route(get=allow(SIGNED_IN)),
    "results:notifications": Route(get=allow(EVERYONE), note='a redirect to the inbox'),
    "results:publications": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "results:publish": Route(post=allow({'office', 'office_a', 'superuser'}, hidden=B_SIDE), kwargs={"pk": "dm"}),
    "results:review_add": Route(post=allow({'office', 'office_a', 'superuser'}, hidden=B_SIDE)),
    "results:robustness": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'superuser'}, hidden=B_SIDE)),
    "results:run_detail": Route(get=allow(A_SIDE | {'superuser'}, forbidden={'norole'})),
    "results:run_diff": Route(get=allow({'office', 'leader', 'superuser'}, forbidden=SIGNED_IN - {'office', 'leader', 'superuser'}), kwargs={"pk": "city_feb", "other": "city_jan"}),
    "results:run_list": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "results:run_new": Route(post=only(404), note='a POST without a scheme version finds nothing'),
    "results:run_progress": Route(get=allow(A_SIDE | {'superuser'}, forbidden={'norole'})),
    "results:scorecard": Route(get=allow(A_SIDE | {'superuser'}, forbidden={'norole'})),
    "results:unit_gap": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'assessed_town_a', 'superuser'}, forbidden={'norole'})),
    "results:unit_profile": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'assessed_town_a', 'superuser'}, forbidden={'norole'})),
    "results:what_if": Route(post=allow({'office', 'leader', 'office_a', 'leader_a', 'assessed_town_a', 'superuser'}, forbidden={'norole'})),
}
API = {
    "GET /api/results/publications": Route(get=allow(EVERYONE)),
    "GET /api/results/runs": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "GET /api/results/runs/{run_id}/boards/{board}": Route(get=allow(A_SIDE | {'superuser'}, forbidden={'norole'}), kwargs={"run_id": "da", "board": "ZX"}),
    "GET /api/results/runs/{run_id}/totals": Route(get=allow(A_SIDE | {'superuser'}, forbidden={'norole'}), kwargs={"run_id": "da"}),
}
