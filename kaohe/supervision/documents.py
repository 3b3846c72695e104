"""The supervision documents: 交办单、催办单、督办函（督办通知单）、督查情况通报、周交办清单.

Each builder returns a :class:`Letter` — the CONTENT (title, addressee, paragraphs, a table,
signature) and nothing about layout; :func:`render` lays it out as an A4 .docx in the GB/T 9704
letter layout (``kaohe.lib.gbt9704``). Numbers come from the documents register's one counter
(``kaohe.documents.services.allocate_numbers``: per issuing unit, 代字 and year, under a lock).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from kaohe.supervision import config
from kaohe.supervision.models import DocumentKind, Task, TaskDocument

KIND_TITLE = {
    DocumentKind.ASSIGN: "督查事项交办单",
    DocumentKind.URGE: "督查事项催办单",
    DocumentKind.SUPERVISE: "督办通知单（督办函）",
    DocumentKind.BULLETIN: "督查情况通报",
    DocumentKind.BATCH: "本周督查事项交办清单",
}


@dataclass
class Letter:
    kind: str
    title: str
    number: str = ""
    addressee: str = ""
    paragraphs: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)  # first row = header
    signature: str = ""
    date: dt.date | None = None
    cc: str = ""  # 抄送

    def as_dict(self) -> dict:
        return {"kind": self.kind, "title": self.title, "number": self.number, "addressee": self.addressee,
                "paragraphs": self.paragraphs, "table": self.table, "signature": self.signature,
                "date": self.date.isoformat() if self.date else "", "cc": self.cc}

    def text(self) -> str:
        rows = ["\t".join(r) for r in self.table]
        return "\n".join([self.title, self.number, self.addressee, *self.paragraphs, *rows, self.signature])


def _d(moment) -> str:
    if moment is None:
        return "—"
    if isinstance(moment, dt.datetime):
        moment = timezone.localtime(moment).date()
    return f"{moment.year}年{moment.month}月{moment.day}日"


def _task_table(task: Task) -> list[list[str]]:
    co = "、".join(u.name for u in task.co_units.all()) or "—"
    return [["督办编号", task.number], ["督查事项", task.title], ["来源", f"{task.get_source_kind_display()} {task.source_ref}".strip()],
            ["牵头单位", task.lead_unit.name], ["配合单位", co], ["责任领导", task.leader_name or "—"],
            ["办理时限", f"{task.limit_workdays}个工作日（{_d(task.due_at)}前）"]]


def assignment_slip(task: Task, today: dt.date) -> Letter:
    return Letter(
        DocumentKind.ASSIGN, KIND_TITLE[DocumentKind.ASSIGN], addressee=f"{task.lead_unit.name}：",
        paragraphs=[
            f"现将“{task.title}”交由你单位牵头办理。{task.content}".strip(),
            f"请于{config.get('sign_workdays')}个工作日内签收，按要求报送进展，于{_d(task.due_at)}前报送办结报告"
            "（一事一报，以单位名义报送）。确需延期的，应在期限届满前提出申请并说明理由。",
        ],
        table=_task_table(task), signature=_issuer(task), date=today)


def urge_slip(task: Task, today: dt.date, *, sign: bool = False) -> Letter:
    what = "签收" if sign else "办结"
    due = task.sign_due_at if sign else task.due_at
    return Letter(
        DocumentKind.URGE, KIND_TITLE[DocumentKind.URGE], addressee=f"{task.lead_unit.name}：",
        paragraphs=[
            f"你单位牵头办理的“{task.title}”（{task.number}），{what}时限为{_d(due)}，截至{_d(today)}尚未{what}，现予催办（黄色）。",
            "请立即组织办理，于2个工作日内书面报告进展和预计完成时间。逾期仍未办结的，将发出督办函并扣减考核分。",
        ],
        table=_task_table(task), signature=_issuer(task), date=today)


def supervision_letter(task: Task, today: dt.date, *, late_workdays: int) -> Letter:
    leader = task.leader_name or "责任领导"
    return Letter(
        DocumentKind.SUPERVISE, KIND_TITLE[DocumentKind.SUPERVISE], addressee=f"{task.lead_unit.name}、{leader}：",
        paragraphs=[
            f"“{task.title}”（{task.number}）办理时限为{_d(task.due_at)}，经催办（{task.yellow_count}次）仍未办结，"
            f"已逾期{late_workdays}个工作日，现列为红色督办事项。",
            f"请{leader}亲自研究、靠前督办，于3个工作日内将办理情况及整改措施书面报告；本事项按考核办法扣分，必要时约谈单位主要负责人。",
        ],
        table=_task_table(task), signature=_issuer(task), date=today, cc="抄送：分管领导")


def _issuer(task: Task) -> str:
    return f"{task.office_unit.name}{config.get('issuer')}"


# ---- numbering and storing ----------------------------------------------------------------


def code_of(kind: str) -> str:
    """机关代字 of a supervision document kind (``KAOHE_SUPERVISION["prefixes"]``: 督交, 督催, 督函, 督周)."""
    return config.get("prefixes")[kind]


def take_numbers(issuer_id: int, kind: str, year: int, count: int = 1) -> int:
    """The first of ``count`` numbers of this issuer's documents of this kind in the year, from the
    documents register's counter (``kaohe.documents``: per unit, 代字 and year, under its row lock,
    inside the caller's transaction — no gaps, no repeats)."""
    from kaohe.documents.services import allocate_numbers  # noqa: PLC0415

    return allocate_numbers(issuer_id, code_of(kind), year, count)


