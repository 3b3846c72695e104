"""经济运行分析: the monitor's bulletin, written from the data with sentence templates.

:func:`content` returns the bulletin in the draft form of the GB/T 9704 layout
(``kaohe.lib.gbt9704.Document.write_text``): a title, the body as text — headings 一、/（一）,
paragraphs, ``【表1】`` placeholders — and the tables. The text is what an office edits before
issuing; :func:`docx` lays it out (A4, 仿宋/黑体/楷体, page numbers, the table with its unit).

    一、总体情况            全市 figures of the key indicators
    二、开门红 / 双过半      at 1–3月 / 1–6月: who made it, who did not
    三、各地区运行情况       one paragraph a unit: "地区生产总值增长4.9%，低于全市平均1.1个百分点，居第9位，较上季度后移一位；…"
    附件1 【表1】            各地区主要指标增速及位次 (on its own page after the signature)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kaohe.lib import gbt9704
from kaohe.lib import numbers as n
from kaohe.monitor import compute, services
from kaohe.monitor.models import MonitorIndicator
from kaohe.orgs.models import OrgUnit


@dataclass
class Bulletin:
    title: str
    text: str
    tables: list[dict] = field(default_factory=list)
    issuer: str = ""

    def document(self, *, date: dt.date | None = None, number: str | None = None) -> gbt9704.Document:
        """The GB/T 9704 document (what ``kaohe.documents.services.draft`` stores as a draft)."""
        doc = gbt9704.Document(self.title, number=number, issuer=self.issuer, date=date or dt.date.today(),
                               addressee="各区（县）人民政府，各功能区管委会：", kind="经济运行分析")
        doc.write_text(self.text, self.tables)
        return doc

    def docx(self, *, date: dt.date | None = None, number: str | None = None) -> bytes:
        return self.document(date=date, number=number).to_bytes()


def _names(codes: list[str], names: dict[str, str]) -> str:
    return "、".join(names[c] for c in codes)


def _city_line(ind: MonitorIndicator, row: dict) -> str:
    spec = ind.spec
    label = compute.release_label(spec, row["month"])
    parts = []
    if row.get("city_amount") is not None and spec.summable and ind.amount_code:
        parts.append(f"完成{n.figure(row['city_amount'], ind.unit_of_measure)}")
    if spec.judged_on == compute.AMOUNT:
        parts.append(f"为{n.figure(row['city_amount'], ind.unit_of_measure)}" if row.get("city_amount") is not None else "暂无数据")
    else:
        parts.append(compute.growth_words(row.get("city_growth")))
    return f"{ind.name}{label}{'，'.join(parts)}"


def content(owner: OrgUnit, year: int, month: int, units: list[OrgUnit] | None = None) -> Bulletin:
    """The analysis of ``owner``'s monitor at ``month`` of ``year`` (every unit; the office's bulletin)."""
    units = units if units is not None else services.monitored_units(owner, year)
    names = {u.code: u.name for u in units}
    key = services.indicators(owner, key_only=True)
    evaluated = [(ind, services.evaluate(ind, year, units).at(year, month)) for ind in key]
    evaluated = [(ind, at) for ind, at in evaluated if at]
    period = f"{year}年1–{month}月" if month > 1 else f"{year}年1月"
    lines = ["一、总体情况"]
    city = [_city_line(ind, next(iter(at.values()))) for ind, at in evaluated]
    lines.append(f"{period}，全市主要经济指标运行情况如下：" + "；".join(city) + "。" if city else "本期暂无发布数据。")
    for ind, at in evaluated:
        if ind.spec.judged_on == compute.AMOUNT:
            continue
        above = [c for c in names if c in at and (at[c].get("gap_pp") or 0) >= 0 and at[c].get("gap_pp") is not None]
        if above:
            lines.append(f"{ind.name}增速高于（或持平）全市平均的有{_names(above, names)}，共{len(above)}个地区。")
    checks = []
    if month >= 3 and any(r.get("kaimenhong") is not None for _i, at in evaluated for r in at.values()):
        checks.append(("开门红", "kaimenhong", "一季度"))
    if month >= 6 and any(r.get("shuangguoban") is not None for _i, at in evaluated for r in at.values()):
        checks.append(("双过半", "shuangguoban", "上半年"))
    if checks:
        lines.append("二、" + "、".join(f"{c[2]}“{c[0]}”" for c in checks) + "情况")
        for name, column, when in checks:
            for ind, at in evaluated:
                met = [c for c in names if at.get(c, {}).get(column) is True]
                missed = [c for c in names if at.get(c, {}).get(column) is False]
                if not met and not missed:
                    continue
                text = f"{ind.name}：{when}实现“{name}”的有{_names(met, names) or '无'}"
                if missed:
                    text += f"；未实现的有{_names(missed, names)}，需加力追赶"
                lines.append(text + "。")
    head = "三、" if checks else "二、"
    lines.append(f"{head}各地区运行情况")
    for code, name in names.items():
        parts = [f"{ind.name}{compute.sentence(ind.spec, at[code])}" for ind, at in evaluated if code in at]
        if parts:
            lines.append(f"（{gbt9704.cn_number(list(names).index(code) + 1)}）{name}。" + "；".join(parts) + "。")
    lines.append("【附件1 各地区主要经济指标增速及位次】")
    lines.append("【表1】")
    headers = ["地区"] + [f"{ind.name}（{compute.release_label(ind.spec, next(iter(at.values()))['month'])}）"
                          for ind, at in evaluated]
    rows = [["全市"] + [_cell(ind, next(iter(at.values())), city=True) for ind, at in evaluated]]
    for code, name in names.items():
        rows.append([name] + [_cell(ind, at.get(code)) for ind, at in evaluated])
    table = {"caption": "各地区主要经济指标增速及位次", "unit": "%，位", "headers": headers, "rows": rows}
    title = f"{owner.name}{period}经济运行情况分析"
    return Bulletin(title=title, text="\n".join(lines), tables=[table], issuer=owner.name)


def _cell(ind: MonitorIndicator, row: dict | None, *, city: bool = False) -> str:
    if row is None:
        return "—"
    if ind.spec.judged_on == compute.AMOUNT:
        value = row.get("city_amount" if city else "amount")
        rank = None if city else row.get("amount_rank")
    else:
        value = row.get("city_growth" if city else "growth")
        rank = None if city else row.get("growth_rank")
    text = n.number(value, 1) if value is not None else "—"
    return text if rank is None else f"{text}（{rank}）"
