"""Schemes (考核方案): import from YAML or an Excel workbook, validate with the engine,
version, adopt, clone last year's, diff two versions, export to YAML / Excel / Word.

The stored content is the engine's scheme dict, platform metadata included (责任单位,
报送频次, 计量单位, 数值类型, 数据审核规则, 色带 in each leaf's ``platform`` mapping; the
scheme's code, its collected base data and flag rules in the top-level one). The engine
reads and validates all of it (:func:`engine_scheme`); this module never walks the tree
itself. Content in the older form (those keys loose on the leaves) is upgraded on the way
in by the engine's :func:`~kaohe.engine.platform.upgrade_legacy`.
"""

from __future__ import annotations

import copy
import io
import json
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from kaohe.assessment import sources
from kaohe.assessment.models import (
    DataValue,
    Frequency,
    IndicatorSpec,
    Scheme,
    SchemeVersion,
    Submission,
    Target,
    ValueChange,
    ValueKind,
    VersionStatus,
)
from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.engine.errors import SchemeError, SchemeProblem
from kaohe.engine.platform import Platform, upgrade_legacy
from kaohe.engine.scheme import Leaf as EngineLeaf
from kaohe.engine.scheme import Scheme as EngineScheme
from kaohe.engine.scheme import load_scheme
from kaohe.lib.numbers import NumberError, field_limit, number, parse_number
from kaohe.lib.tabular import Column, RowError, TabularError, read_workbook
from kaohe.lib.tabular import text as cell_text
from kaohe.orgs.models import OrgUnit, PeerGroup


class SchemeInvalid(Exception):
    """The scheme cannot be stored; ``errors`` are messages naming the place, ``problems`` the
    same as :class:`~kaohe.engine.errors.SchemeProblem` (path, code, facts) when they come from
    checking the scheme (the editor places and words them in Chinese, ``scheme_messages``)."""

    def __init__(self, errors: list[str], problems: list[SchemeProblem] | None = None):
        self.errors = errors
        self.problems = problems if problems is not None else [
            SchemeProblem(path="", code="platform", message=e) for e in errors]
        super().__init__("\n".join(errors))


class SchemeStale(SchemeInvalid):
    """The draft was saved by someone else since the content the edit started from (its
    ``SchemeVersion.content_hash``): nothing is saved, so their change is not overwritten."""


# ---- structure ----------------------------------------------------------------------------


def engine_scheme(content: dict) -> EngineScheme:
    """The engine's scheme of stored (or upgraded) content; SchemeInvalid naming every place."""
    try:
        return load_scheme(upgrade_legacy(content))
    except SchemeError as exc:
        raise SchemeInvalid(exc.errors, exc.problems) from None


@dataclass
class LeafRow:
    """A scored leaf with its categories' names (一级/二级指标), in scheme order."""

    leaf: EngineLeaf
    category: list[str]


def leaf_rows(scheme: EngineScheme) -> list[LeafRow]:
    ancestry = scheme.ancestry()
    return [LeafRow(leaf, [n.name for n in ancestry.get(leaf.code, ())]) for leaf in scheme.leaves()]


def validate(content: Any) -> list[str]:
    """Every problem of the scheme, each naming its place; [] when usable."""
    return [_problem_text(p) for p in problems(content)]


def _problem_text(p: SchemeProblem) -> str:
    where = p.args.get("where", p.path)
    return f"{where}: {p.message}" if where else p.message


