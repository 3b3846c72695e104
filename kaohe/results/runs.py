"""Scoring runs: store inputs exactly, call the engine, store its output, hash, verify, diff.

Canonical forms (used for hashing and for ``kaohe verify``):
- inputs: ``{"meta", "scheme", "period", "values", "units", "targets"}`` where each
  table is ``{"columns": [...], "rows": [[...], ...]}`` with rows sorted;
- outputs: ``{"totals", "indicators", "boards", "explain", "warnings"}`` built from
  the stored rows (not from the engine's frames), floats rounded to 9 decimals.

``content_hash = sha256(inputs_hash + ":" + sha256(canonical outputs))``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kaohe.assessment.models import Period, PeriodKind, SchemeVersion
from kaohe.engine import Scheme, load_scheme, score
from kaohe.engine.data import frame_from_table
from kaohe.engine.platform import upgrade_legacy
from kaohe.lib.periods import Period as PeriodValue
from kaohe.results.models import (
    RANK_ORDER,
    RunBoard,
    RunIndicator,
    RunStatus,
    RunTotal,
    ScoringRun,
)
from kaohe.results.scheme_meta import summary

TOTAL_FIXED = {"unit", "group", "bonus", "deduction", "total", "rank", "tier", "vetoed", "assessed", "reason"}
FLOAT_DIGITS = 9
BULK = 5000


# ---- canonical data ----------------------------------------------------------------------


def _num(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        value = round(value, FLOAT_DIGITS)
        return 0.0 if value == 0 else value
    return value


def canonical_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def _row_key(row: list) -> tuple:
    # Each column holds one type, so positional (is-null, value) pairs compare cleanly.
    return tuple((v is None, v if v is not None else 0) for v in row)


def table_from_frame(frame) -> dict:
    """A Polars DataFrame (or None) as a canonical ``{"columns": [...], "rows": [...]}`` table."""
    import polars as pl

    if frame is None:
        return {"columns": [], "rows": []}
    columns = list(frame.columns)
    exprs = []
    for name, dtype in frame.schema.items():
        if dtype.is_float():
            col = pl.col(name)
            exprs.append(pl.when(col.is_nan()).then(None).otherwise(col.round(FLOAT_DIGITS) + 0.0).alias(name))
    if exprs:
        frame = frame.with_columns(exprs)
    # Polars sorts like _row_key does (byte order of UTF-8 = code point order, nulls last).
    frame = frame.sort(by=columns, nulls_last=True, maintain_order=True)
    return {"columns": columns, "rows": [list(r) for r in frame.rows()]}


def table_from_rows(columns: list[str], rows: Iterable[Iterable[Any]]) -> dict:
    out = [[_num(v) for v in row] for row in rows]
    try:
        out.sort(key=_row_key)
    except TypeError:  # mixed types in a column (e.g. JSON cells): fall back to the text form
        out.sort(key=lambda r: json.dumps(r, ensure_ascii=False, default=str, sort_keys=True))
    return {"columns": list(columns), "rows": out}


_DECODED: dict[bytes, Inputs] = {}


@dataclass
class Inputs:
    """What a run scores: the scheme dict and the tables, in canonical form."""

    scheme: dict
    values: dict
    units: dict
    targets: dict
    period: str | None = None
    meta: dict = field(default_factory=dict)

    def canonical(self) -> dict:
        return {
            "meta": self.meta,
            "scheme": self.scheme,
            "period": self.period,
            "values": self.values,
            "units": self.units,
            "targets": self.targets,
        }

    def to_bytes(self) -> bytes:
        return zlib.compress(canonical_json(self.canonical()), 6)

    def serialized(self) -> tuple[bytes, str]:
        """(compressed canonical JSON, its sha256) from one serialisation."""
        raw = canonical_json(self.canonical())
        return zlib.compress(raw, 6), sha256(raw)

    @classmethod
    def from_bytes(cls, blob: bytes | memoryview) -> Inputs:
        blob = bytes(blob)
        key = hashlib.sha1(blob).digest()
        cached = _DECODED.get(key)
        if cached is not None:
            return cached.copy()
        data = json.loads(zlib.decompress(blob))
        inputs = cls(
            scheme=data["scheme"], values=data["values"], units=data["units"], targets=data["targets"],
            period=data.get("period"), meta=data.get("meta") or {},
        )
        if len(_DECODED) >= 16:
            _DECODED.pop(next(iter(_DECODED)))
        _DECODED[key] = inputs
        return inputs.copy()

    def copy(self) -> Inputs:
        """A shallow copy (tables are shared and never mutated in place)."""
        return Inputs(self.scheme, self.values, self.units, self.targets, self.period, dict(self.meta))

    @classmethod
    def from_frames(cls, scheme: dict, values, units=None, targets=None, period: str | None = None, meta=None) -> Inputs:
        return cls(
            scheme=json.loads(canonical_json(scheme)),
            values=table_from_frame(values),
            units=table_from_frame(units),
            targets=table_from_frame(targets),
            period=period,
            meta=dict(meta or {}),
        )

    def hash(self) -> str:
        return sha256(canonical_json(self.canonical()))

    def with_values(self, changes: dict[tuple[str, str], float]) -> Inputs:
        """A copy with ``(unit, indicator) → value`` replaced (rows added when absent)."""
        cols = self.values["columns"]
        iu, ii, iv = cols.index("unit"), cols.index("indicator"), cols.index("value")
        ip = cols.index("period") if "period" in cols else None
        rows = [list(r) for r in self.values["rows"]]
        pending = dict(changes)
        for row in rows:
            key = (row[iu], row[ii])
            if key in pending and (ip is None or self.period is None or row[ip] == self.period):
                row[iv] = _num(float(pending.pop(key)))
        for (unit, indicator), value in pending.items():
            row = [None] * len(cols)
            row[iu], row[ii], row[iv] = unit, indicator, _num(float(value))
            if ip is not None:
                row[ip] = self.period
            rows.append(row)
        return Inputs(self.scheme, table_from_rows(cols, rows), self.units, self.targets, self.period, dict(self.meta))

    def value_map(self) -> dict[tuple[str, str], float | None]:
        cols = self.values["columns"]
        if not cols:
            return {}
        iu, ii, iv = cols.index("unit"), cols.index("indicator"), cols.index("value")
        ip = cols.index("period") if "period" in cols else None
        out = {}
        for row in self.values["rows"]:
            if ip is not None and self.period is not None and row[ip] != self.period:
                continue
            out[(row[iu], row[ii])] = row[iv]
        return out

    def target_map(self) -> dict[tuple[str, str], float]:
        cols = self.targets["columns"]
        if not cols:
            return {}
        iu, ii, it = cols.index("unit"), cols.index("indicator"), cols.index("target")
        return {(r[iu], r[ii]): r[it] for r in self.targets["rows"]}

    def unit_names(self) -> dict[str, str]:
        cols = self.units["columns"]
        if not cols or "name" not in cols:
            return {}
        iu, iname = cols.index("unit"), cols.index("name")
        return {r[iu]: r[iname] for r in self.units["rows"]}


# ---- engine ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EngineInputs:
    """A run's stored inputs as the engine takes them: the engine's scheme and the tables."""

    scheme: Scheme
    values: Any
    units: Any
    targets: Any
    period: str | None

    @property
    def tables(self) -> tuple[Any, Any, Any]:
        return self.values, self.units, self.targets


def run_scheme(scheme: dict) -> Scheme:
    """The engine's scheme of a run's stored scheme dict. Runs stored before the scheme's
    ``platform`` place existed keep ``flags``/``code`` at the top: the engine's legacy upgrade
    moves them (the stored bytes, and so the run's hash, stay as they are)."""
    return load_scheme(upgrade_legacy(scheme))


def engine_inputs(inputs: Inputs) -> EngineInputs:
    """The engine's view of ``inputs`` (every engine call on a run's inputs starts here)."""
    return EngineInputs(run_scheme(inputs.scheme), frame_from_table(inputs.values), frame_from_table(inputs.units),
                        frame_from_table(inputs.targets), inputs.period)


def engine_score(inputs: Inputs):
    """Score ``inputs`` with the engine (the only place the results app calls ``score``)."""
    e = engine_inputs(inputs)
    # Compact explanations: the rules, group statistics and arithmetic per indicator; each unit's
    # own arithmetic is rendered on demand from the same stored inputs (``explain_unit``).
    return score(e.scheme, e.values, units=e.units, targets=e.targets, period=e.period, explain="compact")


def _warning_dict(w: Any) -> dict:
    if isinstance(w, dict):
        return {k: w.get(k) for k in ("code", "message", "unit", "indicator")}
    return {k: getattr(w, k, None) for k in ("code", "message", "unit", "indicator")}


@dataclass
class Output:
    """The engine's result reduced to the rows the results app stores."""

    totals: list[dict]
    indicators: list[dict]
    boards: list[dict]
    explain: dict
    warnings: list[dict]

    def canonical(self) -> dict:
        # A run where every unit is assessed keeps the form (and so the hash) runs had before
        # units could be not assessed (不参与排名); otherwise two columns say who and why.
        extra = not all(t.get("assessed", True) for t in self.totals)
        return {
            "totals": table_from_rows(
                ["unit", "group", "total", "rank", "tier", "vetoed", "bonus", "deduction", "categories",
                 "n_indicators", "first_places", "top3", "full_marks"] + (["assessed", "reason"] if extra else []),
                ([t["unit"], t["group"], _opt(t["total"], float), _opt(t["rank"], int), t["tier"] or "", bool(t["vetoed"]),
                  float(t["bonus"]), float(t["deduction"]),
                  json.loads(canonical_json({k: _num(float(v)) for k, v in t["categories"].items()})),
                  int(t["n_indicators"]), int(t["first_places"]), int(t["top3"]), int(t["full_marks"])]
                 + ([bool(t.get("assessed", True)), t.get("reason") or ""] if extra else [])
                 for t in self.totals),
            ),
            "indicators": table_from_rows(
                ["unit", "group", "indicator", "value", "score", "rank", "full_marks"],
                ([r["unit"], r["group"], r["indicator"], None if r["value"] is None else float(r["value"]),
                  float(r["score"]), None if r["rank"] is None else int(r["rank"]), float(r["full_marks"])]
                 for r in self.indicators),
            ),
            "boards": table_from_rows(
                ["board", "unit", "group", "score", "rank"],
                ([r["board"], r["unit"], r["group"], float(r["score"]), _opt(r["rank"], int)] for r in self.boards),
            ),
            "explain": json.loads(canonical_json(self.explain or {})),
            "warnings": sorted(
                (json.loads(canonical_json(w)) for w in self.warnings),
                key=lambda w: json.dumps(w, ensure_ascii=False, sort_keys=True),
            ),
        }

    def hash(self) -> str:
        return sha256(canonical_json(self.canonical()))


def _opt(value: Any, kind: Any) -> Any:
    return None if value is None else kind(value)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def output_from_result(result) -> Output:
    """Turn the engine's result (Polars frames) into an :class:`Output`."""
    stats = {}
    if getattr(result, "stats", None) is not None:
        for row in result.stats.iter_rows(named=True):
            stats[str(row["unit"])] = row
    totals = []
    for row in result.totals.iter_rows(named=True):
        unit = str(row["unit"])
        s = stats.get(unit, {})
        cats = {k: float(v) for k, v in row.items() if k not in TOTAL_FIXED and isinstance(v, int | float) and not isinstance(v, bool) and _clean(v) is not None}
        totals.append({
            "unit": unit,
            "group": str(row.get("group") or ""),
            "total": _opt(_clean(row["total"]), float),
            "rank": _opt(row["rank"], int),
            "tier": row.get("tier") or "",
            "vetoed": bool(row.get("vetoed") or False),
            "assessed": bool(row.get("assessed", True)),
            "reason": row.get("reason") or "",
            "bonus": float(row.get("bonus") or 0),
            "deduction": float(row.get("deduction") or 0),
            "categories": cats,
            "n_indicators": int(s.get("indicators") or 0),
            "first_places": int(s.get("first_places") or 0),
            "top3": int(s.get("top3") or 0),
            "full_marks": int(s.get("full_marks") or 0),
        })
    group_of = {t["unit"]: t["group"] for t in totals}
    indicators = [
        {
            "unit": str(r["unit"]),
            "group": group_of.get(str(r["unit"]), ""),
            "indicator": str(r["indicator"]),
            "value": None if _clean(r.get("value")) is None else float(r["value"]),
            "score": float(_clean(r.get("score")) or 0.0),
            "rank": None if _clean(r.get("rank")) is None else int(r["rank"]),
            "full_marks": float(_clean(r.get("full_marks")) or 0.0),
        }
        for r in result.indicators.iter_rows(named=True)
    ]
    boards = []
    if getattr(result, "boards", None) is not None:
        boards = [
            {
                "board": str(r["board"]),
                "unit": str(r["unit"]),
                "group": str(r.get("group") or group_of.get(str(r["unit"]), "")),
                "score": float(_clean(r.get("score")) or 0.0),
                "rank": _opt(r["rank"], int),
            }
            for r in result.boards.iter_rows(named=True)
        ]
    explain = json.loads(canonical_json(_jsonable(getattr(result, "explain", None) or {})))
    warnings = [_warning_dict(w) for w in (getattr(result, "warnings", None) or [])]
    return Output(totals, indicators, boards, explain, warnings)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float):
        return _num(value)
    if value is None or isinstance(value, str | int | bool):
        return value
    return str(value)


