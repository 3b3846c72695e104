"""Fuzzing every import (issue 14): real .xlsx (openpyxl, with and without formulas' cached values)
and .csv files built from generated cells — wrong types, NaN/inf, huge numbers (1e20, 1e308,
2**63), "5,1", unicode with NUL, control characters, emoji and RTL marks, very long texts, blank
rows, shuffled, aliased, duplicated, missing or blank headers, extra sheets.

Whatever the file, each import either saves every row or nothing: no other exception than the
import's own refusal (a view shows it; nothing else can become a 500), the rows and audit entries
unchanged on refusal, every refusal in Chinese naming its row and column, and a file of valid
rows saved with each number read back exactly as written.

Each example runs in a savepoint rolled back after it, so every example starts from the fixture's
state (that is why the function-scoped-fixture health check is suppressed). Derandomized: CI
and a developer see the same examples.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import openpyxl
import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from kaohe.audit.models import AuditEntry
from kaohe.lib.tabular import TabularError

pytestmark = pytest.mark.django_db

# No shrinking: a failure is reported as generated (the notes say what was put where) instead of
# spending minutes shrinking it on a shared CI machine; derandomize makes it reproducible anyway.
FUZZ = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Cached:
    """A formula cell as Excel saves it: the formula and its calculated value."""

    value: object


# ---- cells ---------------------------------------------------------------------------------------

SPECIAL = [
    0, -1, 2**63, -(2**63), 2**63 - 1, 10**20, 1e20, 1e308, -1e308, 5e-324, float("nan"), float("inf"), float("-inf"),
    0.1 + 0.2, 999999999999.999, True, False,
    "5,1", "5,100", "1.2万", "１２．５", "－３", "5%", "—", "-", " ", "nan", "inf", "1e308", "1e400", "2**63",
    "=1+1", "=A1", "=SUM(A1:A3)", "#DIV/0!", "#N/A", "TRUE", "2026-02-30", "2026/3/1", "\u202e甲区", "😀🏭", "\u200b",
    "ｃ－ａ", "C-A ", "甲\x00区", "a\x01b", "\t", "a\nb", "x" * 40_000, "长" * 301,
    dt.date(1900, 1, 1), dt.date(9999, 12, 31), dt.datetime(2026, 3, 1, 12, 30),
    Cached(42), Cached("甲区"), Cached(1e308),
]
WEIRD = st.one_of(
    st.sampled_from(SPECIAL),
    st.none(),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
    st.text(alphabet=st.characters(min_codepoint=0x590, max_codepoint=0x6ff), min_size=1, max_size=10),  # Hebrew, Arabic
    st.dates(),
)
# Texts a person would type: no leading "=" (a formula), no control characters.
WORDS = st.text(alphabet=st.sampled_from("甲乙丙丁区县镇街项目建设工程改造推进abcXYZ0123456789（）-、 😀"), min_size=1, max_size=30).map(
    str.strip).filter(bool)


def decimals(places: int, below: Decimal, minimum: Decimal = Decimal(0)) -> st.SearchStrategy[Decimal]:
    """Exact decimals in [minimum, below) with at most ``places`` places and 15 significant digits
    (what Excel keeps, and ``parse_number`` accepts)."""
    top = max(-places, len(str(int(below))) - 16)  # the exponent that reaches ``below`` with 15 digits
    low = max(-(10**15) + 1, int(minimum * 10**places) if top == -places else -(10**15) + 1)
    return st.builds(lambda m, e: Decimal(m).scaleb(e), st.integers(low, 10**15 - 1), st.integers(-places, top)).filter(
        lambda d: minimum <= d < below).map(Decimal.normalize)


def as_cell(d: Decimal) -> st.SearchStrategy:
    """A decimal as a person or Excel writes it: a number (when a float holds it exactly), a text, a cached formula."""
    options = [st.just(str(d)), st.just(f"{d:,f}" if abs(d) >= 1000 and d == d.to_integral_value() else str(d))]
    if len(d.as_tuple().digits) <= 15:
        options += [st.just(float(d) if d != d.to_integral_value() else int(d)), st.just(Cached(float(d)))]
    return st.one_of(options)


# ---- files ----------------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*)><f>N\(([0-9]+)\)</f><v\s*/?>(?:</v>)?</c>')


def _cached_formulas(data: bytes, cached: list[Cached]) -> bytes:
    """Give each placeholder formula ``=N(i)`` its cached value, as Excel writes a calculated cell."""
    def value_of(m: re.Match) -> str:
        value = cached[int(m.group(3))].value
        if isinstance(value, str):
            return f'<c r="{m.group(1)}"{m.group(2)} t="str"><f>N({m.group(3)})</f><v>{value}</v></c>'
        return f'<c r="{m.group(1)}"{m.group(2)}><f>N({m.group(3)})</f><v>{value!r}</v></c>'

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                part = _PLACEHOLDER.sub(value_of, part.decode()).encode()
            dst.writestr(info, part)
    return out.getvalue()


def write_xlsx(sheets: list[tuple[str, list[list]]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    cached: list[Cached] = []
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if isinstance(value, Cached):
                    cached.append(value)
                    value = f"=N({len(cached) - 1})"
                elif isinstance(value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)  # openpyxl cannot write them (CSV carries them)
                if value is not None:
                    ws.cell(r, c, value)
    out = io.BytesIO()
    wb.save(out)
    return _cached_formulas(out.getvalue(), cached) if cached else out.getvalue()


def write_csv(rows: list[list]) -> bytes:
    def cell(v) -> str:
        if isinstance(v, Cached):
            v = v.value
        if v is None:
            return ""
        if isinstance(v, bool):
            return "TRUE" if v else "FALSE"
        if isinstance(v, dt.date):
            return v.isoformat()
        return repr(v) if isinstance(v, float) else str(v)

    out = io.StringIO()
    csv.writer(out).writerows([[cell(v) for v in row] for row in rows])
    return out.getvalue().encode("utf-8")


@dataclass
class File:
    data: bytes
    name: str
    valid: bool  # nothing invalid was put in: the import must save it
    rows: list[dict]  # the valid values of each data row, by label (what must read back)
    header_row: int = 1
    notes: list[str] = field(default_factory=list)


@dataclass
class Spec:
    """One import's columns: labels in order, required ones, other accepted headers, valid rows."""

    labels: list[str]
    required: set[str]
    aliases: dict[str, str]
    good_row: Callable[[int], st.SearchStrategy[dict]]
    max_rows: int = 4
    csv: bool = True
    sheet: str | None = None  # read by this name (else the first sheet)


