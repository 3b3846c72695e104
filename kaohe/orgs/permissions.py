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
from ninja.errors import HttpError

from kaohe.orgs.models import OrgUnit, Person, Role

# The scope primitives live in kaohe.orgs.scope; rules import them from here or from there.
from kaohe.orgs.scope import (  # noqa: F401
    in_scope,
    is_top_level,
    is_visible,
    manages,
    person_of,
    scope_root,
    scope_unit_ids,
    scoped_units,
    subtree_ids,
)

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


def api_require(request, name: str, obj: Any = None) -> None:
    """``require`` for the JSON API: a 403 answer naming the rule (``permission denied: <rule>``)."""
    if not check(request.user, name, obj):
        raise HttpError(403, f"permission denied: {name}")


def registered_rules() -> dict[str, Predicate]:
    _load_rules()
    return dict(_RULES)


# ---- primitives ---------------------------------------------------------------------------


def has_role(person: Person | None, *roles: str) -> bool:
    return person is not None and person.role in roles


def is_office(person: Person | None) -> bool:
    return has_role(person, Role.OFFICE)


def is_reader(person: Person | None) -> bool:
    """Office and leaders read everything in scope."""
    return has_role(person, Role.OFFICE, Role.LEADER)


# ---- the foundation's own rules -----------------------------------------------------------


@rule("orgs.view_unit")
def _view_unit(person: Person | None, unit: OrgUnit) -> bool:
    return is_visible(person, unit)


@rule("orgs.manage_unit")
def _manage_unit(person: Person | None, obj: Any = None) -> bool:
    """Change a unit, its placements, people or a peer group: the office managing every owner unit."""
    return manages(person, obj)


@rule("orgs.use_admin")
def _use_admin(person: Person | None, obj: Any = None) -> bool:
    """Open the reference-data admin (rows and writes are then scoped by ``orgs.manage_unit``)."""
    return is_office(person)


@rule("orgs.view_directory")
def _view_directory(person: Person | None, obj: Any = None) -> bool:
    """The unit directory and peer groups: every signed-in member of the organisation."""
    return person is not None