def stored_output(run: ScoringRun) -> Output:
    """The output as it is stored in the database now (what verify hashes)."""
    totals = [
        {"unit": t.unit_code, "group": t.group, "total": t.total, "rank": t.rank, "tier": t.tier, "vetoed": t.vetoed,
         "bonus": t.bonus, "deduction": t.deduction, "categories": t.categories, "n_indicators": t.n_indicators,
         "first_places": t.first_places, "top3": t.top3, "full_marks": t.full_marks,
         "assessed": t.assessed, "reason": t.reason}
        for t in RunTotal.objects.filter(run=run).order_by("unit_code")
    ]
    indicators = [
        {"unit": u, "group": g, "indicator": i, "value": v, "score": s, "rank": r, "full_marks": f}
        for u, g, i, v, s, r, f in RunIndicator.objects.filter(run=run).values_list(
            "unit_code", "group", "indicator", "value", "score", "rank", "full_marks")
    ]
    boards = [
        {"board": b, "unit": u, "group": g, "score": s, "rank": r}
        for b, u, g, s, r in RunBoard.objects.filter(run=run).values_list("board", "unit_code", "group", "score", "rank")
    ]
    return Output(totals, indicators, boards, run.explain or {}, list(run.warnings or []))


# ---- creating and executing runs -----------------------------------------------------------


