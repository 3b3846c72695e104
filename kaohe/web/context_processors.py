"""Values every page of the shell needs: navigation, the user's person record, city, language."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.utils.translation import get_language

from kaohe.web.navigation import nav_entries


def _city_name(person, language: str) -> str:
    """The city the platform serves: the person's top unit, else the first city unit.

    Cached for a few minutes per unit and language: it is on every page and
    walking up the hierarchy costs a query per level.
    """
    configured = getattr(settings, "KAOHE_CITY_NAME", "")
    if configured:
        return configured
    key = f"kaohe:web:city:{person.unit_id if person is not None else 0}:{language}"
    name = cache.get(key)
    if name is None:
        name = _find_city_name(person, language)
        cache.set(key, name, 300)
    return name


def _find_city_name(person, language: str) -> str:
    from kaohe.orgs.models import OrgUnit, UnitKind

    try:
        unit = person.unit if person is not None else None
        seen = 0
        while unit is not None and unit.parent_id is not None and seen < 10:
            unit = unit.parent
            seen += 1
        if unit is None or unit.kind != UnitKind.CITY:
            unit = OrgUnit.objects.filter(kind=UnitKind.CITY, parent__isnull=True).order_by("sort_order", "code").first()
    except DatabaseError:
        return ""
    return unit.display_name(language) if unit is not None else ""


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
        "nav_has_soon": any(not entry["live"] for entry in nav),
        "html_lang": "en" if language.startswith("en") else "zh-Hans",
        "city_name": _city_name(person, language),
    }
