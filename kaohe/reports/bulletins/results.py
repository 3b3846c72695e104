"""Bulletins from the scoring results: 月度晒榜通报, 季度点评, 年度考核结果通报.

Each builder reads one sealed run (and the run of the period before, for rank changes) and returns a
``kaohe.lib.gbt9704.Document`` whose words come from sentence templates (``sentences``); the office
edits the words on the 报告 page before issuing. Figures are printed by kaohe.lib.numbers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from kaohe.lib import gbt9704
from kaohe.lib import sentences as s
from kaohe.lib.numbers import number
from kaohe.results.models import FlagKind, RunBoard, RunTotal, ScoringRun
from kaohe.results.queries import flags_of, group_names, previous_run

ADDRESSEE = "各区人民政府，各开发区管委会，市各有关部门："
CC = ["市委办公室", "市人大常委会办公室", "市政府办公室", "市政协办公室"]


def issuer_of(unit) -> str:
    """The office that issues the bulletins of ``unit``'s assessment (署名 and 印发机关)."""
    return f"{unit.name}高质量发展考核办公室" if unit is not None else "高质量发展考核办公室"


@dataclass
class Row:
    code: str
    name: str
    group: str
    total: float | None
    rank: int | None
    tier: str
    prev: int | None
    categories: dict = field(default_factory=dict)
    vetoed: bool = False


def _rows(run: ScoringRun, before: ScoringRun | None) -> list[Row]:
    prev = dict(RunTotal.objects.filter(run=before).values_list("unit_code", "rank")) if before else {}
    rows = [Row(t.unit_code, t.unit_name, t.group, t.total, t.rank, t.tier, prev.get(t.unit_code), t.categories or {},
                t.vetoed) for t in RunTotal.objects.filter(run=run).order_by("group", "rank", "unit_code")]
    return rows