@st.composite
def files(draw, spec: Spec) -> File:
    n = draw(st.integers(1, spec.max_rows))
    good = [draw(spec.good_row(i)) for i in range(n)]
    labels = list(spec.labels)
    valid = True
    notes = []
    header_kind = draw(st.sampled_from(["keep", "keep", "shuffle", "alias", "extra", "fullwidth", "drop", "dup", "blank"]))
    header = list(labels)
    order = list(range(len(labels)))
    if header_kind == "shuffle":
        order = draw(st.permutations(order))
    elif header_kind == "alias":
        for i, label in enumerate(labels):
            if label in spec.aliases and draw(st.booleans()):
                header[i] = spec.aliases[label]
    elif header_kind == "fullwidth":
        header = [h.replace("(", "（").replace(")", "）").replace("（", "(").replace("）", ")") + " " for h in header]
    elif header_kind == "extra":
        header.append("备注（不导入）")
        order.append(len(labels))
    elif header_kind == "drop":
        victim = draw(st.sampled_from(sorted(spec.required)))
        order = [i for i in order if labels[i] != victim]
        valid = False
    elif header_kind == "dup":
        twin = draw(st.sampled_from(labels))
        header.append(spec.aliases.get(twin, twin))
        order.append(labels.index(twin))
        valid = False
    elif header_kind == "blank":
        header = [None] * len(header)
        valid = False
    notes.append(header_kind)
    rows: list[list] = []
    for values in good:
        cells = [values.get(label) for label in labels] + ([None] if header_kind == "extra" else [])
        if header_kind == "extra":
            cells[-1] = draw(WEIRD)
        rows.append(cells)
    for _ in range(draw(st.integers(0, 3))):  # cell mutations
        r, c = draw(st.integers(0, n - 1)), draw(st.integers(0, len(labels) - 1))
        rows[r][c] = draw(WEIRD)
        valid = False
        notes.append(f"cell {r}:{labels[c]}={rows[r][c]!r:.60}")
    table = [[header[i] if i < len(header) else None for i in order]] + [[row[i] if i < len(row) else None for i in order] for row in rows]
    if draw(st.booleans()):  # blank rows between the data (skipped, numbering kept)
        table.insert(draw(st.integers(1, len(table))), [None] * len(order))
    fmt = draw(st.sampled_from(["xlsx", "xlsx", "csv"])) if spec.csv else "xlsx"
    if fmt == "csv":
        return File(write_csv(table), "fuzz.csv", valid, good, notes=notes)
    extra = draw(st.sampled_from(["none", "after", "before"]))
    sheets = [(spec.sheet or "数据", table)]
    if extra == "after":
        sheets.append(("说明", [["填报说明"], ["请勿修改表头"]]))
    elif extra == "before":
        sheets.insert(0, ("说明", [["填报说明"], ["请勿修改表头"]]))
        valid = valid and spec.sheet is not None
    notes.append(f"sheet {extra}")
    return File(write_xlsx(sheets), "fuzz.xlsx", valid, good, notes=notes)