def problems(content: Any) -> list[SchemeProblem]:
    """Every problem of the scheme as the engine's :class:`SchemeProblem` (the engine's own and the
    platform's: year, 数据来源, the stored range of 分值), each at its path in the scheme."""
    if not isinstance(content, dict):
        return [SchemeProblem("", "not_mapping", _("方案: 应为键值结构 (YAML 映射)"))]
    found: list[SchemeProblem] = []
    for key in ("name", "year", "root"):
        if key not in content:
            found.append(SchemeProblem(key, "required", _("缺少必填项")))
    year = content.get("year")
    if year is not None and not (isinstance(year, int) and 2000 <= year <= 2100):
        found.append(SchemeProblem("year", "bad_year", _("年度应为 2000–2100 之间的整数，而不是 %(v)r") % {"v": year},
                                   {"value": year}))
    try:
        scheme = engine_scheme(content)
    except SchemeInvalid as exc:
        return found + [p for p in exc.problems if not (p.code == "required" and any(f.path == p.path for f in found))]
    # 数据来源: the engine takes the module's name as text; the platform knows which modules exist.
    points_limit = field_limit(10, 3)  # IndicatorSpec.points: DecimalField(10, 3)
    for row in leaf_rows(scheme):
        lf = row.leaf
        found.extend(SchemeProblem(f"{lf.path}.platform.source", "bad_source", m, {"where": f"{lf.indicator}.platform.source"})
                     for m in sources.check_leaf(lf.indicator, lf.name, lf.platform.source))
        if lf.points is not None and not (math.isfinite(float(lf.points)) and abs(Decimal(str(lf.points))) < points_limit):
            found.append(SchemeProblem(f"{lf.path}.points", "points_too_large",
                                       _("分值 %(v)s 超出允许范围（绝对值应小于 %(max)s）") % {"v": lf.points, "max": number(points_limit)},
                                       {"where": f"{lf.indicator}.points", "value": lf.points, "max": number(points_limit)}))
    for i, item in enumerate(scheme.platform.collect):
        found.extend(SchemeProblem(f"platform.collect[{i}].source", "bad_source", m, {"where": f"platform.collect.{item.code}.source"})
                     for m in sources.check_leaf(item.code, item.name, item.platform.source))
    return found


def _no_aliases(text: str) -> None:
    """A scheme never needs YAML anchors and aliases (``&a`` / ``*a``); a few lines of them nest
    into a billion strings when the content is stored as JSON (a "billion laughs" bomb), so they
    are refused while parsing, before anything is built."""
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            raise yaml.MarkedYAMLError(problem=_("方案中不能使用 YAML 引用（*别名）：请把内容直接写出"), problem_mark=mark)


def load_yaml(text: str):
    """``yaml.safe_load`` without anchors and aliases (see ``_no_aliases``): the one YAML reader of schemes."""
    _no_aliases(text)
    return yaml.safe_load(text)


def parse_yaml(text: str) -> dict:
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _("第 %(line)s 行第 %(col)s 列") % {"line": mark.line + 1, "col": mark.column + 1} if mark else ""
        raise SchemeInvalid([_("YAML 格式错误 %(where)s: %(problem)s") % {"where": where, "problem": getattr(exc, "problem", exc)}]) from None
    if not isinstance(data, dict):
        raise SchemeInvalid([_("方案: 应为键值结构 (YAML 映射)")])
    return data


def read_scheme_file(data: bytes, filename: str) -> dict:
    """The scheme of an uploaded file: an Excel workbook (.xlsx: sheets 方案 and 指标) or YAML
    (anything else, read as UTF-8); SchemeInvalid naming the place of every problem."""
    if filename.lower().endswith(".xlsx"):
        return workbook_to_content(data, filename)
    return parse_yaml(data.decode("utf-8", errors="replace"))


def to_yaml(content: dict) -> str:
    return yaml.safe_dump(content, allow_unicode=True, sort_keys=False, width=120)


# ---- indicator specs (derived, never edited) ------------------------------------------------


