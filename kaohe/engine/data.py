"""Input tables: reading, validation with exact places, computed indicators, preparation.

Values are a long table ``unit, indicator, value[, period]``; units ``unit, name, group``;
targets ``unit, indicator, target[, period]``. Files may be .csv, .xlsx or .parquet.
Every problem is reported with its place (``values.csv line 18: unit 'X07' is not in
units.csv``) and all of them are raised together as :class:`DataError`.

``prepare`` turns the tables into a :class:`Prepared` input — one float vector per
indicator over the units (ordered by peer group, then unit code) — which the scorer
reuses cheaply (``Prepared.with_values`` for what-if analysis).
"""

from __future__ import annotations

import ast
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from kaohe.engine.errors import DataError, EngineWarning
from kaohe.engine.periods import period_columns
from kaohe.engine.scheme import Computed, Scheme, computed_order
from kaohe.lib.numbers import NumberError, is_blank_expr, number_expr, parse_number
from kaohe.lib.periods import CODE_FORMS, PeriodKind, parse_period
from kaohe.lib.tabular import ENGINE, STANDARD, TabularError, alias_map, header_key, read_frame

DEFAULT_GROUP = "all"
MAX_LISTED = 20  # errors of one kind listed before "… and N more"

# The headers accepted for unit, indicator, value, period, name, group, target (单位/unit,
# 指标/indicator, 值/value …): the platform's one table, shared with every import.
ALIASES = alias_map(STANDARD)


@dataclass
class Source:
    """A table and how to name its rows in messages."""

    df: pl.DataFrame
    label: str
    row_word: str = "row"
    first_row: int = 1  # the number of the first data row (a CSV's header is line 1)
    rows: list[int] | None = None  # each data row's number in the file, when blank rows were skipped

    def where(self, i: int) -> str:
        return f"{self.label} {self.row_word} {self.rows[i] if self.rows is not None else i + self.first_row}"


def read_table(path: str | Path, label: str | None = None) -> Source:
    """Read .csv / .xlsx / .parquet; CSV and Excel through the platform's one reader
    (``kaohe.lib.tabular``: bounded, aliased headers, cells as text, checked later)."""
    p = Path(path)
    label = label or p.name
    if not p.exists():
        raise DataError(f"{label}: no such file ({p})")
    suffix = p.suffix.lower()
    if suffix in (".csv", ".xlsx", ".xlsm"):
        if p.stat().st_size > ENGINE.max_bytes:  # refused before it is read into memory
            raise DataError(f"{label}: the file is larger than {ENGINE.max_bytes // 1024**2:,} MB")
        try:
            df, rows, cell_errors = read_frame(p.read_bytes(), p.name)
        except TabularError as exc:
            raise DataError([f"{label}: {e.text('en')}" for e in exc.errors]) from None
        if cell_errors:
            raise DataError([f"{label}: {e.text('en')}" for e in cell_errors])
        return Source(df, label, "line" if suffix == ".csv" else "row", 2, rows)
    if suffix == ".parquet":
        try:
            return Source(_normalise(pl.read_parquet(p)), label, "row", 1)
        except Exception as exc:  # noqa: BLE001 — any reader failure is a bad file
            raise DataError(f"{label}: cannot read the file ({exc.__class__.__name__}: "
                            f"{str(exc).splitlines()[0] if str(exc) else ''})") from None
    raise DataError(f"{label}: unsupported file type '{suffix}' (use .csv, .xlsx or .parquet)")


def as_source(x: Source | pl.DataFrame | str | Path | None, label: str) -> Source | None:
    if x is None:
        return None
    if isinstance(x, Source):
        return x
    if isinstance(x, pl.DataFrame):
        return Source(_normalise(x), label, "row", 1)
    return read_table(x)


