"""首页: the results cockpit for leaders and the office, the shell's home page for everyone else."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaohe.assessment.models import Scheme
from kaohe.orgs.models import OrgUnit, Role
from kaohe.orgs.permissions import person_of
from kaohe.projects.models import Project
from kaohe.results.views import cockpit
from kaohe.web.navigation import nav_entries, quick_links


def cockpit_view():
    """The results cockpit (领导驾驶舱) for leaders and the office.

    ``settings.KAOHE_HOME_COCKPIT = False`` keeps the shell's own home page.
    """
    if not settings.KAOHE_HOME_COCKPIT:
        return None
    return cockpit


def _counts(user) -> list[dict]:
    """What the user's scope holds: schemes its units own and major projects in it."""
    schemes = Scheme.objects.filter(owner_unit__in=OrgUnit.objects.visible_to(user))
    return [{"label": _("考核方案"), "value": schemes.count()},
            {"label": _("重大项目"), "value": Project.objects.visible_to(user).count()}]


@login_required
def home(request):
    person = person_of(request.user)
    if request.user.is_superuser or (person is not None and person.role in (Role.OFFICE, Role.LEADER)):
        cockpit = cockpit_view()
        if cockpit is not None:
            return cockpit(request)
    stats = [{"label": _("管辖单位"), "value": OrgUnit.objects.visible_to(request.user).filter(is_active=True).count()}]
    stats += _counts(request.user)
    modules = [m for m in nav_entries(request.user) if m["key"] != "home"]
    return render(request, "web/home.html", {
        "nav_active": "home",
        "person": person,
        "stats": stats,
        "modules": modules,
        "quick_links": quick_links(person),
        "today": timezone.localdate(),
    })
