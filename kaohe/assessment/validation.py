"""数据审核: per-indicator validation rules over proposed values.

Rules live in ``IndicatorSpec.rules`` (from the scheme leaf's ``rules`` key):

- ``required`` (default true): a value must be present before submission;
- ``min`` / ``max``: the allowed range; without ``min``, negative values are
  refused unless ``allow_negative: true`` (growth rates, profits);
- ``integer``: whole numbers only (counts of projects, enterprises);
- ``jump_pct`` (default 50) for amounts, ``jump_pp`` (default 10) for rates and
  shares (unit of measure %, ‰, 百分点): a change beyond this percentage of the
  base — for a rate, beyond this many percentage points (百分点) — against the
  last period or the same period last year is a *warning* that needs a 说明
  (0 switches the check off). The rule is the engine's (``kaohe.engine.quality.jump``),
  the same the quality screening uses;
- ``part_of``: the code of the total this value is a part of (part ≤ total);
- YTD amounts (``value_kind: ytd``) may not fall below the previous month's YTD
  (unless ``allow_negative``); a YTD rate (累计增速, unit %) may.

Errors block saving/submission; warnings require a written explanation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kaohe.assessment.models import IndicatorSpec, ValueKind
from kaohe.engine.quality import JUMP_THRESHOLDS, jump, measure_kind
from kaohe.lib.numbers import plain, signed

DEFAULT_JUMP_PCT = JUMP_THRESHOLDS["amount"]
DEFAULT_JUMP_PP = JUMP_THRESHOLDS["rate"]
PREVIOUS, LAST_YEAR = gettext_noop("上期"), gettext_noop("上年同期")

Key = tuple[int, str]  # (unit id, indicator code)


@dataclass(frozen=True)
class Issue:
    """One validation result for a cell (or a whole row/file when unit/indicator are empty)."""

    unit_id: int | None
    indicator: str
    level: str  # error | warning
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"unit": self.unit_id, "indicator": self.indicator, "level": self.level, "code": self.code, "message": self.message}


def _fmt(value: Decimal | None) -> str:
    return plain(value) or "—"


def check_value(spec: IndicatorSpec, value: Decimal | None, *, unit_id: int, previous: Decimal | None = None,
                last_year: Decimal | None = None, previous_ytd: Decimal | None = None,
                total: Decimal | None = None, for_submission: bool = False) -> list[Issue]:
    """Issues of one value against its indicator's rules and its history."""
    rules = spec.rules or {}
    issues: list[Issue] = []
    code = spec.code

    def add(level: str, kind: str, message: str) -> None:
        issues.append(Issue(unit_id, code, level, kind, message))

    if value is None:
        if for_submission and rules.get("required", True):
            add("error", "required", _("必填：%(name)s 未填报") % {"name": spec.name})
        return issues
    allow_negative = bool(rules.get("allow_negative"))
    if "min" in rules and rules["min"] is not None and value < Decimal(str(rules["min"])):
        add("error", "range", _("%(v)s 小于允许的最小值 %(min)s") % {"v": _fmt(value), "min": rules["min"]})
    elif "min" not in rules and not allow_negative and value < 0:
        add("error", "negative", _("%(v)s 为负数，该指标不能为负") % {"v": _fmt(value)})
    if rules.get("max") is not None and value > Decimal(str(rules["max"])):
        add("error", "range", _("%(v)s 大于允许的最大值 %(max)s") % {"v": _fmt(value), "max": rules["max"]})
    if rules.get("integer") and value != value.to_integral_value():
        add("error", "integer", _("%(v)s 应为整数") % {"v": _fmt(value)})
    if total is not None and value > total:
        add("error", "part_of", _("%(v)s 大于其总量指标 %(t)s 的值 %(tv)s") % {"v": _fmt(value), "t": rules.get("part_of"), "tv": _fmt(total)})
    kind = measure_kind(spec.unit_of_measure)
    # A year-to-date amount cannot shrink; a year-to-date rate (1–N月累计增速) can.
    if (spec.value_kind == ValueKind.YTD and kind == "amount" and previous_ytd is not None and value < previous_ytd
            and not allow_negative):
        add("error", "ytd", _("累计值 %(v)s 小于上月累计 %(p)s") % {"v": _fmt(value), "p": _fmt(previous_ytd)})
    limit = rules.get("jump_pp", DEFAULT_JUMP_PP) if kind == "rate" else rules.get("jump_pct", DEFAULT_JUMP_PCT)
    if limit and rules.get("jump_pct", None) != 0:
        # A YTD value grows month by month by nature: compare it with last year's only.
        bases = ((last_year, LAST_YEAR),) if spec.value_kind == ValueKind.YTD else ((previous, PREVIOUS), (last_year, LAST_YEAR))
        for base, label in bases:
            change = jump(float(value), float(base) if base is not None else None, kind, limit)
            if change is not None and change.exceeds:
                if kind == "rate":
                    add("warning", "jump", _("较%(label)s(%(b)s%%)变动 %(c)s 个百分点，超过 %(lim)s 个百分点，请填写说明") % {
                        "label": _(label), "b": _fmt(base), "c": signed(change.change, 2), "lim": plain(Decimal(str(limit)))})
                else:
                    add("warning", "jump", _("较%(label)s(%(b)s)变动 %(c)s%%，超过 %(lim)s%%，请填写说明") % {
                        "label": _(label), "b": _fmt(base), "c": signed(change.change, 1), "lim": plain(Decimal(str(limit)))})
    return issues


def check_values(specs: Mapping[str, IndicatorSpec], values: Mapping[Key, Decimal | None], *,
                 previous: Mapping[Key, Decimal], last_year: Mapping[Key, Decimal],
                 previous_ytd: Mapping[Key, Decimal] | None = None,
                 current: Mapping[Key, Decimal | None] | None = None,
                 for_submission: bool = False) -> list[Issue]:
    """Issues of many values; ``current`` holds stored values used for part ≤ total checks."""
    issues: list[Issue] = []
    previous_ytd = previous_ytd if previous_ytd is not None else previous
    current = current or {}
    # Per indicator, the bounds a clean value lies within: most values of a big batch pass them
    # and have no history, so the full check (and its function call) is skipped for them.
    bounds = {}
    for code, spec in specs.items():
        r = spec.rules or {}
        low = Decimal(str(r["min"])) if r.get("min") is not None else (None if r.get("allow_negative") else Decimal(0))
        high = Decimal(str(r["max"])) if r.get("max") is not None else None
        bounds[code] = (low, high, bool(r.get("integer") or r.get("part_of")))
    for key, value in values.items():
        unit_id, code = key
        spec = specs.get(code)
        if spec is None:
            continue
        low, high, special = bounds[code]
        if (value is not None and not special and (low is None or value >= low) and (high is None or value <= high)
                and key not in previous and key not in last_year and key not in previous_ytd):
            continue
        total = None
        part_of = (spec.rules or {}).get("part_of")
        if part_of and value is not None:
            total = values.get((unit_id, part_of), current.get((unit_id, part_of)))
        issues.extend(
            check_value(
                spec, value, unit_id=unit_id, previous=previous.get((unit_id, code)),
                last_year=last_year.get((unit_id, code)),
                previous_ytd=previous_ytd.get((unit_id, code)) if spec.value_kind == ValueKind.YTD else None,
                total=total, for_submission=for_submission,
            )
        )
    return issues
