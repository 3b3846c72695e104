"""Small factories for shell tests: a city with one district, and a user per role."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from kaohe.orgs.models import OrgUnit, Person, Role, UnitKind

PASSWORD = "kaohe-test-pass"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = UnitKind.DISTRICT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.ASSESSED
    display_name = factory.Sequence(lambda n: f"测试用户{n}")


def city_with_people():
    """示范市 with 东城区 under it, and one person per role; returns {role: Person}."""
    city = UnitFactory(code="SFS", name="示范市", name_en="Shifan City", kind=UnitKind.CITY)
    district = UnitFactory(code="SFS-DC", name="东城区", name_en="Dongcheng District", kind=UnitKind.DISTRICT, parent=city)
    bureau = UnitFactory(code="SFS-TJJ", name="市统计局", name_en="Municipal Statistics Bureau", kind=UnitKind.DEPARTMENT, parent=city)
    people = {
        Role.OFFICE: PersonFactory(user__username="office", unit=city, role=Role.OFFICE, display_name="王考核", title="考核办主任"),
        Role.LEADER: PersonFactory(user__username="leader", unit=city, role=Role.LEADER, display_name="李市长"),
        Role.SUBMITTER: PersonFactory(user__username="submitter", unit=bureau, role=Role.SUBMITTER, display_name="赵统计"),
        Role.ASSESSED: PersonFactory(user__username="assessed", unit=district, role=Role.ASSESSED, display_name="陈东城"),
    }
    return people
