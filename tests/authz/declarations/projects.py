# ruff: noqa: F405, E501 — declarations read as one line per route; names come from tests.authz.rules
"""Access of the projects routes (see tests/authz/rules.py for how to declare)."""

from tests.authz.rules import *  # noqa: F403

KWARGS = {"code": "C-A", "pk": "project", "kind": "projects"}
ROUTES = {
    "projects:board": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'office_b', 'leader_b', 'superuser'}, forbidden={'submitter', 'submitter_b', 'assessed_a', 'district_submitter_a', 'assessed_town_a', 'assessed_b', 'district_submitter_b', 'assessed_town_b', 'norole'})),
    "projects:confirm_problem": Route(post=allow({'office', 'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_a', 'assessed_town_a'}), kwargs={"pk": "problem"}),
    "projects:confirm_report": Route(post=allow({'office', 'office_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_town_a'}), kwargs={"pk": "project_report"}),
    "projects:delete_view": Route(post=allow({'office_a'}, hidden=SIGNED_IN - {'office_a'}), kwargs={"pk": "saved_view"}),
    "projects:detail": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'assessed_a', 'district_submitter_a', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'})),
    "projects:export": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "projects:export_reports": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "projects:import": Route(get=allow({'office', 'office_a', 'office_b', 'superuser'}, forbidden=SIGNED_IN - {'office', 'office_a', 'office_b', 'superuser'})),
    "projects:kanban": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "projects:letter": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'superuser'}, forbidden={'submitter', 'submitter_b', 'assessed_a', 'district_submitter_a'})),
    "projects:list": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "projects:pause_problem": Route(post=allow({'office', 'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_a', 'assessed_town_a'}), kwargs={"pk": "problem"}),
    "projects:portfolio": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'assessed_a', 'district_submitter_a', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'})),
    "projects:raise_problem": Route(post=allow({'office', 'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_a', 'assessed_town_a'})),
    "projects:resolve_problem": Route(post=allow({'office', 'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_a', 'assessed_town_a'}), kwargs={"pk": "problem"}),
    "projects:save_view": Route(post=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "projects:submit_report": Route(post=allow({'office', 'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_a', 'assessed_town_a'})),
}
API = {
    "GET /api/projects/": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "GET /api/projects/export.xlsx": Route(get=allow(SIGNED_IN - {'norole'}, forbidden={'norole'})),
    "GET /api/projects/figures": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'office_b', 'leader_b', 'superuser'}, forbidden={'submitter', 'submitter_b', 'assessed_a', 'district_submitter_a', 'assessed_town_a', 'assessed_b', 'district_submitter_b', 'assessed_town_b', 'norole'}), query={"year": 2026, "month": 1}),
    "GET /api/projects/warnings": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'office_b', 'leader_b', 'superuser'}, forbidden={'submitter', 'submitter_b', 'assessed_a', 'district_submitter_a', 'assessed_town_a', 'assessed_b', 'district_submitter_b', 'assessed_town_b', 'norole'})),
    "GET /api/projects/{project_id}": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'assessed_a', 'district_submitter_a', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"project_id": "project"}),
    "POST /api/projects/import": Route(post=allow({'office', 'office_a', 'office_b', 'superuser'}, forbidden=SIGNED_IN - {'office', 'office_a', 'office_b', 'superuser'}), data={"file": "upload:projects.xlsx"}),
    "POST /api/projects/reports/import": Route(post=allow({'office', 'office_a', 'assessed_a', 'assessed_town_a', 'office_b', 'assessed_b', 'assessed_town_b', 'superuser'}, forbidden={'leader', 'submitter', 'submitter_b', 'leader_a', 'district_submitter_a', 'leader_b', 'district_submitter_b', 'norole'}), data={"file": "upload:reports.xlsx"}),
    "POST /api/projects/{project_id}/reports": Route(post=allow({'office', 'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_a', 'assessed_town_a'}), kwargs={"project_id": "project"}, data={"year": 2026, "month": 2, "invest_month": "300"}),
    "GET /api/projects/{project_id}/reports": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'assessed_a', 'district_submitter_a', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"project_id": "project"}),
    "POST /api/projects/reports/{report_id}/confirm": Route(post=allow({'office', 'office_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_town_a'}), kwargs={"report_id": "project_report"}, data={"accept": True}),
    "GET /api/projects/{project_id}/problems": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'assessed_a', 'district_submitter_a', 'superuser'}, hidden=B_SIDE | {'assessed_town_a', 'norole'}), kwargs={"project_id": "project"}),
    "POST /api/projects/{project_id}/problems": Route(post=allow({'office', 'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_a', 'assessed_town_a'}), kwargs={"project_id": "project"}, data={"title": "用地未落实"}),
    "POST /api/projects/problems/{problem_id}/resolve": Route(post=allow({'office', 'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_a', 'assessed_town_a'}), kwargs={"problem_id": "problem"}, data={"resolution": "已协调解决"}),
    "POST /api/projects/problems/{problem_id}/confirm": Route(post=allow({'office', 'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_a', 'assessed_town_a'}), kwargs={"problem_id": "problem"}, data={"accept": True}),
    "POST /api/projects/problems/{problem_id}/pause": Route(post=allow({'office', 'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_a', 'assessed_town_a'}), kwargs={"problem_id": "problem"}, data={"reason": "等待上级审批"}),
    "POST /api/projects/problems/{problem_id}/resume": Route(post=allow({'office', 'office_a', 'assessed_a', 'superuser'}, forbidden=A_SIDE - {'office', 'office_a', 'assessed_a', 'assessed_town_a'}), kwargs={"problem_id": "problem"}),
    "GET /api/projects/{project_id}/letter.docx": Route(get=allow({'office', 'leader', 'office_a', 'leader_a', 'superuser'}, forbidden={'submitter', 'submitter_b', 'assessed_a', 'district_submitter_a'}), kwargs={"project_id": "project"}, note="as the page's 生成督办函"),
}
