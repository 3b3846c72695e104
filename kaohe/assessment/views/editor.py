"""What the scheme editor's page needs beside the tree: the lists to choose from, in words.

The methods and their parameters are the engine's (``kaohe.engine.scheme.method_params``); the
words for them are the platform's (``schemes.METHOD_LABELS``, ``PARAM_LABELS``, ``RULE_TEXTS``,
``scheme_messages.CHOICE_LABELS``). The page script reads the same lists (``json_script``) to
show a method's fields and its rule in words as the office types.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from kaohe.assessment import scheme_editor as editor
from kaohe.assessment import schemes as svc
from kaohe.assessment.models import SchemeVersion
from kaohe.assessment.scheme_messages import CHOICE_LABELS
from kaohe.assessment.targets import target_columns
from kaohe.engine.scheme import METHODS, method_params
from kaohe.orgs.choices import UnitKind
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.scope import subtree_ids

#: 计量单位 offered as the office types (the scheme's own are added).
COMMON_UNITS = ("%", "亿元", "万元", "元", "个", "家", "项", "人", "户", "件", "次", "天", "吨", "万吨", "公顷",
                "亩", "平方米", "公里", "千瓦", "微克/立方米", "吨标准煤/万元", "分")


def _choices(key: str) -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in CHOICE_LABELS[key].items()]


def method_specs() -> list[dict]:
    """Every method with its label and parameters (label, default, choices, required)."""
    out = []
    for code in METHODS:
        params = []
        for p in method_params(code):
            params.append({
                "name": p.name, "label": svc.param_label(p.name),
                "default": "" if p.default is None else svc._plain(p.default) if not isinstance(p.default, str) else p.default,
                "required": p.required and p.required_in_mode is None, "required_in_mode": p.required_in_mode or "",
                "choices": [(c, str(CHOICE_LABELS.get(p.name, {}).get(c, c))) for c in p.choices],
            })
        out.append({"code": code, "label": svc.method_label(code), "params": params})
    return out


def responsible_units(version: SchemeVersion, state: editor.EditorState) -> list[tuple[str, str]]:
    """责任单位 to choose from: the departments under the scheme's owner, then any unit already named."""
    ids = subtree_ids(version.scheme.owner_unit_id)
    units = list(OrgUnit.objects.filter(pk__in=ids, kind=UnitKind.DEPARTMENT).order_by("sort_order", "code")
                 .values_list("code", "name"))
    known = {code for code, _name in units}
    named = {n.values.get("responsible_unit") for n in state.walk() if n.is_leaf} - known - {""}
    if named:
        units += list(OrgUnit.objects.filter(code__in=named).order_by("code").values_list("code", "name"))
        for code in sorted(named - {c for c, _n in units}):
            units.append((code, _("未知单位 %(c)s") % {"c": code}))
    return units


def editor_context(request, version: SchemeVersion, state: editor.EditorState | None = None) -> dict:
    state = state or editor.tree_of(version.content, version)
    leaves = [n for n in state.walk() if n.is_leaf]
    collect = ((version.content.get("platform") or {}).get("collect") or []) if isinstance(version.content, dict) else []
    indicators = [(n.values["code"], n.values["name"] or n.values["code"]) for n in leaves if n.values.get("code")]
    indicators += [(c.get("code"), c.get("name") or c.get("code")) for c in collect if isinstance(c, dict) and c.get("code")]
    units_of_measure = sorted({n.values.get("unit_of_measure") for n in leaves} - {""} - set(COMMON_UNITS))
    return {
        "methods": method_specs(),
        "rule_texts": {k: str(v) for k, v in svc.RULE_TEXTS.items()},
        "directions": _choices("direction"), "missing_rules": _choices("missing"), "transforms": _choices("transform"),
        "aggregates": _choices("aggregate"), "frequencies": _choices("frequency"), "value_kinds": _choices("value_kind"),
        "units": responsible_units(version, state), "indicator_choices": indicators,
        "units_of_measure": [*COMMON_UNITS, *units_of_measure],
        "blank_leaf": editor.blank("leaf"), "blank_node": editor.blank("node"),
        "booleans": [("", _("不限")), ("true", _("是")), ("false", _("否"))],
        "missing": [c for c in target_columns(version) if c.missing], "target_link": True,
    }


def _field(node: editor.EditNode, key: str, label: str, kind: str = "text", *, choices=None, value=None,
           errors_key: str | None = None, **attrs) -> dict:
    return {"name": f"n-{node.id}-{key}", "key": key, "label": label, "kind": kind,
            "value": node.values.get(key, "") if value is None else value, "choices": choices or [],
            "errors": node.errors.get(errors_key or key, []), "attrs": attrs}


