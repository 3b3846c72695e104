"""The assessment API: read schemes, read values, bulk-submit values for a period.

Token auth (``Authorization: Bearer <token>``, tokens issued at /api/tokens/) or the
browser session. The same validation and permissions as the web: a submitter submits the
indicators its unit owns; the office any; values go through ``services.save_values``.
"""

from __future__ import annotations

from typing import Annotated, Any, NotRequired

from django.conf import settings
from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import BaseModel, Field, StringConstraints, TypeAdapter, ValidationError
from typing_extensions import TypedDict

from kaohe.assessment import services
from kaohe.assessment.models import DataValue, Period, SchemeVersion
from kaohe.lib.bodies import BodyTooLarge, read_bounded
from kaohe.lib.numbers import NumberError, parse_number, plain
from kaohe.lib.params import MAX_ID, Id, Offset, Year
from kaohe.lib.periods import Period as PeriodValue
from kaohe.orgs.models import OrgUnit, Role
from kaohe.orgs.permissions import check, is_reader, manages, person_of

# Token or session auth is applied where the router is mounted (kaohe.api.routers).
router = Router(tags=["assessment"])

MAX_VALUES = 2_000_000


class VersionOut(Schema):
    id: int
    year: int
    code: str
    name: str
    number: int
    status: str


class IndicatorOut(Schema):
    code: str
    name: str
    category_path: str
    unit_of_measure: str
    responsible_unit: str | None
    frequency: str
    value_kind: str
    points: float | None
    method: str
    is_collected: bool


class VersionDetail(VersionOut):
    content: dict[str, Any]
    indicators: list[IndicatorOut]


class ValueOut(Schema):
    unit: str
    indicator: str
    period: str
    value: float | None
    kind: str
    revision: int
    explanation: str


class ValueIn(BaseModel):
    unit: str = Field(max_length=32, description="OrgUnit code of the assessed unit")
    indicator: str = Field(max_length=64)
    value: float | str | None = Field(description="a number, a numeric string, or null to clear")
    explanation: str | None = Field(default=None, max_length=2000, description="说明 for a value that triggers a warning")
    revision: int | None = Field(default=None, ge=0, le=2**31 - 1,
                                 description="the revision this value is based on (0: new); a newer stored revision is a 409 conflict")


class BulkIn(BaseModel):
    version: int = Field(ge=1, le=MAX_ID, description="scheme version id (adopted)")
    period: str = Field(max_length=10, description="2025-03 (month), 2025Q1, 2025-H1 or 2025")
    values: list[ValueIn] = Field(max_length=MAX_VALUES)
    partial: bool = Field(default=False, description="save the clean values and report the rest (default: all or nothing)")


class _ValueTD(TypedDict):
    unit: Annotated[str, StringConstraints(max_length=32)]
    indicator: Annotated[str, StringConstraints(max_length=64)]
    value: float | str | None
    explanation: NotRequired[Annotated[str, StringConstraints(max_length=2000)] | None]
    revision: NotRequired[Annotated[int, Field(ge=0, le=2**31 - 1)] | None]


class _BulkTD(TypedDict):
    version: Annotated[int, Field(ge=1, le=MAX_ID)]
    period: Annotated[str, StringConstraints(max_length=10)]
    values: Annotated[list[_ValueTD], Field(max_length=MAX_VALUES)]
    partial: NotRequired[bool]


#: Validates the same body as ``BulkIn`` into plain dicts: several times faster for a million values.
_BULK = TypeAdapter(_BulkTD)


class Problem(Schema):
    index: int | None
    unit: str | None
    indicator: str | None
    message: str


class ConflictOut(Schema):
    index: int | None
    unit: str | None
    indicator: str
    yours: str | None
    theirs: str | None
    by: str
    revision: int
    message: str


class BulkOut(Schema):
    ok: bool
    saved: int
    unchanged: int
    errors: list[Problem]
    warnings: list[Problem]
    conflicts: list[ConflictOut] = []


def period_by_code(code: str, version: SchemeVersion) -> Period:
    """The period with this code among the periods of ``version``'s assessment owner."""
    try:
        value = PeriodValue.parse(code)
    except ValueError as exc:
        raise HttpError(422, f"period: {exc}") from exc
    period = services.stored_period(version.scheme.owner_unit_id, value)
    if period is None:
        raise HttpError(404, f"period: '{code}' does not exist")
    return period


def _version_out(v: SchemeVersion) -> dict:
    return {"id": v.pk, "year": v.scheme.year, "code": v.scheme.code, "name": v.scheme.name, "number": v.number, "status": v.status}