def number_of(kind: str, year: int, seq: int) -> str:
    from kaohe.lib.gbt9704 import doc_number  # noqa: PLC0415

    return doc_number(code_of(kind), year, seq)


def issue(letter: Letter, *, issuer, addressee=None, task: Task | None = None, today: dt.date, period: str = "",
          render_now: bool = True, at: dt.datetime | None = None) -> TaskDocument:
    """Number the letter (代字〔年〕N号) and store it with its content; render the .docx now, or (the
    sweep: hundreds of slips at once) leave that to :func:`render_pending` / the first download."""
    with transaction.atomic():
        seq = take_numbers(issuer.pk, letter.kind, today.year)
        letter.number = number_of(letter.kind, today.year, seq)
        data = render(letter) if render_now else b""
        return TaskDocument.objects.create(
            kind=letter.kind, task=task, issuer=issuer, addressee=addressee, year=today.year, seq=seq,
            number=letter.number, title=letter.title, content=letter.as_dict(), docx=data,
            sha256=hashlib.sha256(data).hexdigest() if data else "",
            issued_at=at or timezone.now(),
            period=period)


def letter_of(doc: TaskDocument) -> Letter:
    c = dict(doc.content)
    c["date"] = dt.date.fromisoformat(c["date"]) if c.get("date") else None
    return Letter(**c)


def file_of(doc: TaskDocument) -> bytes:
    """The document's .docx, rendered from its issued content the first time it is asked for."""
    data = bytes(doc.docx or b"")
    if not data:
        data = render(letter_of(doc))
        TaskDocument.objects.filter(pk=doc.pk, sha256="").update(docx=data, sha256=hashlib.sha256(data).hexdigest())
        doc.docx, doc.sha256 = data, hashlib.sha256(data).hexdigest()
    return data


def render_pending(limit: int | None = None) -> int:
    """Render the files of documents issued without one (after the sweep); returns how many."""
    pending = TaskDocument.objects.filter(sha256="").order_by("pk").values_list("pk", flat=True)
    ids = list(pending[:limit] if limit else pending)
    for doc in TaskDocument.objects.filter(pk__in=ids):
        file_of(doc)
    return len(ids)


# ---- layout: kaohe.lib.gbt9704 ---------------------------------------------------------------

LETTERS = (DocumentKind.URGE, DocumentKind.SUPERVISE)  # 信函格式 (red double rules, number top right)


def render(letter: Letter) -> bytes:
    """The letter as a GB/T 9704 .docx: 催办单 and 督办函 in the 信函格式, the rest as 通知/通报."""
    from kaohe.lib import gbt9704  # noqa: PLC0415

    doc = gbt9704.Document(letter.title, number=letter.number or None, issuer=letter.signature or None,
                           addressee=letter.addressee or None, date=letter.date, letter=letter.kind in LETTERS,
                           kind=str(DocumentKind(letter.kind).label))
    doc.paragraphs(letter.paragraphs)
    if letter.table:
        head, *rows = letter.table
        if letter.kind in (DocumentKind.BULLETIN, DocumentKind.BATCH):
            doc.attachment("督查事项清单")
            doc.table("督查事项清单", None, head, rows)
        else:
            doc.table("督查事项", None, head, rows)
    if letter.cc:
        doc.colophon(cc=[letter.cc.removeprefix("抄送：")])
    return doc.to_bytes()
