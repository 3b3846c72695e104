"""Small factories for the organisation: units, peer groups, users with a role.

    unit = OrgUnitFactory(kind=UnitKind.DISTRICT, parent=city)
    user = UserFactory(role=Role.OFFICE, unit=city)   # a User with its Person

See the ``org_world`` fixture in ``tests/conftest.py`` for a ready-made city.
"""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from kaohe.orgs.models import OrgUnit, PeerGroup, Person, Role, UnitKind, UnitPlacement
from kaohe.orgs.services import EPOCH

#: Every factory user has this password (``client.login(username=..., password=PASSWORD)``).
PASSWORD = "test-pass-123"


class OrgUnitFactory(DjangoModelFactory):
    """A unit with its first dated placement (as ``orgs.services.create_unit`` makes it)."""

    class Meta:
        model = OrgUnit
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"T{n:04d}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    name_en = factory.Sequence(lambda n: f"Test unit {n}")
    kind = UnitKind.DISTRICT
    parent = None

    @factory.post_generation
    def placement(obj: OrgUnit, create: bool, extracted, **kwargs):
        if create and not obj.placements.exists():
            UnitPlacement.objects.create(unit=obj, parent=obj.parent, kind=obj.kind, valid_from=EPOCH)


class PeerGroupFactory(DjangoModelFactory):
    class Meta:
        model = PeerGroup
        skip_postgeneration_save = True

    year = 2025
    code = factory.Sequence(lambda n: f"G{n:03d}")
    name = factory.Sequence(lambda n: f"测试组{n}")

    @factory.post_generation
    def members(obj: PeerGroup, create: bool, extracted, **kwargs):
        if create and extracted:
            obj.members.set(extracted)


class _BareUserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


def UserFactory(*, role: str | None = None, unit: OrgUnit | None = None, display_name: str = "", **kwargs):
    """A user; with ``role`` and ``unit`` also their Person (their place in the organisation)."""
    user = _BareUserFactory(**kwargs)
    if role is not None:
        if unit is None:
            raise ValueError("a user with a role needs a unit")
        Person.objects.create(user=user, unit=unit, role=role, display_name=display_name or user.username)
    return user


def office(unit: OrgUnit, **kw):
    return UserFactory(role=Role.OFFICE, unit=unit, **kw)


def leader(unit: OrgUnit, **kw):
    return UserFactory(role=Role.LEADER, unit=unit, **kw)


def submitter(unit: OrgUnit, **kw):
    return UserFactory(role=Role.SUBMITTER, unit=unit, **kw)


def assessed(unit: OrgUnit, **kw):
    return UserFactory(role=Role.ASSESSED, unit=unit, **kw)
