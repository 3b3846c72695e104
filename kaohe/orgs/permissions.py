"""The one permission module: every view and API handler asks ``check`` / ``require``.

Primitives here answer "who is this user in the organisation" (role, unit,
scope). Each domain app declares its rules in its own ``rules.py`` with
``@rule("app.action")``; rules are small predicates over (person, obj) built
from these primitives. Views never test roles themselves: they call
``require(request.user, "projects.report", project)``, so the answer to
"who may do X" is always found by grepping one rule name.

Roles (see ``orgs.models.Role``):
- office (考核办): administers everything under its unit;
- leader (领导): reads everything under its unit;
- submitter (指标责任单位填报员): enters values for indicators its unit owns;
- assessed (被考核单位): sees its own unit's details, files appeals;
- anonymous (the public): published pages only.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from importlib import import_module
from typing import Any

from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied

from kaohe.orgs.models import OrgUnit, Person, Role

Predicate = Callable[["Person | None", Any], bool]
_RULES: dict[str, Predicate] = {}


def rule(name: str) -> Callable[[Predicate], Predicate]:
    """Register a predicate ``(person, obj) -> bool`` under ``name`` (``app.action``)."""

    def decorator(func: Predicate) -> Predicate:
        if name in _RULES and _RULES[name] is not func:
            raise ValueError(f"permission rule {name!r} is registered twice")
        _RULES[name] = func
        return func

    return decorator


@lru_cache(maxsize=1)
def _load_rules() -> None:
    """Import every installed kaohe app's ``rules`` module once."""
    for config in django_apps.get_app_configs():
        if config.name.startswith("kaohe."):
            try:
                import_module(f"{config.name}.rules")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.rules":
                    raise


def person_of(user) -> Person | None:
    """The user's Person record, or None for anonymous users and users without one."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_kaohe_person", False)
    if cached is not False:
        return cached
    person = Person.objects.select_related("unit").filter(user=user).first()
    user._kaohe_person = person
    return person


def check(user, name: str, obj: Any = None) -> bool:
    """May ``user`` do ``name`` (to ``obj``)? Superusers may do everything."""
    _load_rules()
    try:
        predicate = _RULES[name]
    except KeyError:
        raise KeyError(f"unknown permission rule {name!r}") from None
    if user is not None and getattr(user, "is_superuser", False):
        return True
    return bool(predicate(person_of(user), obj))


def require(user, name: str, obj: Any = None) -> None:
    """Raise PermissionDenied (a clear 403 page) unless ``check`` allows it."""
    if not check(user, name, obj):
        raise PermissionDenied(name)


def registered_rules() -> dict[str, Predicate]:
    _load_rules()
    return dict(_RULES)


# ---- primitives ---------------------------------------------------------------------------


def has_role(person: Person | None, *roles: str) -> bool:
    return person is not None and person.role in roles


def subtree_ids(unit: OrgUnit | int) -> set[int]:
    """Ids of ``unit`` and every unit below it in the current hierarchy."""
    root_id = unit if isinstance(unit, int) else unit.pk
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in OrgUnit.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = set(), [root_id]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(children.get(current, ()))
    return found


def scope_root(person: Person | None) -> OrgUnit | None:
    """The unit whose subtree is the person's scope (None for anonymous users).

    Office and leader: their unit — except that one sitting in a department
    (a 考核办 inside a bureau) serves the unit above it. Submitters serve the
    assessed units of the unit above their department (a city bureau's
    submitter enters values for every district). Assessed-unit users: their
    own unit.
    """
    if person is None:
        return None
    root = person.unit
    if person.role == Role.SUBMITTER or (person.role in (Role.OFFICE, Role.LEADER) and root.kind == "department"):
        root = root.parent or root
    return root


def scope_unit_ids(person: Person | None) -> set[int]:
    """Ids of the units whose details the person may see: the subtree under ``scope_root``.

    An office or leader at the city sees the whole city, including the zones,
    parks, departments and enterprises placed beside the districts. Computed
    once per Person object (one query), so list pages may call it per row.
    """
    if person is None:
        return set()
    cached = getattr(person, "_kaohe_scope", None)
    if cached is not None:
        return cached
    root = scope_root(person)
    ids = subtree_ids(root) if root is not None else set()
    person._kaohe_scope = ids
    return ids


def scoped_units(person: Person | None):
    """The OrgUnit queryset of the person's scope."""
    return OrgUnit.objects.filter(pk__in=scope_unit_ids(person))


def in_scope(person: Person | None, unit: OrgUnit | int | None) -> bool:
    if person is None or unit is None:
        return False
    unit_id = unit if isinstance(unit, int) else unit.pk
    return unit_id in scope_unit_ids(person)


def is_office(person: Person | None) -> bool:
    return has_role(person, Role.OFFICE)


def is_reader(person: Person | None) -> bool:
    """Office and leaders read everything in scope."""
    return has_role(person, Role.OFFICE, Role.LEADER)


# ---- the foundation's own rules -----------------------------------------------------------


@rule("orgs.view_unit")
def _view_unit(person: Person | None, unit: OrgUnit) -> bool:
    return in_scope(person, unit)


@rule("orgs.manage_unit")
def _manage_unit(person: Person | None, unit: OrgUnit | None) -> bool:
    return is_office(person) and (unit is None or in_scope(person, unit))


@rule("orgs.view_directory")
def _view_directory(person: Person | None, obj: Any = None) -> bool:
    """The unit directory and peer groups: every signed-in member of the organisation."""
    return person is not None

