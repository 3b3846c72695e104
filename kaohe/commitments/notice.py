"""承诺事项进展公示: the campaign's progress as a 公文 (通报, GB/T 9704 layout through
``kaohe.lib.gbt9704``), written from the data in the practice's sentences — "共认领承诺事项150项，
经审核对外公示142项；截至11月10日，已兑现18项，占12.7%……" — with the lagging items named and
the whole list as 附件. :func:`content` builds the words (paragraphs and tables) so that, once the
documents app numbers and registers documents, only :func:`render` changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q

from kaohe.commitments.models import (
    PUBLIC_STATUSES,
    Campaign,
    CommentStatus,
    CommitmentStatus,
    Milestone,
    Vote,
    VoteChoice,
)
from kaohe.lib import gbt9704
from kaohe.lib.numbers import plain
from kaohe.lib.sentences import share


@dataclass
class NoticeContent:
    title: str
    issuer: str
    date: dt.date
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    lagging_rows: list[list[str]] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def content(campaign: Campaign, on: dt.date) -> NoticeContent:
    """The words of the notice as at ``on``."""
    items = campaign.commitments.select_related("unit")
    claimed = items.count()
    shown = list(items.filter(status__in=PUBLIC_STATUSES).order_by("number"))
    fulfilled = [i for i in shown if i.status == CommitmentStatus.FULFILLED]
    failed = [i for i in shown if i.status == CommitmentStatus.NOT_FULFILLED]
    going = [i for i in shown if i.status == CommitmentStatus.PUBLISHED]
    ids = [i.pk for i in shown]
    ms = Milestone.objects.filter(commitment_id__in=ids, due_on__lte=on)
    due = ms.count()
    on_time = ms.filter(done_on__isnull=False, done_on__lte=F("due_on")).count()
    late_open = {m.commitment_id for m in ms.filter(done_on__isnull=True)}
    lagging = [i for i in going if i.pk in late_open]
    comments = campaign.commitments.aggregate(
        n=Count("comments", filter=Q(comments__status=CommentStatus.APPROVED)),
        answered=Count("comments", filter=Q(comments__status=CommentStatus.APPROVED, comments__answered_at__isnull=False)))
    votes = Vote.objects.filter(commitment_id__in=ids)
    n_votes = votes.count()
    content_votes = votes.filter(choice__in=[VoteChoice.SATISFIED, VoteChoice.BASIC]).count()
    date_text = gbt9704.cn_date(on)
    unclaimed = len(public_unclaimed(campaign))
    out = NoticeContent(title=f"关于{campaign.year}年“{campaign.name}”承诺事项进展情况的公示", issuer=f"{campaign.owner_unit.name}考核办",
                        date=on)
    overall = (f"{campaign.year}年“{campaign.name}”活动共认领承诺事项{claimed}项"
               + (f"（尚有{unclaimed}个单位未认领）" if unclaimed else "")
               + f"，经审核对外公示{len(shown)}项。截至{date_text}，已兑现{len(fulfilled)}项，占{share(len(fulfilled), len(shown), 1, trim=True)}；"
               f"推进中{len(going)}项，其中{len(lagging)}项有节点逾期未完成"
               + (f"；未兑现{len(failed)}项" if failed else "") + "。")
    nodes = f"到期节点{due}个，按期完成{on_time}个，按期完成率{share(on_time, due, 1, trim=True)}。"
    voices = (f"群众公开留言{comments['n']}条，责任单位已答复{comments['answered']}条，占{share(comments['answered'], comments['n'], 1, trim=True)}。")
    if n_votes:
        voices += f"年终评诺已收到评价{n_votes}票，满意和基本满意{content_votes}票，满意率{share(content_votes, n_votes, 1, trim=True)}。"
    out.sections.append(("总体情况", [overall, nodes, voices]))
    if lagging:
        names = "、".join(dict.fromkeys(i.unit.name for i in lagging[:30]))
        out.sections.append(("滞后事项", [f"以下单位的承诺事项有节点逾期未完成：{names}。请相关单位主要负责人亲自过问，"
                                      "倒排时间、加快推进，于5个工作日内报告整改措施。"]))
        out.lagging_rows = [[str(i.number), i.unit.name, i.claimant_name, i.title, plain(i.progress)] for i in lagging]
    out.sections.append(("下步要求", ["各单位要对照承诺目标和节点，按月报告进展，及时答复群众留言；"
                                  "考核办将结合年终评诺情况，将兑诺情况纳入年度综合考核效能榜。"]))
    status = dict(CommitmentStatus.choices)
    out.rows = [[str(i.number), i.unit.name, i.claimant_name, i.title, plain(i.progress), str(status[i.status])] for i in shown]
    return out


def public_unclaimed(campaign: Campaign):
    from kaohe.commitments.services import unclaimed_units

    return unclaimed_units(campaign)


KIND = "commitments"


def render(c: NoticeContent) -> bytes:
    """The .docx in the GB/T 9704 layout (通报; the list as 附件1)."""
    return document(c).to_bytes()


def document(c: NoticeContent) -> gbt9704.Document:
    """The notice laid out as a 公文 (for ``kaohe.documents.services.draft`` to number and register)."""
    doc = gbt9704.Document(c.title, issuer=c.issuer, mark=f"{c.issuer}文件", addressee="各有关单位：", date=c.date,
                           note="此件公开发布", kind="通报")
    for head, paras in c.sections:
        doc.heading(1, head)
        doc.paragraphs(paras)
        if head == "滞后事项" and c.lagging_rows:
            doc.table("节点逾期未完成的承诺事项", "%", ["序号", "责任单位", "认领人", "承诺事项", "完成进度"], c.lagging_rows)
    doc.attachment("承诺事项进展情况一览表")
    doc.table("承诺事项进展情况", "%", ["序号", "责任单位", "认领人", "承诺事项", "完成进度", "状态"], c.rows)
    doc.colophon(cc=["市委办公室", "市政府办公室"])
    return doc