def derive_indicators(version: SchemeVersion) -> list[IndicatorSpec]:
    """Rebuild the version's IndicatorSpec rows from its content (the engine's leaves and the
    scheme's collected base data, each with its platform metadata)."""
    scheme = engine_scheme(version.content)
    units = dict(OrgUnit.objects.values_list("code", "pk"))
    computed = {c.code for c in scheme.computed}
    specs: dict[str, IndicatorSpec] = {}

    def make(code: str, name: str, category: str, platform: Platform, leaf: EngineLeaf | None) -> None:
        if code in specs:
            return
        specs[code] = IndicatorSpec(
            version=version,
            code=code,
            name=name,
            category_path=category,
            unit_of_measure=platform.unit_of_measure,
            responsible_unit_id=units.get(platform.responsible_unit),
            frequency=platform.frequency or Frequency.MONTHLY,
            value_kind=platform.value_kind or ValueKind.PERIOD,
            rules=dict(platform.validation),
            points=Decimal(str(leaf.points)) if leaf is not None else None,
            method=leaf.method if leaf is not None else "",
            direction=leaf.direction if leaf is not None else "higher",
            is_scored=leaf is not None,
            is_collected=code not in computed,
            source=platform.source if code not in computed else "",
            sort_order=len(specs) + 1,
        )

    for row in leaf_rows(scheme):
        make(row.leaf.indicator, row.leaf.name, " / ".join(row.category), row.leaf.platform, row.leaf)
    for item in scheme.platform.collect:
        make(item.code, item.name, item.category or _("基础数据"), item.platform, None)
    with transaction.atomic():
        IndicatorSpec.objects.filter(version=version).delete()
        IndicatorSpec.objects.bulk_create(specs.values())
    return list(specs.values())


# ---- lifecycle ------------------------------------------------------------------------------


def _check(content: dict) -> None:
    found = problems(content)
    if found:
        raise SchemeInvalid([_problem_text(p) for p in found], found)