# ---- the property -----------------------------------------------------------------------------------


def snapshot(*models) -> tuple[int, ...]:
    return tuple(m.objects.count() for m in models) + (AuditEntry.objects.count(),)


def assert_named(errors, file: File) -> None:
    assert errors, file.notes
    for e in errors:
        assert CJK.search(e.reason), (e, file.notes)
        if e.row is not None and e.row > file.header_row:
            assert e.column or e.header, (e, file.notes)  # a data row's problem names its column


def attempt(run: Callable[[], object], file: File, models: tuple, check: Callable[[object], None]) -> None:
    """Run one import in a savepoint rolled back afterwards: saved whole (then ``check``) or refused
    with named errors and nothing changed."""
    with transaction.atomic():
        before = snapshot(*models)
        try:
            result = run()
        except TabularError as exc:
            assert_named(exc.errors, file)
            assert snapshot(*models) == before, file.notes
            assert not file.valid, (file.notes, exc.texts())
        else:
            check(result)
        transaction.set_rollback(True)


def same_number(read, written) -> bool:
    if isinstance(written, Cached):
        written = written.value
    if isinstance(written, str):
        written = written.replace(",", "")
    return read is not None and Decimal(read) == Decimal(str(written))


# ---- projects and their monthly reports --------------------------------------------------------------

PROJECT_ALIASES = {"总投资（万元）": "总投资(万元)", "项目编号": " 项目编号 "}


def _project_row(i: int):
    return st.fixed_dictionaries({
        "项目编号": st.just(f"XMFZ{i:03d}"), "项目名称": WORDS, "属地单位代码": st.sampled_from(["C-A", "C-B", "C-A-01"]),
        "总投资（万元）": decimals(2, Decimal("1e12")), "计划年度": st.integers(2000, 2100),
        "年度计划投资（万元）": st.one_of(st.none(), decimals(2, Decimal("1e6"))),
        "签约日期": st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1))),
        "项目类型": st.sampled_from([None, "产业"]), "挂包领导": st.one_of(st.none(), WORDS.map(lambda s: s[:50])),
    }).flatmap(lambda row: st.tuples(*(as_cell(v) if isinstance(v, Decimal) else st.just(v) for v in row.values())).map(
        lambda cells, keys=tuple(row): dict(zip(keys, cells, strict=True))))