def create_run(
    inputs: Inputs,
    *,
    period: PeriodValue | Period,
    scheme_version: SchemeVersion | None = None,
    scheme_code: str | None = None,
    scheme_name: str | None = None,
    user=None,
    previous: ScoringRun | None = None,
    reason: str = "",
    source_hash: str = "",
    owner_unit=None,
) -> ScoringRun:
    """A queued run holding its inputs; :func:`execute_run` computes it.

    ``period`` is the assessment's stored period (the run then points at it) or, for runs
    scored from files, just a period value; its year, kind and number are kept on the run
    and its Chinese label is the run's name.
    """
    stored = period if isinstance(period, Period) else None
    value = period.value if isinstance(period, Period) else period
    if previous is not None:
        stored = stored or previous.period
        scheme_version = scheme_version or previous.scheme_version
    inputs.meta = {"year": value.year, "kind": str(value.kind), "number": value.number, **(inputs.meta or {})}
    blob, inputs_hash = inputs.serialized()
    scheme = run_scheme(inputs.scheme)
    return ScoringRun.objects.create(
        scheme_code=scheme_code or (scheme.platform.code or scheme.name)[:64],
        scheme_name=scheme_name or scheme.name[:200],
        scheme_version=scheme_version,
        period=stored,
        owner_unit=owner_unit if owner_unit is not None else (previous.owner_unit if previous else None),
        year=value.year,
        kind=value.kind,
        number=value.number,
        label=value.label(),
        previous=previous,
        reason=reason,
        inputs=blob,
        scheme_meta=summary(scheme),
        inputs_hash=inputs_hash,
        source_hash=source_hash,
        created_by=user if user is not None and getattr(user, "is_authenticated", False) else None,
    )


