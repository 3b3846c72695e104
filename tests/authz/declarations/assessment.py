# ruff: noqa: F405, E501 — declarations read as one line per route; names come from tests.authz.rules
"""Access of the assessment routes (see tests/authz/rules.py for how to declare)."""

from tests.authz.rules import *  # noqa: F403

KWARGS = {"pk": "district_v", "fmt": "yaml", "version_id": "district_v", "period_id": "a_march", "unit_id": "stats_a", "action": "remind"}
ROUTES = {
    "assessment:version_editor": Route(get=allow({"office", "office_a", "superuser"}, hidden=B_SIDE | {"norole"})),
    "assessment:correct": Route(get=allow({'office', 'office_a', 'superuser'}, hidden=B_SIDE | {'norole'}), data={"unit": "@towns_a_0", "indicator": "fai", "value": "1.5", "reason": "统计口径更正"}),
    "assessment:data_entry": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'district_submitter_a', 'office_b', 'leader_b', 'district_submitter_b', 'superuser'}, forbidden={'assessed_a', 'assessed_town_a', 'assessed_b', 'assessed_town_b', 'norole'})),
    "assessment:finding_resolve": Route(post=allow({'office', 'office_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_town_a'}), kwargs={"pk": "finding"}),
    "assessment:grid": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'district_submitter_a', 'superuser'}, forbidden={'submitter', 'submitter_b', 'assessed_a'})),
    "assessment:grid_save": Route(post=allow({'office', 'office_a', 'district_submitter_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'district_submitter_a', 'assessed_town_a'})),
    "assessment:index": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "assessment:my_grid": Route(get=allow(SIGNED_IN)),
    "assessment:periods": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'district_submitter_a', 'office_b', 'leader_b', 'district_submitter_b', 'superuser'}, forbidden={'assessed_a', 'assessed_town_a', 'assessed_b', 'assessed_town_b', 'norole'}), post=allow({'office', 'office_a', 'office_b', 'superuser'}, forbidden=SIGNED_IN - {'office', 'office_a', 'office_b', 'superuser'})),
    "assessment:remind_unit": Route(post=allow({'office', 'office_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_town_a'})),
    "assessment:review": Route(get=allow({'office', 'office_a', 'office_b', 'superuser'}, forbidden=SIGNED_IN - {'office', 'office_a', 'office_b', 'superuser'})),
    "assessment:review_action": Route(post=allow({'office', 'office_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_town_a'}), kwargs={"pk": "district_sub"}),
    "assessment:review_bulk": Route(post=allow({'office', 'office_a', 'superuser'}, hidden=B_SIDE | {'norole'})),
    "assessment:review_period": Route(get=allow({'office', 'office_a', 'superuser'}, hidden=B_SIDE | {'norole'})),
    "assessment:scheme_derive": Route(get=allow({'office', 'office_a', 'office_b'}, forbidden=SIGNED_IN - {'office', 'office_a', 'office_b'})),
    "assessment:scheme_import": Route(get=allow({'office', 'office_a', 'office_b', 'superuser'}, forbidden=SIGNED_IN - {'office', 'office_a', 'office_b', 'superuser'})),
    "assessment:scheme_list": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "assessment:submit": Route(post=allow({'office', 'office_a', 'district_submitter_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'district_submitter_a', 'assessed_town_a'})),
    "assessment:target_split": Route(get=allow(A_SIDE | {'superuser'}, hidden=B_SIDE | {'norole'}), post=allow({'office_a'}, hidden=B_SIDE | {'norole'})),
    "assessment:template": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'district_submitter_a', 'superuser'}, forbidden={'submitter', 'submitter_b', 'assessed_a'})),
    "assessment:upload": Route(get=allow({'office', 'office_a', 'district_submitter_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'district_submitter_a', 'assessed_town_a'})),
    "assessment:value_history": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'district_submitter_a', 'superuser'}, forbidden={'submitter', 'submitter_b', 'assessed_a', 'assessed_town_a'}), query={"unit": "@towns_a_0", "indicator": "fai"}),
    "assessment:version": Route(get=allow(A_SIDE | {'superuser'}, forbidden={'norole'})),
    "assessment:version_adopt": Route(post=allow({'office', 'office_a', 'superuser'}, hidden=B_SIDE | {'norole'})),
    "assessment:version_clone": Route(post=allow({'office', 'office_a', 'superuser'}, hidden=B_SIDE | {'norole'})),
    "assessment:version_diff": Route(get=allow(A_SIDE | {'superuser'}, forbidden={'norole'}), query={"other": "@district_v"}),
    "assessment:version_edit": Route(get=allow({'office', 'office_a', 'superuser'}, hidden=B_SIDE | {'norole'})),
    "assessment:version_export": Route(get=allow(A_SIDE | {'superuser'}, forbidden={'norole'})),
    "assessment:version_new": Route(post=allow({'office', 'office_a', 'superuser'}, hidden=B_SIDE | {'norole'})),
    "assessment:version_preview": Route(get=allow({'office', 'office_a', 'superuser'}, hidden=B_SIDE | {'norole'})),
    "assessment:version_targets": Route(get=allow(A_SIDE | {'superuser'}, forbidden={'norole'}), post=allow({'office', 'office_a', 'superuser'}, hidden=B_SIDE)),
}
API = {
    "GET /api/assessment/schemes": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "GET /api/assessment/schemes/{version_id}": Route(get=allow(A_SIDE | {'superuser'}, forbidden={'norole'}), kwargs={"version_id": "district_v"}),
    "GET /api/assessment/values": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'district_submitter_a', 'superuser'}, forbidden={'assessed_a', 'assessed_town_a'}), query={"version": "@district_v", "period": "2025-03"}),
    "POST /api/assessment/values": Route(post=allow({'office', 'submitter', 'submitter_b', 'office_a', 'district_submitter_a', 'superuser'}, forbidden={'leader', 'leader_a', 'assessed_a', 'assessed_town_a'}), data={"version": "@district_v", "period": "2025-03", "values": [{"unit": "C-A-01", "indicator": "fai", "value": 1.5}]}),
}