def test_any_project_file_is_saved_whole_or_refused_with_named_problems(org_world):
    from kaohe.projects import excel
    from kaohe.projects.models import Project

    labels = [h for _k, h in excel.PROJECT_COLUMNS]
    required = {h for k, h in excel.PROJECT_COLUMNS if k in excel.REQUIRED}
    spec = Spec(labels, required, PROJECT_ALIASES, _project_row)

    @FUZZ
    @given(files(spec))
    def run(file: File):
        def check(result):
            if file.valid:
                assert result == {"created": len(file.rows), "updated": 0}, file.notes
                for row in file.rows:
                    p = Project.objects.get(code=row["项目编号"])
                    assert p.name == row["项目名称"] and p.year == row["计划年度"]
                    assert same_number(p.total_investment, row["总投资（万元）"]), (p.total_investment, row)

        attempt(lambda: excel.import_projects(file.data, user=org_world.office, filename=file.name), file, (Project,), check)

    run()


def test_any_monthly_report_file_is_saved_whole_or_refused_with_named_problems(org_world):
    from kaohe.projects import excel
    from kaohe.projects.models import MonthlyReport
    from tests.projects.factories import ProjectFactory

    for i in range(4):
        ProjectFactory(code=f"XMR{i}", unit=org_world.district_a)
    labels = [h for _k, h in excel.REPORT_COLUMNS]

    def good(i: int):
        return st.fixed_dictionaries({
            "项目编号": st.just(f"XMR{i}"), "年度": st.integers(2000, 2100), "月份": st.integers(1, 12),
            "当月完成投资（万元）": decimals(2, Decimal("1e12")).flatmap(as_cell), "年度累计完成投资（万元）": st.none(),
            "形象进度": st.one_of(st.none(), WORDS), "存在问题": st.one_of(st.none(), WORDS)})

    spec = Spec(labels, {"项目编号", "年度", "月份", "当月完成投资（万元）"}, {"月份": "month"}, good)

    @FUZZ
    @given(files(spec))
    def run(file: File):
        def check(result):
            if file.valid:
                assert result == {"reports": len(file.rows)}
                for row in file.rows:
                    r = MonthlyReport.objects.get(project__code=row["项目编号"], year=row["年度"], month=row["月份"])
                    assert same_number(r.invest_month, row["当月完成投资（万元）"]), (r.invest_month, row)

        attempt(lambda: excel.import_reports(file.data, user=org_world.office, filename=file.name), file, (MonthlyReport,), check)

    run()


# ---- assessment: targets and the values template ----------------------------------------------------


def test_any_targets_file_replaces_the_targets_whole_or_changes_nothing(org_world):
    from kaohe.assessment import targets
    from kaohe.assessment.models import Target
    from tests.assessment.factories import adopted_version

    version = adopted_version(org_world)
    pairs = [(u, i) for u in ("C-A", "C-B") for i in ("jobs", "fai")]

    def good(i: int):
        unit, indicator = pairs[i]
        return st.fixed_dictionaries({"单位代码": st.just(unit), "指标代码": st.just(indicator),
                                      "目标值": decimals(6, Decimal("1e18"), Decimal("-1e18")).flatmap(as_cell)})

    spec = Spec(["单位代码", "指标代码", "目标值"], {"单位代码", "指标代码", "目标值"}, {"单位代码": "unit", "目标值": "target"}, good)

    @FUZZ
    @given(files(spec))
    def run(file: File):
        def check(saved):
            if file.valid:
                assert saved == len(file.rows)
                stored = {(t.unit.code, t.indicator): t.target for t in Target.objects.filter(version=version).select_related("unit")}
                for row in file.rows:
                    assert same_number(stored[(row["单位代码"], row["指标代码"])], row["目标值"]), (stored, row)

        attempt(lambda: targets.import_targets(version, file.data, file.name, org_world.office), file, (Target,), check)

    run()


