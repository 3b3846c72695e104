"""准入评估的计分 (the arithmetic of admission evaluation), separate from saving it.

A scored item with a ``metric`` takes its points from the project's figures by ``steps``
(``[[threshold, share], …]``: the first threshold the value reaches, highest first, gives
``points × share``; below every threshold 0). An item without a metric is given by the
evaluator, between 0 and its points. A veto item (一票否决) that applies rejects the project
whatever its total. Totals round 四舍五入 to 0.01.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from kaohe.lib.numbers import NumberError, parse_number

CENT = Decimal("0.01")


class EvaluationError(ValueError):
    """The scores cannot be accepted; ``errors`` maps an item code to its reason."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("；".join(f"{k}：{v}" for k, v in errors.items()))


def metrics(project) -> dict[str, Decimal | None]:
    """投资规模, 投资强度 (万元/亩) and 亩均税收 (万元/亩·年) of a project (None when land is unknown)."""
    land = project.land_mu
    amount = Decimal(project.amount)
    intensity = (amount / Decimal(land)) if land else None
    tax = (Decimal(project.expected_tax) / Decimal(land)) if land and project.expected_tax is not None else None
    return {"amount": amount, "intensity": intensity, "tax_per_mu": tax}


def step_points(points: Decimal, steps, value: Decimal | None) -> Decimal:
    if value is None:
        return Decimal(0)
    for threshold, share in sorted(steps, key=lambda s: Decimal(str(s[0])), reverse=True):
        if value >= Decimal(str(threshold)):
            return (Decimal(points) * Decimal(str(share))).quantize(CENT, ROUND_HALF_UP)
    return Decimal(0)


@dataclass
class Result:
    scores: dict[str, Decimal] = field(default_factory=dict)  # item code → points
    vetoes: list[str] = field(default_factory=list)  # codes of the veto items that apply
    total: Decimal = Decimal(0)
    full: Decimal = Decimal(0)

    @property
    def vetoed(self) -> bool:
        return bool(self.vetoes)


def score(items, project, given: dict[str, object], vetoes: set[str] | list[str] = ()) -> Result:
    """Score ``project`` on ``items`` (ChecklistItem-like); ``given`` holds the evaluator's points."""
    figures = metrics(project)
    result = Result()
    errors: dict[str, str] = {}
    veto_codes = {i.code for i in items if i.kind == "veto"}
    unknown = set(vetoes) - veto_codes
    if unknown:
        errors["vetoes"] = f"不是否决项：{'、'.join(sorted(unknown))}"
    for item in items:
        if item.kind == "veto":
            if item.code in vetoes:
                result.vetoes.append(item.code)
            continue
        points = Decimal(item.points)
        result.full += points
        if item.metric:
            value = step_points(points, item.steps, figures.get(item.metric))
        else:
            raw = given.get(item.code)
            try:
                value = parse_number(raw, max_abs=Decimal(1000))
            except NumberError as exc:
                errors[item.code] = f"{item.name}：{exc.reason}"
                continue
            if value is None:
                errors[item.code] = f"{item.name}：请打分（0–{points.normalize():f}分）"
                continue
            if value < 0 or value > points:
                errors[item.code] = f"{item.name}：得分应在0–{points.normalize():f}分之间"
                continue
            value = value.quantize(CENT, ROUND_HALF_UP)
        result.scores[item.code] = value
        result.total += value
    if errors:
        raise EvaluationError(errors)
    result.total = result.total.quantize(CENT, ROUND_HALF_UP)
    return result
