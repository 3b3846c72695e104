"""Scheme versions in the JSON API (mounted with kaohe.assessment.api's router): import (YAML or
Excel, as the import page), adopt a draft (发布), edit a draft (the scheme editor's service, with its
refusal of a stale edit) and the targets beside a version (目标值, the targets panel's service).

The same services and permission rules as the pages: a version out of the caller's scope is 404, a
role that sees it but may not manage it 403; the engine's problems with a scheme are a 422 in the
scheme pages' Chinese (``scheme_messages``), each at its place."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import File, Form, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field

from kaohe.assessment import scheme_messages
from kaohe.assessment import schemes as svc
from kaohe.assessment.api import VersionOut, _version_out, router
from kaohe.assessment.models import SchemeVersion, Target
from kaohe.assessment.services import WorkflowError
from kaohe.assessment.targets import parse_cells, save_targets, target_columns, target_units
from kaohe.lib.numbers import plain
from kaohe.lib.params import Id
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.permissions import api_require, person_of, scope_root
from kaohe.orgs.scope import get_visible_or_404

#: A scheme's YAML text or an uploaded scheme file: the largest the import accepts.
MAX_SCHEME_BYTES = 5_000_000


def _version(request, version_id: int, rule: str) -> SchemeVersion:
    version = get_visible_or_404(request.user, SchemeVersion.objects.select_related("scheme"), pk=version_id)
    api_require(request, rule, version)
    return version


def _refused(exc: svc.SchemeInvalid, content: Any) -> WorkflowError:
    """The scheme's problems as the pages word them (422 with every problem in ``errors``)."""
    return WorkflowError(scheme_messages.texts(exc.problems, content))


class DraftOut(VersionOut):
    content_hash: str = Field(description="send it back as base_hash when editing the draft")


def _draft_out(v: SchemeVersion) -> dict:
    return {**_version_out(v), "content_hash": v.content_hash()}


@router.post("/schemes", response={201: DraftOut}, operation_id="assessment_scheme_import",
             summary="导入考核方案 / Import a scheme (YAML or Excel) as a new draft version")
def import_scheme(request, file: UploadedFile | None = File(None),  # noqa: B008 — ninja declares parameters this way
                  yaml_text: str = Form("", max_length=MAX_SCHEME_BYTES),  # noqa: B008
                  code: str = Form(..., min_length=1, max_length=32, pattern=r"^[-a-zA-Z0-9_]+$",  # noqa: B008
                                   description="方案代码: the same in every year (HQD)"),
                  reason: str = Form("", max_length=2000)):  # noqa: B008
    """The import page's: a file (.xlsx: sheets 方案 and 指标; anything else is read as YAML) or the YAML
    text, stored as a new draft of the caller's own unit's scheme of that year (all or nothing)."""
    owner = scope_root(person_of(request.user))
    api_require(request, "assessment.manage_scheme", owner)
    content = None
    try:
        if file is not None:
            if file.size is not None and file.size > MAX_SCHEME_BYTES:
                raise HttpError(422, f"file: larger than {MAX_SCHEME_BYTES} bytes")
            content = svc.read_scheme_file(file.read(), file.name or "")
        elif yaml_text.strip():
            content = svc.parse_yaml(yaml_text)
        else:
            raise svc.SchemeInvalid([_("请选择文件或粘贴 YAML")])
        version = svc.import_scheme(content, user=request.user, code=code, reason=reason, owner_unit=owner)
    except svc.SchemeInvalid as exc:
        raise _refused(exc, content) from None
    return 201, _draft_out(version)


@router.post("/schemes/{version_id}/adopt", response=DraftOut, operation_id="assessment_scheme_adopt",
             summary="发布方案草稿 / Adopt a draft version (the adopted one before it is superseded)")
def adopt_scheme(request, version_id: Id):
    version = _version(request, version_id, "assessment.manage_scheme")
    try:
        svc.adopt(version, user=request.user)
    except svc.SchemeInvalid as exc:
        raise _refused(exc, version.content) from None
    return _draft_out(version)


class DraftIn(Schema):
    content: dict[str, Any] | None = Field(default=None, description="the whole scheme as JSON (or yaml_text)")
    yaml_text: str | None = Field(default=None, max_length=MAX_SCHEME_BYTES, description="the whole scheme as YAML")
    base_hash: str = Field(min_length=64, max_length=64, pattern=r"^[0-9a-f]{64}$",
                           description="content_hash of the version the edit started from: refused (409) when "
                                       "someone saved the draft since")
    reason: str = Field(default="", max_length=2000)


class SchemeConflictOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


@router.post("/schemes/{version_id}/draft", response={200: DraftOut, 409: SchemeConflictOut}, operation_id="assessment_scheme_update",
             summary="修改方案草稿 / Replace a draft version's content (refused if saved by someone else since)")