def test_any_values_template_is_saved_whole_or_refused_with_named_problems(org_world):
    from kaohe.assessment import excel
    from kaohe.assessment.models import DataValue
    from tests.assessment.factories import adopted_version, periods

    version, period = adopted_version(org_world), periods(2025)[3]
    template = openpyxl.load_workbook(io.BytesIO(excel.template_workbook(version, period, org_world.stats_bureau)))
    sheet = template[excel.DATA_SHEET]
    codes = [c.value for c in sheet[1]][excel.FIRST_VALUE_COL - 1:]
    units = [sheet.cell(r, 1).value for r in range(excel.FIRST_DATA_ROW, sheet.max_row + 1)]
    value = decimals(6, Decimal("1e9"))
    count = st.integers(0, 10**9)  # 城镇新增就业 (人) is a whole number

    @FUZZ
    @given(st.lists(st.lists(st.one_of(value, count), min_size=len(codes), max_size=len(codes)), min_size=len(units), max_size=len(units)),
           st.lists(st.tuples(st.integers(0, len(units) - 1), st.integers(0, len(codes) - 1), WEIRD), max_size=3),
           st.sampled_from(["keep", "formula-header", "blank-header", "dup-header"]))
    def run(grid, mutations, header):
        book = openpyxl.load_workbook(io.BytesIO(excel.template_workbook(version, period, org_world.stats_bureau)))
        ws = book[excel.DATA_SHEET]
        ws.protection.sheet = False
        written = {}
        for r, unit in enumerate(units):
            for c, code in enumerate(codes):
                v = grid[r][c]
                if code == "jobs" or isinstance(v, int):
                    v = int(v)
                written[(unit, code)] = v
                ws.cell(excel.FIRST_DATA_ROW + r, excel.FIRST_VALUE_COL + c, float(v) if isinstance(v, Decimal) and len(v.as_tuple().digits) <= 15 else str(v) if isinstance(v, Decimal) else v)
        for r, c, weird in mutations:
            ws.cell(excel.FIRST_DATA_ROW + r, excel.FIRST_VALUE_COL + c, ILLEGAL_CHARACTERS_RE.sub("", weird) if isinstance(weird, str) else
                    None if isinstance(weird, Cached) else weird)
            written.pop((units[r], codes[c]), None)
        if header == "formula-header":
            ws.cell(1, excel.FIRST_VALUE_COL, "=A1")
        elif header == "blank-header":
            for c in range(len(codes)):
                ws.cell(1, excel.FIRST_VALUE_COL + c, None)
        elif header == "dup-header":
            ws.cell(1, excel.FIRST_VALUE_COL + len(codes), codes[0])
            ws.cell(excel.FIRST_DATA_ROW, excel.FIRST_VALUE_COL + len(codes), 1)
        out = io.BytesIO()
        book.save(out)
        file = File(out.getvalue(), "t.xlsx", not mutations and header == "keep", [], notes=[header, *map(repr, mutations)], header_row=3)
        with transaction.atomic():
            before = snapshot(DataValue)
            outcome = excel.import_values(file.data, file.name, user=org_world.submitter, version=version, period=period,
                                          responsible_unit=org_world.stats_bureau)
            if outcome.ok:
                stored = {(v.unit.code, v.indicator): v.value for v in DataValue.objects.filter(version=version, period=period).select_related("unit")}
                for key, v in written.items():
                    assert same_number(stored.get(key), v), (key, stored.get(key), v)
            else:
                assert_named(outcome.problems, file)
                assert snapshot(DataValue) == before, file.notes
                if file.valid:
                    # The only refusals of valid numbers are the scheme's own rules (a jump, a part above its whole).
                    assert all(p.row and p.column for p in outcome.problems), outcome.problems
            transaction.set_rollback(True)

    run()