def frame_from_table(x: Any) -> pl.DataFrame | None:
    """A table stored as plain JSON (``{"columns": [...], "rows": [[...], ...]}``, the form
    a scoring run keeps its inputs in) as a DataFrame: ``value``/``target`` Float64, every
    other column text. A DataFrame or None is returned as it is; no columns gives None."""
    if x is None or isinstance(x, pl.DataFrame):
        return x
    if isinstance(x, dict) and "columns" in x:
        cols = list(x.get("columns") or [])
        if not cols:
            return None
        data = {c: [row[i] for row in x.get("rows", [])] for i, c in enumerate(cols)}
        schema = {c: (pl.Float64 if c in ("value", "target") else pl.String) for c in cols}
        for c in cols:
            if schema[c] is pl.String:
                data[c] = [None if v is None else str(v) for v in data[c]]
        return pl.DataFrame(data, schema=schema)
    raise DataError(f"cannot read a table from {type(x).__name__}")


def _normalise(df: pl.DataFrame) -> pl.DataFrame:
    rename = {}
    for c in df.columns:
        k = str(c).strip().lstrip("\ufeff")
        k = ALIASES.get(header_key(k), k.lower())
        if k != c:
            rename[c] = k
    return df.rename(rename) if rename else df


def _require(src: Source, cols: tuple[str, ...], errors: list[str]) -> bool:
    missing = [c for c in cols if c not in src.df.columns]
    for c in missing:
        errors.append(f"{src.label}: missing column '{c}' (columns are: {', '.join(src.df.columns)})")
    return not missing


def _text(df: pl.DataFrame, col: str) -> pl.Expr:
    dt = df.schema[col]
    e = pl.col(col)
    if dt == pl.String:
        return e.str.strip_chars()
    if dt.is_float():
        # 2025.0 read from a spreadsheet is the text 2025
        return pl.when(e == e.round(0)).then(e.cast(pl.Int64).cast(pl.String)).otherwise(e.cast(pl.String))
    return e.cast(pl.String)


def _number(df: pl.DataFrame, col: str) -> pl.Expr:
    """Numbers by the platform's one parser's rules ("5,100" is 5100; "5,1" is refused, not 51)."""
    if df.schema[col].is_numeric():
        return pl.col(col).cast(pl.Float64)
    return number_expr(pl.col(col))


def _list_rows(src: Source, idx: list[int], msg: Any, errors: list[str]) -> None:
    for n, (i, m) in enumerate(zip(idx, msg, strict=True)):
        if n == MAX_LISTED:
            errors.append(f"{src.label}: … and {len(idx) - MAX_LISTED} more like these")
            break
        errors.append(f"{src.where(i)}: {m}")


def _bad_numbers(src: Source, df: pl.DataFrame, col: str, errors: list[str], *, allow_empty: bool) -> None:
    if df.schema[col].is_numeric():
        # NaN is how many tools write "no value": it counts as missing; ±inf is an error
        bad = df.select(pl.col(col).cast(pl.Float64).is_infinite())
        idx = np.flatnonzero(bad.to_series().fill_null(False).to_numpy()).tolist()
        _list_rows(src, idx, [f"{col} is not a finite number"] * len(idx), errors)
        return
    raw = pl.col(col).cast(pl.String).str.strip_chars()
    blank = is_blank_expr(raw)
    checked = df.select(
        raw.alias("raw"),
        (~blank & _number(df, col).is_null()).alias("bad"),
        blank.alias("empty"),
    )
    idx = np.flatnonzero(checked["bad"].to_numpy()).tolist()
    raws = checked["raw"].gather(idx).to_list() if idx else []
    _list_rows(src, idx, [f"{col} '{r}' is not a number{_why(r)}" for r in raws], errors)
    if not allow_empty:
        idx = np.flatnonzero(checked["empty"].to_numpy()).tolist()
        _list_rows(src, idx, [f"{col} is empty"] * len(idx), errors)