def decorate(state: editor.EditorState, ctx: dict) -> None:
    """Give every node (and the blanks the page copies) its fields, in groups, for the template.

    A leaf carries the parameter fields of its own method only; the page copies another method's
    from ``param_templates`` when the office picks it (97 leaves × 9 methods would be 1.9 MB)."""
    for node in [*state.walk(), ctx["blank_leaf"], ctx["blank_node"]]:
        node.groups = _leaf_groups(node, ctx) if node.is_leaf else _node_groups(node, ctx)
    blank = ctx["blank_leaf"]
    ctx["param_templates"] = [p for p in _param_groups(blank, ctx, every=True)]


def _node_groups(n: editor.EditNode, ctx: dict) -> list[dict]:
    return [{"title": "", "fields": [
        _field(n, "code", _("类别代码"), placeholder=_("留空自动生成"), help=_("用于晒榜、导出等处引用本类别")),
        _field(n, "aggregate", _("汇总方式"), "select", choices=ctx["aggregates"], ed="aggregate"),
        _field(n, "points", _("满分（平均汇总时必填）"), "number", ed="node-points"),
    ]}]


def _param_groups(n: editor.EditNode, ctx: dict, *, every: bool = False) -> list[dict]:
    method = n.values.get("method", "")
    params = []
    for m in ctx["methods"]:
        if not every and m["code"] != method:
            continue
        typed = n.params.get(m["code"], {})
        fields = []
        for p in m["params"]:
            f = _field(n, f"m-{m['code']}-{p['name']}", p["label"], "select" if p["choices"] else "number",
                       choices=[("", _("默认（%(d)s）") % {"d": dict(p["choices"]).get(p["default"], p["default"])}), *p["choices"]]
                       if p["choices"] else None,
                       value=typed.get(p["name"], ""), errors_key=f"p-{p['name']}", param=p["name"],
                       placeholder=(_("默认 %(d)s") % {"d": p["default"]}) if p["default"] != "" else "")
            f["required"] = p["required"]
            f["required_in_mode"] = p["required_in_mode"]
            fields.append(f)
        params.append({"method": m["code"], "fields": fields, "hidden": False})
    return params


def _leaf_groups(n: editor.EditNode, ctx: dict) -> list[dict]:
    methods = [("", _("请选择")), *[(m["code"], m["label"]) for m in ctx["methods"]]]
    params = _param_groups(n, ctx)
    # 责任单位 and 不大于指标: the page fills the whole list when the field is first opened (one
    # list for the page, not one per leaf); the leaf's own choice is there from the start.
    unit = n.values.get("responsible_unit", "")
    unit_names = dict(ctx["units"])
    units = [("", _("未指定"))] + ([(unit, unit_names.get(unit, unit))] if unit else [])
    part_of = n.values.get("v-part_of", "")
    names = dict(ctx["indicator_choices"])
    indicators = [("", _("不限"))] + ([(part_of, names.get(part_of, part_of))] if part_of else [])
    return [
        {"title": _("基本信息"), "fields": [
            _field(n, "name", _("指标名称"), ed="name", required=True),
            _field(n, "code", _("指标代码"), help=_("数据填报与导入时识别指标用，保存后不宜再改"), required=True),
            _field(n, "points", _("分值"), "number", ed="points", required=True),
            _field(n, "unit_of_measure", _("计量单位"), "datalist"),
        ]},
        {"title": _("计分规则"), "fields": [
            _field(n, "method", _("计分方法"), "select", choices=methods, ed="method", required=True),
            _field(n, "direction", _("指标方向"), "select", choices=ctx["directions"], ed="direction"),
            _field(n, "missing", _("缺失值处理"), "select", choices=ctx["missing_rules"]),
            _field(n, "transform", _("数值变换"), "select", choices=ctx["transforms"]),
        ], "params": params},
        {"title": _("数据采集"), "fields": [
            _field(n, "responsible_unit", _("责任单位"), "select", choices=units, options="units"),
            _field(n, "frequency", _("报送频次"), "select", choices=[("", _("月度（默认）")), *ctx["frequencies"]]),
            _field(n, "value_kind", _("数值类型"), "select", choices=[("", _("当期值（默认）")), *ctx["value_kinds"]]),
        ]},
        {"title": _("数据审核"), "errors": n.errors.get("validation", []), "fields": [
            _field(n, "v-min", _("最小值"), "number"),
            _field(n, "v-max", _("最大值"), "number"),
            _field(n, "v-jump_pct", _("波动提示幅度（%）"), "number"),
            _field(n, "v-allow_negative", _("允许负数"), "select", choices=ctx["booleans"]),
            _field(n, "v-integer", _("须为整数"), "select", choices=ctx["booleans"]),
            _field(n, "v-required", _("必须填报"), "select", choices=ctx["booleans"]),
            _field(n, "v-part_of", _("不大于指标"), "select", choices=indicators, options="indicators"),
        ]},
    ]
