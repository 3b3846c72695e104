"""Small builders for engine tests: schemes as dicts, values as Polars frames."""

from __future__ import annotations

from typing import Any

import polars as pl

from kaohe.engine import score


def leaf(code: str, method: str, points: float = 10, **kw: Any) -> dict[str, Any]:
    return {"code": code, "points": points, "method": method, **kw}


def scheme(*children: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"name": "test", "precision": top.pop("precision", 4), "root": {"children": list(children)}, **top}


def values(rows: list[tuple[Any, ...]]) -> pl.DataFrame:
    cols = ["unit", "indicator", "value", "period"][: len(rows[0])]
    return pl.DataFrame(rows, schema=cols, orient="row")


def column(unit_values: dict[str, float | None], indicator: str = "x") -> pl.DataFrame:
    return values([(u, indicator, v) for u, v in unit_values.items() if v is not None])


def units(groups: dict[str, str]) -> pl.DataFrame:
    return pl.DataFrame({"unit": list(groups), "name": list(groups), "group": list(groups.values())})


def targets(rows: dict[str, float], indicator: str = "x") -> pl.DataFrame:
    return pl.DataFrame({"unit": list(rows), "indicator": [indicator] * len(rows), "target": list(rows.values())})


def leaf_scores(result, code: str = "x") -> dict[str, float | None]:
    df = result.indicators.filter(pl.col("indicator") == code)
    return dict(zip(df["unit"].to_list(), df["score"].to_list(), strict=True))


def one_leaf(method: str, unit_values: dict[str, float | None], points: float = 10, targets_: dict | None = None,
             **kw: Any):
    """Score one leaf ``x`` over the given units (units file lists every unit, one group)."""
    sch = scheme(leaf("x", method, points, **kw))
    u = units({k: "g" for k in unit_values})
    t = targets(targets_) if targets_ else None
    return score(sch, column(unit_values), u, t)


def totals(result) -> dict[str, dict[str, Any]]:
    return {r["unit"]: r for r in result.totals.iter_rows(named=True)}
