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
API = {
    "GET /api/enterprise/enterprises": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "GET /api/enterprise/enterprises/{pk}": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'assessed_a', 'district_submitter_a', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"pk": "enterprise"}),
    "GET /api/enterprise/link/{key}/requests": Route(get=only(LOGIN), kwargs={"key": "portal_key"}, note='the enterprise portal authenticates by its link key, not a session'),
    "GET /api/enterprise/link/{key}/requests/{number}": Route(get=only(LOGIN), kwargs={"key": "portal_key", "number": "ent_request_number"}, note='the enterprise portal authenticates by its link key, not a session'),
    "GET /api/enterprise/requests": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "GET /api/enterprise/requests/{pk}": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'assessed_a', 'district_submitter_a', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"pk": "ent_request"}),
    "GET /api/enterprise/units/{code}/figures": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'assessed_a', 'district_submitter_a', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"code": "C-A"}),
    "POST /api/enterprise/enterprises/{pk}/requests": Route(post=allow({'office', 'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_a', 'assessed_town_a'}), kwargs={"pk": "enterprise"}, data={"rtype": "finance", "title": "贷款贴息"}),
    "POST /api/enterprise/requests/{pk}/assign": Route(post=allow({'office', 'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_a', 'assessed_town_a'}), kwargs={"pk": "ent_request"}, data={"handler_unit": "C-A"}),
    "POST /api/enterprise/requests/{pk}/escalate": Route(post=allow({'office', 'office_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_town_a'}), kwargs={"pk": "ent_request"}),
    "POST /api/enterprise/requests/{pk}/hand-back": Route(post=allow({'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"pk": "ent_request"}, data={"basis": "不属于本单位职责"}, note='the world request is not assigned yet: only the superuser reaches the rule (422)'),
    "POST /api/enterprise/requests/{pk}/notes": Route(post=allow({'office', 'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_a', 'assessed_town_a'}), kwargs={"pk": "ent_request"}, data={"text": "备注"}),
    "POST /api/enterprise/requests/{pk}/reply": Route(post=allow({'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"pk": "ent_request"}, data={"text": "已办结"}, note='the world request is not assigned yet: only the superuser reaches the rule (422)'),
    "POST /api/enterprise/requests/{pk}/respond": Route(post=allow({'office', 'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_a', 'assessed_town_a'}), kwargs={"pk": "ent_request"}, data={"text": "已联系企业"}),
    "POST /api/enterprise/requests/{pk}/sign": Route(post=allow({'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"pk": "ent_request"}, note='the world request is not assigned yet: only the superuser reaches the rule (422)'),
    "POST /api/enterprise/requests/{pk}/visit": Route(post=allow({'office', 'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_a', 'assessed_town_a'}), kwargs={"pk": "ent_request"}, data={"answer": "satisfied"}),
    "POST /api/enterprise/requests/{pk}/pause": Route(post=allow({'office', 'office_a', 'assessed_a', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"pk": "ent_handled"}, data={"reason": "等待企业补充材料"}),
    "POST /api/enterprise/requests/{pk}/resume": Route(post=allow({'office', 'office_a', 'assessed_a', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"pk": "ent_handled"}, data={"note": "材料已补齐"}),
    "POST /api/enterprise/requests/{pk}/extensions": Route(post=allow({'office', 'office_a', 'assessed_a', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"pk": "ent_handled"}, data={"reason": "需征求规划部门意见", "until": "2027-03-01"}),
    "POST /api/enterprise/extensions/{pk}/decision": Route(post=allow({'office', 'office_a', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"pk": "ent_extension"}, data={"approve": True, "reason": "同意延期"}),
}