def _set_progress(run: ScoringRun, progress: int, status: str | None = None) -> None:
    """Progress is also the run's heartbeat (kaohe.results.recovery); starting (``status`` running)
    records this process as the run's runner."""
    from kaohe.results.recovery import runner_id

    fields = {"progress": progress, "heartbeat_at": timezone.now()}
    if status:
        fields["status"] = status
    if status == RunStatus.RUNNING:
        fields["runner"] = runner_id()
    ScoringRun.objects.filter(pk=run.pk).update(**fields)
    for name, value in fields.items():
        setattr(run, name, value)


def execute_run(run: ScoringRun, unit_ids: dict[str, int] | None = None) -> ScoringRun:
    """Compute a queued run with the engine, store every row and seal it with its hash."""
    if run.sealed:
        return run
    _set_progress(run, 5, RunStatus.RUNNING)
    try:
        inputs = Inputs.from_bytes(run.inputs)
        _set_progress(run, 15)
        output = output_from_result(engine_score(inputs))
        _set_progress(run, 60)
        store_output(run, inputs, output, unit_ids=unit_ids)
    except Exception as exc:
        from kaohe.results.recovery import RunAbandonedError

        if not isinstance(exc, RunAbandonedError):  # an abandoned run keeps the reason it was failed with
            ScoringRun.objects.filter(pk=run.pk).update(
                status=RunStatus.FAILED, error=_("计算出错：%(err)s") % {"err": exc}, finished_at=timezone.now())
        run.refresh_from_db()
        raise
    after_sealed(run)
    return run


def _unit_ids(codes: Iterable[str]) -> dict[str, int]:
    from kaohe.orgs.models import OrgUnit

    codes = list(set(codes))
    found: dict[str, int] = {}
    for i in range(0, len(codes), 900):
        found.update(dict(OrgUnit.objects.filter(code__in=codes[i:i + 900]).values_list("code", "pk")))
    return found


