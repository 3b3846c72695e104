"""排名稳健性 for an annual run: the engine's Monte Carlo ranks and the fragile tier boundaries."""

from __future__ import annotations

from typing import Any

from kaohe.results.models import RunTotal, ScoringRun
from kaohe.results.runs import Inputs, frame_from_table

REPLICATIONS = 200


def analyse(run: ScoringRun, group: str, replications: int = REPLICATIONS, seed: int = 1) -> dict[str, Any]:
    """Rank intervals per unit of ``group`` and the units whose tier is not safe (p < 0.9)."""
    try:
        from kaohe.engine import robustness as engine_robustness
    except ImportError:
        return {"available": False, "rows": []}
    inputs = Inputs.from_bytes(run.inputs)
    from kaohe.engine import load_scheme

    fn = getattr(engine_robustness, "robustness", None) or getattr(engine_robustness, "run", None)
    if fn is None:
        return {"available": False, "rows": []}
    result = fn(
        load_scheme(inputs.scheme), frame_from_table(inputs.values), units=frame_from_table(inputs.units),
        targets=frame_from_table(inputs.targets), replications=replications, seed=seed,
    )
    frame = getattr(result, "ranks", None)
    if frame is None:
        frame = result if hasattr(result, "iter_rows") else getattr(result, "table", None)
    names = {t.unit_code: (t.unit_name, t.tier, t.group, t.rank) for t in RunTotal.objects.filter(run=run)}
    rows = []
    for r in frame.iter_rows(named=True):
        code = str(r["unit"])
        if code not in names or names[code][2] != group:
            continue
        name, tier, _g, rank = names[code]
        probs = {k[len("p_"):]: v for k, v in r.items() if k.startswith("p_")}
        p_tier = probs.get(tier) if tier else None
        if p_tier is None and isinstance(r.get("tier_probabilities"), dict):
            p_tier = r["tier_probabilities"].get(tier)
        rows.append({
            "unit": code, "name": name, "rank": rank, "tier": tier,
            "median": r.get("median_rank"), "low": r.get("rank_p05") or r.get("p05") or r.get("low"),
            "high": r.get("rank_p95") or r.get("p95") or r.get("high"),
            "p_tier": None if p_tier is None else round(float(p_tier), 3),
        })
    rows.sort(key=lambda x: (x["rank"], x["unit"]))
    fragile = [x for x in rows if x["p_tier"] is not None and x["p_tier"] < 0.9]
    chart = {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 110, "right": 24, "top": 16, "bottom": 32},
        "xAxis": {"type": "value", "name": "rank", "min": 1, "inverse": False},
        "yAxis": {"type": "category", "inverse": True, "data": [x["name"] for x in rows]},
        "series": [
            {"type": "bar", "stack": "r", "itemStyle": {"color": "transparent"}, "data": [x["low"] for x in rows]},
            {"type": "bar", "stack": "r", "data": [None if x["high"] is None or x["low"] is None else x["high"] - x["low"] for x in rows]},
            {"type": "scatter", "data": [x["rank"] for x in rows], "symbolSize": 10},
        ],
    }
    return {"available": True, "rows": rows, "fragile": fragile, "chart": chart, "replications": replications}
