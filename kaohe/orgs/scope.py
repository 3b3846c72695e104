"""Scope (管辖范围): which unit-owned objects a user may see, and which an office may manage.

Every object that belongs to a unit answers one question, its **owner units**, declared
once on its model as lookup paths to ``OrgUnit``::

    class Submission(models.Model):
        scope_owners = ("version__scheme__owner_unit", "responsible_unit")
        objects = ScopedQuerySet.as_manager()

    Submission.objects.visible_to(request.user)        # a list page
    get_visible_or_404(request.user, Submission, pk=pk)  # a detail page: out of scope is 404
    manages(person, submission)                         # an office's write rule

- **See** (``visible_to``, ``is_visible``): an object is visible when *any* of its owner
  units lies in the user's scope (the subtree under ``scope_root``). A model with
  ``scope_published_down = True`` (a scheme, a period, a scoring run) is also seen from
  below its owner: the city's scheme is read by every district and town it assesses.
- **Manage** (``managed_by``, ``manages``): an office manages an object when *every*
  owner unit is its own unit or below it — nothing above or beside.
- An empty owner (a nullable owner left empty, a peer group without members, a model that
  declares ``scope_owners = ()``) is city-wide: it belongs to the top of the hierarchy, so it
  is seen by top-level users (by everyone if published down) and managed only by a
  top-level office.

In the spirit of NetBox's ``RestrictedQuerySet.restrict(user, action)``. The role rules
(who may do what) stay in each app's ``rules.py``; they ask ``manages``/``is_visible``
for the scope part. This module imports no other kaohe model module (``orgs.models``
imports it for the managers), so the two models it reads are looked up by name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.http import Http404

from kaohe.orgs.choices import Role, UnitKind

if TYPE_CHECKING:
    from kaohe.orgs.models import OrgUnit, Person


def _unit_model():
    return apps.get_model("orgs", "OrgUnit")


def _person_model():
    return apps.get_model("orgs", "Person")


# ---- who is this user in the organisation -------------------------------------------------


def person_of(user) -> Person | None:
    """The user's Person record, or None for anonymous users and users without one.

    A Person passed in is returned as it is, so every function here takes either.
    """
    if user is None:
        return None
    if isinstance(user, _person_model()):
        return user
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_kaohe_person", False)
    if cached is not False:
        return cached
    person = _person_model().objects.select_related("unit").filter(user=user).first()
    user._kaohe_person = person
    return person


def _is_superuser(user) -> bool:
    return user is not None and getattr(user, "is_superuser", False) is True


def _hierarchy() -> dict[int, int | None]:
    return dict(_unit_model().objects.values_list("pk", "parent_id"))


def subtree_ids(unit: OrgUnit | int, parents: dict[int, int | None] | None = None) -> set[int]:
    """Ids of ``unit`` and every unit below it in the current hierarchy (one query)."""
    root_id = unit if isinstance(unit, int) else unit.pk
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in (parents if parents is not None else _hierarchy()).items():
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
    if person.role == Role.SUBMITTER or (person.role in (Role.OFFICE, Role.LEADER) and root.kind == UnitKind.DEPARTMENT):
        root = root.parent or root
    return root


def _compute_scope(person: Person) -> None:
    parents = _hierarchy()
    root = scope_root(person)
    below = subtree_ids(root, parents)
    above: set[int] = set()
    current = parents.get(root.pk)
    while current is not None and current not in above and current not in below:
        above.add(current)
        current = parents.get(current)
    person._kaohe_scope = below
    person._kaohe_above = above
    # Whether the scope is the whole hierarchy (the city's office and leaders): then a queryset
    # needs no filter at all, which keeps the big tables' plans on their own indexes.
    person._kaohe_everything = len(below) == len(parents)


def scope_unit_ids(person: Person | None) -> set[int]:
    """Ids of the units whose details the person may see: the subtree under ``scope_root``.

    An office or leader at the city sees the whole city, including the zones,
    parks, departments and enterprises placed beside the districts. Computed
    once per Person object (one query), so list pages may call it per row.
    """
    person = person_of(person)
    if person is None:
        return set()
    if getattr(person, "_kaohe_scope", None) is None:
        _compute_scope(person)
    return person._kaohe_scope


def units_above(person: Person | None) -> set[int]:
    """Ids of the units above the person's scope root (whose published-down objects they read)."""
    person = person_of(person)
    if person is None:
        return set()
    if getattr(person, "_kaohe_above", None) is None:
        _compute_scope(person)
    return person._kaohe_above


