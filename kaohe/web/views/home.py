"""首页: the results cockpit for leaders and the office, the shell's home page for everyone else."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.db import DatabaseError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaohe.orgs.models import OrgUnit, Role
from kaohe.orgs.permissions import person_of, scope_unit_ids
from kaohe.results.views import cockpit
from kaohe.web.navigation import nav_entries, quick_links

# Counts shown on the home page when the model exists: (label, "app_label.Model").
# Models with a ``unit`` field are counted within the user's scope.
HOME_COUNTS: tuple[tuple, ...] = (
    (_("考核方案"), "assessment.Scheme"),
    (_("重大项目"), "projects.Project"),
    (_("督办任务"), "supervision.Task"),
    (_("企业诉求"), "supervision.EnterpriseRequest"),
    (_("公开承诺"), "supervision.Commitment"),
)


def cockpit_view():
    """The results cockpit (领导驾驶舱) for leaders and the office.

    ``settings.KAOHE_HOME_COCKPIT = False`` keeps the shell's own home page.
    """
    if not getattr(settings, "KAOHE_HOME_COCKPIT", True):
        return None
    return cockpit


def _counts(scope: set[int] | None) -> list[dict]:
    rows = []
    for label, dotted in HOME_COUNTS:
        try:
            model = apps.get_model(dotted)
        except LookupError:
            continue
        qs = model._default_manager.all()
        if scope is not None:
            try:
                model._meta.get_field("unit")
                qs = qs.filter(unit_id__in=scope)
            except FieldDoesNotExist:
                pass
        try:
            rows.append({"label": label, "value": qs.count()})
        except DatabaseError:
            continue
    return rows


@login_required
def home(request):
    person = person_of(request.user)
    if request.user.is_superuser or (person is not None and person.role in (Role.OFFICE, Role.LEADER)):
        cockpit = cockpit_view()
        if cockpit is not None:
            return cockpit(request)
    scope = None if request.user.is_superuser else scope_unit_ids(person)
    units_in_scope = OrgUnit.objects.filter(is_active=True)
    if scope is not None:
        units_in_scope = units_in_scope.filter(pk__in=scope)
    stats = [{"label": _("管辖单位"), "value": units_in_scope.count()}]
    stats += _counts(scope)
    modules = [m for m in nav_entries(request.user) if m["key"] != "home"]
    return render(request, "web/home.html", {
        "nav_active": "home",
        "person": person,
        "stats": stats,
        "modules": modules,
        "quick_links": quick_links(person),
        "today": timezone.localdate(),
    })
