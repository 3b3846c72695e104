"""The audit log as a hash chain: a deleted, inserted or edited entry is detected.

``seal()`` gives every committed, not yet sealed entry (older than ``GRACE`` so that a slow
transaction with a lower id has committed) the next sequence number and
``chain = sha256(previous chain + canonical entry)``, in id order, and moves the head
(``AuditChainHead``). ``record()`` never waits for it: sealing runs from ``kaohe verify`` and
``kaohe audit_seal`` (cron). ``verify()`` walks the sealed entries in order: a gap in the numbers (an entry
deleted), a link that does not recompute (an entry edited) or a head that is not the last link
(entries deleted at the end) is a finding. Print the head hash somewhere outside the database
(``kaohe verify`` does) to anchor it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.audit.models import AuditChainHead, AuditEntry

GRACE = dt.timedelta(seconds=60)
FIELDS = ("id", "at", "user_id", "username", "actor_unit_id", "action", "object_type_id", "object_id", "object_repr",
          "related_object_type_id", "related_object_id", "object_unit_id", "before", "after", "reason", "request_id", "ip")


def canonical(values: dict) -> str:
    out = dict(values)
    at = out.get("at")
    if isinstance(at, dt.datetime):
        out["at"] = round(at.timestamp(), 6)
    return json.dumps([out.get(f) for f in FIELDS], sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))


def link(previous: str, values: dict) -> str:
    return hashlib.sha256(f"{previous}:{canonical(values)}".encode()).hexdigest()


def _head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().order_by("pk").first()
    if head is None:
        AuditChainHead.objects.create()
        head = AuditChainHead.objects.select_for_update().order_by("pk").first()
    return head


@transaction.atomic
def seal(now: dt.datetime | None = None, batch: int = 5000) -> int:
    """Seal the committed entries not sealed yet; returns how many."""
    now = now or timezone.now()
    head = _head()
    sealed = 0
    while True:
        rows = list(AuditEntry.objects.filter(seq__isnull=True, at__lt=now - GRACE).order_by("id")
                    .values(*FIELDS)[:batch])
        if not rows:
            break
        updates = []
        for values in rows:
            head.seq += 1
            head.chain = link(head.chain, values)
            updates.append(AuditEntry(pk=values["id"], seq=head.seq, chain=head.chain))
        AuditEntry.objects.bulk_update(updates, ["seq", "chain"], batch_size=2000)
        sealed += len(rows)
    head.sealed_at = now
    head.save()
    return sealed


def verify() -> tuple[list[str], AuditChainHead | None]:
    """Problems of the sealed chain (empty: intact) and its head."""
    problems: list[str] = []
    head = AuditChainHead.objects.order_by("pk").first()
    previous, expected = "", 1
    for values in AuditEntry.objects.filter(seq__isnull=False).order_by("seq").values("seq", "chain", *FIELDS).iterator(2000):
        seq, stored = values.pop("seq"), values.pop("chain")
        if seq != expected:
            problems.append(_("操作日志缺少封存序号 %(a)s–%(b)s 的 %(n)s 条记录（被删除）") % {"a": expected, "b": seq - 1, "n": seq - expected})
            previous = None  # the link after a gap cannot be recomputed; continue from the stored one
        if previous is not None and link(previous, values) != stored:
            problems.append(_("操作日志第 %(seq)s 条（编号 %(id)s）与封存时不符（被改动）") % {"seq": seq, "id": values["id"]})
        previous, expected = stored, seq + 1
    if head is not None and head.seq != expected - 1:
        problems.append(_("操作日志链头为第 %(head)s 条，实际只到第 %(last)s 条（末尾记录被删除）") % {"head": head.seq, "last": expected - 1})
    elif head is not None and head.seq and head.chain != previous:
        problems.append(_("操作日志链头哈希与最后一条记录不符"))
    return problems, head