def _sees_everything(person: Person) -> bool:
    scope_unit_ids(person)
    return person._kaohe_everything


def is_top_level(person: Person | None) -> bool:
    """Whether the person's scope starts at the top of the hierarchy (the city)."""
    root = scope_root(person_of(person))
    return root is not None and root.parent_id is None


def scoped_units(person: Person | None):
    """The OrgUnit queryset of the person's scope."""
    return _unit_model().objects.filter(pk__in=scope_unit_ids(person))


def in_scope(person: Person | None, unit: OrgUnit | int | None) -> bool:
    if person is None or unit is None:
        return False
    unit_id = unit if isinstance(unit, int) else unit.pk
    return unit_id in scope_unit_ids(person)


# ---- owner units of one object ------------------------------------------------------------


def _owner_paths(model: type[models.Model]) -> tuple[str, ...]:
    paths = getattr(model, "scope_owners", None)
    if paths is None:
        raise TypeError(f"{model.__name__} declares no scope_owners: it is not a unit-owned model")
    return tuple(paths)


def _resolve(obj: models.Model, path: str) -> list[int | None]:
    """The unit ids at the end of ``path`` (``a__b__unit``) from ``obj``; ``[None]`` if none."""
    *hops, last = path.split("__")
    current: Any = obj
    for hop in hops:
        current = getattr(current, hop)
        if current is None:
            return [None]
    if last == "pk":
        return [current.pk]
    field = current._meta.get_field(last)
    if field.many_to_many:
        ids = list(getattr(current, last).values_list("pk", flat=True)) if current.pk else []
        return ids or [None]
    return [getattr(current, field.attname)]


def owner_unit_ids(obj: Any) -> list[int | None]:
    """The ids of the units owning ``obj`` (``None`` for a city-wide owner), in declared order.

    ``obj`` is a unit-owned model instance (saved or not: an unsaved
    ``Submission(version=v, responsible_unit=u, period=p)`` answers for the grid it
    would be), an ``OrgUnit`` (owning itself) or a unit id.
    """
    if obj is None:
        raise ValueError("owner_unit_ids needs an object")
    if isinstance(obj, int):
        return [obj]
    paths = _owner_paths(type(obj))
    if not paths:
        return [None]
    ids: list[int | None] = []
    for path in paths:
        for unit_id in _resolve(obj, path):
            if unit_id not in ids:
                ids.append(unit_id)
    return ids


def owner_units(obj: Any) -> list[OrgUnit]:
    """The OrgUnits owning ``obj`` (city-wide owners left out)."""
    ids = [pk for pk in owner_unit_ids(obj) if pk is not None]
    found = _unit_model().objects.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def _published_down(model: type[models.Model]) -> bool:
    return bool(getattr(model, "scope_published_down", False))


def is_visible(user, obj: Any) -> bool:
    """May ``user`` (a User or a Person) see ``obj``? Any owner unit in scope (see the module)."""
    if _is_superuser(user):
        return True
    person = person_of(user)
    if person is None or obj is None:
        return False
    down = not isinstance(obj, int) and _published_down(type(obj))
    seen = scope_unit_ids(person) | (units_above(person) if down else set())
    for unit_id in owner_unit_ids(obj):
        if unit_id is None:
            if down or is_top_level(person):
                return True
        elif unit_id in seen:
            return True
    return False


def _holds_every_owner(person: Person, obj: Any) -> bool:
    scope = scope_unit_ids(person)
    for unit_id in owner_unit_ids(obj):
        if unit_id is None:
            if not is_top_level(person):
                return False
        elif unit_id not in scope:
            return False
    return True