@router.get("/schemes", operation_id="assessment_scheme_list", summary="考核方案版本 / List scheme versions", response=list[VersionOut])
def list_schemes(request, year: Year | None = None):
    if not check(request.user, "assessment.view_scheme"):
        raise HttpError(403, "not allowed")
    qs = SchemeVersion.objects.visible_to(request.user).select_related("scheme").order_by("-scheme__year", "scheme__code", "-number")
    if year:
        qs = qs.filter(scheme__year=year)
    return [_version_out(v) for v in qs]


@router.get("/schemes/{version_id}", operation_id="assessment_scheme_get", summary="方案版本的内容与指标 / A scheme version: content and indicators", response=VersionDetail)
def get_scheme(request, version_id: Id):
    if not check(request.user, "assessment.view_scheme"):
        raise HttpError(403, "not allowed")
    v = get_object_or_404(SchemeVersion.objects.visible_to(request.user).select_related("scheme"), pk=version_id)
    indicators = [
        {"code": s.code, "name": s.name, "category_path": s.category_path, "unit_of_measure": s.unit_of_measure,
         "responsible_unit": s.responsible_unit.code if s.responsible_unit else None, "frequency": s.frequency,
         "value_kind": s.value_kind, "points": float(s.points) if s.points is not None else None, "method": s.method,
         "is_collected": s.is_collected}
        for s in v.indicators.select_related("responsible_unit")
    ]
    return {**_version_out(v), "content": v.content, "indicators": indicators}


def _readable_codes(user, version: SchemeVersion) -> set[str] | None:
    """None: every indicator (of the rows in scope); else the codes the user's unit owns."""
    person = person_of(user)
    if getattr(user, "is_superuser", False) or is_reader(person):
        return None
    if person is not None and person.role == Role.SUBMITTER:
        return set(version.indicators.filter(responsible_unit=person.unit).values_list("code", flat=True))
    raise HttpError(403, "not allowed")


@router.get("/values", operation_id="assessment_value_list", summary="读取考核期数据 / Read values of a period", response=list[ValueOut])
def read_values(request, version: Id, period: str, indicator: str | None = None, unit: str | None = None,
                limit: int = 10000, offset: Offset = 0):
    v = get_object_or_404(SchemeVersion.objects.visible_to(request.user), pk=version)
    p = period_by_code(period, v)
    codes = _readable_codes(request.user, v)
    # Only the rows in the caller's scope: a district reads its own units' values, not the city's.
    qs = DataValue.objects.visible_to(request.user).filter(version=v, period=p).select_related("unit").order_by("unit__code", "indicator")
    if codes is not None:
        qs = qs.filter(indicator__in=codes)
    if indicator:
        qs = qs.filter(indicator=indicator)
    if unit:
        qs = qs.filter(unit__code=unit)
    limit = max(1, min(limit, 100000))
    offset = max(0, offset)
    return [
        {"unit": r.unit.code, "indicator": r.indicator, "period": p.code, "value": float(r.value) if r.value is not None else None,
         "kind": r.kind, "revision": r.revision, "explanation": r.explanation}
        for r in qs[offset:offset + limit]
    ]