def _insert_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """Plain multi-row INSERTs: the run's rows are written once, and at scale the ORM's
    per-object work (bulk_create) costs more than the database does."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    per_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    chunk = max(1, min(BULK, 900 // len(columns)) if connection.vendor == "sqlite" else BULK)
    with connection.cursor() as cursor:
        for i in range(0, len(rows), chunk):
            part = rows[i:i + chunk]
            cursor.execute(f"INSERT INTO {table} ({cols}) VALUES " + ", ".join([per_row] * len(part)),
                           [v for row in part for v in row])


@transaction.atomic
def store_output(run: ScoringRun, inputs: Inputs, output: Output, unit_ids: dict[str, int] | None = None) -> None:
    """Write the rows of ``output`` for ``run`` and seal it (status done + content hash).

    One transaction: a process killed while writing leaves no row of the run. A run that was
    marked failed meanwhile (its process taken for dead, kaohe.results.recovery) is not sealed."""
    from kaohe.results.recovery import RunAbandonedError

    if run.runner and not ScoringRun.objects.select_for_update().filter(
            pk=run.pk, status=RunStatus.RUNNING, runner=run.runner).exists():
        raise RunAbandonedError(_("计分批次 #%(id)s 已被标记为中断失败，结果不再保存；请重新启动计分。") % {"id": run.pk})
    names = inputs.unit_names()
    ids = unit_ids if unit_ids is not None else _unit_ids(t["unit"] for t in output.totals)
    RunTotal.objects.bulk_create(
        [
            RunTotal(
                run=run, unit_id=ids.get(t["unit"]), unit_code=t["unit"], unit_name=(names.get(t["unit"]) or t["unit"])[:100],
                group=t["group"], total=t["total"], rank=t["rank"], tier=t["tier"], vetoed=t["vetoed"], bonus=t["bonus"],
                deduction=t["deduction"], categories=t["categories"], n_indicators=t["n_indicators"],
                first_places=t["first_places"], top3=t["top3"], full_marks=t["full_marks"],
                assessed=t.get("assessed", True), reason=t.get("reason", "")[:300],
            )
            for t in output.totals
        ],
        batch_size=BULK,
    )
    _insert_rows(
        RunIndicator,
        ["run_id", "unit_id", "unit_code", "group", "indicator", "value", "score", "rank", "full_marks"],
        [(run.pk, ids.get(r["unit"]), r["unit"], r["group"], r["indicator"], r["value"], r["score"], r["rank"], r["full_marks"])
         for r in output.indicators],
    )
    _insert_rows(
        RunBoard,
        ["run_id", "board", "unit_id", "unit_code", "unit_name", "group", "score", "rank"],
        [(run.pk, r["board"], ids.get(r["unit"]), r["unit"], (names.get(r["unit"]) or r["unit"])[:100], r["group"], r["score"], r["rank"])
         for r in output.boards],
    )
    # The hash is taken over the same canonical form verify reads back from the tables
    # (floats and JSON survive both databases exactly; the verify tests check it on each).
    ScoringRun.objects.filter(pk=run.pk).update(explain=output.explain, warnings=output.warnings, progress=90)
    content_hash = sha256(f"{run.inputs_hash}:{output.hash()}")
    ScoringRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE, progress=100, content_hash=content_hash, finished_at=timezone.now(), error=""
    )
    run.refresh_from_db()


def after_sealed(run: ScoringRun) -> None:
    """Derived records that follow a sealed run (flags for monthly runs)."""
    if run.kind == PeriodKind.MONTH:
        from kaohe.results.flags import award_flags

        award_flags(run)


def start_run(run: ScoringRun, background: bool = True) -> ScoringRun:
    """Enqueue the background task (django-tasks) for ``run`` once the transaction commits."""
    if not background:
        return execute_run(run)
    from kaohe.results.tasks import execute_run_task

    transaction.on_commit(lambda: execute_run_task.enqueue(run.pk))
    return run


# ---- verification ---------------------------------------------------------------------------


@dataclass
class Finding:
    run_id: int | None
    message: str


_PARTS = {"totals": "总分表", "indicators": "指标得分", "boards": "榜单"}
_COLUMNS = {"total": "总分", "rank": "名次", "score": "得分", "tier": "等次", "unit_name": "单位名称", "raw": "原始值",
            "group_rank": "组内名次", "value": "数值", "points": "分值"}


def _first_differences(a: dict, b: dict, limit: int = 5) -> list[str]:
    """The first rows where the stored results and a recomputation differ, named by table, unit and column."""
    out: list[str] = []
    for part in ("totals", "indicators", "boards"):
        cols = a[part]["columns"]
        key_idx = {"totals": [0], "indicators": [0, 2], "boards": [0, 1]}[part]
        rows_a = {tuple(r[i] for i in key_idx): r for r in a[part]["rows"]}
        rows_b = {tuple(r[i] for i in key_idx): r for r in b[part]["rows"]}
        for key in sorted(set(rows_a) | set(rows_b), key=str):
            ra, rb = rows_a.get(key), rows_b.get(key)
            if ra == rb:
                continue
            where = f"{_PARTS[part]} {'/'.join(map(str, key))}"
            if ra is None or rb is None:
                out.append(_("%(where)s：%(what)s") % {"where": where, "what": _("存储中缺少该行") if ra is None else _("存储中多出该行")})
            else:
                for c, va, vb in zip(cols, ra, rb, strict=True):
                    if va != vb:
                        out.append(_("%(where)s %(col)s：存储 %(a)s，重算 %(b)s") % {
                            "where": where, "col": _COLUMNS.get(c, c), "a": va, "b": vb})
            if len(out) >= limit:
                return out
    for part in ("explain", "warnings"):
        if a[part] != b[part] and len(out) < limit:
            out.append(_("%(part)s：存储与重算不符") % {"part": {"explain": _("得分说明"), "warnings": _("数据提示")}[part]})
    return out


def verify_run(run: ScoringRun, recompute: bool = True) -> list[Finding]:
    """Everything wrong with a sealed run: altered inputs, altered rows, engine disagreement."""
    findings: list[Finding] = []
    inputs = Inputs.from_bytes(run.inputs)
    if inputs.hash() != run.inputs_hash:
        findings.append(Finding(run.pk, _("输入数据与入库哈希不符（输入被改动）")))
    stored = stored_output(run)
    stored_hash = sha256(f"{run.inputs_hash}:{stored.hash()}")
    if stored_hash != run.content_hash:
        findings.append(Finding(run.pk, _("存储结果与内容哈希不符（结果被改动）")))
    if recompute:
        try:
            fresh = output_from_result(engine_score(inputs))
        except Exception as exc:  # noqa: BLE001 — any engine error is a finding
            findings.append(Finding(run.pk, _("重新计算失败：%(err)s") % {"err": exc}))
        else:
            a, b = stored.canonical(), fresh.canonical()
            if a != b:
                diffs = _first_differences(a, b)
                findings.append(Finding(run.pk, _("重新计算结果与存储结果不符：") + "; ".join(diffs)))
    return findings


def verify_chain() -> list[Finding]:
    from kaohe.results.models import Publication

    findings: list[Finding] = []
    previous = ""
    for pub in Publication.objects.select_related("run").order_by("published_at", "id"):
        if pub.previous_hash != previous:
            findings.append(Finding(pub.run_id, _("公示链断裂：公示 %(id)s 记录的上一哈希不符") % {"id": pub.pk}))
        if pub.run_hash != pub.run.content_hash:
            findings.append(Finding(pub.run_id, _("公示 %(id)s 的结果哈希与计分批次不符") % {"id": pub.pk}))
        if pub.chain_hash != chain_hash(pub.previous_hash, pub.run_hash):
            findings.append(Finding(pub.run_id, _("公示 %(id)s 的链哈希不符") % {"id": pub.pk}))
        previous = pub.chain_hash
    return findings


def chain_hash(previous_hash: str, run_hash: str) -> str:
    return sha256(f"{previous_hash}:{run_hash}")


def publication_manifest(pub) -> dict:
    """Everything a publication shows beside the scores (which ``content_hash`` covers): its title,
    notice period and appeal days, the run's label and scheme names (indicators, groups, tiers),
    and each unit's name as the boards and tables print it."""
    run = pub.run
    return {
        "title": pub.title, "published_at": pub.published_at.timestamp(), "notice_ends": pub.notice_ends.timestamp(),
        "appeal_days": pub.appeal_days, "run": run.pk, "run_hash": pub.run_hash, "previous_hash": pub.previous_hash,
        "label": run.label, "scheme": [run.scheme_code, run.scheme_name], "meta": run.scheme_meta or {},
        "totals": [list(r) for r in RunTotal.objects.filter(run=run).order_by("unit_code")
                   .values_list("unit_code", "unit_name", "tier")],
        "boards": [list(r) for r in RunBoard.objects.filter(run=run).order_by("board", "unit_code")
                   .values_list("board", "unit_code", "unit_name")],
    }


