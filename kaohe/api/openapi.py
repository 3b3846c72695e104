"""The OpenAPI document of the JSON API and its committed snapshot (``docs/openapi.json``).

Integrators build against the snapshot; a test diffs the live document against it, so a change to
the API is a reviewed change to the snapshot (``make openapi`` or ``kaohe openapi --write``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings

SNAPSHOT: Path = Path(settings.BASE_DIR) / "docs" / "openapi.json"
REGENERATE = "make openapi (or: kaohe openapi --write)"

#: ``<app>_<noun>_<verb>``: lower-case words joined by ``_``, at least three of them.
OPERATION_ID = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+){2,}$")
#: 中文 / English: Chinese first, then `` / `` and the English.
SUMMARY = re.compile(r"^(?=[^/]*[\u4e00-\u9fff])[^/]+ / [A-Za-z].+$")


def document() -> dict:
    from kaohe.api.routers import api

    return api.get_openapi_schema()


def render(doc: dict | None = None) -> str:
    """The document as committed: stable key order as generated, two-space indent, UTF-8 text."""
    return json.dumps(document() if doc is None else doc, ensure_ascii=False, indent=2) + "\n"


def operations(doc: dict | None = None) -> list[tuple[str, str, dict]]:
    """Every operation as (METHOD, path, operation object), in document order."""
    doc = document() if doc is None else doc
    return [(method.upper(), path, op) for path, ops in doc["paths"].items() for method, op in ops.items()]


def operation_problems(doc: dict | None = None) -> list[str]:
    """Operations without a well-formed operationId (``<app>_<noun>_<verb>``, unique) or a
    summary in Chinese and English (``批准报送 / Approve a submission``)."""
    problems, seen = [], {}
    for method, path, op in operations(doc):
        where = f"{method} {path}"
        oid = op.get("operationId", "")
        if not OPERATION_ID.match(oid) or oid.startswith("kaohe_"):
            problems.append(f"{where}: operationId {oid!r} is not <app>_<noun>_<verb>; "
                            "give the route operation_id=\"<app>_<noun>_<verb>\"")
        elif oid in seen:
            problems.append(f"{where}: operationId {oid!r} is also used by {seen[oid]}")
        seen.setdefault(oid, where)
        if not SUMMARY.match(op.get("summary", "")):
            problems.append(f"{where}: summary {op.get('summary', '')!r} is not \"中文 / English\"")
    return problems


def _models_in(annotation, found: set) -> None:
    import typing

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, found)
        return
    for arg in typing.get_args(annotation):
        _models_in(arg, found)


def schema_name_clashes() -> dict[str, list[str]]:
    """Schema names that two different classes share: the document would show one of them for both
    (``IndicatorOut`` of the assessment and of the monitor); name each after its app."""
    from kaohe.api.routers import api

    models: set = set()
    for _prefix, router in api._routers:
        for view in router.path_operations.values():
            for op in view.operations:
                for model in [*op.response_models.values(), *op.models]:
                    _models_in(model, models)
    by_name: dict[str, set[str]] = {}
    for model in models:
        if model.__module__.startswith("kaohe."):
            by_name.setdefault(model.__name__, set()).add(f"{model.__module__}.{model.__qualname__}")
    return {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