# ---- schemes: the Excel workbook and YAML ---------------------------------------------------------------


def test_any_scheme_workbook_or_yaml_is_imported_or_refused_in_chinese(org_world):
    from kaohe.assessment import scheme_messages, schemes
    from kaohe.assessment.models import IndicatorSpec, SchemeVersion
    from tests.assessment.factories import scheme_content

    workbook = openpyxl.load_workbook(io.BytesIO(schemes.content_to_workbook(scheme_content())))
    sheet = workbook[schemes.SHEET_INDICATORS]
    points_col = [c.value for c in sheet[1]].index("分值") + 1
    text_yaml = schemes.to_yaml(scheme_content())

    @FUZZ
    @given(st.lists(st.tuples(st.integers(2, sheet.max_row), st.integers(1, sheet.max_column), WEIRD), max_size=3),
           st.lists(decimals(3, Decimal("100"), Decimal("0.001")), min_size=sheet.max_row - 1, max_size=sheet.max_row - 1),
           st.text(max_size=60), st.booleans())
    def run(mutations, points, garbage, yaml_form):
        book = openpyxl.load_workbook(io.BytesIO(schemes.content_to_workbook(scheme_content())))
        ws = book[schemes.SHEET_INDICATORS]
        for r, p in enumerate(points, start=2):
            ws.cell(r, points_col, float(p))
        for r, c, weird in mutations:
            ws.cell(r, c, ILLEGAL_CHARACTERS_RE.sub("", weird) if isinstance(weird, str) else None if isinstance(weird, Cached) else weird)
        out = io.BytesIO()
        book.save(out)
        with transaction.atomic():
            before = snapshot(SchemeVersion, IndicatorSpec)
            content = None
            try:
                if yaml_form:
                    content = schemes.parse_yaml(text_yaml.replace("points: 10", f"points: {garbage!r}", 1) if mutations else text_yaml)
                else:
                    content = schemes.workbook_to_content(out.getvalue())
                version = schemes.import_scheme(content, user=org_world.office, code="FUZZ")
            except schemes.SchemeInvalid as exc:
                shown = scheme_messages.texts(exc.problems, content)  # what the import page lists
                assert shown and all(CJK.search(m) for m in shown), shown
                assert snapshot(SchemeVersion, IndicatorSpec)[:2] == before[:2]
                assert mutations, exc.args  # the written workbook and YAML themselves import
            else:
                if not mutations and not yaml_form:
                    stored = sorted(s.points for s in IndicatorSpec.objects.filter(version=version, is_scored=True))
                    assert stored == sorted(points), (stored, points)
            transaction.set_rollback(True)

    run()


# ---- the working-day calendar ------------------------------------------------------------------------


def test_any_calendar_file_replaces_a_year_whole_or_changes_nothing(db):
    from kaohe.orgs import calendar
    from kaohe.orgs.models import WorkCalendarDay

    weekends = [dt.date(2027, 1, 2) + dt.timedelta(days=7 * k + d) for k in range(50) for d in (0, 1)]

    def good(i: int):
        return st.fixed_dictionaries({
            "日期": st.sampled_from(weekends[i * 20:(i + 1) * 20]).flatmap(lambda d: st.sampled_from([d, d.isoformat(), d.strftime("%Y/%m/%d")])),
            "类型": st.sampled_from(["放假", "上班", "holiday", "workday"]), "说明": st.one_of(st.none(), WORDS)})

    spec = Spec(["日期", "类型", "说明"], {"日期", "类型"}, {"日期": "date", "类型": "kind"}, good)

    @FUZZ
    @given(files(spec))
    def run(file: File):
        def check(result):
            year, n = result
            if file.valid:
                assert (year, n) == (2027, len(file.rows))
                assert WorkCalendarDay.objects.filter(date__year=2027).count() == n

        attempt(lambda: calendar.import_year(file.name, file.data), file, (WorkCalendarDay,), check)

    run()


