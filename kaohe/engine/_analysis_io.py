"""Reading the input tables of ``kaohe quality / gap / robustness``.

The analysis commands take the same files as ``kaohe score`` (values, units,
targets as .csv, .xlsx or .parquet). When the engine exposes its own reader
we use it, so every command reports bad input in the same words; this module
is the fallback and the place for the analysis-only checks.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

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
    Codes are read as strings (unit ``001`` stays ``001``).
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: file not found / 文件不存在")
    suffix = p.suffix.lower()
    try:
        if suffix == ".csv":
            df = pl.read_csv(p, infer_schema=False)
        elif suffix == ".parquet":
            df = pl.read_parquet(p)
        elif suffix in (".xlsx", ".xls"):
            df = pl.read_excel(p, infer_schema_length=0)
        else:
            raise InputError(f"{p}: unsupported format '{suffix}' (use .csv, .xlsx or .parquet)")
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader failure becomes one clear message
        raise InputError(f"{p}: cannot read: {exc}") from exc
    df = df.rename({c: c.strip().lower() for c in df.columns})
    missing = [c for c in REQUIRED[kind] if c not in df.columns]
    if missing:
        raise InputError(f"{p}: missing column(s) {', '.join(missing)} / 缺少列")
    for col in ("unit", "indicator", "period", "group", "name", "submitter"):
        if col in df.columns:
            df = df.with_columns(pl.col(col).cast(pl.String).str.strip_chars())
    for col in ("value", "target"):
        if col in df.columns:
            df = _to_float(df, col, p)
    return df


def _to_float(df: pl.DataFrame, col: str, path: Path) -> pl.DataFrame:
    raw = df[col]
    if raw.dtype.is_numeric():
        return df.with_columns(pl.col(col).cast(pl.Float64))
    text = raw.cast(pl.String).str.strip_chars().str.replace_all(",", "")
    conv = text.cast(pl.Float64, strict=False)
    bad = (conv.is_null() & text.is_not_null() & (text != "")).arg_true()
    if len(bad):
        i = int(bad[0])
        # line numbers count the header as line 1, as a spreadsheet user sees them
        raise InputError(
            f"{path} line {i + 2}: {col} '{raw[i]}' is not a number / {col} 不是数字"
        )
    return df.with_columns(conv.alias(col))
