"""一键督办 on other modules' pages: ``{% supervise_button obj %}`` shows the object's task (linked
when the user sees it) or, for a user the permission module lets set up tasks, the one-click button;
nothing otherwise (no link that leads to a 403). A page with many rows asks for their tasks in one
query first: ``{% supervision_index rows as sv %}`` … ``{% supervise_button row sv %}``.

Templates of lower modules (projects, results) load this library; their Python never imports
supervision (tests/test_layers.py)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.db import models

from kaohe.orgs.scope import is_visible
from kaohe.supervision import origins, services

register = template.Library()

_COLOUR_BADGE = {"blue": "badge-info", "yellow": "badge-warning", "red": "badge-danger"}


@register.simple_tag
def supervision_index(*groups) -> dict:
    """The tasks of the objects on a page, ``{(label, pk): task}`` (one query per kind of object)."""
    objects: list[models.Model] = []
    for group in groups:
        if isinstance(group, models.Model):
            objects.append(group)
        elif isinstance(group, Iterable):
            objects.extend(o for o in group if isinstance(o, models.Model))
    return services.tasks_for(objects)


def _office(request):
    """The office the user would set up tasks in (None: not allowed), once per request."""
    if not hasattr(request, "_kaohe_supervising_office"):
        request._kaohe_supervising_office = services.supervising_office(request.user)
    return request._kaohe_supervising_office


@register.inclusion_tag("supervision/_one_click.html", takes_context=True)
def supervise_button(context, obj, index: dict | None = None, offer: bool = True) -> dict:
    """The task of ``obj`` (always), or the button when ``offer`` (the page decides what merits one: an
    overdue problem, a red project) and the user may set up tasks."""
    request = context.get("request")
    out = {"csrf_token": context.get("csrf_token"), "task": None, "can": False}
    if request is None or obj is None or not getattr(request.user, "is_authenticated", False):
        return out
    label = services.label_of(obj)
    task = index.get((label, obj.pk)) if index is not None else services.task_for(obj)
    if task is not None:
        out.update(task=task, linked=is_visible(request.user, task), badge=_COLOUR_BADGE.get(task.colour, ""))
        return out
    if offer and _office(request) is not None and origins.get(label) is not None and services.lead_of(obj) is not None \
            and is_visible(request.user, obj):
        out.update(can=True, spec=f"{label}:{obj.pk}")
    return out