def manages(user, obj: Any) -> bool:
    """Does ``user`` (a User or a Person) hold an office that manages ``obj``?

    Every owner unit must be the office's own unit or below it; a city-wide owner needs
    a top-level office. Without an object the answer is no: write rules take their object.
    """
    if _is_superuser(user):
        return True
    person = person_of(user)
    if person is None or obj is None or person.role != Role.OFFICE:
        return False
    return _holds_every_owner(person, obj)


def oversees(user, obj: Any) -> bool:
    """Is ``user`` an office or a leader over every owner unit of ``obj`` (as ``manages``, leaders too)?

    Reading rules use it where seeing the object is not enough: the office and leaders of a
    run's organiser read every unit's details before publication; a district's leader reads
    the city's run only as far as its own units go.
    """
    if _is_superuser(user):
        return True
    person = person_of(user)
    if person is None or obj is None or person.role not in (Role.OFFICE, Role.LEADER):
        return False
    return _holds_every_owner(person, obj)


# ---- querysets ----------------------------------------------------------------------------


def _path_q(path: str, ids: Iterable[int], with_null: bool) -> Q:
    q = Q(**{f"{path}__in": ids})
    if with_null and path != "pk":
        q |= Q(**{f"{path}__isnull": True})
    return q


def _many_valued(model: type[models.Model]) -> bool:
    for path in _owner_paths(model):
        current = model
        for hop in path.split("__"):
            if hop == "pk":
                break
            field = current._meta.get_field(hop)
            if field.many_to_many or field.one_to_many:
                return True
            current = field.related_model
    return False


def visible_q(model: type[models.Model], user, prefix: str = "") -> Q:
    """The filter ``visible_to`` applies, for ``model`` reached through ``prefix`` (``"submission__"``)."""
    if _is_superuser(user):
        return Q()
    person = person_of(user)
    if person is None:
        return Q(pk__in=[])
    if _sees_everything(person):
        return Q()
    down = _published_down(model)
    ids = scope_unit_ids(person) | (units_above(person) if down else set())
    with_null = down or is_top_level(person)
    paths = _owner_paths(model)
    if not paths:
        return Q() if with_null else Q(pk__in=[])
    q = Q(pk__in=[])
    for path in paths:
        q |= _path_q(prefix + path, ids, with_null)
    return q


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows its rows' owner units (the model's ``scope_owners``)."""

    def visible_to(self, user) -> ScopedQuerySet:
        """The rows ``user`` may see (a User or a Person; the public sees none)."""
        if _is_superuser(user):
            return self.all()
        if person_of(user) is None:
            return self.none()
        q = visible_q(self.model, user)
        if not q:  # sees everything: no filter, no join
            return self.all()
        if _many_valued(self.model):
            # a many-valued owner (co-handling units) as a semi-join on the key: no DISTINCT over every
            # column of the page (the list, its count and its aggregates stay on their indexes)
            return self.filter(pk__in=self.model._base_manager.filter(q).values("pk"))
        return self.filter(q)

    def managed_by(self, user) -> ScopedQuerySet:
        """The rows an office manages: every owner unit its own or below (others: none)."""
        if _is_superuser(user):
            return self.all()
        person = person_of(user)
        if person is None or person.role != Role.OFFICE:
            return self.none()
        if _many_valued(self.model):
            raise TypeError(f"{self.model.__name__}: managed_by needs single-valued owner paths; use manages(user, obj)")
        if _sees_everything(person):
            return self.all()
        scope, top = scope_unit_ids(person), is_top_level(person)
        paths = _owner_paths(self.model)
        if not paths:
            return self.all() if top else self.none()
        q = Q()
        for path in paths:
            q &= _path_q(path, scope, top)
        return self.filter(q)


def get_visible_or_404(user, queryset_or_model, **lookup):
    """The one object matching ``lookup`` among those ``user`` may see; else 404 (not 403)."""
    queryset = queryset_or_model
    if isinstance(queryset_or_model, type) and issubclass(queryset_or_model, models.Model):
        queryset = queryset_or_model._default_manager.all()
    if not isinstance(queryset, ScopedQuerySet):
        raise TypeError(f"{queryset.model.__name__} has no ScopedQuerySet manager (declare scope_owners)")
    try:
        return queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404(f"no visible {queryset.model._meta.object_name} matches {lookup}") from None
