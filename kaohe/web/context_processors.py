"""Values every page of the shell needs: navigation, the user's person record, city, language."""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError
from django.utils.translation import get_language

from kaohe.notifications.services import unread_count
from kaohe.web.navigation import nav_entries


def _city_name(person, language: str) -> str:
    """The name of the top of the hierarchy the platform serves (the city), or "".

    One query in the usual case (a single top-level unit); with several top
    units, the person's own chain is walked up.
    """
    from kaohe.orgs.models import OrgUnit

    configured = settings.KAOHE_CITY_NAME
    if configured:
        return configured
    try:
        roots = list(OrgUnit.objects.filter(parent__isnull=True, is_active=True).order_by("sort_order", "code")[:2])
        if len(roots) == 1 or person is None:
            return roots[0].display_name(language) if roots else ""
        unit, seen = person.unit, 0
        while unit.parent_id is not None and seen < 10:
            unit, seen = unit.parent, seen + 1
        return unit.display_name(language)
    except DatabaseError:
        return ""


def shell(request):
    from kaohe.orgs.permissions import person_of

    user = getattr(request, "user", None)
    language = get_language() or settings.LANGUAGE_CODE
    person = None
    nav = []
    if user is not None and user.is_authenticated:
        try:
            person = person_of(user)
        except DatabaseError:
            person = None
        nav = nav_entries(user)
    return {
        "current_person": person,
        "current_unit_name": person.unit.display_name(language) if person is not None else "",
        "nav_modules": nav,
        "html_lang": "en" if language.startswith("en") else "zh-Hans",
        "city_name": _city_name(person, language),
        # Counted for this request's user on every page; the public pages' cache never holds it.
        "unread_notifications": unread_count(user),
    }
