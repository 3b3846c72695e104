"""Sentence templates of the bulletins (通报、分析、公示): figures into the phrases every module's
bulletin uses — the results' 晒榜通报, the monitor's 经济运行分析, supervision's 督查通报, the
commitments' 进展公示, the enterprise and attraction bulletins.

    gap(25.3, 23.1, "分")                         → "高于全组平均2.2分"
    above_below(-2.2, "个百分点", basis="全市平均") → "低于全市平均2.2个百分点"
    place(4) / place(4, tied=True)                → "居第4位" / "并列第4位"
    move(5, 4, "上月")                             → "较上月前移一位"
    share(6, 22, 0)                               → "27%"
    standing_sentence(...)                        → "得分25.3分，高于全组平均2.2分，居第4位，较上月前移一位"

Figures are rounded and printed by kaohe.lib.numbers (四舍五入), so the words match the tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from kaohe.lib.gbt9704 import cn_number
from kaohe.lib.numbers import MISSING, number, plain, round_half_up, to_decimal

PREVIOUS = {"month": "上月", "quarter": "上季度", "half": "上半年", "year": "上年"}


def count_cn(n: int) -> str:
    """一, 两, 三 … 十, 11 …: how a bulletin counts places (前移两位)."""
    if n == 2:
        return "两"
    return cn_number(n) if 0 < n <= 10 else str(n)


def places(n: int) -> str:
    """一位, 两位 … 十位, 11位."""
    return f"{count_cn(n)}位"


def above_below(diff: float | Decimal | None, unit: str, *, basis: str = "全组平均", digits: int = 1) -> str:
    """高于/低于 {basis}{|diff|}{unit}, or 与{basis}持平 when ``diff`` rounds to zero; "" without one."""
    if diff is None:
        return ""
    d = round_half_up(diff, digits)
    if d > 0:
        return f"高于{basis}{number(d, digits)}{unit}"
    if d < 0:
        return f"低于{basis}{number(-d, digits)}{unit}"
    return f"与{basis}持平"


def gap(value: float | None, mean: float | None, unit: str, *, digits: int = 1, basis: str = "全组平均") -> str:
    """:func:`above_below` of two figures, each rounded as printed (so the words match the table)."""
    if value is None or mean is None:
        return ""
    return above_below(round_half_up(value, digits) - round_half_up(mean, digits), unit, basis=basis, digits=digits)


def place(rank: int | None, *, tied: bool = False, none: str = "不参与排名") -> str:
    """居第N位 / 并列第N位; ``none`` without a rank."""
    if not rank:
        return none
    return f"{'并列' if tied else '居'}第{rank}位"


def move(prev: int | None, now: int | None, previous: str = "上月", *, flat: str = "与{previous}持平") -> str:
    """较上月前移一位 / 后移两位 / 与上月持平 (``flat``); nothing without a previous rank."""
    if prev is None or now is None:
        return ""
    if now < prev:
        return f"较{previous}前移{places(prev - now)}"
    if now > prev:
        return f"较{previous}后移{places(now - prev)}"
    return flat.format(previous=previous)


def share(part: int | float | Decimal | None, whole: int | float | Decimal | None, digits: int = 1, *,
          empty: str = MISSING, trim: bool = False) -> str:
    """part ÷ whole × 100 as a percentage, 四舍五入 to ``digits`` ("27%", "12.7%"; with ``trim`` "50%" for
    50.0); ``empty`` when whole is 0."""
    p, w = to_decimal(part), to_decimal(whole)
    if p is None or not w:
        return empty
    value = p * 100 / w
    return f"{plain(round_half_up(value, digits)) if trim else number(value, digits)}%"


def standing_sentence(score: float | None, mean: float | None, rank: int | None, prev: int | None, *,
                      unit: str = "分", digits: int = 2, previous: str = "上月", label: str = "得分",
                      basis: str = "全组平均") -> str:
    parts = [f"{label}{number(score, digits)}{unit}" if score is not None else "",
             gap(score, mean, unit, digits=digits, basis=basis), place(rank), move(prev, rank, previous)]
    return "，".join(p for p in parts if p)


def listing(names: Sequence[str]) -> str:
    """甲区、乙区和丙区."""
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return "、".join(names[:-1]) + "和" + names[-1]


def rank_change_text(prev: int | None, now: int | None) -> str:
    """For tables: ↑2 / ↓1 / 持平 / —."""
    if prev is None or now is None:
        return "—"
    if now < prev:
        return f"↑{prev - now}"
    if now > prev:
        return f"↓{now - prev}"
    return "持平"
