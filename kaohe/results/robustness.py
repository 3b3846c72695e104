"""排名稳健性 for an annual run: the engine's Monte Carlo ranks (``kaohe.engine.robustness``) and
the fragile tier boundaries (units whose probability of keeping their tier is below 0.9)."""

from __future__ import annotations

from typing import Any

from kaohe.engine.errors import DataError
from kaohe.engine.robustness import robustness
from kaohe.lib.numbers import rounded_float
from kaohe.results.models import RunTotal, ScoringRun
from kaohe.results.queries import run_cached
from kaohe.results.runs import Inputs, engine_inputs

REPLICATIONS = 300
OPTIONS = {"weights": 0.2, "alt_methods": ("efficacy", "minmax", "rank_points"), "missing_rules": ("zero", "mean")}
FRAGILE = 0.9


def _ranks(run: ScoringRun, replications: int, seed: int) -> list[dict]:
    e = engine_inputs(Inputs.from_bytes(run.inputs))
    result = robustness(e.scheme, e.values, e.units, e.targets, period=e.period, n=replications, seed=seed, **OPTIONS)
    return list(result.ranks.iter_rows(named=True))


def analyse(run: ScoringRun, group: str, replications: int = REPLICATIONS, seed: int = 1) -> dict[str, Any]:
    """Rank intervals per unit of ``group`` and the units whose tier is not safe."""
    # Same stored inputs, same seed → same answer: computed once per run (runs never change).
    try:
        ranks = run_cached(run, f"robustness:{replications}:{seed}", lambda: _ranks(run, replications, seed))
    except DataError as exc:  # e.g. units not assessed (不参与排名): the engine says why
        return {"rows": [], "fragile": [], "chart": {}, "replications": replications, "error": "; ".join(exc.errors)}
    names = {t.unit_code: (t.unit_name, t.tier, t.group, t.rank) for t in RunTotal.objects.filter(run=run)}
    rows = []
    for r in ranks:
        code = str(r["unit"])
        if code not in names or names[code][2] != group:
            continue
        name, tier, _g, rank = names[code]
        p_tier = r.get(f"prob_{tier}") if tier else None
        rows.append({
            "unit": code, "name": name, "rank": rank, "tier": tier, "median": r.get("median_rank"),
            "low": r.get("p05"), "high": r.get("p95"),
            "p_tier": rounded_float(p_tier, 3),
        })
    rows.sort(key=lambda x: (x["rank"], x["unit"]))
    fragile = [x for x in rows if x["p_tier"] is not None and x["p_tier"] < FRAGILE]
    chart = {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"bottom": 0},
        "grid": {"left": 110, "right": 24, "top": 16, "bottom": 48},
        "xAxis": {"type": "value", "min": 0, "minInterval": 1},
        "yAxis": {"type": "category", "inverse": True, "data": [x["name"] for x in rows]},
        "series": [
            {"name": "p05", "type": "bar", "stack": "r", "itemStyle": {"color": "transparent"}, "data": [x["low"] - 0.5 for x in rows],
             "tooltip": {"show": False}},
            {"name": "5%–95%", "type": "bar", "stack": "r", "barWidth": 12,
             "data": [x["high"] - x["low"] + 1 for x in rows]},
            {"name": "排名", "type": "scatter", "symbolSize": 10, "data": [x["rank"] for x in rows]},
            {"name": "中位排名", "type": "scatter", "symbol": "diamond", "symbolSize": 9, "data": [x["median"] for x in rows]},
        ],
    }
    return {"rows": rows, "fragile": fragile, "chart": chart, "replications": replications}
