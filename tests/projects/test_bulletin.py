"""The monthly monitoring bulletin opens as Word and as PDF and says the right things."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document

from kaohe.projects import services
from kaohe.reports.bulletins import projects as bulletin
from tests.projects.factories import ProjectFactory

D = dt.date
OUT = Path("var/test-output/projects")


@pytest.fixture
def w(org_world):
    a = ProjectFactory(unit=org_world.district_a, name="甲区芯片产业园", milestones={"started": (D(2026, 3, 1), D(2026, 3, 1))}, total_investment=Decimal(150000))
    services.submit_report(a, 2026, 3, 5000)
    services.submit_report(a, 2026, 10, 2000)
    ProjectFactory(unit=org_world.district_b, name="乙区物流园", milestones={"started": (D(2026, 6, 1), None)})
    services.run_warnings(D(2026, 11, 10))
    return org_world


def test_the_word_bulletin_has_totals_units_and_the_red_list_with_reasons(w):
    doc = Document(io.BytesIO(bulletin.build(2026, 10, city=w.city, fmt="docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "测试市重大项目监测通报（2026年10月）" in text
    assert "全市纳入监测的重大项目2个，其中亿元以上2个、10亿元以上1个" in text
    assert "年度累计完成投资7,000万元" in text
    assert "红灯项目2个" in text
    cells = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    assert ["甲区", "1", "1", "100.0", "100.0", "7,000", "70.0", "84.0", "0.0"] in cells
    red_rows = [r for r in cells if r[0].startswith("乙区物流园")]
    assert red_rows and "计划2026-06-01开工，逾期5个月仍未开工" in red_rows[0][3]
    assert len(doc.inline_shapes) == 1  # the chart


def test_the_pdf_bulletin_renders(w):
    data = bulletin.build(2026, 10, city=w.city, fmt="pdf")
    assert data.startswith(b"%PDF")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bulletin.pdf").write_bytes(data)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(OUT / "bulletin.pdf"), str(OUT / "bulletin")], check=True)
        assert list(OUT.glob("bulletin-*.png"))
