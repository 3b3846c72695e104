"""A small hand-checkable scheme and data for the results tests.

Four districts in one peer group (甲 C-A, 乙 C-B, 丙 C-C, 丁 C-D), three indicators, two boards:
- GDP (rank_points 10, step 2), INV (rank_points 10, step 2), SAT (threshold ≥ 90 → 5).
- boards: ZX (争先榜) = GDP, LH (龙虎榜) = INV.
- tiers by bands: 第一等次 ≥ 20, 第二等次 ≥ 10, 第三等次 the rest.
"""

from __future__ import annotations

import polars as pl

from kaohe.lib.periods import Period
from kaohe.results.runs import Inputs, create_run, execute_run

SCHEME = {
    "name": "测试考核方案",
    "year": 2025,
    "precision": 2,
    "root": {
        "code": "ROOT",
        "name": "综合考核",
        "children": [
            {"code": "ECO", "name": "经济发展", "children": [
                {"code": "GDP", "name": "地区生产总值增速", "points": 10, "method": "rank_points", "params": {"step": 2}},
                {"code": "INV", "name": "固定资产投资", "points": 10, "method": "rank_points", "params": {"step": 2}},
            ]},
            {"code": "SRV", "name": "服务效能", "children": [
                {"code": "SAT", "name": "企业满意度", "points": 5, "method": "threshold", "params": {"value": 90}},
            ]},
        ],
    },
    "tiers": {"by": "bands", "levels": [{"name": "第一等次", "min": 20}, {"name": "第二等次", "min": 10}, {"name": "第三等次", "min": 0}]},
    "boards": [{"code": "ZX", "name": "争先榜", "indicators": ["GDP"]}, {"code": "LH", "name": "龙虎榜", "indicators": ["INV"]}],
}

UNITS = [("C-A", "甲区", "ZCQ"), ("C-B", "乙区", "ZCQ"), ("C-C", "丙区", "ZCQ"), ("C-D", "丁区", "ZCQ")]


def frames(values: dict[str, dict[str, float]], targets: dict[tuple[str, str], float] | None = None):
    rows = [(u, i, v) for u, per in values.items() for i, v in per.items()]
    vf = pl.DataFrame({"unit": [r[0] for r in rows], "indicator": [r[1] for r in rows], "value": [float(r[2]) for r in rows]})
    uf = pl.DataFrame({"unit": [u for u, _n, _g in UNITS], "name": [n for _u, n, _g in UNITS], "group": [g for _u, _n, g in UNITS]})
    tf = None
    if targets:
        tf = pl.DataFrame({"unit": [k[0] for k in targets], "indicator": [k[1] for k in targets], "target": [float(v) for v in targets.values()]})
    return vf, uf, tf


BASE = {
    "C-A": {"GDP": 8.0, "INV": 5.0, "SAT": 95},
    "C-B": {"GDP": 7.0, "INV": 9.0, "SAT": 92},
    "C-C": {"GDP": 6.0, "INV": 7.0, "SAT": 80},
    "C-D": {"GDP": 5.0, "INV": 3.0, "SAT": 91},
}


def scored_run(values=None, *, year=2025, kind="month", number=1, scheme=None, targets=None, owner=None, **kw):
    vf, uf, tf = frames(values or BASE, targets)
    inputs = Inputs.from_frames(scheme or SCHEME, vf, uf, tf)
    kw.setdefault("scheme_code", "TEST")
    run = create_run(inputs, period=Period(kind, year, number), owner_unit=owner, **kw)
    return execute_run(run)
