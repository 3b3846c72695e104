"""Every numeric model field's bound (max_digits/decimal_places) is refused at input, on every
database: the one parser (``parse_number`` with ``field_limit``) and the save guard
(``kaohe.lib.bounds``) for every DecimalField of every model, walked from the app registry."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from kaohe.lib import bounds
from kaohe.lib.numbers import NumberError, field_limit, parse_number


def _decimal_fields():
    return [(model, field) for model in apps.get_models() for field in bounds.decimal_fields(model)]


FIELDS = _decimal_fields()


def test_the_walk_finds_the_money_and_value_fields():
    names = {f"{m._meta.label}.{f.name}" for m, f in FIELDS}
    assert {"projects.Project.total_investment", "assessment.DataValue.value", "assessment.IndicatorSpec.points"} <= names
    assert len(FIELDS) >= 20


@pytest.mark.parametrize(("model", "field"), FIELDS, ids=[f"{m._meta.label}.{f.name}" for m, f in FIELDS])
def test_every_decimal_field_refuses_its_bound_and_accepts_just_below(model, field):
    # DecimalField(14, 2): 999,999,999,999.99 fits; 999,999,999,999.995 (stored rounded: 10^12) does not.
    limit = field_limit(field.max_digits, field.decimal_places)
    whole = field.max_digits - field.decimal_places
    largest = Decimal(10) ** whole - Decimal(1).scaleb(-field.decimal_places)
    # The parser takes 15 significant digits at most (Excel's): (24, 6) → 999,999,999,999,999,000.
    typed = largest if field.max_digits <= 15 else Decimal(10) ** whole - Decimal(10) ** (whole - 15)
    assert parse_number(str(typed), max_abs=limit) == typed
    for beyond in (str(limit), str(-limit), "1e20", "1e308", str(2**63)):
        with pytest.raises(NumberError):
            parse_number(beyond, max_abs=limit)
    instance = model()
    for value in (limit, -limit, Decimal("1e20"), Decimal("1e308"), float("inf"), float("nan"), 2**63):
        setattr(instance, field.attname, value)
        with pytest.raises(ValidationError) as refused:
            bounds.check_instance(instance)
        assert field.name in refused.value.message_dict, (value, refused.value)
    setattr(instance, field.attname, largest)
    try:
        bounds.check_instance(instance)
    except ValidationError as exc:  # another decimal field of the model may hold a default that is fine
        assert field.name not in exc.message_dict


@pytest.mark.django_db
def test_saving_an_oversized_investment_is_refused_before_the_database_on_sqlite_and_postgresql(org_world):
    from tests.projects.factories import ProjectFactory

    project = ProjectFactory(unit=org_world.district_a)
    project.total_investment = Decimal("1e20")
    with pytest.raises(ValidationError, match="超出允许范围"):
        project.save()
    project.refresh_from_db()
    assert project.total_investment == Decimal("20000")


def test_a_field_without_decimals_is_bounded_by_its_digits():
    # 99,999.5 is stored rounded as 100,000: six digits in a five-digit field.
    assert bounds.bound(models.DecimalField(max_digits=5, decimal_places=0)) == Decimal("99999.5")
