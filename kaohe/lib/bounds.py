"""Every DecimalField's bound, enforced on every database.

PostgreSQL refuses a value beyond ``DecimalField(max_digits, decimal_places)`` with a 500; SQLite
stores it as a REAL and every page that later reads it breaks (issue 14: 总投资 = 1e20). Input
paths parse with ``kaohe.lib.numbers.parse_number(max_abs=field_limit(...))`` and name the row and
field; this guard, connected to ``pre_save`` of every model (``kaohe.apps``), is the net under all of
them: a save of a value at or beyond its field's bound — or of NaN/infinity — is refused with a
named, Chinese :class:`django.core.exceptions.ValidationError` before it reaches the database.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import cache

from django.core.exceptions import ValidationError
from django.db import models

from kaohe.lib.numbers import field_limit, number


@cache
def decimal_fields(model: type[models.Model]) -> tuple[models.DecimalField, ...]:
    return tuple(f for f in model._meta.concrete_fields if isinstance(f, models.DecimalField))


def bound(field: models.DecimalField) -> Decimal:
    """Values must stay below this in absolute value."""
    return field_limit(field.max_digits, field.decimal_places)


def refusal(field: models.DecimalField, value) -> str | None:
    """Why ``value`` cannot be stored in ``field`` (None: it can)."""
    if value is None:
        return None
    try:
        decimal = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return f"“{field.verbose_name}”应为数值"
    if not decimal.is_finite():
        return f"“{field.verbose_name}”不是有限的数值"
    if abs(decimal) >= bound(field):
        return f"“{field.verbose_name}”超出允许范围（绝对值应小于 {number(bound(field))}）"
    return None


def check_instance(instance: models.Model) -> None:
    """Raise ValidationError naming each decimal field of ``instance`` that is out of bounds."""
    errors = {}
    for field in decimal_fields(type(instance)):
        reason = refusal(field, getattr(instance, field.attname))
        if reason:
            errors[field.name] = reason
    if errors:
        raise ValidationError(errors)


def guard(sender, instance, raw=False, **kwargs) -> None:
    """``pre_save`` receiver (fixtures loaded raw are checked too: a backup is not trusted blindly)."""
    if decimal_fields(sender):
        check_instance(instance)