def seal_of(pub) -> str:
    return sha256(json.dumps(publication_manifest(pub), sort_keys=True, ensure_ascii=False, default=str))


def sealed_manifest(pub) -> dict | None:
    """What ``pub`` showed when it was published, as its (hash-chained) audit entry recorded it;
    None for publications recorded before the manifest was kept."""
    from kaohe.audit.models import AuditEntry

    entry = (AuditEntry.objects.of_type("results.publication").filter(object_id=pub.pk, action="publish")
             .order_by("id").values_list("after", flat=True).first())
    manifest = entry.get("manifest") if isinstance(entry, dict) else None
    return manifest if isinstance(manifest, dict) else None


def _when(timestamp) -> str:
    if not isinstance(timestamp, (int, float)):
        return str(timestamp)
    moment = dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def manifest_changes(sealed: dict, now: dict, limit: int = 8) -> list[str]:
    """In words, what differs between a publication's sealed manifest and what it shows now."""
    out: list[str] = []

    def changed(label, a, b):
        out.append(_("%(what)s由“%(a)s”改为“%(b)s”") % {"what": label, "a": a, "b": b})

    for key, label in (("title", _("标题")), ("label", _("批次名称")), ("appeal_days", _("申诉答复期限（工作日）"))):
        if sealed.get(key) != now.get(key):
            changed(label, sealed.get(key), now.get(key))
    for key, label in (("notice_ends", _("公示截止时间")), ("published_at", _("公示时间"))):
        if sealed.get(key) != now.get(key):
            changed(label, _when(sealed.get(key)), _when(now.get(key)))
    if sealed.get("scheme") != now.get("scheme"):
        changed(_("考核方案"), "/".join(map(str, sealed.get("scheme") or [])), "/".join(map(str, now.get("scheme") or [])))
    for key, label in (("run_hash", _("结果哈希")), ("previous_hash", _("上一公示哈希"))):
        if sealed.get(key) != now.get(key):
            out.append(_("%(what)s被改动") % {"what": label})
    meta_a, meta_b = sealed.get("meta") or {}, now.get("meta") or {}
    for key in sorted(set(meta_a) | set(meta_b)):
        if meta_a.get(key) != meta_b.get(key):
            label = {"tiers": _("等次设置（名称与分界）"), "indicators": pgettext("改动项", "指标名称"), "groups": _("考核组名称"),
                     "boards": _("榜单名称")}.get(key, _("方案信息 %(key)s") % {"key": key})
            out.append(_("%(what)s被改动") % {"what": label})
    totals_a = {r[0]: r for r in sealed.get("totals") or []}
    totals_b = {r[0]: r for r in now.get("totals") or []}
    for code in sorted(set(totals_a) | set(totals_b)):
        a, b = totals_a.get(code), totals_b.get(code)
        if a is None or b is None:
            out.append(_("总分表中单位 %(code)s %(what)s") % {"code": code, "what": _("被删除") if b is None else _("被加入")})
            continue
        if a[1] != b[1]:
            changed(_("总分表中 %(code)s 的单位名称") % {"code": code}, a[1], b[1])
        if a[2] != b[2]:
            changed(_("总分表中 %(code)s 的等次") % {"code": code}, a[2], b[2])
    boards_a = {(r[0], r[1]): r[2] for r in sealed.get("boards") or []}
    boards_b = {(r[0], r[1]): r[2] for r in now.get("boards") or []}
    for key in sorted(set(boards_a) | set(boards_b)):
        if boards_a.get(key) != boards_b.get(key):
            changed(_("榜单 %(board)s 中 %(code)s 的单位名称") % {"board": key[0], "code": key[1]},
                    boards_a.get(key, "—"), boards_b.get(key, "—"))
    if len(out) > limit:
        out = out[:limit] + [_("等 %(n)s 处") % {"n": len(out)}]
    return out