def update_scheme(request, version_id: Id, body: DraftIn):
    """The scheme editor's save (``schemes.update_draft``): validated by the engine, all or nothing,
    audited; an adopted version refuses (a change is a new version)."""
    version = _version(request, version_id, "assessment.manage_scheme")
    if (body.content is None) == (body.yaml_text is None):
        raise HttpError(422, "send either content or yaml_text")
    content = body.content
    try:
        if content is None:
            content = svc.parse_yaml(body.yaml_text or "")
        svc.update_draft(version, content, user=request.user, reason=body.reason, base_hash=body.base_hash)
    except svc.SchemeStale as exc:
        return 409, {"detail": "；".join(exc.errors), "errors": {"__all__": exc.errors}}
    except svc.SchemeInvalid as exc:
        raise _refused(exc, content) from None
    version.refresh_from_db()
    return _draft_out(version)


# ---- targets (目标值) ------------------------------------------------------------------------------


class TargetColumnOut(Schema):
    indicator: str
    name: str
    unit_of_measure: str
    count: int = Field(description="units with a target")
    carried: int = Field(description="targets of the adopted version that adopting this draft carries over")
    missing: bool = Field(description="no unit has a target (the indicator cannot be scored)")


class TargetOut(Schema):
    unit: str
    unit_name: str
    indicator: str
    target: str = Field(description="the target as a decimal number (in the indicator's unit of measure)")


class TargetsOut(Schema):
    version: int
    columns: list[TargetColumnOut]
    targets: list[TargetOut]


@router.get("/schemes/{version_id}/targets", response=TargetsOut, operation_id="assessment_target_list",
            summary="目标值 / A version's targets for its target-scored indicators")
def list_targets(request, version_id: Id):
    """The targets panel's grid: the target-scored indicators (计分方法 目标完成) with how many units
    have a target, and the targets of the assessed units in the caller's scope."""
    api_require(request, "assessment.view_scheme")
    version = get_visible_or_404(request.user, SchemeVersion.objects.select_related("scheme"), pk=version_id)
    columns = target_columns(version)
    visible = set(OrgUnit.objects.visible_to(request.user).values_list("pk", flat=True))
    units = {u.pk: u for u in target_units(version) if u.pk in visible}
    codes = [c.spec.code for c in columns]
    stored = (Target.objects.visible_to(request.user).filter(version=version, indicator__in=codes, unit_id__in=list(units))
              .order_by("unit__sort_order", "unit__code", "indicator"))
    return {
        "version": version.pk,
        "columns": [{"indicator": c.spec.code, "name": c.spec.name, "unit_of_measure": c.spec.unit_of_measure,
                     "count": c.count, "carried": c.carried, "missing": c.missing} for c in columns],
        "targets": [{"unit": units[t.unit_id].code, "unit_name": units[t.unit_id].name, "indicator": t.indicator,
                     "target": plain(t.target)} for t in stored],
    }


class TargetIn(Schema):
    unit: str = Field(max_length=32, description="OrgUnit code of an assessed unit the caller manages")
    indicator: str = Field(max_length=64, description="a target-scored indicator of the version")
    target: float | str | None = Field(description="a number, a numeric string, or null to clear the target")


class TargetsIn(Schema):
    targets: list[TargetIn] = Field(max_length=100_000)


class TargetsSavedOut(Schema):
    changed: int = Field(description="targets set, changed or cleared (0: nothing changed)")


@router.post("/schemes/{version_id}/targets", response=TargetsSavedOut, operation_id="assessment_target_save",
             summary="设置目标值 / Set (or clear) targets of a version, all or nothing")
def save_version_targets(request, version_id: Id, body: TargetsIn):
    """The targets panel's save: every cell checked by the one number parser, then all saved in one
    audited change — or, if any cell is refused, nothing (422 naming each)."""
    version = _version(request, version_id, "assessment.manage_scheme")
    managed = set(OrgUnit.objects.managed_by(request.user).values_list("pk", flat=True))
    units = {u.code: u for u in target_units(version) if u.pk in managed}
    specs = {c.spec.code: c.spec for c in target_columns(version)}
    problems, typed, seen = [], [], {}
    for i, item in enumerate(body.targets):
        unit, spec = units.get(item.unit), specs.get(item.indicator)
        if unit is None:
            problems.append(f"targets[{i}].unit: " + _("未知单位 %(u)s") % {"u": item.unit or _("(空)")})
        if spec is None:
            problems.append(f"targets[{i}].indicator: " + _("%(i)s 不是本方案按目标完成计分的指标") % {"i": item.indicator or _("(空)")})
        if unit is None or spec is None:
            continue
        if (unit.pk, spec.code) in seen:
            problems.append(f"targets[{i}]: " + _("与 targets[%(j)s] 重复") % {"j": seen[(unit.pk, spec.code)]})
            continue
        seen[(unit.pk, spec.code)] = i
        typed.append((unit, spec, item.target))
    cells, refused = parse_cells(typed)
    if problems or refused:
        raise WorkflowError(problems + refused)
    return {"changed": save_targets(version, cells, request.user)}

