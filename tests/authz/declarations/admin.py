# ruff: noqa: F405, E501 — declarations read as one line per route; names come from tests.authz.rules
"""Access of Django's admin (/admin/): its index and every model's changelist, add and change pages.

Signed-in users who are not staff get the admin's own sign-in page (``login``), as anonymous
visitors do. The offices are staff (as in the demo). The reference-data admins of ``kaohe.orgs``
(``OfficeScopedAdmin``) are theirs: rows in their scope, another district's row not found (404),
a row changed only by the office managing it — peer groups are shared reference data, read by
every office and changed by the one managing all members. Every other model's admin is the
superuser's (the offices hold no Django model permission: 403); a read-only admin (the audit log,
notifications, task results) refuses adding and saving to the superuser too. Delete and history
pages are left out (tests/authz/test_matrix.py ADMIN_LEFT_OUT): the same ``get_object`` and
permission methods as the change page guard them.
"""

from tests.authz.rules import *  # noqa: F403

STAFF = OFFICES | {"superuser"}
_STAFF = allow(STAFF, rest=LOGIN)
_SUPERUSER = allow({"superuser"}, forbidden=OFFICES, rest=LOGIN)
_NOBODY = allow(set(), forbidden=STAFF, rest=LOGIN)
_A_ROW = allow({"office", "office_a", "superuser"}, hidden={"office_b"}, rest=LOGIN)

#: The superuser's admins: model → (may add, may save; the change page's world object).
SUPERUSER_ONLY = {
    "auth_group": (True, True), "auth_user": (True, True), "django_tasks_database_dbtaskresult": (False, False),
    "orgs_apitoken": (True, True), "orgs_workcalendarday": (True, True), "audit_auditentry": (False, False),
    "notifications_notification": (False, False),
    "assessment_scheme": (True, True), "assessment_schemeversion": (True, True), "assessment_indicatorspec": (True, True),
    "assessment_period": (True, True), "assessment_submission": (True, True),
    "projects_stageset": (True, True), "projects_project": (True, True), "projects_monthlyreport": (True, True),
    "projects_problem": (True, True), "projects_projectwarning": (True, True), "projects_actionitem": (True, True),
    "monitor_monitorindicator": (True, True), "monitor_monitortarget": (True, True),
    "supervision_task": (True, True), "supervision_taskevent": (True, True), "supervision_extension": (True, True),
    "supervision_taskdocument": (True, True), "supervision_bulletin": (True, True),
}

ROUTES = {
    "admin:index": Route(get=_STAFF),
    # OfficeScopedAdmin: 甲区's rows.
    "admin:orgs_orgunit_changelist": Route(get=_STAFF),
    "admin:orgs_orgunit_add": Route(get=_STAFF, post=_STAFF),
    "admin:orgs_orgunit_change": Route(get=_A_ROW, post=_A_ROW, kwargs={"object_id": "towns_a_0"}),
    "admin:orgs_person_changelist": Route(get=_STAFF),
    "admin:orgs_person_add": Route(get=_STAFF, post=_STAFF),
    "admin:orgs_person_change": Route(get=_A_ROW, post=_A_ROW, kwargs={"object_id": "town_a_person"}),
    "admin:orgs_unitplacement_changelist": Route(get=_STAFF),
    "admin:orgs_unitplacement_add": Route(get=_NOBODY, post=_NOBODY, note="a placement is opened by creating or moving a unit"),
    "admin:orgs_unitplacement_change": Route(get=_A_ROW, post=_A_ROW, kwargs={"object_id": "town_a_placement"}),
    "admin:orgs_peergroup_changelist": Route(get=_STAFF),
    "admin:orgs_peergroup_add": Route(get=_STAFF, post=_STAFF),
    "admin:orgs_peergroup_change": Route(get=_STAFF, post=allow({"office", "superuser"}, forbidden={"office_a", "office_b"}, rest=LOGIN), kwargs={"object_id": "peer_group"}, note="the city's group of both districts: every office reads it, only the city's changes it (a district office saving it would drop the other district)"),
    "admin:auth_user_password_change": Route(get=_SUPERUSER, post=_SUPERUSER, kwargs={"id": "norole"}),
}
for _model, (_add, _save) in SUPERUSER_ONLY.items():
    ROUTES[f"admin:{_model}_changelist"] = Route(get=_SUPERUSER)
    ROUTES[f"admin:{_model}_add"] = Route(get=_SUPERUSER if _add else _NOBODY, post=_SUPERUSER if _add else _NOBODY)
    ROUTES[f"admin:{_model}_change"] = Route(get=_SUPERUSER, post=_SUPERUSER if _save else _NOBODY,
                                             kwargs={"object_id": f"admin_{_model}"})