# ---- supervision tasks, the enterprise register, attraction projects -------------------------------------


def test_any_task_file_is_created_whole_or_refused_with_named_problems(org_world, work_calendar):
    from kaohe.supervision import imports
    from kaohe.supervision.models import Task

    def good(i: int):
        return st.fixed_dictionaries({
            "督查事项": WORDS.map(lambda s: f"{s}{i}"), "牵头单位": st.sampled_from(["C-A", "甲区", "C-TJJ"]),
            "来源": st.sampled_from([None, "会议纪要", "领导批示"]), "缓急": st.sampled_from([None, "急件"]),
            "办理时限（工作日）": st.one_of(st.none(), st.integers(1, 250)), "进展报送频次": st.sampled_from([None, "每周"])})

    spec = Spec(imports.TEMPLATE_HEADERS, {"督查事项", "牵头单位"}, {"督查事项": "事项", "办理时限（工作日）": "办理时限"}, good)

    @FUZZ
    @given(files(spec))
    def run(file: File):
        def check(made):
            if file.valid:
                assert len(made) == len(file.rows)
                for task, row in zip(made, file.rows, strict=True):
                    assert task.title == row["督查事项"]
                    if row["办理时限（工作日）"] is not None:
                        assert task.limit_workdays == row["办理时限（工作日）"]

        attempt(lambda: imports.import_tasks(file.name, file.data, user=org_world.office, now=dt.datetime(2025, 9, 22, 9, tzinfo=dt.UTC)),
                file, (Task,), check)

    run()


def test_any_enterprise_register_is_saved_whole_or_refused_with_named_problems(org_world):
    from kaohe.enterprise import excel
    from kaohe.enterprise.models import Enterprise
    from kaohe.lib import creditcode

    def good(i: int):
        return st.fixed_dictionaries({
            "统一社会信用代码": st.just(creditcode.complete(f"91350100M0001{i:02d}Y4")), "企业名称": WORDS,
            "规模": st.sampled_from([None, "规上", "规下"]), "所在单位": st.sampled_from(["C-A", "C-B"]),
            "联系电话": st.one_of(st.none(), st.integers(10**10, 10**11 - 1)), "重点企业": st.sampled_from([None, "是", "否"])})

    spec = Spec([c.label for c in excel.COLUMNS], {"统一社会信用代码", "企业名称"}, {"企业名称": "名称"}, good)

    @FUZZ
    @given(files(spec))
    def run(file: File):
        def check(result):
            if file.valid:
                assert result == {"created": len(file.rows), "updated": 0}
                for row in file.rows:
                    assert Enterprise.objects.get(credit_code=row["统一社会信用代码"]).name == row["企业名称"]

        attempt(lambda: excel.import_register(file.data, file.name, allowed_unit_ids=None, user=org_world.office), file, (Enterprise,), check)

    run()


def test_any_attraction_file_is_registered_whole_or_refused_with_named_problems(org_world):
    from kaohe.attraction import excel
    from kaohe.attraction.models import AttractionProject

    def good(i: int):
        return st.fixed_dictionaries({
            "项目名称": WORDS.map(lambda s: f"{s}{i}"), "投资方": WORDS, "属地单位代码": st.sampled_from(["C-A", "C-B"]),
            "计划总投资（万元）": decimals(2, Decimal("1e12")).flatmap(as_cell),
            "用地面积（亩）": st.one_of(st.none(), decimals(2, Decimal("1e8")).flatmap(as_cell)),
            "首谈日期": st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1)))})

    spec = Spec([c.label for c in excel.COLUMNS], {c.label for c in excel.COLUMNS if c.required},
                {"计划总投资（万元）": "总投资（万元）"}, good)

    @FUZZ
    @given(files(spec))
    def run(file: File):
        def check(created):
            if file.valid:
                assert len(created) == len(file.rows)
                for p, row in zip(created, file.rows, strict=True):
                    p.refresh_from_db()
                    assert p.name == row["项目名称"] and same_number(p.amount, row["计划总投资（万元）"]), (p.amount, row)

        attempt(lambda: excel.import_rows(file.data, file.name, org_world.office), file, (AttractionProject,), check)

    run()