def _why(raw: str) -> str:
    """The parser's reason beyond "not a number" (an ambiguous comma, a unit, …), for the message."""
    try:
        parse_number(raw, max_abs=None)
    except NumberError as exc:
        return "" if exc.reason_en == "is not a number" else f" ({exc.reason_en})"
    return ""


def _empty_text(src: Source, df: pl.DataFrame, col: str, errors: list[str]) -> None:
    e = _text(df, col)
    idx = np.flatnonzero(df.select((e.is_null() | (e == "")).alias("x"))["x"].to_numpy()).tolist()
    _list_rows(src, idx, [f"{col} is empty"] * len(idx), errors)


def _clean_text(s: pl.Series, with_unique: bool = False) -> Any:
    """Codes as trimmed text; the trimming runs per row only if a distinct value needs it.
    With ``with_unique`` also the distinct trimmed values (a set)."""
    if s.dtype != pl.String:
        s = pl.DataFrame({"x": s}).select(_text(pl.DataFrame({"x": s}), "x")).to_series()
        return (s, set(s.unique().to_list())) if with_unique else s
    runs = _runs(s)
    uniq = (runs[0] if runs is not None else s).unique()
    stripped = uniq.str.strip_chars()
    if (stripped != uniq).any():
        s = s.str.strip_chars()
    return (s, set(stripped.to_list())) if with_unique else s


def _runs(s: pl.Series) -> tuple[pl.Series, np.ndarray] | None:
    """(value, length) of each run of equal values, when long runs make that much shorter
    than the column (files sorted by unit); None otherwise. A sample decides cheaply."""
    if len(s) < 65_536 or s.head(4096).rle_id().max() * 4 > 4096:
        return None
    rle = s.rle()
    if len(rle) * 4 > len(s):
        return None
    return rle.struct.field("value"), rle.struct.field("len").to_numpy()


def _codes(s: pl.Series, labels: list[str]) -> np.ndarray:
    """Index of each value in ``labels`` (−1 when absent) — one hash lookup per row, or per
    run of equal values."""
    if not labels:
        return np.full(len(s), -1, dtype=np.int64)
    runs = _runs(s)
    if runs is not None:
        codes = runs[0].cast(pl.Enum(labels), strict=False).to_physical().cast(pl.Int64).fill_null(-1).to_numpy()
        return np.repeat(codes, runs[1])
    return s.cast(pl.Enum(labels), strict=False).to_physical().cast(pl.Int64).fill_null(-1).to_numpy()


def _may_have_duplicates(df: pl.DataFrame, keys: list[str]) -> bool:
    """Fast test on integer codes (bincount); the detailed listing runs only when it fires."""
    if df.height == 0:
        return False
    code = np.zeros(df.height, dtype=np.int64)
    span = 1
    for k in keys:
        col = df[k].fill_null("")
        runs = _runs(col)
        cats = (runs[0] if runs is not None else col).unique().sort().to_list()
        phys = _codes(col, cats)
        code = code * len(cats) + phys
        span *= len(cats)
    return _repeats(code, span)


def _maybe_empty(s: pl.Series) -> bool:
    """Whether a text column (already trimmed) has a null or empty value."""
    if s.null_count():
        return True
    runs = _runs(s)
    return bool(((runs[0] if runs is not None else s) == "").any())


def _repeats(key: np.ndarray, span: int) -> bool:
    """Whether any integer key in [0, span) occurs more than once."""
    if span <= 4 * len(key) + 1024:
        seen = np.zeros(span, dtype=np.bool_)
        seen[key] = True
        return int(np.count_nonzero(seen)) != len(key)
    return len(np.unique(key)) != len(key)


