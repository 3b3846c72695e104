"""The results bulletins say, in the sentence templates, what the hand-worked scores say.

tests/results/world.py: January 甲 21, 乙 23, 丙 14, 丁 13 (乙 first); in February 丁's GDP jumps to 9.0, so
on 争先榜 (GDP, rank_points 10 step 2) 丁 10 (1st, was 4th), 甲 8, 乙 6, 丙 4 (4th, was 3rd); mean 7.
"""

from __future__ import annotations

import io

import pytest
from docx import Document as Docx

from kaohe.lib import sentences as s
from kaohe.reports.bulletins import results as bulletins
from tests.results.fixtures import build_scored
from tests.results.world import scored_run


def test_sentence_templates():
    assert s.gap(5.6, 3.4, "个百分点", basis="全市平均") == "高于全市平均2.2个百分点"
    assert s.gap(3.44, 5.6, "个百分点", basis="全市平均") == "低于全市平均2.2个百分点"  # 3.4 − 5.6, rounded first
    assert s.gap(5.04, 5.0, "%") == "与全组平均持平"
    assert s.place(4) == "居第4位"
    assert s.move(5, 4, "上月") == "较上月前移一位"
    assert s.move(2, 4, "上季度") == "较上季度后移两位"
    assert s.move(3, 3) == "与上月持平" and s.move(None, 3) == ""
    assert s.standing_sentence(25.3, 23.1, 4, 5, digits=1) == "得分25.3分，高于全组平均2.2分，居第4位，较上月前移一位"
    assert s.listing(["甲区", "乙区", "丙区"]) == "甲区、乙区和丙区"
    assert s.rank_change_text(4, 1) == "↑3" and s.rank_change_text(1, 2) == "↓1" and s.rank_change_text(None, 2) == "—"


@pytest.fixture
def scored(org_world):
    return build_scored(org_world)


def _texts(doc) -> list[str]:
    return [p.text for p in Docx(io.BytesIO(doc.to_bytes())).paragraphs]


def test_monthly_bulletin_speaks_the_boards(scored):
    doc = bulletins.monthly(scored.feb)
    texts = _texts(doc)
    assert doc.title == "关于2025年2月高质量发展考核晒榜情况的通报"
    assert "".join(t for t in texts if t.startswith("关于") or t.endswith("的通报"))[:27] == doc.title  # 2 centred lines
    zx = next(t for t in texts if t.startswith("（一）争先榜。"))
    assert zx == ("（一）争先榜。主城区丁区得分10.00分，高于全组平均3.00分，居第1位，较上月前移三位；"
                  "丙区得分4.00分，低于全组平均3.00分，居第4位，较上月后移一位。")
    summary = next(t for t in texts if t.startswith("主城区（4个单位）"))
    assert summary.startswith("主城区（4个单位）平均得分17.75分，乙区以21.00分居首位")
    assert "一、总体情况" in texts and "二、各榜单情况" in texts and "三、红旗激励和黄灯提醒" in texts and "四、下步要求" in texts
    assert "附件：2025年2月各单位综合得分情况" in texts
    table = doc.to_draft()["tables"][-1]
    assert table["headers"] == ["单位", "组别", "综合得分", "位次", "较上月", "等次"]
    assert ["乙区", "主城区", "21.00", "1", "持平"] == table["rows"][0][:5]


def test_quarterly_review_has_one_sentence_per_unit(scored):
    w = scored.w
    q1 = scored_run(kind="quarter", number=1, owner=w.city)
    texts = _texts(bulletins.quarterly(q1))
    jia = next(t for t in texts if t.startswith("2.甲区。"))  # by place: 1.乙区 2.甲区
    # January's values: 甲 21 = 经济发展 16 + 服务效能 5; group means 经济发展 (16+18+14+8)/4 = 14, 服务效能 3.75
    assert jia.startswith("2.甲区。综合得分21.00分，高于全组平均3.25分，居第2位")
    assert "经济发展得分16.00分，高于全组平均2.00分，是主要长项" in jia


def test_annual_bulletin_lists_tiers(scored):
    texts = _texts(bulletins.annual(scored.annual))
    assert "关于2025年度高质量发展综合考核结果的通报" in "".join(t for t in texts[:8])
    tiers = next(t for t in texts if t.startswith("（一）主城区。"))
    assert tiers == "（一）主城区。第一等次（2个）：乙区、甲区；第二等次（2个）：丙区、丁区。"