# ---- commitments: the progress round trip ------------------------------------------------------------------


def test_any_progress_file_is_reported_whole_or_refused_with_named_problems(org_world, work_calendar):
    from kaohe.commitments import excel
    from kaohe.commitments.models import Campaign, ClaimantKind, Commitment, ProgressReport
    from tests.commitments.conftest import published

    campaign = Campaign.objects.create(
        code="fuzz-2025", name="百名局长百件事", year=2025, owner_unit=org_world.district_a,
        claimant_kind=ClaimantKind.BUREAU_HEAD, claim_opens=dt.date(2025, 3, 1), claim_closes=dt.date(2025, 3, 31),
        evaluation_opens=dt.date(2025, 12, 1), evaluation_closes=dt.date(2025, 12, 31))
    item = published(campaign, org_world.towns_a[0], org_world.office_a, org_world.assessed_town_a)
    exported = openpyxl.load_workbook(io.BytesIO(excel.export_progress(Commitment.objects.filter(pk=item.pk))))["进展填报"]
    base = [[c.value for c in r] for r in exported.iter_rows(min_row=2)]
    today = dt.date(2025, 5, 10)

    def good(i: int):
        row = dict(zip(excel.HEADERS, base[i], strict=True))
        return st.integers(0, 100).flatmap(lambda p: st.fixed_dictionaries({
            **{k: st.just(v) for k, v in row.items()}, "本次进度（%）": st.sampled_from([p, float(p), str(p), Cached(p)]),
            "实际完成日期": st.just(dt.date(2025, 4, 29) if p == 100 else None), "进展情况": WORDS}))

    spec = Spec(excel.HEADERS, {c.label for c in excel.COLUMNS if c.required}, {"事项序号": "序号"}, good, max_rows=len(base))

    @FUZZ
    @given(files(spec))
    def run(file: File):
        def check(result):
            if file.valid:
                assert result == {"reports": len(file.rows), "unchanged": 0}
                for row in file.rows:
                    report = ProgressReport.objects.filter(milestone__seq=row["节点序号"]).latest("pk")
                    assert same_number(report.progress, row["本次进度（%）"])

        attempt(lambda: excel.import_progress(file.data, campaign=campaign, user=org_world.assessed_town_a, filename=file.name, on=today),
                file, (ProgressReport,), check)

    run()


# ---- the engine's input tables (kaohe score) -------------------------------------------------------------------


@FUZZ
@given(st.data())
def test_any_engine_input_table_reads_as_text_columns_or_a_named_refusal(data):
    from kaohe.lib.tabular import read_frame

    def good(i: int):
        return st.fixed_dictionaries({"单位代码": st.sampled_from(["C-A", "C-B"]), "指标代码": st.just(f"i{i}"),
                                      "数值": decimals(4, Decimal("1e9")).flatmap(as_cell)})

    file = data.draw(files(Spec(["单位代码", "指标代码", "数值"], {"单位代码"}, {"数值": "value"}, good)))
    try:
        frame, numbers, errors = read_frame(file.data, file.name)
    except TabularError as exc:
        assert_named(exc.errors, file)
        assert not file.valid, exc.texts()
        return
    assert len(frame) == len(numbers)
    assert all(CJK.search(e.reason) for e in errors)
    if file.valid:
        assert not errors
        for value, row in zip(frame["value"], file.rows, strict=True):
            assert same_number(value, row["数值"]), (value, row)
