# ruff: noqa: F405, E501 — declarations read as one line per route; names come from tests.authz.rules
"""Access of the commitments routes (see tests/authz/rules.py for how to declare)."""

from tests.authz.rules import *  # noqa: F403

KWARGS = {"pk": "campaign"}
ROUTES = {
    "commitments:action": Route(post=allow({'office', 'office_a', 'assessed_town_a', 'superuser'}, hidden=B_SIDE | {'norole'}), kwargs={"pk": "commitment"}, data={"action": "submit"}),
    "commitments:answer": Route(post=allow({'office', 'office_a', 'assessed_town_a', 'superuser'}, hidden=B_SIDE | {'norole'}), kwargs={"pk": "comment"}),
    "commitments:campaign": Route(get=allow(A_SIDE | {'superuser'}, hidden=B_SIDE | {'norole'})),
    "commitments:claim": Route(get=allow({'office', 'office_a', 'district_submitter_a', 'assessed_town_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'district_submitter_a', 'assessed_town_a'})),
    "commitments:edit": Route(get=allow({'office', 'office_a', 'assessed_town_a', 'superuser'}, hidden=B_SIDE | {'norole'}), kwargs={"pk": "commitment"}),
    "commitments:export": Route(get=allow(A_SIDE | {'superuser'}, hidden=B_SIDE | {'norole'})),
    "commitments:import": Route(get=allow({'office', 'office_a', 'assessed_town_a', 'superuser'}, hidden=B_SIDE | {'norole'}), note="the offices over the campaign's units and the unit holding an item import progress; the others who see it may not (403)"),
    "commitments:index": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "commitments:item": Route(get=allow(A_SIDE | {'superuser'}, hidden=B_SIDE | {'norole'}), kwargs={"pk": "commitment"}),
    "commitments:moderate": Route(post=allow({'office', 'office_a', 'superuser'}, hidden=B_SIDE | {'norole'}), kwargs={"pk": "comment"}),
    "commitments:moderation": Route(get=allow({'office', 'office_a', 'office_b', 'superuser'}, forbidden=SIGNED_IN - {'office', 'office_a', 'office_b', 'superuser'})),
    "commitments:notice": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'superuser'}, forbidden=A_SIDE - {'office', 'leader', 'office_a', 'leader_a'})),
    "commitments:notice_draft": Route(post=allow({'office', 'office_a', 'superuser'}, hidden=B_SIDE | {'norole'})),
    "commitments:publish_approved": Route(post=allow({'office', 'office_a', 'superuser'}, hidden=B_SIDE | {'norole'})),
    "commitments:report": Route(post=allow({'office', 'office_a', 'assessed_town_a', 'superuser'}, hidden=B_SIDE | {'norole'}), kwargs={"pk": "c_milestone"}),
}
API = {
    "GET /api/commitments/campaigns": Route(get=allow(SIGNED_IN)),
    "GET /api/commitments/items": Route(get=allow(SIGNED_IN)),
    "GET /api/commitments/items/{item_id}": Route(get=allow(A_SIDE | {'superuser'}, hidden=B_SIDE | {'norole'}), kwargs={"item_id": "commitment"}),
    "POST /api/commitments/milestones/{milestone_id}/progress": Route(post=allow({'office', 'office_a', 'assessed_town_a', 'superuser'}, hidden=B_SIDE | {'norole'}), kwargs={"milestone_id": "c_milestone"}, data={"progress": 50, "note": "完成调查"}),
    "POST /api/commitments/items/{item_id}/submit": Route(post=allow({'office', 'office_a', 'assessed_town_a', 'superuser'}, hidden=B_SIDE | {'norole'}), kwargs={"item_id": "commitment"}),
    "POST /api/commitments/items/{item_id}/return": Route(post=allow({'office', 'office_a', 'superuser'}, hidden=B_SIDE | {'norole'}), kwargs={"item_id": "commitment"}, data={"reason": "目标不够具体"}),
    "POST /api/commitments/items/{item_id}/approve": Route(post=allow({'office', 'office_a', 'superuser'}, hidden=B_SIDE | {'norole'}), kwargs={"item_id": "commitment"}),
    "POST /api/commitments/items/{item_id}/publish": Route(post=allow({'office', 'office_a', 'superuser'}, hidden=B_SIDE | {'norole'}), kwargs={"item_id": "commitment"}),
    "POST /api/commitments/items/{item_id}/close": Route(post=allow({'office', 'office_a', 'superuser'}, hidden=B_SIDE | {'norole'}), kwargs={"item_id": "commitment"}, data={"fulfilled": True, "note": "已兑现"}),
    "POST /api/commitments/items/{item_id}/score": Route(post=allow({'office', 'office_a', 'superuser'}, hidden=B_SIDE | {'norole'}), kwargs={"item_id": "commitment"}, data={"score": "90", "note": "群众满意"}),
}