def _mean(values) -> float | None:
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def _by_group(rows: list[Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        out[r.group].append(r)
    for members in out.values():
        members.sort(key=lambda r: (r.rank is None, r.rank or 0, r.code))
    return dict(out)


def _header(run: ScoringRun, title: str, today: dt.date | None) -> gbt9704.Document:
    issuer = issuer_of(run.owner_unit)
    doc = gbt9704.Document(title, issuer=issuer, mark=f"{issuer}文件", addressee=ADDRESSEE,
                           date=today, note="此件公开发布", kind="通报")
    return doc


def _totals_table(doc: gbt9704.Document, rows: list[Row], groups: dict[str, str], previous: str, caption: str) -> None:
    doc.table(caption, "分", ["单位", "组别", "综合得分", "位次", f"较{previous}", "等次"],
              [[r.name, groups.get(r.group, r.group), number(r.total, 2), str(r.rank or "—"),
                s.rank_change_text(r.prev, r.rank), r.tier or "—"] for r in rows])


def _group_summary(members: list[Row], group_name: str, previous: str) -> str:
    ranked = [r for r in members if r.rank]
    mean = _mean(r.total for r in ranked)
    if not ranked:
        return f"{group_name}本期无参与排名的单位。"
    head = ranked[0]
    text = f"{group_name}（{len(members)}个单位）平均得分{number(mean, 2)}分，{head.name}以{number(head.total, 2)}分居首位"
    if len(ranked) >= 3:
        text += f"，{ranked[1].name}、{ranked[2].name}分列第二、三位"
    text += f"，{ranked[-1].name}居末位。"
    up = sorted((r for r in ranked if r.prev and r.prev > r.rank), key=lambda r: (r.rank - r.prev, r.code))
    down = sorted((r for r in ranked if r.prev and r.prev < r.rank), key=lambda r: (r.prev - r.rank, r.code))
    if up:
        text += f"与{previous}相比，{'，'.join(f'{r.name}前移{s.places(r.prev - r.rank)}' for r in up[:3])}"
        text += ("；" + "，".join(f"{r.name}后移{s.count_cn(r.rank - r.prev)}位" for r in down[:3]) + "。") if down else "。"
    elif down:
        text += f"与{previous}相比，" + "，".join(f"{r.name}后移{s.count_cn(r.rank - r.prev)}位" for r in down[:3]) + "。"
    return text


def monthly(run: ScoringRun, *, today: dt.date | None = None) -> gbt9704.Document:
    """月度晒榜通报: totals by group, each board's leaders and tail with the sentence templates, 红旗黄灯."""
    before = previous_run(run)
    previous = s.PREVIOUS.get(run.kind, "上期")
    rows = _rows(run, before)
    groups = group_names(run)
    by_group = _by_group(rows)
    doc = _header(run, f"关于{run.label}高质量发展考核晒榜情况的通报", today)
    doc.paragraph(f"根据《{run.scheme_name}》，现将{run.label}各单位考核晒榜情况通报如下。")
    doc.heading(1, "总体情况")
    doc.paragraph(f"本期共{len(rows)}个单位参加考核，分{len(by_group)}个组别排名。")
    for code, members in by_group.items():
        doc.paragraph(_group_summary(members, groups.get(code, code), previous))
    doc.heading(1, "各榜单情况")
    prev_boards: dict[tuple[str, str], int | None] = {}
    if before:
        prev_boards = {(b, u): r for b, u, r in RunBoard.objects.filter(run=before).values_list("board", "unit_code", "rank")}
    for meta in run.scheme_meta.get("boards", []):
        board_rows = list(RunBoard.objects.filter(run=run, board=meta["code"]).order_by("group", "rank", "unit_code"))
        if not board_rows:
            continue
        sentences = []
        for code, _members in by_group.items():
            members = [b for b in board_rows if b.group == code and b.rank]
            if not members:
                continue
            mean = _mean(b.score for b in members)
            first, last = members[0], members[-1]
            gname = groups.get(code, code)
            sentences.append(f"{gname}{first.unit_name}" + s.standing_sentence(
                first.score, mean, first.rank, prev_boards.get((meta["code"], first.unit_code)), previous=previous))
            if last is not first:
                sentences.append(f"{last.unit_name}" + s.standing_sentence(
                    last.score, mean, last.rank, prev_boards.get((meta["code"], last.unit_code)), previous=previous))
        doc.heading(2, meta["name"], "；".join(sentences) + "。")
        doc.table(f"{run.label}{meta['name']}", "分", ["单位", "组别", "得分", "位次", f"较{previous}"],
                  [[b.unit_name, groups.get(b.group, b.group), number(b.score, 2), str(b.rank or "—"),
                    s.rank_change_text(prev_boards.get((meta["code"], b.unit_code)), b.rank)] for b in board_rows])
    flags = flags_of(run)
    doc.heading(1, "红旗激励和黄灯提醒")
    for kind, label in ((FlagKind.RED, "红旗激励"), (FlagKind.YELLOW, "黄灯提醒")):
        items = flags[kind]
        if items:
            doc.heading(2, f"{label}（{len(items)}个）", "；".join(f"{f.unit_name}（{f.reason}）" for f in items) + "。")
        else:
            doc.heading(2, f"{label}", "本期无。")
    doc.heading(1, "下步要求")
    doc.paragraph("各单位要对照晒榜结果，认真查找差距和不足，逐项分析指标运行情况，落实赶超措施。"
                  "获得红旗激励的单位要再接再厉、争先进位；被黄灯提醒的单位要深刻剖析原因，"
                  "于下月10日前将整改措施报送市高质量发展考核办公室。")
    doc.attachment(f"{run.label}各单位综合得分情况")
    _totals_table(doc, rows, groups, previous, f"{run.label}各单位综合得分情况")
    doc.colophon(cc=CC)
    return doc


def quarterly(run: ScoringRun, *, today: dt.date | None = None) -> gbt9704.Document:
    """季度点评: one paragraph a unit — total vs the group mean, place, move, strongest and weakest area."""
    before = previous_run(run)
    previous = s.PREVIOUS.get(run.kind, "上期")
    rows = _rows(run, before)
    groups = group_names(run)
    cats = {c["code"]: c for c in run.scheme_meta.get("categories", [])}
    doc = _header(run, f"关于{run.label}高质量发展考核情况的点评通报", today)
    doc.paragraph(f"根据《{run.scheme_name}》，市高质量发展考核办公室对{run.label}各单位考核情况进行了综合分析，现点评如下。")
    doc.heading(1, "总体情况")
    for code, members in _by_group(rows).items():
        doc.paragraph(_group_summary(members, groups.get(code, code), previous))
    doc.heading(1, "分单位点评")
    for code, members in _by_group(rows).items():
        mean = _mean(r.total for r in members if r.rank)
        cat_means = {c: _mean(m.categories.get(c) for m in members) for c in cats}
        doc.heading(2, groups.get(code, code))
        for r in members:
            text = s.standing_sentence(r.total, mean, r.rank, r.prev, previous=previous, label="综合得分")
            shares = [(c, (r.categories.get(c) or 0) - (cat_means.get(c) or 0)) for c in cats if r.categories.get(c) is not None]
            if shares:
                best = max(shares, key=lambda x: x[1])
                worst = min(shares, key=lambda x: x[1])
                if best[1] > 0:
                    text += f"；{cats[best[0]]['name']}得分{number(r.categories[best[0]], 2)}分，" + s.gap(
                        r.categories[best[0]], cat_means[best[0]], "分", digits=2) + "，是主要长项"
                if worst[1] < 0 and worst[0] != best[0]:
                    text += f"；{cats[worst[0]]['name']}得分{number(r.categories[worst[0]], 2)}分，" + s.gap(
                        r.categories[worst[0]], cat_means[worst[0]], "分", digits=2) + "，需重点补齐"
            doc.heading(3, r.name, text + "。")
    doc.heading(1, "工作要求")
    doc.paragraph("各单位要对照点评意见，扬优势、补短板、强弱项，确保全年目标任务顺利完成。")
    _totals_table(doc, rows, groups, previous, f"{run.label}各单位综合得分情况")
    doc.colophon(cc=CC)
    return doc


def annual(run: ScoringRun, *, today: dt.date | None = None) -> gbt9704.Document:
    """年度考核结果通报: the tiers (等次) with their units, 一票否决, the full table as 附件."""
    rows = _rows(run, previous_run(run))
    groups = group_names(run)
    doc = _header(run, f"关于{run.year}年度高质量发展综合考核结果的通报", today)
    doc.paragraph(f"根据《{run.scheme_name}》，经数据采集、审核、计分、公示等程序，{run.year}年度高质量发展综合考核工作已经完成。"
                  "现将考核结果通报如下。")
    doc.heading(1, "考核结果")
    levels = [lv["name"] for lv in run.scheme_meta.get("tiers", {}).get("levels", [])]
    for code, members in _by_group(rows).items():
        by_tier: dict[str, list[Row]] = defaultdict(list)
        for r in members:
            by_tier[r.tier or "未定等次"].append(r)
        order = [t for t in levels if t in by_tier] + [t for t in by_tier if t not in levels]
        doc.heading(2, groups.get(code, code),
                    "；".join(f"{t}（{len(by_tier[t])}个）：{'、'.join(r.name for r in by_tier[t])}" for t in order) + "。")
    vetoed = [r.name for r in rows if r.vetoed]
    if vetoed:
        doc.paragraph(f"{s.listing(vetoed)}因触发一票否决事项，年度考核不得评为第一等次。")
    doc.heading(1, "有关要求")
    doc.paragraph("考核结果作为领导班子和领导干部综合考核评价、干部选拔任用、评先评优和绩效奖励的重要依据。"
                  "各单位要认真总结，对照考核中发现的短板弱项，制定整改措施，推动高质量发展再上新台阶。")
    doc.attachment(f"{run.year}年度高质量发展综合考核得分及等次")
    _totals_table(doc, rows, groups, s.PREVIOUS["year"], f"{run.year}年度各单位综合得分及等次")
    doc.colophon(cc=CC)
    return doc