def _duplicates(src: Source, df: pl.DataFrame, keys: list[str], errors: list[str]) -> None:
    d = df.select([_text(df, k).alias(k) for k in keys]).with_row_index("_i")
    dup = d.filter(pl.struct(keys).is_duplicated())
    if dup.height == 0:
        return
    first = dup.group_by(keys, maintain_order=True).agg(pl.col("_i").min().alias("_first"))
    dup = dup.join(first, on=keys, how="left").filter(pl.col("_i") != pl.col("_first")).sort("_i")
    idx = dup["_i"].to_list()
    msgs = [
        f"duplicate row for {', '.join(f'{k} {r[k]!r}' for k in keys)} "
        f"(first given at {src.where(r['_first']).split(' ', 1)[1]})"
        for r in dup.iter_rows(named=True)
    ]
    _list_rows(src, idx, msgs, errors)


# ----------------------------------------------------------------------------- prepared input


@dataclass
class Prepared:
    """Inputs ready for scoring: one value vector per indicator over the units.

    Units are ordered by peer group, then unit code, so each group is a contiguous
    block (``starts`` are the first index of each block)."""

    units: list[str]
    names: list[str]
    groups: list[str]
    g: np.ndarray  # group index of each unit (int64, non-decreasing)
    starts: np.ndarray  # first unit index of each group
    X: dict[str, np.ndarray]  # indicator -> values (NaN = missing)
    T: dict[str, np.ndarray]  # indicator -> targets (NaN = none)
    period: str | None = None
    warnings: list[EngineWarning] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.units)

    def unit_index(self) -> dict[str, int]:
        return {u: i for i, u in enumerate(self.units)}

    def with_values(self, changes: dict[tuple[str, str], float]) -> Prepared:
        """A copy with some (unit, indicator) values replaced — the what-if path."""
        X = dict(self.X)
        idx = self.unit_index()
        for (unit, ind), v in changes.items():
            if unit not in idx:
                raise DataError(f"unit '{unit}' is not among the scored units")
            arr = X.get(ind)
            arr = np.full(self.n, np.nan) if arr is None else arr.copy()
            arr[idx[unit]] = np.nan if v is None else float(v)
            X[ind] = arr
        return dataclasses.replace(self, X=X)


