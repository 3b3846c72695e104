"""`kaohe score` end to end: golden outputs checked by hand, every bad-input path, formats.

Hand-worked numbers behind tests/engine/data/golden/expected (group 区):
  D1: gdp 6.5 ties D3 for place 1 → 60; investment 10×(0.6+0.4×(120−100)/(150−100)) = 7.6;
      revenue d = 103 − 100 = 3 → 10 + min(3, 2) = 12; pm25 32 ≤ 35 → 10;
      energy 3.0 < mean 3.5 (D3's missing value imputed with the mean) → 10 − 0.5×2 = 9;
      base 79.6 + 19 = 98.6; deduction min(1×0.5, cap 1) = 0.5 → 98.1, rank 1, but vetoed
      (accident 1, bar_top_tier) → 第二等次 (quota 0.34×3 = 1.02 → 1 place per level).
  D3: 60 + 6 + 10.5 + 10 + 10 = 96.5, rank 2 → takes the one 第一等次 place.
  D2: 54 + 10 + 8 + 4 + 10 = 86, bonus min(3, 2) = 2 → 88, rank 3 → 第三等次.
Group 园区: P1 57+10+10+10+10 = 97 (一); P3 60+10+11+4+6 = 91 + 1 = 92 (二); P2 54+10+0+4+10 = 78 − 1 = 77 (三).
Board 争先榜 (gdp + investment): D1 67.6, D3 66, D2 64; P3 70, P1 67, P2 64.
"""

import shutil
from pathlib import Path

import polars as pl
import pytest

from kaohe.engine.cli import main

GOLDEN = Path(__file__).parent / "data" / "golden"
FILES = ("totals.csv", "indicators.csv", "boards.csv", "stats.csv", "warnings.csv", "explain.json")


def run(tmp_path: Path, *extra: str, scheme: Path | None = None, values: Path | None = None,
        units: Path | None = GOLDEN / "units.csv", targets: Path | None = GOLDEN / "targets.csv",
        out: Path | None = None) -> tuple[int, Path]:
    out = out or tmp_path / "out"
    argv = ["score", str(scheme or GOLDEN / "scheme.yaml"), str(values or GOLDEN / "values.csv"), "--out", str(out)]
    if units:
        argv += ["--units", str(units)]
    if targets:
        argv += ["--targets", str(targets)]
    return main(argv + list(extra)), out


def test_score_writes_the_golden_outputs_byte_for_byte(tmp_path, capsys):
    code, out = run(tmp_path)
    assert code == 0
    for name in FILES:
        assert (out / name).read_bytes() == (GOLDEN / "expected" / name).read_bytes(), name
    captured = capsys.readouterr()
    assert "scored 6 units in 2 group(s) on 5 indicators" in captured.out
    assert "warning: unit 'D3' has no value for 'energy'" in captured.err


def test_the_golden_totals_are_the_hand_worked_numbers(tmp_path):
    t = pl.read_csv(GOLDEN / "expected" / "totals.csv")
    assert t.columns == ["unit", "group", "econ", "green", "bonus", "deduction", "total", "rank", "tier", "vetoed",
                         "assessed", "reason"]
    got = {r["unit"]: (r["total"], r["rank"], r["tier"], r["vetoed"]) for r in t.iter_rows(named=True)}
    assert got == {"D1": (98.1, 1, "第二等次", True), "D3": (96.5, 2, "第一等次", False),
                   "D2": (88.0, 3, "第三等次", False), "P1": (97.0, 1, "第一等次", False),
                   "P3": (92.0, 2, "第二等次", False), "P2": (77.0, 3, "第三等次", False)}


@pytest.mark.parametrize("fmt", ["xlsx", "json", "parquet"])
def test_other_formats_hold_the_same_tables(tmp_path, fmt):
    code, out = run(tmp_path, "--format", fmt)
    assert code == 0
    path = out / f"totals.{fmt}"
    df = {"xlsx": pl.read_excel, "json": pl.read_json, "parquet": pl.read_parquet}[fmt](path)
    assert df["total"].to_list() == [98.1, 96.5, 88.0, 97.0, 92.0, 77.0]
    assert (out / "explain.json").exists() and (out / f"indicators.{fmt}").exists()


def test_inputs_may_be_excel_and_parquet(tmp_path):
    v = pl.read_csv(GOLDEN / "values.csv")
    v.write_parquet(tmp_path / "values.parquet")
    pl.read_csv(GOLDEN / "units.csv").write_excel(tmp_path / "units.xlsx")
    code, out = run(tmp_path, values=tmp_path / "values.parquet", units=tmp_path / "units.xlsx")
    assert code == 0
    assert (out / "totals.csv").read_bytes() == (GOLDEN / "expected" / "totals.csv").read_bytes()


