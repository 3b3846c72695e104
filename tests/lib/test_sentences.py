"""The one set of bulletin phrases (kaohe.lib.sentences), hand-worked, 四舍五入 at exact halves."""

from __future__ import annotations

from decimal import Decimal

from kaohe.lib import sentences as s


def test_above_below_rounds_half_up_and_says_level_at_zero():
    assert s.above_below(2.25, "个百分点", basis="全市平均") == "高于全市平均2.3个百分点"
    assert s.above_below(-2.25, "个百分点", basis="全市平均") == "低于全市平均2.3个百分点"
    assert s.above_below(-0.04, "分") == "与全组平均持平"  # rounds to -0.0
    assert s.above_below(None, "分") == ""
    # gap rounds each figure as printed first: 25.35 → 25.4, 23.14 → 23.1 → 2.3 (not 2.21 → 2.2)
    assert s.gap(25.35, 23.14, "分") == "高于全组平均2.3分"


def test_place_and_move_in_the_practice_words():
    assert s.place(4) == "居第4位" and s.place(1, tied=True) == "并列第1位"
    assert s.place(None) == "不参与排名" and s.place(None, none="") == ""
    assert s.move(5, 4) == "较上月前移一位" and s.move(2, 4, "上季度") == "较上季度后移两位"
    assert s.move(3, 3) == "与上月持平" and s.move(3, 3, "上季度", flat="位次与{previous}持平") == "位次与上季度持平"
    assert s.move(None, 3) == "" and s.places(12) == "12位"


def test_share_is_part_of_whole_in_percent():
    assert s.share(6, 22, 0) == "27%"  # 27.27…
    assert s.share(1, 8, 1) == "12.5%" and s.share(1, 16, 1) == "6.3%"  # 6.25 → 6.3
    assert s.share(1, 2, 1) == "50.0%" and s.share(1, 2, 1, trim=True) == "50%"
    assert s.share(Decimal(3), 0) == "—" and s.share(0, 0, 0, empty="0%") == "0%"