@transaction.atomic
def import_scheme(
    content: dict,
    *,
    user=None,
    code: str | None = None,
    name: str | None = None,
    peer_groups: list[PeerGroup] | None = None,
    owner_unit: OrgUnit | None = None,
    reason: str = "",
) -> SchemeVersion:
    """Store ``content`` as a new draft version (creating the owner's scheme of the year if needed).

    The owner (考核主体) is ``owner_unit``, else the importing user's unit (an office imports
    its own unit's schemes); a scheme without an owner is refused.
    """
    content = upgrade_legacy(content)
    _check(content)
    year = int(content["year"])
    code = code or engine_scheme(content).platform.code or "HQD"
    if owner_unit is None:
        person = getattr(user, "person", None) if user is not None else None
        owner_unit = person.unit if person is not None else None
    if owner_unit is None:
        raise SchemeInvalid([_("owner_unit: 请指定考核主体（组织考核的单位）")])
    scheme, created = Scheme.objects.get_or_create(
        owner_unit=owner_unit, year=year, code=code, defaults={"name": name or str(content["name"])}
    )
    if created:
        record(AuditAction.CREATE, scheme, after={"year": year, "code": code, "name": scheme.name}, user=user)
    number = (scheme.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = SchemeVersion.objects.create(
        scheme=scheme, number=number, content=content, yaml_text=to_yaml(content), reason=reason, created_by=user
    )
    if peer_groups is None:
        peer_groups = list(PeerGroup.objects.filter(year=year))
    version.peer_groups.set(peer_groups)
    derive_indicators(version)
    record(AuditAction.IMPORT, version, after={"number": number, "indicators": version.indicators.count()}, reason=reason, user=user)
    return version


@transaction.atomic
def update_draft(version: SchemeVersion, content: dict, *, user=None, reason: str = "", base_hash: str = "") -> SchemeVersion:
    """Replace a draft's content (validated); adopted versions refuse. With ``base_hash`` (the
    ``content_hash`` the edit started from), refused with SchemeStale when someone else saved the
    draft since — the scheme editor and the API both send it."""
    if base_hash:
        stored = SchemeVersion.objects.select_for_update().get(pk=version.pk)
        if stored.content_hash() != base_hash:
            raise SchemeStale([_("此草稿在您打开后已被他人保存，为免覆盖，本次未保存。请重新打开编辑器再修改。")])
    if version.status != VersionStatus.DRAFT:
        raise SchemeInvalid([_("已发布的方案版本不可修改；请新建版本并说明原因。")])
    content = upgrade_legacy(content)
    _check(content)
    before = version.content
    version.content = content
    version.yaml_text = to_yaml(content)
    if reason:
        version.reason = reason
    version.save()
    derive_indicators(version)
    record(AuditAction.UPDATE, version, before={"content": before}, after={"content": content}, reason=reason, user=user)
    return version


@transaction.atomic
def new_version(version: SchemeVersion, *, reason: str, user=None) -> SchemeVersion:
    """A new draft copied from ``version``; a reason is required (与时俱进调整完善)."""
    if not reason.strip():
        raise SchemeInvalid([_("reason: 新建版本须说明修订原因")])
    number = version.scheme.versions.order_by("-number").values_list("number", flat=True).first() + 1
    draft = SchemeVersion.objects.create(
        scheme=version.scheme, number=number, content=copy.deepcopy(version.content),
        yaml_text=version.yaml_text, reason=reason, created_by=user,
    )
    draft.peer_groups.set(version.peer_groups.all())
    derive_indicators(draft)
    record(AuditAction.CREATE, draft, after={"from_version": version.pk, "number": number}, reason=reason, user=user)
    return draft


@transaction.atomic
def adopt(version: SchemeVersion, *, user=None) -> SchemeVersion:
    """Adopt a draft: the previously adopted version is superseded and its data carried forward."""
    if version.status != VersionStatus.DRAFT:
        raise SchemeInvalid([_("只有草稿可以发布")])
    _check(version.content)
    previous = version.scheme.versions.filter(status=VersionStatus.ADOPTED).exclude(pk=version.pk).first()
    carried = 0
    if previous is not None:
        previous.status = VersionStatus.SUPERSEDED
        previous.save()
        codes = set(version.indicators.values_list("code", flat=True))
        carried = DataValue.objects.filter(version=previous, indicator__in=codes).update(version=version)
        ValueChange.objects.filter(version=previous, indicator__in=codes).update(version=version)  # history goes along
        # The draft's own targets (typed or imported beside it) win; the rest come along.
        own = set(Target.objects.filter(version=version).values_list("unit_id", "indicator"))
        Target.objects.filter(pk__in=[pk for pk, unit_id, indicator in Target.objects.filter(
            version=previous, indicator__in=codes).values_list("pk", "unit_id", "indicator")
            if (unit_id, indicator) not in own]).update(version=version)
        Submission.objects.filter(version=previous).update(version=version)
    version.status = VersionStatus.ADOPTED
    version.adopted_at = timezone.now()
    version.adopted_by = user
    version.save()
    record(
        AuditAction.PUBLISH, version,
        before={"previous_version": previous.pk if previous else None},
        after={"status": "adopted", "values_carried_forward": carried}, user=user,
    )
    return version


@transaction.atomic
def clone_to_year(version: SchemeVersion, year: int, *, user=None) -> SchemeVersion:
    """Start next year's scheme from ``version`` (a draft; peer groups of that year by code)."""
    content = copy.deepcopy(version.content)
    content["year"] = year
    if isinstance(content.get("name"), str):
        content["name"] = content["name"].replace(str(version.scheme.year), str(year))
    groups = list(PeerGroup.objects.filter(year=year, code__in=version.peer_groups.values_list("code", flat=True)))
    return import_scheme(
        content, user=user, code=version.scheme.code, name=content.get("name"), peer_groups=groups,
        owner_unit=version.scheme.owner_unit,
        reason=_("由 %(year)s 年方案 v%(n)s 复制") % {"year": version.scheme.year, "n": version.number},
    )


# ---- diff -----------------------------------------------------------------------------------

DIFF_FIELDS = ("name", "points", "weight", "direction", "method", "params", "responsible_unit", "frequency", "source")


@dataclass
class DiffRow:
    code: str
    change: str  # added | removed | reweighted | changed | same
    left: dict | None
    right: dict | None
    fields: list[str] = field(default_factory=list)


def _leaf_map(content: dict) -> dict[str, dict]:
    out = {}
    for row in leaf_rows(engine_scheme(content)):
        lf = row.leaf
        out[lf.indicator] = {
            "name": lf.name, "points": _plain(lf.points), "weight": _plain(lf.weight), "direction": lf.direction,
            "method": lf.method, "params": dict(lf.params) or None,
            "responsible_unit": lf.platform.responsible_unit or None, "frequency": lf.platform.frequency or None,
            "source": lf.platform.source or None, "category": " / ".join(row.category),
        }
    return out


def diff(left: dict, right: dict) -> list[DiffRow]:
    """Indicator-by-indicator comparison: added, removed, re-weighted or otherwise changed."""
    a, b = _leaf_map(left), _leaf_map(right)
    rows: list[DiffRow] = []
    for code in list(a) + [c for c in b if c not in a]:
        la, rb = a.get(code), b.get(code)
        if la is None:
            rows.append(DiffRow(code, "added", None, rb))
        elif rb is None:
            rows.append(DiffRow(code, "removed", la, None))
        else:
            changed = [f for f in DIFF_FIELDS if json.dumps(la.get(f), sort_keys=True, default=str) != json.dumps(rb.get(f), sort_keys=True, default=str)]
            kind = "same"
            if changed:
                kind = "reweighted" if set(changed) <= {"points", "weight"} else "changed"
            rows.append(DiffRow(code, kind, la, rb, changed))
    return rows


def diff_summary(rows: list[DiffRow]) -> dict[str, int]:
    out = {"added": 0, "removed": 0, "reweighted": 0, "changed": 0, "same": 0}
    for row in rows:
        out[row.change] += 1
    return out


# ---- Excel workbook (one row per indicator) ---------------------------------------------------

SHEET_INDICATORS = "指标"
SHEET_SCHEME = "方案"
COLUMNS = [
    ("category1", "一级类别"), ("category2", "二级类别"), ("code", "指标代码"), ("name", "指标名称"),
    ("unit_of_measure", "计量单位"), ("points", "分值"), ("direction", "方向"), ("method", "计分方法"),
    ("params", "参数"), ("responsible_unit", "责任单位"), ("frequency", "报送频次"), ("value_kind", "数值类型"),
    ("source", "数据来源"),
]
DIRECTION_CN = {"higher": "正向", "lower": "逆向"}
FREQUENCY_CN = {"monthly": "月度", "quarterly": "季度", "half_yearly": "半年", "yearly": "年度"}
KIND_CN = {"period": "当期值", "ytd": "累计值"}
TOP_KEYS_IN_SHEET = ("name", "year", "precision", "total", "description", "bonus", "deduction", "bonus_cap", "deduction_cap", "veto", "tiers", "boards", "computed", "platform")
#: Rows of sheet 方案 that workbooks written before the ``platform`` place existed carry.
LEGACY_KEYS_IN_SHEET = ("code", "collect", "flags")


def _rev(mapping: dict[str, str], value: str) -> str:
    for key, label in mapping.items():
        if value in (key, label):
            return key
    return value


SHEET_COLUMNS = tuple(Column(key, label, required=key in ("code", "name", "points")) for key, label in COLUMNS)


def workbook_to_content(data: bytes, filename: str = "scheme.xlsx") -> dict:
    """Read a scheme workbook (sheets 方案 and 指标); errors name sheet, row and column."""
    try:
        book = read_workbook(data, filename, sheets=(SHEET_SCHEME, SHEET_INDICATORS))
        sheet = book.sheet(SHEET_INDICATORS)
        table = sheet.table(SHEET_COLUMNS, keep_cell_errors=True)
    except TabularError as exc:
        raise SchemeInvalid(exc.texts(get_language())) from None
    errors: list[RowError] = list(sheet.errors)
    content: dict[str, Any] = {}
    meta = book.sheet(SHEET_SCHEME, required=False)
    if meta is not None:
        errors += meta.errors
        for row in meta.rows:
            if row.number == 1 or row.get(0) is None:
                continue
            key, value = str(row.get(0)).strip(), row.get(1)
            if key not in TOP_KEYS_IN_SHEET + LEGACY_KEYS_IN_SHEET:
                errors.append(RowError(SHEET_SCHEME, row.number, "A", _("未知项 %(k)s") % {"k": key}))
                continue
            if isinstance(value, str) and key not in ("name", "code"):
                try:
                    value = load_yaml(value)
                except yaml.YAMLError:
                    errors.append(RowError(SHEET_SCHEME, row.number, "B", _("不是有效的 YAML")))
                    continue
            content[key] = value
    root: dict[str, Any] = {"code": "root", "name": content.get("name", ""), "children": []}
    cats: dict[tuple, dict] = {}
    for row in table.rows:
        cell = table.record(row)
        leaf: dict[str, Any] = {"code": cell_text(cell["code"]), "name": cell_text(cell["name"])}
        if not leaf["code"]:
            errors.append(table.error(row, "code", _("指标代码为空")))
            continue
        try:
            points = parse_number(cell["points"])
        except NumberError as exc:
            errors.append(table.error(row, "points", f"“{cell['points']}”{exc.reason}", f"'{cell['points']}' {exc.reason_en}"))
            continue
        leaf["points"] = 0 if points is None else int(points) if points == points.to_integral_value() else float(points)
        platform: dict[str, Any] = {}
        for key, mapping in (("direction", DIRECTION_CN), ("frequency", FREQUENCY_CN), ("value_kind", KIND_CN)):
            if cell.get(key):
                (leaf if key == "direction" else platform)[key] = _rev(mapping, cell_text(cell[key]))
        for key in ("method", "unit_of_measure", "responsible_unit", "source"):
            if cell.get(key):
                (leaf if key == "method" else platform)[key] = cell_text(cell[key])
        if platform:
            leaf["platform"] = platform
        if cell.get("params"):
            try:
                params = load_yaml("\n".join(part.strip().replace("=", ": ", 1)
                                                   for part in str(cell["params"]).replace("；", ";").split(";")))
            except yaml.YAMLError:
                params = None
            if not isinstance(params, dict):
                errors.append(table.error(row, "params", _("参数应写作 step=3; min=0")))
                continue
            leaf["params"] = params
        c1 = cell_text(cell.get("category1")) or str(_("未分类"))
        c2 = cell_text(cell.get("category2"))
        if (c1,) not in cats:
            cats[(c1,)] = {"code": f"C{len(cats) + 1}", "name": c1, "children": []}
            root["children"].append(cats[(c1,)])
        parent = cats[(c1,)]
        if c2:
            if (c1, c2) not in cats:
                cats[(c1, c2)] = {"code": f"{parent['code']}_{len(parent['children']) + 1}", "name": c2, "children": []}
                parent["children"].append(cats[(c1, c2)])
            parent = cats[(c1, c2)]
        parent["children"].append(leaf)
    if errors:
        raise SchemeInvalid([e.text(get_language()) for e in errors])
    content["root"] = root
    return upgrade_legacy(content)


def content_to_workbook(content: dict) -> bytes:
    """The scheme as a workbook the office can print as the 考核办法 annex and import back."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill

    from kaohe.lib.exports import append_row

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET_INDICATORS
    append_row(ws, [label for _k, label in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F3")
    for row in leaf_rows(engine_scheme(content)):
        lf, pf = row.leaf, row.leaf.platform
        append_row(ws, [
            row.category[0] if row.category else "",
            " / ".join(row.category[1:]),
            lf.indicator, lf.name, pf.unit_of_measure, _plain(lf.points),
            DIRECTION_CN.get(lf.direction, lf.direction),
            lf.method,
            "; ".join(f"{k}={json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else _plain(v)}"
                      for k, v in lf.params.items()),
            pf.responsible_unit,
            FREQUENCY_CN.get(pf.frequency, pf.frequency),
            KIND_CN.get(pf.value_kind, pf.value_kind),
            pf.source,
        ])
    for col, width in zip("ABCDEFGHIJKLM", (14, 16, 16, 30, 10, 8, 8, 14, 24, 12, 10, 10, 10), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    meta = wb.create_sheet(SHEET_SCHEME)
    append_row(meta, ["项目", "内容"])
    for key in TOP_KEYS_IN_SHEET:
        if content.get(key) is not None:
            value = content[key]
            append_row(meta, [key, value if isinstance(value, str | int | float) else to_yaml(value)])
    for row in meta.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    meta.column_dimensions["B"].width = 80
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def content_to_docx(content: dict, units: dict[str, str] | None = None) -> bytes:
    """The printed annex (附件: 考核指标及评分细则) as a GB/T 9704 .docx (kaohe.lib.gbt9704): A4 with the
    standard margins, the table's header repeated on every page (landscape when too wide), 仿宋/黑体 by name."""
    from kaohe.lib import gbt9704

    units = units or {}
    document = gbt9704.Document(str(content.get("name", "")) + _("考核指标及评分细则"))
    rows = []
    for row in leaf_rows(engine_scheme(content)):
        lf, pf = row.leaf, row.leaf.platform
        rows.append([
            " / ".join(row.category),
            f"{lf.name}（{pf.unit_of_measure}）" if pf.unit_of_measure else lf.name,
            str(_plain(lf.points)),
            explain_method(lf),
            units.get(pf.responsible_unit, pf.responsible_unit),
            FREQUENCY_CN.get(pf.frequency, ""),
        ])
    document.table(_("考核指标及评分细则"), _("分"), [_("类别"), _("指标"), _("分值"), _("计分方法"), _("责任单位"), _("报送频次")],
                   rows, widths=[3, 5, 1.5, 9, 3, 2], align=["l", "l", "c", "l", "l", "c"])
    return document.to_bytes()


def _plain(x: Any) -> Any:
    """7.0 → 7 (a whole number written as one), anything else unchanged."""
    return int(x) if isinstance(x, float) and x.is_integer() else x


#: The scoring methods' names for people; the code stays in the scheme file.
METHOD_LABELS = {
    "rank_points": gettext_lazy("排名赋分"),
    "rank_ratio": gettext_lazy("与第一名比值"),
    "efficacy": gettext_lazy("功效系数法"),
    "minmax": gettext_lazy("极差法"),
    "goalposts": gettext_lazy("区间线性得分"),
    "target": gettext_lazy("目标完成"),
    "mean_relative": gettext_lazy("与平均值比较"),
    "threshold": gettext_lazy("达标得分"),
    "zscore": gettext_lazy("标准分"),
}
#: The methods' parameters by name (the scheme diff and the editor say these, never ``step``).
PARAM_LABELS = {
    "step": gettext_lazy("每后移一名扣分"),
    "min": gettext_lazy("最低得分"),
    "base": gettext_lazy("基础分比例"),
    "lower": gettext_lazy("下限"),
    "upper": gettext_lazy("上限"),
    "mode": gettext_lazy("计分方式"),
    "below": gettext_lazy("每差1个单位扣分"),
    "above": gettext_lazy("每超1个单位加分"),
    "above_max": gettext_lazy("加分上限"),
    "cap": gettext_lazy("封顶倍数"),
    "sd": gettext_lazy("标准差口径"),
    "value": gettext_lazy("达标值"),
    "partial": gettext_lazy("未达标得分"),
}


#: What a scheme diff names as changed, in words.
FIELD_LABELS = {
    "name": gettext_lazy("名称"), "points": gettext_lazy("分值"), "weight": gettext_lazy("权重"),
    "direction": gettext_lazy("方向"), "method": gettext_lazy("计分方法"), "params": gettext_lazy("计分参数"),
    "responsible_unit": gettext_lazy("责任单位"), "frequency": gettext_lazy("报送频次"), "source": gettext_lazy("数据来源"),
}


def params_text(params: dict | None) -> str:
    """``{"step": 0.3}`` → 每后移一名扣分 0.3 (a scheme's parameters in words, never a Python dict)."""
    if not params:
        return ""
    return "，".join(f"{param_label(k)} {_plain(v) if not isinstance(v, str) else v}" for k, v in params.items())


def method_label(code: str | None) -> str:
    """``rank_points`` → 排名赋分 (an unknown code is shown as 其他方法, never raw)."""
    if not code:
        return ""
    label = METHOD_LABELS.get(code)
    return str(label) if label is not None else str(gettext_lazy("其他计分方法"))


def param_label(key: str) -> str:
    label = PARAM_LABELS.get(key)
    return str(label) if label is not None else key


#: The scoring rules in words, one per method (and per direction or mode where the rule differs);
#: ``%(pts)s`` is the full marks, the other placeholders the method's parameters. The scheme editor
#: fills the same texts in the page as the office types (``rule_key`` picks the text there too).
RULE_TEXTS = {
    "rank_points": gettext_lazy("排名赋分：第1名得%(pts)s分，每后移一名扣%(step)s分，最低%(min)s分"),
    "rank_ratio": gettext_lazy("按第1名的比例得分：%(pts)s × 本单位值 ÷ 最优值"),
    "rank_ratio_lower": gettext_lazy("按第1名的比例得分：%(pts)s × 最优值 ÷ 本单位值"),
    "efficacy": gettext_lazy("功效系数法：%(pts)s × (%(base)s + (1 − %(base)s) × (值 − 最差) ÷ (最优 − 最差))"),
    "minmax": gettext_lazy("极差法：%(pts)s × (值 − 最差) ÷ (最优 − 最差)"),
    "goalposts": gettext_lazy("在 %(lower)s 与 %(upper)s 之间线性得分"),
    "target": gettext_lazy("目标完成率：%(pts)s × min(实际 ÷ 目标, %(cap)s)"),
    "target_lower": gettext_lazy("目标完成率：%(pts)s × min(目标 ÷ 实际, %(cap)s)"),
    "target_steps": gettext_lazy("完成目标得%(pts)s分，每超1个单位加%(above)s分(最多%(above_max)s分)，每差1个单位扣%(below)s分"),
    "mean_relative": gettext_lazy("达到全组平均得满分，低于平均每差1个单位扣%(below)s分"),
    "threshold": gettext_lazy("达到 %(value)s 得%(pts)s分，否则得%(partial)s分"),
    "zscore": gettext_lazy("标准分：%(pts)s × Φ(z)"),
}


def rule_key(method: str, direction: str = "higher", mode: str = "ratio") -> str:
    """Which of :data:`RULE_TEXTS` says ``method``'s rule (lower is better and target modes differ)."""
    if method == "rank_ratio" and direction == "lower":
        return "rank_ratio_lower"
    if method == "target":
        return "target_steps" if mode == "steps" else ("target_lower" if direction == "lower" else "target")
    return method


def explain_method(leaf: EngineLeaf) -> str:
    """The scoring rule in words (shown beside the method in the tree and the annex)."""
    text = RULE_TEXTS.get(rule_key(leaf.method, leaf.direction, str(leaf.params.get("mode", "ratio"))))
    if text is None:
        return method_label(leaf.method)
    values = {k: _plain(v) for k, v in leaf.params.items()}
    return str(text) % {"pts": _plain(leaf.points), **values}
