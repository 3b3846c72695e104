"""The shell tests' city: 示范市 with one district and one person per role, on the shared factories."""

from __future__ import annotations

from kaohe.orgs.models import Person, Role, UnitKind
from tests.factories import PASSWORD, OrgUnitFactory, UserFactory

__all__ = ["PASSWORD", "city_with_people"]


def city_with_people() -> dict[str, Person]:
    """示范市 with 东城区 under it, and one person per role; returns {role: Person}."""
    city = OrgUnitFactory(code="SFS", name="示范市", name_en="Shifan City", kind=UnitKind.CITY)
    district = OrgUnitFactory(code="SFS-DC", name="东城区", name_en="Dongcheng District", kind=UnitKind.DISTRICT, parent=city)
    bureau = OrgUnitFactory(code="SFS-TJJ", name="市统计局", name_en="Municipal Statistics Bureau", kind=UnitKind.DEPARTMENT, parent=city)
    cast = [
        (Role.OFFICE, "office", city, "王考核", "考核办主任"),
        (Role.LEADER, "leader", city, "李市长", ""),
        (Role.SUBMITTER, "submitter", bureau, "赵统计", ""),
        (Role.ASSESSED, "assessed", district, "陈东城", ""),
    ]
    people = {}
    for role, username, unit, name, title in cast:
        person = UserFactory(username=username, role=role, unit=unit, display_name=name).person
        if title:
            person.title = title
            person.save(update_fields=["title"])
        people[role] = person
    return people