def prepare(
    scheme: Scheme,
    values: Source | pl.DataFrame | str | Path,
    units: Source | pl.DataFrame | str | Path | None = None,
    targets: Source | pl.DataFrame | str | Path | None = None,
    period: str | None = None,
) -> Prepared:
    """Check the tables against each other and the scheme; raise DataError listing every problem."""
    vsrc = as_source(values, "values")
    usrc = as_source(units, "units")
    tsrc = as_source(targets, "targets")
    assert vsrc is not None
    errors: list[str] = []
    warnings: list[EngineWarning] = []

    # --- units
    unit_codes: list[str]
    names: dict[str, str] = {}
    group_of: dict[str, str] = {}
    vdf = vsrc.df
    have_values = _require(vsrc, ("unit", "indicator", "value"), errors)
    if usrc is not None and _require(usrc, ("unit",), errors):
        udf = usrc.df
        _empty_text(usrc, udf, "unit", errors)
        if _may_have_duplicates(udf.select(_text(udf, "unit").alias("unit")), ["unit"]):
            _duplicates(usrc, udf, ["unit"], errors)
        if "group" in udf.columns:
            _empty_text(usrc, udf, "group", errors)
        cols = [_text(udf, "unit").alias("unit"),
                (_text(udf, "name") if "name" in udf.columns else _text(udf, "unit")).alias("name"),
                (_text(udf, "group") if "group" in udf.columns else pl.lit(DEFAULT_GROUP)).alias("group")]
        u = udf.select(cols).filter(pl.col("unit").is_not_null() & (pl.col("unit") != ""))
        u = u.unique("unit", keep="first", maintain_order=True)
        unit_codes = u["unit"].to_list()
        names = dict(zip(unit_codes, u["name"].fill_null("").to_list(), strict=True))
        group_of = dict(zip(unit_codes, u["group"].fill_null(DEFAULT_GROUP).to_list(), strict=True))
    elif have_values:
        unit_codes = sorted(set(vdf.select(_text(vdf, "unit").alias("u"))["u"].drop_nulls().to_list()) - {""})
        names = {c: c for c in unit_codes}
        group_of = {c: DEFAULT_GROUP for c in unit_codes}
    else:
        unit_codes = []
    if not have_values:
        raise DataError(errors)

    # groups, unit order (units ordered by peer group, then code: each group is one block)
    order = sorted(unit_codes, key=lambda c: (group_of[c], c))
    groups = sorted(set(group_of.values()))
    gidx = {gname: i for i, gname in enumerate(groups)}
    g = np.array([gidx[group_of[c]] for c in order], dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]]) if len(g) else np.zeros(0, dtype=np.int64)

    # --- values (national scale: each row costs one hash lookup per code column; per-row
    # messages are built only where the codes show a problem)
    has_period = "period" in vdf.columns
    unit_col, unit_uniq = _clean_text(vdf["unit"], with_unique=True)
    ind_col, ind_uniq = _clean_text(vdf["indicator"], with_unique=True)
    long = pl.DataFrame({
        "unit": unit_col, "indicator": ind_col,
        "value": vdf.select(_number(vdf, "value")).to_series(),
        **({"period": _clean_text(vdf["period"])} if has_period else {}),
    })
    for col, uniq in (("unit", unit_uniq), ("indicator", ind_uniq)):
        if None in uniq or "" in uniq:
            _empty_text(vsrc, long, col, errors)
    _bad_numbers(vsrc, vdf, "value", errors, allow_empty=True)
    ucode = _codes(long["unit"], order)
    unknown_rows = np.zeros(0, dtype=np.int64)
    if (ucode < 0).any():
        unknown_rows = np.flatnonzero((ucode < 0) & long.select(
            pl.col("unit").is_not_null() & (pl.col("unit") != "")).to_series().to_numpy())
    if len(unknown_rows) and usrc is not None:
        idx = unknown_rows.tolist()
        _list_rows(vsrc, idx, [f"unit '{b}' is not in {usrc.label}" for b in long["unit"].gather(idx).to_list()],
                   errors)
    ilabels = sorted(x for x in ind_uniq if x is not None)
    icode = _codes(long["indicator"], ilabels)
    kind = None
    ptable = None
    pcode = np.zeros(long.height, dtype=np.int64)
    plabels: list[str] = []
    if has_period:
        ptable, kind, bad_labels = period_columns(long["period"].drop_nulls())
        if bad_labels or long["period"].null_count():
            badset = set(bad_labels)
            flags = long.select((pl.col("period").is_null() | pl.col("period").is_in(list(badset))).alias("b"))
            idx = np.flatnonzero(flags["b"].to_numpy()).tolist()
            labs = long["period"].gather(idx).to_list()
            _list_rows(vsrc, idx, [f"period '{lab}' is not {CODE_FORMS}"
                                   + (f" like the others ({kind})" if kind and parse_period(lab) else "")
                                   for lab in labs], errors)
        plabels = sorted(long["period"].unique().drop_nulls().to_list())
        pcode = _codes(long["period"], plabels)
    if period is not None and parse_period(period) is None:
        errors.append(f"--period '{period}' is not {CODE_FORMS}")
    ok = (ucode >= 0) & (icode >= 0) & (pcode >= 0)
    all_ok = bool(ok.all())
    key = ucode * max(len(ilabels), 1) + icode
    if has_period:
        key = key * max(len(plabels), 1) + pcode
    span = len(order) * max(len(ilabels), 1) * max(len(plabels), 1)
    if ok.any() and _repeats(key if all_ok else key[ok], span):
        _duplicates(vsrc, long, ["unit", "indicator", "period"] if has_period else ["unit", "indicator"], errors)
    if errors:
        raise DataError(errors)

    # choose the period
    chosen: str | None = None
    if has_period:
        assert ptable is not None
        want = parse_period(period) if period is not None else None
        if want is not None:
            hit = ptable.filter(pl.col("_ord") == want.ordinal)
            if hit.height == 0 or want.kind != kind:
                raise DataError(f"{vsrc.label}: no values for period '{period}' (periods present: "
                                f"{', '.join(ptable.sort('_ord')['period'].to_list()[-12:])})")
            chosen = hit["period"][0]
        else:
            chosen = ptable.sort("_ord")["period"][-1]
            warnings.append(EngineWarning("period_chosen", f"no --period given: scoring the latest "
                                                           f"period in {vsrc.label}, {chosen}"))
    elif period is not None:
        warnings.append(EngineWarning("period_ignored", f"{vsrc.label} has no period column; "
                                                        f"--period {period} is ignored"))
    in_period = ok if chosen is None else ok & (pcode == plabels.index(chosen))

    needed = sorted(scheme.indicators_used())
    computed_codes = {c.code for c in scheme.computed}
    all_in = all_ok and chosen is None
    counts = (np.bincount(icode if all_in else icode[in_period], minlength=len(ilabels)) if len(ilabels)
              else np.zeros(0))
    present = {lab for lab, n in zip(ilabels, counts.tolist(), strict=True) if n} - computed_codes
    need_index = {ind: k for k, ind in enumerate(needed)}
    lut = np.array([need_index.get(lab, -1) if lab not in computed_codes else -1 for lab in ilabels] or [-1],
                   dtype=np.int64)
    k = lut[icode] if all_ok else lut[np.where(icode >= 0, icode, 0)]
    sel = in_period & (k >= 0)
    M = np.full((len(needed), len(order)), np.nan)
    vals = long["value"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    flat = k * len(order) + ucode  # one flat index per row: M[k, unit]
    if bool(sel.all()):
        M.ravel()[flat] = vals
    else:
        M.ravel()[flat[sel]] = vals[sel]
    X = {ind: M[j] for j, ind in enumerate(needed)}

    # computed indicators over all periods, then the chosen period
    if scheme.computed:
        base = long.filter(pl.Series(ok)).with_columns(pl.col("value").cast(pl.Float64))
        if has_period:
            base = base.join(ptable, on="period", how="left")
        rows = _add_computed(scheme, base, group_of, kind, vsrc.label)
        if chosen is not None:
            rows = rows.filter(pl.col("period") == chosen)
        present |= set(rows["indicator"].unique().drop_nulls().to_list())
        wanted = sorted(set(needed) & computed_codes)
        X.update(_scatter(rows, order, wanted, "value"))
    unused = sorted(present - needed_all(scheme))
    for ind in unused:
        warnings.append(EngineWarning("unused_indicator", f"{vsrc.label}: indicator '{ind}' is not "
                                                          f"used by the scheme; ignored", indicator=ind))
    for ind in needed:
        if ind not in present:
            warnings.append(EngineWarning("indicator_absent", f"{vsrc.label}: no values at all for "
                                                              f"indicator '{ind}'", indicator=ind))

    # --- targets
    T: dict[str, np.ndarray] = {}
    if tsrc is not None and _require(tsrc, ("unit", "indicator", "target"), errors):
        tdf = tsrc.df
        tcols = [_text(tdf, "unit").alias("unit"), _text(tdf, "indicator").alias("indicator"),
                 _number(tdf, "target").alias("value")]
        tkeys = ["unit", "indicator"]
        if "period" in tdf.columns:
            tcols.append(_text(tdf, "period").alias("period"))
            tkeys.append("period")
        # the codes as text once (trimmed per row only if a distinct value needs it); the
        # checks below read them
        tl = tdf.select(tcols) if any(tdf.schema[k] != pl.String for k in tkeys) else tdf.select(
            *[pl.lit(_clean_text(tdf[k])).alias(k) for k in ("unit", "indicator")], tcols[2], *tcols[3:])
        for col in ("unit", "indicator"):
            if _maybe_empty(tl[col]):
                _empty_text(tsrc, tdf, col, errors)
        _bad_numbers(tsrc, tdf, "target", errors, allow_empty=True)
        if _may_have_duplicates(tl.select(tkeys), tkeys):
            _duplicates(tsrc, tdf, tkeys, errors)
        known = pl.Series(order, dtype=pl.String)
        bad = tl.select((~pl.col("unit").is_in(known.implode()) & pl.col("unit").is_not_null()
                         & (pl.col("unit") != "")).alias("b"))["b"].to_numpy()
        idx = np.flatnonzero(bad).tolist()
        where_units = usrc.label if usrc is not None else vsrc.label
        _list_rows(tsrc, idx, [f"unit '{b}' is not in {where_units}"
                               for b in tl["unit"].gather(idx).to_list()], errors)
        if errors:
            raise DataError(errors)
        if "period" in tl.columns and chosen is not None:
            want = parse_period(chosen)
            tl = tl.with_columns(pl.col("period").map_elements(
                lambda s: (p.ordinal if (p := parse_period(s)) else None), return_dtype=pl.Int64)
                .alias("_ord")).filter(pl.col("_ord") == (want.ordinal if want else -1))
        target_leaves = {leaf.indicator for leaf in scheme.leaves() if leaf.method == "target"}
        for ind in sorted(set(tl["indicator"].unique().drop_nulls().to_list()) - target_leaves):
            warnings.append(EngineWarning("unused_target", f"{tsrc.label}: indicator '{ind}' has "
                                                           f"targets but no leaf scores it by target",
                                          indicator=ind))
        T = _scatter(tl, order, sorted(target_leaves), "value")
    if errors:
        raise DataError(errors)
    labels = {"values": vsrc.label, "units": usrc.label if usrc else "", "targets": tsrc.label if tsrc else ""}
    return Prepared(units=order, names=[names.get(c, c) for c in order], groups=groups, g=g,
                    starts=starts, X=X, T=T, period=chosen, warnings=warnings, labels=labels)


def needed_all(scheme: Scheme) -> set[str]:
    out = set(scheme.indicators_used()) | {c.code for c in scheme.computed}
    for c in scheme.computed:
        out |= set(c.inputs)
    return out


def _scatter(long: pl.DataFrame, order: list[str], indicators: list[str], col: str) -> dict[str, np.ndarray]:
    """Long (unit, indicator, col) → one vector per indicator over ``order`` (NaN when absent)."""
    n = len(order)
    if not indicators or n == 0:
        return {ind: np.full(n, np.nan) for ind in indicators}
    sub = long.filter(pl.col("indicator").is_in(indicators))
    u = _codes(sub["unit"].cast(pl.String), order)
    i = _codes(sub["indicator"].cast(pl.String), indicators)
    v = sub[col].cast(pl.Float64).fill_null(np.nan).to_numpy()
    keep = (u >= 0) & (i >= 0)
    M = np.full((len(indicators), n), np.nan)
    if bool(keep.all()):
        M[i, u] = v
    else:
        M[i[keep], u[keep]] = v[keep]
    return {ind: M[k] for k, ind in enumerate(indicators)}


# ----------------------------------------------------------------------------- computed


def _formula_expr(text: str) -> pl.Expr:
    tree = ast.parse(text, mode="eval").body

    def conv(n: ast.AST) -> pl.Expr:
        if isinstance(n, ast.Constant):
            return pl.lit(float(n.value))
        if isinstance(n, ast.Name):
            return pl.col(n.id)
        if isinstance(n, ast.UnaryOp):
            inner = conv(n.operand)
            return -inner if isinstance(n.op, ast.USub) else inner
        if isinstance(n, ast.BinOp):
            a, b = conv(n.left), conv(n.right)
            if isinstance(n.op, ast.Add):
                return a + b
            if isinstance(n.op, ast.Sub):
                return a - b
            if isinstance(n.op, ast.Mult):
                return a * b
            if isinstance(n.op, ast.Div):
                return pl.when(b != 0).then(a / b).otherwise(None)
            if isinstance(n.op, ast.Pow):
                return a.pow(b)
        raise ValueError(f"unsupported formula element {type(n).__name__}")  # validated earlier

    return conv(tree)


def _add_computed(scheme: Scheme, long: pl.DataFrame, group_of: dict[str, str], kind: str | None,
                  label: str) -> pl.DataFrame:
    """Append rows for each computed indicator, evaluated for every unit and period."""
    has_period = "period" in long.columns
    comp = computed_order(scheme.computed)
    inputs: set[str] = set()
    for c in comp:
        inputs |= set(c.inputs)
        if c.kind in ("yoy", "mom", "ytd") and not has_period:
            raise DataError(f"computed indicator '{c.code}' ({_KIND_ZH[c.kind]}) needs values with a "
                            f"period column in {label}")
    index = ["unit", "period", "_ord", "_year"] if has_period else ["unit"]
    base = long.filter(pl.col("indicator").is_in(sorted(inputs)))
    if base.height:
        wide = base.pivot(on="indicator", index=index, values="value", aggregate_function="first")
    else:
        wide = long.select(index).unique()
    groups = pl.DataFrame({"unit": list(group_of), "_group": list(group_of.values())},
                          schema={"unit": pl.String, "_group": pl.String})
    wide = wide.join(groups, on="unit", how="left").with_columns(pl.col("_group").fill_null(DEFAULT_GROUP))
    for c in comp:
        for name in c.inputs:
            if name not in wide.columns:
                wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(name))
        wide = wide.with_columns(_computed_expr(c, wide, kind).alias(c.code)) if c.kind not in (
            "yoy", "mom") else _growth(wide, c, kind)
    codes = [c.code for c in comp]
    rows = wide.select([*index, *codes]).unpivot(index=index, on=codes, variable_name="indicator",
                                                  value_name="value")
    rows = rows.with_columns(pl.col("value").cast(pl.Float64)).filter(pl.col("value").is_not_null()
                                                                       & pl.col("value").is_finite())
    return rows.select([c for c in ("unit", "indicator", "value", "period") if c in rows.columns])


