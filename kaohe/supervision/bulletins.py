"""督查情况通报: generated for any period from the data, in the practice's sentences
("确定事项22件，截至9月14日，已办结6件，占比27%；正在办理16件，占比73%"), naming the lagging
units; the office edits the text, then issues it (numbered .docx; PDF by LibreOffice)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.lib.periods import Period
from kaohe.lib.sentences import share
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.scope import subtree_ids
from kaohe.supervision import config
from kaohe.supervision.models import (
    OPEN_STATES,
    Bulletin,
    Colour,
    SourceKind,
    Task,
    TaskState,
)


@dataclass
class Draft:
    office: OrgUnit
    period: Period
    title: str
    body: str
    table: list[list[str]] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    lagging: list[str] = field(default_factory=list)


def _pct(n: int, d: int) -> str:
    """占比 in whole percent, as the practice writes it ("27%"); 0% of nothing."""
    return share(n, d, 0, empty="0%")


def _d(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def draft(office: OrgUnit, period_text: str, *, user=None, today: dt.date | None = None) -> Draft:
    period = Period.parse(period_text)
    today = today or timezone.localdate()
    as_of = min(period.end, today)
    end = timezone.make_aware(dt.datetime.combine(as_of, dt.time(23, 59, 59)))
    start = timezone.make_aware(dt.datetime.combine(period.start, dt.time.min))
    tasks = list(Task.objects.filter(office_unit_id__in=subtree_ids(office), assigned_at__gte=start, assigned_at__lte=end)
                 .select_related("lead_unit").order_by("seq"))
    total = len(tasks)

    def closed(t: Task) -> bool:
        return t.closed_at is not None and t.closed_at <= end

    done = [t for t in tasks if closed(t)]
    doing = [t for t in tasks if not closed(t)]
    overdue = [t for t in doing if t.due_at is not None and t.due_at < end]
    red = [t for t in tasks if t.colour == Colour.RED]
    on_time = [t for t in done if t.on_time]
    by_source = Counter(t.source_kind for t in tasks)
    lag = defaultdict(int)
    for t in overdue:
        lag[t.lead_unit.name] += 1
    lagging = [name for name, _n in sorted(lag.items(), key=lambda kv: (-kv[1], kv[0]))]
    label = period.label("zh")
    paras = [
        f"{label}，共确定督查事项{total}件，截至{_d(as_of)}，已办结{len(done)}件，占比{_pct(len(done), total)}；"
        f"正在办理{len(doing)}件，占比{_pct(len(doing), total)}（详见附件）。",
    ]
    if total:
        parts = "，".join(f"{SourceKind(k).label}{n}件" for k, n in by_source.most_common())
        paras.append(f"从来源看，{parts}。已办结事项中按期办结{len(on_time)}件，按期办结率{_pct(len(on_time), len(done))}。")
    if overdue:
        paras.append(f"逾期未办结{len(overdue)}件，其中红色督办{sum(1 for t in overdue if t.colour == Colour.RED)}件。"
                     f"{'、'.join(lagging[:8])}等单位事项进展滞后，请相关单位主要负责同志亲自过问，限期办结。")
    else:
        paras.append("各事项均在办理时限内推进，无逾期事项。")
    if red:
        paras.append(f"对红色督办事项，已发出督办函{len(red)}份，按考核办法扣分。")
    paras.append("下一步，督查室将对已办结事项开展“回头看”，对正在办理事项实行“蓝、黄、红”三单预警督办，直至办结销号。")
    table = [["督办编号", "督查事项", "牵头单位", "办结时限", "状态"]]
    for t in tasks:
        state = "已办结" if closed(t) else ("逾期" if t in overdue else "正在办理")
        table.append([t.number, t.title, t.lead_unit.name, timezone.localtime(t.due_at).strftime("%Y-%m-%d") if t.due_at else "—", state])
    stats = {"total": total, "done": len(done), "doing": len(doing), "overdue": len(overdue), "red": len(red), "on_time": len(on_time)}
    return Draft(office, period, f"关于{label}督查事项办理情况的通报", "\n".join(paras), table, stats, lagging)


def _document(office: OrgUnit, base: Draft, title: str, body: str, today: dt.date):
    from kaohe.lib import gbt9704  # noqa: PLC0415

    doc = gbt9704.Document(title.strip() or base.title, issuer=f"{office.name}{config.get('issuer')}", addressee="各有关单位：",
                           date=today, kind="通报")
    doc.paragraphs([p.strip() for p in body.splitlines() if p.strip()])
    if len(base.table) > 1:
        doc.attachment("督查事项清单")
        doc.table("督查事项清单", None, base.table[0], base.table[1:])
    return doc


def draft_in_register(office: OrgUnit, period_text: str, *, user=None, today: dt.date | None = None):
    """The bulletin as a DRAFT in the documents register (the office edits and issues it on the 报告 page);
    re-drafting the same period replaces the draft."""
    from kaohe.documents import services as register  # noqa: PLC0415
    from kaohe.supervision.apps import BULLETIN_KIND  # noqa: PLC0415

    today = today or timezone.localdate()
    base = draft(office, period_text, today=today)
    return register.draft(kind=BULLETIN_KIND, unit=office, period=base.period.code,
                          document=_document(office, base, base.title, base.body, today), user=user)


def issue(office: OrgUnit, period_text: str, title: str, body: str, *, user=None, today: dt.date | None = None) -> Bulletin:
    """Issue the (edited) bulletin through the documents register (``kaohe.documents``): numbered
    代字〔年〕N号 without gaps per office, .docx and PDF stored with their hashes, listed on the 报告 page;
    the item list is its 附件."""
    from kaohe.documents import services as register  # noqa: PLC0415
    from kaohe.supervision.apps import BULLETIN_KIND  # noqa: PLC0415

    today = today or timezone.localdate()
    base = draft(office, period_text, today=today)
    doc = _document(office, base, title, body, today)
    with transaction.atomic():
        issued = register.issue(register.draft(kind=BULLETIN_KIND, unit=office, period=base.period.code, document=doc, user=user),
                                user=user, date=today)
        item = Bulletin.objects.create(office_unit=office, period=base.period.code, title=doc.title, body=body, issued=issued)
        record(AuditAction.PUBLISH, item, after={"number": issued.number, "period": base.period.code, **base.stats}, user=user,
               unit=office.pk)
    return item


def pdf_of(docx: bytes, timeout: int = 120) -> bytes | None:
    """The .docx as PDF through LibreOffice (``kaohe.lib.gbt9704.to_pdf``; None when it is not installed)."""
    from kaohe.lib import gbt9704  # noqa: PLC0415

    if gbt9704.soffice_path() is None:
        return None
    return gbt9704.to_pdf(docx, timeout=timeout)


def open_count(office: OrgUnit) -> int:
    return Task.objects.filter(office_unit_id__in=subtree_ids(office), state__in=OPEN_STATES).count()


__all__ = ["Draft", "TaskState", "draft", "issue", "open_count", "pdf_of"]