def verify_publications() -> list[Finding]:
    """Publications whose shown words (names, title, notice period …) differ from what was sealed,
    each change named when the sealed manifest is in the audit log."""
    from kaohe.results.models import Publication

    findings = []
    for pub in Publication.objects.select_related("run").exclude(seal_hash="").order_by("id"):
        if seal_of(pub) == pub.seal_hash:
            continue
        sealed = sealed_manifest(pub)
        changes = manifest_changes(sealed, publication_manifest(pub)) if sealed is not None else []
        if changes:
            findings.append(Finding(pub.run_id, _("公示 %(id)s 与封存时不符（被改动）：%(changes)s") % {
                "id": pub.pk, "changes": "；".join(changes)}))
        else:
            findings.append(Finding(pub.run_id, _("公示 %(id)s 的标题、公示期、单位或等次名称与封存时不符（被改动）") % {"id": pub.pk}))
    return findings


def unsealed_publications() -> list[str]:
    """Publications made before their words were sealed (an empty seal): their title, notice period
    and names cannot be checked — said plainly by ``kaohe verify``, never passed over in silence."""
    from kaohe.results.models import Publication

    return [_("公示 %(id)s（%(title)s）发布于文字封存之前：其标题、公示期、单位和等次名称没有封存，无法核验"
              "（分数、公示链和申诉、奖项状态照常核验）") % {"id": pub.pk, "title": pub.title}
            for pub in Publication.objects.filter(seal_hash="").order_by("id")]


def verify_records() -> list[Finding]:
    """Appeals and awards whose status differs from the last one the audit log recorded for them."""
    from kaohe.audit.models import AuditEntry
    from kaohe.results.models import Appeal, Award, AwardKind, AwardStatus

    findings = []
    for model, label in ((Appeal, _("申诉")), (Award, _("奖项"))):
        audited = {}
        for object_id, after in (AuditEntry.objects.of_type(model._meta.label_lower).filter(object_id__isnull=False)
                                 .order_by("id").values_list("object_id", "after")):
            if isinstance(after, dict) and "status" in after:
                audited[object_id] = after["status"]
        for obj in model.objects.all().only("pk", "status", *(["kind"] if model is Award else [])):
            expected = audited.get(obj.pk)
            if expected is None and model is Award and obj.kind == AwardKind.FIRST_PRIZE:
                expected = AwardStatus.APPROVED  # granted in one batch entry, approved
            if expected is None:
                findings.append(Finding(None, _("%(what)s %(id)s 没有操作日志记录") % {"what": label, "id": obj.pk}))
            elif expected != obj.status:
                names = dict(model._meta.get_field("status").choices)
                findings.append(Finding(None, _("%(what)s %(id)s 的状态“%(now)s”与操作日志记录的“%(was)s”不符（被改动）") % {
                    "what": label, "id": obj.pk, "now": names.get(obj.status, obj.status), "was": names.get(expected, expected)}))
    return findings


