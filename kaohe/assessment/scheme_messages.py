"""方案校验提示的中文: the engine's scheme problems (path, code, facts) said in Chinese and placed.

The engine stays pure and English (``kaohe.engine.errors.SchemeProblem``); this module is the
one translation of it. It words a problem from its ``code`` and ``args`` (never from the
English message) and names its place by the names in the scheme (「经济发展」›「GDP增速」·
分值) instead of ``root.children[0].children[1].points``. The scheme editor places the same
problems at the field (``kaohe.assessment.scheme_editor``).
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaohe.assessment.schemes import METHOD_LABELS, PARAM_LABELS, SchemeProblem, method_label

#: The scheme's keys by name (the last part of a path).
KEY_LABELS = {
    "name": gettext_lazy("名称"), "code": gettext_lazy("代码"), "year": gettext_lazy("年度"),
    "precision": gettext_lazy("保留小数位数"), "total": gettext_lazy("方案总分"), "root": gettext_lazy("指标体系"),
    "children": gettext_lazy("下级指标"), "points": gettext_lazy("分值"), "weight": gettext_lazy("权重"),
    "aggregate": gettext_lazy("汇总方式"), "method": gettext_lazy("计分方法"), "params": gettext_lazy("计分参数"),
    "direction": gettext_lazy("指标方向"), "missing": gettext_lazy("缺失值处理"), "transform": gettext_lazy("数值变换"),
    "indicator": gettext_lazy("数据指标"), "description": gettext_lazy("说明"),
    "min_present": gettext_lazy("至少有数据的下级指标数"), "max_missing": gettext_lazy("最多缺失指标数"),
    "platform": gettext_lazy("平台信息"), "responsible_unit": gettext_lazy("责任单位"),
    "frequency": gettext_lazy("报送频次"), "unit_of_measure": gettext_lazy("计量单位"),
    "value_kind": gettext_lazy("数值类型"), "validation": gettext_lazy("数据审核规则"), "source": gettext_lazy("数据来源"),
    "bands": gettext_lazy("色带"), "green": gettext_lazy("绿色下限"), "yellow": gettext_lazy("黄色下限"),
    "name_en": gettext_lazy("英文名称"), "min": gettext_lazy("最小值"), "max": gettext_lazy("最大值"),
    "allow_negative": gettext_lazy("允许负数"), "integer": gettext_lazy("须为整数"), "required": gettext_lazy("必须填报"),
    "jump_pct": gettext_lazy("波动提示幅度"), "part_of": gettext_lazy("不大于指标"),
    "bonus": gettext_lazy("加分项"), "deduction": gettext_lazy("扣分项"), "bonus_cap": gettext_lazy("加分上限"),
    "deduction_cap": gettext_lazy("扣分上限"), "per": gettext_lazy("每项分值"), "cap": gettext_lazy("上限"),
    "veto": gettext_lazy("一票否决"), "indicators": gettext_lazy("指标"), "effect": gettext_lazy("否决后果"),
    "tiers": gettext_lazy("等次"), "by": gettext_lazy("评定方式"), "levels": gettext_lazy("等次档"),
    "share": gettext_lazy("比例"), "count": gettext_lazy("名额"), "boards": gettext_lazy("晒榜"),
    "computed": gettext_lazy("派生指标"), "formula": gettext_lazy("计算公式"), "scale": gettext_lazy("倍数"),
    "collect": gettext_lazy("采集的基础数据"), "category": gettext_lazy("类别"), "flags": gettext_lazy("红旗/黄灯规则"),
    "rule": gettext_lazy("规则"), "measure": gettext_lazy("比较口径"), "times": gettext_lazy("连续次数"),
    "red": gettext_lazy("红旗"), "yellow_flags": gettext_lazy("黄灯"),
}

#: Words of the scheme's choices (what the editor's lists show).
CHOICE_LABELS = {
    "direction": {"higher": gettext_lazy("正向（越大越好）"), "lower": gettext_lazy("逆向（越小越好）")},
    "missing": {"zero": gettext_lazy("记0分"), "mean": gettext_lazy("按同组平均值计"),
                "exclude": gettext_lazy("不计入，按比例折算")},
    "transform": {"none": gettext_lazy("不变换"), "log": gettext_lazy("取自然对数")},
    "aggregate": {"sum": gettext_lazy("求和"), "mean": gettext_lazy("加权平均"), "geometric": gettext_lazy("几何平均")},
    "frequency": {"monthly": gettext_lazy("月度"), "quarterly": gettext_lazy("季度"),
                  "half_yearly": gettext_lazy("半年"), "yearly": gettext_lazy("年度")},
    "value_kind": {"period": gettext_lazy("当期值"), "ytd": gettext_lazy("累计值")},
    "mode": {"ratio": gettext_lazy("按完成比例"), "steps": gettext_lazy("按超额/差额加减分")},
    "sd": {"population": gettext_lazy("总体标准差"), "sample": gettext_lazy("样本标准差")},
    "effect": {"bar_top_tier": gettext_lazy("不得评为第一等次"), "last_tier": gettext_lazy("定为末等"),
               "zero": gettext_lazy("总分记零")},
    "by": {"bands": gettext_lazy("按分数段"), "quota": gettext_lazy("按名额")},
}

_STEP = re.compile(r"([A-Za-z_]+)|\[(\d+)\]")


def steps(path: str) -> list[str | int]:
    """``root.children[0].params.step`` → ``["root", "children", 0, "params", "step"]``."""
    return [int(m.group(2)) if m.group(2) is not None else m.group(1) for m in _STEP.finditer(path or "")]


def key_label(key: str) -> str:
    if key in PARAM_LABELS:
        return str(PARAM_LABELS[key])
    label = KEY_LABELS.get(key)
    return str(label) if label is not None else str(_("此项"))


def choice_label(key: str, value: Any) -> str:
    if key == "method":
        return method_label(str(value)) if str(value) in METHOD_LABELS else f"“{value}”"
    label = CHOICE_LABELS.get(key, {}).get(str(value))
    return str(label) if label is not None else f"“{value}”"


def _last_key(path: str) -> str:
    names = [s for s in steps(path) if isinstance(s, str)]
    return names[-1] if names else ""


def _num(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def message(problem: SchemeProblem) -> str:
    """The problem in Chinese, without its place (the editor shows it at the field)."""
    a = dict(problem.args)
    key = _last_key(problem.path)
    code = problem.code
    v = a.get("value")
    if code == "not_a_number":
        return _("应为数字，而不是“%(v)s”") % {"v": v}
    if code == "not_finite":
        return _("应为有限的数字")
    if code == "not_positive":
        return _("应大于0（现为 %(v)s）") % {"v": _num(v)}
    if code == "negative":
        return _("不能为负数（现为 %(v)s）") % {"v": _num(v)}
    if code == "required":
        if key == "method":
            return _("请选择计分方法")
        if key == "points":
            return _("请填写分值")
        if key == "code":
            return _("请填写代码")
        return _("必须填写")
    if code == "param_required":
        return _("采用“%(m)s”时必须填写%(p)s") % {"m": method_label(a.get("method")), "p": key_label(str(a.get("key")))}
    if code == "unknown_choice":
        choices = "、".join(choice_label(key, c) for c in a.get("choices") or [])
        hint = _("，是否应为%(s)s？") % {"s": choice_label(key, a["suggestion"])} if a.get("suggestion") else ""
        return _("%(v)s不是可选的%(what)s%(hint)s（可选：%(c)s）") % {
            "v": choice_label(key, v), "what": key_label(key), "hint": hint, "c": choices}
    if code == "unknown_key":
        return _("不认识的设置项“%(k)s”") % {"k": a.get("key")} + (
            _("，是否应为“%(s)s”（%(l)s）？") % {"s": a["suggestion"], "l": key_label(a["suggestion"])} if a.get("suggestion") else "")
    if code == "unknown_param":
        return _("“%(m)s”没有参数“%(k)s”") % {"m": method_label(a.get("method")), "k": a.get("key")}
    if code == "not_text":
        return _("应为文字")
    if code in ("not_mapping", "not_list"):
        return _("格式不对")
    if code == "leaf_key_on_node":
        return _("%(k)s只能设在指标上，不能设在类别上") % {"k": key_label(str(a.get("key")))}
    if code == "points_required_for_aggregate":
        return _("按%(a)s汇总的类别须填写满分") % {"a": choice_label("aggregate", a.get("aggregate"))}
    if code == "no_children":
        return _("类别下至少要有一个指标")
    if code == "all_weights_zero":
        return _("下级指标的权重不能全为0")
    if code == "not_whole":
        return _("应为整数（现为 %(v)s）") % {"v": _num(v)}
    if code == "out_of_range":
        return _("应在 %(lo)s 到 %(hi)s 之间（现为 %(v)s）") % {"lo": a.get("low"), "hi": a.get("high"), "v": _num(v)}
    if code == "root_missing_rule":
        return _("总分没有上级，不能设缺失处理；数据不足的单位不参与排名")
    if code == "missing_rule_needs_minimum":
        return _("类别的缺失处理须与“至少有数据的下级指标数”或“最多缺失指标数”一起设置")
    if code == "goalposts_not_positive_for_log":
        return _("取对数时上下限都须大于0（下限 %(lo)s，上限 %(hi)s）") % {"lo": _num(a.get("lower")), "hi": _num(a.get("upper"))}
    if code == "goalposts_equal":
        return _("下限与上限不能相等（均为 %(v)s）") % {"v": _num(v)}
    if code == "not_a_share":
        return _("应在 0 到 1 之间（现为 %(v)s）") % {"v": _num(v)}
    if code == "duplicate_code":
        return _("代码“%(v)s”重复使用") % {"v": v}
    if code == "unknown_reference":
        return _("“%(v)s”不是本方案的指标或类别") % {"v": v}
    if code == "min_above_max":
        return _("最小值 %(lo)s 大于最大值 %(hi)s") % {"lo": _num(a.get("low")), "hi": _num(a.get("high"))}
    if code == "not_bool":
        return _("应为“是”或“否”")
    if code == "yellow_above_green":
        return _("黄色下限 %(y)s 不能高于绿色下限 %(g)s") % {"y": _num(a.get("yellow")), "g": _num(a.get("green"))}
    if code == "bad_precision":
        return _("保留小数位数应为 0 到 10 的整数")
    if code == "bad_year":
        return _("年度应为 2000–2100 之间的整数")
    if code == "empty_list":
        return _("至少要列出一项")
    if code in ("tier_min_required", "tier_share_or_count"):
        return _("除最后一档外，每档都须设置分数线或名额")
    if code in ("tier_key_for_quota", "tier_key_for_bands", "tier_share_and_count"):
        return _("等次设置与评定方式不符")
    if code == "tier_mins_not_decreasing":
        return _("各档分数线应从高到低排列")
    if code == "tier_shares_above_one":
        return _("各档比例合计 %(v)s，超过 1") % {"v": _num(v)}
    if code == "tier_names_repeat":
        return _("等次名称不能重复")
    if code in ("computed_kind", "bad_formula", "computed_self_reference", "computed_cycle"):
        return _("派生指标的计算方式有误")
    if code == "incomplete":
        return _("方案不完整：须有方案名称和指标体系")
    if code in ("bad_source", "points_too_large", "platform"):
        return problem.message  # the platform's own checks are worded in Chinese already
    return _("此项设置有误")


def place(path: str, content: Any) -> str:
    """The place of ``path`` named by the scheme's own names: 「经济发展」›「GDP增速」· 分值."""
    parts = steps(path)
    names: list[str] = []
    node: Any = content.get("root") if isinstance(content, dict) else None
    i = 1 if parts[:1] == ["root"] else 0
    if i == 0:
        node = None
    if i == 1 and isinstance(node, list):
        node = {"children": node}
    while i + 1 < len(parts) and parts[i] == "children" and isinstance(parts[i + 1], int) and isinstance(node, dict):
        kids = node.get("children")
        if not isinstance(kids, list) or parts[i + 1] >= len(kids):
            break
        node = kids[parts[i + 1]]
        label = node.get("name") or node.get("code") if isinstance(node, dict) else None
        names.append(f"「{label}」" if label else _("第%(n)s项") % {"n": parts[i + 1] + 1})
        i += 2
    rest = [p for p in parts[i:] if isinstance(p, str)]
    if rest and rest[0] in ("params", "platform") and len(rest) > 1:
        rest = rest[1:]
    if rest and rest[0] == "validation" and len(rest) > 1:
        rest = rest[1:]
    field = key_label(rest[-1] if rest[-1:] != ["children"] else "children") if rest else ""
    where = "›".join(names)
    if where and field:
        return f"{where} · {field}"
    return where or field


def describe(problem: SchemeProblem, content: Any) -> str:
    """Place and message: 「经济发展」›「GDP增速」· 分值：应为数字，而不是“abc”."""
    where = place(problem.path, content)
    text = message(problem)
    return f"{where}：{text}" if where else text


def texts(problems: list[SchemeProblem], content: Any) -> list[str]:
    """Every problem placed and worded (the import and YAML pages list them like this)."""
    return [describe(p, content if isinstance(content, dict) else {}) for p in problems]