_KIND_ZH = {"yoy": "同比 yoy", "mom": "环比 mom", "ytd": "累计 ytd", "share": "share", "formula": "formula"}


def _computed_expr(c: Computed, wide: pl.DataFrame, kind: str | None) -> pl.Expr:
    by = ["_group", "period"] if "period" in wide.columns else ["_group"]
    if c.kind == "formula":
        return _formula_expr(c.source).cast(pl.Float64) * c.scale
    if c.kind == "share":
        total = pl.col(c.source).sum().over(by)
        return pl.when(total != 0).then(pl.col(c.source) / total * c.scale).otherwise(None)
    if c.kind == "ytd":
        # 累计: sum of the year's periods up to and including this one, per unit
        return pl.col(c.source).fill_null(0).cum_sum().over(["unit", "_year"], order_by="_ord") * c.scale
    raise AssertionError(c.kind)


def _growth(wide: pl.DataFrame, c: Computed, kind: str | None) -> pl.DataFrame:
    """同比 (same period last year) or 环比 (previous period): (x / x_prev − 1) · scale."""
    lag = PeriodKind(kind or PeriodKind.YEAR).per_year if c.kind == "yoy" else 1
    prev = wide.select("unit", (pl.col("_ord") + lag).alias("_ord"), pl.col(c.source).alias("_prev"))
    out = wide.join(prev, on=["unit", "_ord"], how="left")
    x, p = pl.col(c.source), pl.col("_prev")
    return out.with_columns(
        pl.when(p.is_not_null() & (p > 0) & x.is_not_null()).then((x / p - 1) * c.scale)
        .otherwise(None).alias(c.code)
    ).drop("_prev")
