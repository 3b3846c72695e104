"""Reading the input tables of ``kaohe quality / gap / robustness``.

The analysis commands take the same files as ``kaohe score`` (values, units,
targets as .csv, .xlsx or .parquet), read by the engine's reader, so every
command reports bad input in the same words; this module adds the
analysis-only checks.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from kaohe.engine.data import Source
from kaohe.engine.data import read_table as read_source
from kaohe.engine.errors import DataError
from kaohe.lib.numbers import is_blank_expr, number_expr

REQUIRED = {
    "values": ("unit", "indicator", "value"),
    "units": ("unit",),
    "targets": ("unit", "indicator", "target"),
    "history": ("unit", "indicator", "value", "period"),
}


class InputError(ValueError):
    """Bad input file: the message names the file, row and field."""


def read_table(path: str | Path, kind: str) -> pl.DataFrame:
    """Read one input table and check its required columns and types.

    ``kind`` is one of ``values``, ``units``, ``targets``, ``history``.
    Codes are read as strings (unit ``001`` stays ``001``). The file is read by the engine's
    reader (``kaohe.engine.data.read_table``, itself the platform's one tabular reader), so the
    headers and the number rules are the same as ``kaohe score``'s.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: file not found / 文件不存在")
    try:
        src = read_source(p, str(p))
    except DataError as exc:
        raise InputError(str(exc)) from None
    df = src.df
    missing = [c for c in REQUIRED[kind] if c not in df.columns]
    if missing:
        raise InputError(f"{p}: missing column(s) {', '.join(missing)} / 缺少列")
    for col in ("unit", "indicator", "period", "group", "name", "submitter"):
        if col in df.columns:
            df = df.with_columns(pl.col(col).cast(pl.String).str.strip_chars())
    for col in ("value", "target"):
        if col in df.columns:
            df = _to_float(df, col, src)
    return df


def _to_float(df: pl.DataFrame, col: str, src: Source) -> pl.DataFrame:
    raw = df[col]
    if raw.dtype.is_numeric():
        return df.with_columns(pl.col(col).cast(pl.Float64))
    conv = df.select(number_expr(pl.col(col))).to_series()
    blank = df.select(is_blank_expr(pl.col(col))).to_series()
    bad = (conv.is_null() & ~blank).arg_true()
    if len(bad):
        i = int(bad[0])
        # line numbers count the header as line 1, as a spreadsheet user sees them
        raise InputError(f"{src.where(i)}: {col} '{raw[i]}' is not a number / {col} 不是数字")
    return df.with_columns(conv.alias(col))
