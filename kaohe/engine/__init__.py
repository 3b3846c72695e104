"""kaohe's scoring engine (计分引擎) — pure Python (Polars, NumPy), no Django.

    from kaohe.engine import load_scheme, score
    scheme = load_scheme("scheme.yaml")          # SchemeError names every bad place
    result = score(scheme, values, units, targets, period="2025")
    result.totals, result.indicators, result.boards, result.stats   # Polars DataFrames
    result.explain, result.warnings
    result.write("out/", "csv")

For repeated scoring (what-if, robustness) prepare once and re-score:
``prep = prepare(scheme, values, units, targets)``, then
``score_prepared(variant_scheme, prep.with_values({...}), explain="compact", detail=False)``.
"""

from kaohe.engine.data import Prepared, prepare, read_table
from kaohe.engine.errors import DataError, EngineWarning, SchemeError, Warning
from kaohe.engine.scheme import Scheme, load_scheme
from kaohe.engine.score import ScoreResult, score, score_prepared

__all__ = [
    "DataError", "EngineWarning", "Prepared", "Scheme", "SchemeError", "ScoreResult", "Warning",
    "load_scheme", "prepare", "read_table", "score", "score_prepared",
]