def verify_sources() -> list[Finding]:
    """Published runs whose source data (the assessment values they were scored from) changed
    without a recorded correction (a correction marks the run stale): a value edited after sealing."""
    from kaohe.assessment.services import run_inputs
    from kaohe.results.models import Publication

    findings = []
    for pub in Publication.objects.select_related("run", "run__scheme_version", "run__period").order_by("id"):
        run = pub.run
        if not run.source_hash or run.scheme_version is None or run.period is None or run.stale_marks.exists():
            continue
        if run.corrections.exists():
            continue
        try:
            current = run_inputs(run.scheme_version, run.period)
        except Exception:  # noqa: BLE001 — a source that cannot be read is itself a finding
            current = None
        if current is None or current.source_hash != run.source_hash:
            changes = _value_changes(run, current) if current is not None else []
            findings.append(Finding(run.pk, _("计分批次 %(id)s 的考核数据在公示后被改动，且没有更正记录") % {"id": run.pk}
                                    + ("：" + "；".join(changes) if changes else "")))
    return findings


def _value_changes(run: ScoringRun, current, limit: int = 5) -> list[str]:
    """Which source values differ from the ones the run was scored from (unit, indicator, period)."""
    stored = Inputs.from_bytes(run.inputs).values

    def table(cols, rows):
        if not cols:
            return {}
        iu, ii, iv = cols.index("unit"), cols.index("indicator"), cols.index("value")
        ip = cols.index("period") if "period" in cols else None
        return {(r[iu], r[ii], r[ip] if ip is not None else ""): r[iv] for r in rows}

    before = table(stored["columns"], stored["rows"])
    now_table = table_from_frame(current.values)
    after = table(now_table["columns"], now_table["rows"])
    out = []
    for key in sorted(set(before) | set(after), key=str):
        if before.get(key) != after.get(key):
            out.append(_("%(unit)s %(indicator)s %(period)s：计分时 %(a)s，现在 %(b)s") % {
                "unit": key[0], "indicator": key[1], "period": key[2], "a": before.get(key, "—"), "b": after.get(key, "—")})
            if len(out) >= limit:
                break
    return out


# ---- diff -----------------------------------------------------------------------------------


@dataclass
class Move:
    unit: str
    name: str
    group: str
    rank_before: int | None
    rank_after: int | None
    total_before: float | None
    total_after: float | None
    tier_before: str
    tier_after: str
    changed_values: list[tuple[str, Any, Any]]
    changed_scores: list[tuple[str, float, float]]

    @property
    def places(self) -> int:
        if self.rank_before is None or self.rank_after is None:
            return 0
        return self.rank_before - self.rank_after


def diff_runs(before: ScoringRun, after: ScoringRun) -> list[Move]:
    """Who moved between two runs, by how many places, because of which values."""
    in_a, in_b = Inputs.from_bytes(before.inputs).value_map(), Inputs.from_bytes(after.inputs).value_map()
    changed: dict[str, list] = {}
    for key in sorted(set(in_a) | set(in_b)):
        if in_a.get(key) != in_b.get(key):
            changed.setdefault(key[0], []).append((key[1], in_a.get(key), in_b.get(key)))
    scores_a = {(u, i): s for u, i, s in RunIndicator.objects.filter(run=before).values_list("unit_code", "indicator", "score")}
    score_changes: dict[str, list] = {}
    for u, i, s in RunIndicator.objects.filter(run=after).values_list("unit_code", "indicator", "score"):
        old = scores_a.get((u, i))
        if old is not None and round(old - s, 6) != 0:
            score_changes.setdefault(u, []).append((i, old, s))
    ta = {t.unit_code: t for t in RunTotal.objects.filter(run=before)}
    moves = []
    for t in RunTotal.objects.filter(run=after).order_by("group", RANK_ORDER):
        a = ta.get(t.unit_code)
        move = Move(
            t.unit_code, t.unit_name, t.group, a.rank if a else None, t.rank, a.total if a else None, t.total,
            a.tier if a else "", t.tier, changed.get(t.unit_code, []), score_changes.get(t.unit_code, []),
        )
        if move.places or move.changed_values or move.changed_scores or move.tier_before != move.tier_after or (
            a and (a.total is None) != (t.total is None) or (a and a.total is not None and t.total is not None and round(a.total - t.total, 6) != 0)
        ):
            moves.append(move)
    moves.sort(key=lambda m: (-abs(m.places), m.group, m.rank_after or 0))
    return moves