# --- bad input: message naming the place, exit code 2, nothing written -------------------------


def bad(tmp_path, capsys, **kw) -> str:
    code, out = run(tmp_path, **kw)
    assert code == 2
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out-")] == []
    return capsys.readouterr().err


def edited(tmp_path: Path, name: str, lines: dict[int, str] | None = None, append: list[str] | None = None) -> Path:
    """A copy of a golden input with some lines (1-based, header = line 1) replaced or appended."""
    text = (GOLDEN / name).read_text(encoding="utf-8").splitlines()
    for n, line in (lines or {}).items():
        text[n - 1] = line
    text += append or []
    p = tmp_path / name
    p.write_text("\n".join(text) + "\n", encoding="utf-8")
    return p


def test_an_unknown_unit_in_values_names_file_line_and_unit(tmp_path, capsys):
    err = bad(tmp_path, capsys, values=edited(tmp_path, "values.csv", {18: "X07,revenue,100"}))
    assert "error: values.csv line 18: unit 'X07' is not in units.csv" in err


def test_a_value_that_is_not_a_number(tmp_path, capsys):
    err = bad(tmp_path, capsys, values=edited(tmp_path, "values.csv", {5: "P1,gdp_growth,八"}))
    assert "error: values.csv line 5: value '八' is not a number" in err


def test_an_ambiguous_comma_is_refused_and_thousands_grouping_is_read(tmp_path, capsys):
    # "5,1" was once read as 51 (commas stripped); it is 5.1 to a European and 51 to nobody.
    err = bad(tmp_path, capsys, values=edited(tmp_path, "values.csv", {5: 'P1,gdp_growth,"5,1"'}))
    assert "error: values.csv line 5: value '5,1' is not a number (ambiguous comma" in err
    code, _out = run(tmp_path, values=edited(tmp_path, "values.csv", {5: 'P1,gdp_growth,"1,008.0"'}))
    assert code == 0


def test_chinese_headers_are_read_as_kaohe_score_documents(tmp_path, capsys):
    text = (GOLDEN / "values.csv").read_text(encoding="utf-8").replace("unit,indicator,value", "单位,指标,值", 1)
    p = tmp_path / "values.csv"
    p.write_text(text, encoding="utf-8")
    code, out = run(tmp_path, values=p)
    assert code == 0
    assert (out / "totals.csv").read_bytes() == (GOLDEN / "expected" / "totals.csv").read_bytes()


def test_an_xlsx_formula_without_a_cached_value_is_named(tmp_path, capsys):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for line in (GOLDEN / "values.csv").read_text(encoding="utf-8").splitlines():
        ws.append(line.split(","))
    ws["C5"] = "=C2+1"  # never calculated: no cached value in the file
    wb.save(tmp_path / "values.xlsx")
    err = bad(tmp_path, capsys, values=tmp_path / "values.xlsx")
    assert "values.xlsx: sheet Sheet, row 5, column C: a formula without a calculated value" in err


def test_a_duplicated_row(tmp_path, capsys):
    err = bad(tmp_path, capsys, values=edited(tmp_path, "values.csv", append=["D1,gdp_growth,7"]))
    assert "error: values.csv line 36: duplicate row for unit 'D1', indicator 'gdp_growth' (first given at line 2)" in err


def test_a_missing_column(tmp_path, capsys):
    p = tmp_path / "values.csv"
    p.write_text("unit,indicator,amount\nD1,gdp_growth,1\n", encoding="utf-8")
    err = bad(tmp_path, capsys, values=p)
    assert "error: values.csv: missing column 'value' (columns are: unit, indicator, amount)" in err


def test_empty_unit_and_several_errors_at_once(tmp_path, capsys):
    err = bad(tmp_path, capsys, values=edited(tmp_path, "values.csv", {3: ",gdp_growth,5", 4: "D3,gdp_growth,x"}))
    assert "values.csv line 3: unit is empty" in err
    assert "values.csv line 4: value 'x' is not a number" in err


def test_a_missing_file_and_an_unsupported_type(tmp_path, capsys):
    err = bad(tmp_path, capsys, values=tmp_path / "nope.csv")
    assert "nope.csv: no such file" in err
    p = tmp_path / "values.txt"
    p.write_text("x", encoding="utf-8")
    err = bad(tmp_path, capsys, values=p)
    assert "values.txt: unsupported file type '.txt'" in err


