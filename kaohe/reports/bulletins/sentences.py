"""Sentence templates of the bulletins: figures into the phrases a 通报 uses.

    gap(25.3, 23.1, "分")                 → "高于全组平均2.2分"
    gap(5.6, 7.8, "个百分点", basis="全市平均") → "低于全市平均2.2个百分点"
    place(4)                              → "居第4位"
    move(5, 4, "上月")                     → "较上月前移一位"
    standing_sentence(...)                 → "得分25.3分，高于全组平均2.2分，居第4位，较上月前移一位"

Figures are rounded and printed by kaohe.lib.numbers (四舍五入), so the words match the tables.
"""

from __future__ import annotations

from collections.abc import Sequence

from kaohe.lib.gbt9704 import cn_number
from kaohe.lib.numbers import number, round_half_up

PREVIOUS = {"month": "上月", "quarter": "上季度", "half": "上半年", "year": "上年"}


def count_cn(n: int) -> str:
    """一, 两, 三 … 十, 11 …: how a bulletin counts places (前移两位)."""
    if n == 2:
        return "两"
    return cn_number(n) if 0 < n <= 10 else str(n)


def gap(value: float | None, mean: float | None, unit: str, *, digits: int = 1, basis: str = "全组平均") -> str:
    """高于/低于 {basis}{差}{unit}, or 与{basis}持平 when the rounded difference is zero."""
    if value is None or mean is None:
        return ""
    diff = round_half_up(value, digits) - round_half_up(mean, digits)
    if diff > 0:
        return f"高于{basis}{number(diff, digits)}{unit}"
    if diff < 0:
        return f"低于{basis}{number(-diff, digits)}{unit}"
    return f"与{basis}持平"


def place(rank: int | None) -> str:
    return f"居第{rank}位" if rank else "不参与排名"


def move(prev: int | None, now: int | None, previous: str = "上月") -> str:
    """较上月前移一位 / 后移两位 / 与上月持平; nothing without a previous rank."""
    if prev is None or now is None:
        return ""
    if now < prev:
        return f"较{previous}前移{count_cn(prev - now)}位"
    if now > prev:
        return f"较{previous}后移{count_cn(now - prev)}位"
    return f"与{previous}持平"


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
