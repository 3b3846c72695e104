"""Writing a ScoreResult: totals, indicators, boards, stats, warnings, explain.json.

Files go to a temporary directory beside ``out_dir`` and are moved into place only
when all of them are written, so a failure leaves nothing half-written. Output is
deterministic: rows are sorted, JSON keys keep a fixed order, no timestamps.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from kaohe.engine.score import ScoreResult

FORMATS = ("csv", "xlsx", "json", "parquet")
TABLES = ("totals", "indicators", "boards", "stats", "warnings")
EXCEL_ROWS = 1_048_575  # one row is the header


def write_table(df: pl.DataFrame, path: Path, fmt: str) -> None:
    if fmt == "csv":
        df.write_csv(path)
    elif fmt == "parquet":
        df.write_parquet(path, statistics=False)
    elif fmt == "json":
        df.write_json(path)
    elif fmt == "xlsx":
        if df.height > EXCEL_ROWS:
            raise ValueError(f"{path.stem} has {df.height:,} rows, more than an Excel sheet holds "
                             f"({EXCEL_ROWS:,}); use --format csv or parquet")
        df.write_excel(path, worksheet=path.stem, autofit=False)
    else:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def write_result(result: ScoreResult, out_dir: Path, fmt: str = "csv") -> list[Path]:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    out_dir = Path(out_dir)
    parent = out_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=parent))
    try:
        from kaohe.engine.score import indicators_frame

        indicators = result._indicators if result._indicators is not None else indicators_frame(
            result, categorical=True)
        tables = {"totals": result.totals, "indicators": indicators, "boards": result.boards,
                  "stats": result.stats, "warnings": result.warnings_table}
        names = []
        for name in TABLES:
            p = tmp / f"{name}.{fmt}"
            write_table(tables[name], p, fmt)
            names.append(p.name)
        # json.dumps (the C encoder) is many times faster than json.dump to a file
        text = json.dumps(result.explain, ensure_ascii=False, indent=None, separators=(",", ":"),
                          allow_nan=False, default=_default)
        (tmp / "explain.json").write_text(text + "\n", encoding="utf-8")
        names.append("explain.json")
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for name in names:
            os.replace(tmp / name, out_dir / name)
            written.append(out_dir / name)
        return written
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _default(o: object) -> object:
    import numpy as np

    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return None if o != o else float(o)
    if isinstance(o, np.bool_):
        return bool(o)
    raise TypeError(type(o).__name__)