def _inlined_schema(model: type[BaseModel]) -> dict:
    """The model's JSON schema with its $defs inlined (valid anywhere in an OpenAPI document)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def resolve(node):
        if isinstance(node, dict):
            if "$ref" in node:
                return resolve(defs[node["$ref"].rsplit("/", 1)[-1]])
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(x) for x in node]
        return node

    return resolve(schema)


BULK_SCHEMA = {
    "requestBody": {"required": True, "content": {"application/json": {"schema": _inlined_schema(BulkIn)}}},
}


@router.post("/values", operation_id="assessment_value_save", summary="批量报送数据 / Bulk save values for a period", response={200: BulkOut, 400: BulkOut, 409: BulkOut},
             openapi_extra=BULK_SCHEMA)
def submit_values(request):
    """Body: ``{"version": 3, "period": "2025-03", "values": [{"unit": "SFS-MH", "indicator": "gdp", "value": 123.4}], "partial": false}``.

    All or nothing by default: any error (unknown unit, not a number, negative where impossible,
    an indicator the caller's unit does not own, a validation rule) saves nothing and lists every
    problem with its index. Warnings (jumps) are reported; they need a 说明 before submission.
    """
    # Read the stream directly: a bulk of a million values is far above Django's in-memory body limit.
    try:
        raw = read_bounded(request, settings.API_MAX_BODY_BYTES)
    except BodyTooLarge as exc:
        raise HttpError(413, exc.reason_en) from None
    try:
        body = _BULK.validate_json(raw)
    except ValidationError as exc:
        errors = [{"index": None, "unit": None, "indicator": None,
                   "message": ".".join(str(x) for x in e["loc"]) + ": " + e["msg"]} for e in exc.errors()[:200]]
        return 400, {"ok": False, "saved": 0, "unchanged": 0, "errors": errors, "warnings": []}
    version = get_object_or_404(SchemeVersion.objects.visible_to(request.user).select_related("scheme"), pk=body["version"])
    period = period_by_code(body["period"], version)
    partial = bool(body.get("partial", False))
    if not check(request.user, "assessment.use_api"):
        raise HttpError(403, "not allowed")
    person = person_of(request.user)
    # The office writes every indicator of a version it manages; a submitter those its unit
    # owns; anyone else (a leader, another unit's office) nothing.
    if manages(request.user, version):
        owned = None
    elif person is not None and person.role == Role.SUBMITTER:
        owned = set(version.indicators.filter(is_collected=True, responsible_unit=person.unit_id).values_list("code", flat=True))
    else:
        raise HttpError(403, "not allowed: you do not manage this scheme version")
    # Units assessed under the version, in the caller's scope; others read as unknown.
    unit_ids = dict(OrgUnit.objects.visible_to(request.user).filter(pk__in=[u.pk for u in services.assessed_units(version)])
                    .values_list("code", "pk"))
    errors: list[dict] = []
    items: list[services.ValueInput] = []
    index_of: dict[tuple[int, str], int] = {}
    parse = parse_number
    ValueInput = services.ValueInput
    for i, v in enumerate(body["values"]):
        unit, indicator = v["unit"], v["indicator"]
        uid = unit_ids.get(unit)
        if uid is None:
            errors.append({"index": i, "unit": unit, "indicator": indicator, "message": f"values[{i}].unit: unknown unit '{unit}' (not assessed under this version or not in your scope)"})
            continue
        if owned is not None and indicator not in owned:
            errors.append({"index": i, "unit": unit, "indicator": indicator,
                           "message": f"values[{i}].indicator: '{indicator}' is not an indicator your unit submits"})
            continue
        try:
            value = parse(v["value"])
        except NumberError as exc:
            errors.append({"index": i, "unit": unit, "indicator": indicator, "message": f"values[{i}].value: '{v['value']}' {exc.reason_en}"})
            continue
        key = (uid, indicator)
        if key in index_of:
            errors.append({"index": i, "unit": unit, "indicator": indicator, "message": f"values[{i}]: duplicate of values[{index_of[key]}]"})
            continue
        index_of[key] = i
        items.append(ValueInput(uid, indicator, value, v.get("revision"), v.get("explanation"), f"values[{i}]: "))
    code_of = {pk: code for code, pk in unit_ids.items()}
    if errors and not partial:
        # Validate the readable values too, so the caller sees every problem at once; save nothing.
        with transaction.atomic():
            checked = services.save_values(request.user, version, period, items, source="api")
            transaction.set_rollback(True)
        errors += [{"index": index_of.get((x.unit_id, x.indicator)), "unit": code_of.get(x.unit_id), "indicator": x.indicator or None,
                    "message": x.message} for x in checked.errors]
        return 400, {"ok": False, "saved": 0, "unchanged": 0, "errors": errors[:1000], "warnings": []}
    result = services.save_values(request.user, version, period, items, source="api", allow_partial=partial)

    def problems(issues):
        return [{"index": index_of.get((x.unit_id, x.indicator)), "unit": code_of.get(x.unit_id), "indicator": x.indicator or None,
                 "message": x.message} for x in issues[:1000]]

    conflicts = [{**c.as_dict(), "index": index_of.get((c.unit_id, c.indicator)), "unit": code_of.get(c.unit_id),
                  "message": f"values[{index_of.get((c.unit_id, c.indicator))}]: changed by {c.theirs_by or '?'} to "
                             f"{plain(c.theirs)} (revision {c.revision}) since the revision you sent; yours: {plain(c.yours)}"}
                 for c in result.conflicts[:1000]]
    out = {"ok": result.ok and not errors, "saved": result.saved, "unchanged": result.unchanged,
           "errors": errors[:1000] + problems(result.errors), "warnings": problems(result.warnings), "conflicts": conflicts}
    if result.errors or errors:
        return 400, out
    return (409 if conflicts else 200), out


# The workflows and the scheme versions live beside (kaohe/assessment/api_workflow.py, api_schemes.py)
# and add themselves to this router.
from kaohe.assessment import api_schemes, api_workflow  # noqa: E402, F401