def test_bad_units_and_targets(tmp_path, capsys):
    err = bad(tmp_path, capsys, units=edited(tmp_path, "units.csv", append=["D1,重复,区"]))
    assert "units.csv line 8: duplicate row for unit 'D1' (first given at line 2)" in err
    err = bad(tmp_path, capsys, targets=edited(tmp_path, "targets.csv", {4: "Q9,revenue,100"}))
    assert "targets.csv line 4: unit 'Q9' is not in units.csv" in err
    err = bad(tmp_path, capsys, targets=edited(tmp_path, "targets.csv", {2: "D1,revenue,lots"}))
    assert "targets.csv line 2: target 'lots' is not a number" in err


def test_a_bad_scheme_names_the_place(tmp_path, capsys):
    text = (GOLDEN / "scheme.yaml").read_text(encoding="utf-8").replace("method: rank_points", "method: rnak")
    p = tmp_path / "scheme.yaml"
    p.write_text(text, encoding="utf-8")
    err = bad(tmp_path, capsys, scheme=p)
    assert "error: root.children[0].children[0].method: unknown method 'rnak' (did you mean 'rank_points'?)" in err


def test_a_scheme_that_is_not_yaml(tmp_path, capsys):
    p = tmp_path / "scheme.yaml"
    p.write_text("name: x\nroot: [\n  {code: a\n", encoding="utf-8")
    err = bad(tmp_path, capsys, scheme=p)
    assert "error: scheme.yaml line" in err and "not valid YAML" in err


def test_a_value_that_log_cannot_take(tmp_path, capsys):
    text = (GOLDEN / "scheme.yaml").read_text(encoding="utf-8").replace(
        "method: efficacy, params", "method: efficacy, transform: log, params")
    p = tmp_path / "scheme.yaml"
    p.write_text(text, encoding="utf-8")
    err = bad(tmp_path, capsys, scheme=p, values=edited(tmp_path, "values.csv", {8: "D1,investment,-5"}))
    assert "unit 'D1' indicator 'investment' has value -5, which transform log cannot take" in err


def test_periods_bad_labels_and_absent_period(tmp_path, capsys):
    p = tmp_path / "values.csv"
    p.write_text("unit,indicator,value,period\nD1,gdp_growth,1,2025-03\nD2,gdp_growth,1,March\n", encoding="utf-8")
    err = bad(tmp_path, capsys, values=p)
    assert "values.csv line 3: period 'March' is not a year (2025), half-year (2025-H1), quarter (2025Q3) or month (2025-03)" in err
    p.write_text("unit,indicator,value,period\nD1,gdp_growth,1,2025-03\n", encoding="utf-8")
    code, out = run(tmp_path, "--period", "2024-12", values=p)
    assert code == 2 and not out.exists()
    assert "no values for period '2024-12' (periods present: 2025-03)" in capsys.readouterr().err


def test_an_unknown_option_is_a_usage_error(tmp_path):
    assert main(["score", "a.yaml"]) == 2


def test_an_existing_output_directory_is_updated_in_place(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("keep", encoding="utf-8")
    code, _ = run(tmp_path, out=out)
    assert code == 0 and (out / "notes.txt").read_text(encoding="utf-8") == "keep"
    assert sorted(p.name for p in out.iterdir()) == sorted([*FILES, "notes.txt"])


def test_console_script_dispatches_score_without_django(tmp_path):
    import subprocess
    import sys

    kaohe = Path(sys.executable).with_name("kaohe")  # installed by `make install` (pip install -e .)
    assert kaohe.exists(), f"the kaohe console script is missing beside {sys.executable}"
    shutil.copytree(GOLDEN, tmp_path / "g")
    proc = subprocess.run([str(kaohe), "score", "g/scheme.yaml", "g/values.csv", "--units", "g/units.csv",
                           "--targets", "g/targets.csv", "--out", "o", "--quiet"], cwd=tmp_path,
                          capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "o" / "totals.csv").read_bytes() == (GOLDEN / "expected" / "totals.csv").read_bytes()


@pytest.mark.parametrize("command", ["gap", "robustness", "quality"])
def test_analysis_commands_are_dispatched_to_their_modules(command, capsys):
    assert main([command, "--help"]) == 0
    assert f"usage: kaohe {command}" in capsys.readouterr().out


def test_a_table_too_long_for_excel_is_refused_before_anything_is_written(tmp_path, monkeypatch, capsys):
    from kaohe.engine import output

    monkeypatch.setattr(output, "EXCEL_ROWS", 10)  # the golden indicators table has 30 rows
    code, out = run(tmp_path, "--format", "xlsx")
    assert code == 2 and not out.exists()
    assert "error: indicators has 30 rows, more than an Excel sheet holds (10); use --format csv or parquet" \
        in capsys.readouterr().err
