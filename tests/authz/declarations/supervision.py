# ruff: noqa: F405, E501 — declarations read as one line per route; names come from tests.authz.rules
"""Access of the supervision routes (see tests/authz/rules.py for how to declare)."""

from tests.authz.rules import *  # noqa: F403

KWARGS = {"pk": "task"}
ROUTES = {
    "supervision:assign": Route(post=allow({'office', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'})),
    "supervision:board": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'office_b', 'leader_b', 'superuser'}, forbidden={'submitter', 'submitter_b', 'assessed_a', 'district_submitter_a', 'assessed_town_a', 'assessed_b', 'district_submitter_b', 'assessed_town_b', 'norole'})),
    "supervision:bulletin": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'office_b', 'leader_b', 'superuser'}, forbidden={'submitter', 'submitter_b', 'assessed_a', 'district_submitter_a', 'assessed_town_a', 'assessed_b', 'district_submitter_b', 'assessed_town_b', 'norole'}), post=allow({'office', 'office_a', 'office_b', 'superuser'}, forbidden=SIGNED_IN - {'office', 'office_a', 'office_b', 'superuser'}), note="a leader reads the draft; the office issues it"),
    "supervision:bulletin_list": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'office_b', 'leader_b', 'superuser'}, forbidden={'submitter', 'submitter_b', 'assessed_a', 'district_submitter_a', 'assessed_town_a', 'assessed_b', 'district_submitter_b', 'assessed_town_b', 'norole'})),
    "supervision:decide": Route(post=allow({'office', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"pk": "extension"}),
    "supervision:document": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'assessed_a', 'district_submitter_a', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"pk": "sv_document"}),
    "supervision:documents": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'office_b', 'leader_b', 'superuser'}, forbidden={'submitter', 'submitter_b', 'assessed_a', 'district_submitter_a', 'assessed_town_a', 'assessed_b', 'district_submitter_b', 'assessed_town_b', 'norole'})),
    "supervision:extend": Route(post=allow({'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office_a', 'assessed_a', 'assessed_town_a'})),
    "supervision:finish": Route(post=allow({'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office_a', 'assessed_a', 'assessed_town_a'})),
    "supervision:import": Route(get=allow({'office', 'office_a', 'office_b', 'superuser'}, forbidden=SIGNED_IN - {'office', 'office_a', 'office_b', 'superuser'})),
    "supervision:inbox": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "supervision:milestone_done": Route(post=allow({'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office_a', 'assessed_a', 'assessed_town_a'}), kwargs={"pk": "task_milestone"}),
    "supervision:new": Route(get=allow({'office', 'office_a', 'office_b', 'superuser'}, forbidden=SIGNED_IN - {'office', 'office_a', 'office_b', 'superuser'})),
    "supervision:overview": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'office_b', 'leader_b', 'superuser'}, forbidden={'submitter', 'submitter_b', 'assessed_a', 'district_submitter_a', 'assessed_town_a', 'assessed_b', 'district_submitter_b', 'assessed_town_b', 'norole'})),
    "supervision:progress": Route(post=allow({'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office_a', 'assessed_a', 'assessed_town_a'})),
    "supervision:quick_create": Route(post=only(404), note='a POST without a source finds nothing'),
    "supervision:reopen": Route(post=allow({'office', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'})),
    "supervision:review": Route(post=allow({'office', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'})),
    "supervision:sign": Route(post=allow({'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office_a', 'assessed_a', 'assessed_town_a'})),
    "supervision:task": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'assessed_a', 'district_submitter_a', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'})),
}
API = {
    "GET /api/supervision/tasks": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "POST /api/supervision/tasks": Route(post=allow(OFFICES | {'superuser'}, forbidden=SIGNED_IN - OFFICES - {'superuser'}), data={"title": "矩阵测试督办", "lead_unit": "C-A", "assign": False}, note="乙区's office may set up tasks, but 甲区 (lead_unit) is not its unit: 422"),
    "GET /api/supervision/tasks/{task_id}": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'assessed_a', 'district_submitter_a', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"task_id": "task"}),
    "POST /api/supervision/tasks/{task_id}/assign": Route(post=allow({'office', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"task_id": "task"}),
    "POST /api/supervision/tasks/{task_id}/sign": Route(post=allow({'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office_a', 'assessed_a', 'assessed_town_a'}), kwargs={"task_id": "task"}),
    "POST /api/supervision/tasks/{task_id}/progress": Route(post=allow({'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office_a', 'assessed_a', 'assessed_town_a'}), kwargs={"task_id": "task"}, data={"text": "征收已完成六成", "percent": 60}),
    "POST /api/supervision/tasks/{task_id}/extensions": Route(post=allow({'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office_a', 'assessed_a', 'assessed_town_a'}), kwargs={"task_id": "task"}, data={"reason": "征收未完成", "proposed_on": "2025-11-28"}),
    "POST /api/supervision/extensions/{extension_id}/decision": Route(post=allow({'office', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"extension_id": "extension"}, data={"approve": True, "reason": "同意延期"}),
    "POST /api/supervision/tasks/{task_id}/report": Route(post=allow({'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office_a', 'assessed_a', 'assessed_town_a'}), kwargs={"task_id": "task"}, data={"text": "已完成征收"}),
    "POST /api/supervision/tasks/{task_id}/review": Route(post=allow({'office', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"task_id": "task"}, data={"accept": True}),
    "POST /api/supervision/tasks/{task_id}/reopen": Route(post=allow({'office', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"task_id": "task"}, data={"reason": "回头看发现反弹"}),
    "GET /api/supervision/board": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'office_b', 'leader_b', 'superuser'}, forbidden={'submitter', 'submitter_b', 'assessed_a', 'district_submitter_a', 'assessed_town_a', 'assessed_b', 'district_submitter_b', 'assessed_town_b', 'norole'})),
    "GET /api/supervision/documents": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'office_b', 'leader_b', 'superuser'}, forbidden={'submitter', 'submitter_b', 'assessed_a', 'district_submitter_a', 'assessed_town_a', 'assessed_b', 'district_submitter_b', 'assessed_town_b', 'norole'})),
    "GET /api/supervision/documents/{document_id}": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'assessed_a', 'district_submitter_a', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"document_id": "sv_document"}),
}
