"""The figures of public commitments per unit, as at a day — the indicator source ``commitments``.

For a unit, its items are the published items of the year's campaigns claimed by the unit or a
unit below it (a district's figure counts its bureaus, streets and parks). As at ``end``:

- 承诺事项兑现率 (``commit_completion_rate``, %) = items closed as 已兑现 on or before ``end`` ÷
  items published by ``end`` × 100;
- 承诺节点按期完成率 (``commit_ontime_rate``, %) = milestones due by ``end`` reached on or before
  their date ÷ milestones due by ``end`` × 100;
- 承诺事项群众满意率 (``commit_satisfaction``, %) = (满意 + 基本满意) ÷ votes cast by ``end`` × 100;
- 承诺事项组织考评平均分 (``commit_office_score``, 分) = mean of the office's scores out of 100.

Each figure is None when it has nothing to count (no item, no milestone due, no vote, no score).
Rounded half up to 0.1.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from kaohe.commitments.models import (
    PUBLIC_STATUSES,
    Commitment,
    CommitmentStatus,
    Milestone,
    Vote,
    VoteChoice,
)
from kaohe.lib.numbers import round_half_up
from kaohe.orgs.models import OrgUnit

INDICATORS: dict[str, tuple[str, str]] = {
    "commit_completion_rate": ("承诺事项兑现率", "%"),
    "commit_ontime_rate": ("承诺节点按期完成率", "%"),
    "commit_satisfaction": ("承诺事项群众满意率", "%"),
    "commit_office_score": ("承诺事项组织考评平均分", "分"),
}


@dataclass
class UnitFigures:
    items: list[int] = field(default_factory=list)
    fulfilled: int = 0
    due: int = 0
    on_time: int = 0
    votes: int = 0
    content: int = 0  # 满意 + 基本满意
    scores: list[Decimal] = field(default_factory=list)

    def value(self, code: str) -> float | None:
        def pct(a: int, b: int):
            return float(round_half_up(Decimal(a) * 100 / Decimal(b), 1)) if b else None
        if code == "commit_completion_rate":
            return pct(self.fulfilled, len(self.items))
        if code == "commit_ontime_rate":
            return pct(self.on_time, self.due)
        if code == "commit_satisfaction":
            return pct(self.content, self.votes)
        if code == "commit_office_score":
            return float(round_half_up(sum(self.scores) / len(self.scores), 1)) if self.scores else None
        raise KeyError(code)


def _ancestors() -> dict[int, list[int]]:
    parents = dict(OrgUnit.objects.values_list("pk", "parent_id"))
    out: dict[int, list[int]] = {}
    for pk in parents:
        chain, current, seen = [], pk, set()
        while current is not None and current not in seen:
            chain.append(current)
            seen.add(current)
            current = parents.get(current)
        out[pk] = chain
    return out


def figures_as_of(year: int, end: dt.date, unit_codes: list[str] | tuple[str, ...]) -> dict[str, UnitFigures]:
    """The counts behind each figure for each unit code (a handful of queries, whatever the count)."""
    wanted = dict(OrgUnit.objects.filter(code__in=list(unit_codes)).values_list("pk", "code"))
    chains = _ancestors()
    out = {code: UnitFigures() for code in unit_codes}
    items = list(Commitment.objects.filter(campaign__year=year, status__in=PUBLIC_STATUSES, published_at__date__lte=end)
                 .values_list("pk", "unit_id", "status", "closed_on", "office_score").order_by("pk"))
    owners: dict[int, list[str]] = {}
    for pk, unit_id, status, closed_on, score in items:
        codes = [wanted[u] for u in chains.get(unit_id, [unit_id]) if u in wanted]
        owners[pk] = codes
        for code in codes:
            f = out[code]
            f.items.append(pk)
            if status == CommitmentStatus.FULFILLED and closed_on is not None and closed_on <= end:
                f.fulfilled += 1
            if score is not None:
                f.scores.append(score)
    ids = list(owners)
    for item_id, due_on, done_on in Milestone.objects.filter(commitment_id__in=ids, due_on__lte=end).values_list(
            "commitment_id", "due_on", "done_on"):
        for code in owners[item_id]:
            out[code].due += 1
            out[code].on_time += done_on is not None and done_on <= due_on
    votes = defaultdict(lambda: [0, 0])
    for item_id, choice in Vote.objects.filter(commitment_id__in=ids, created_at__date__lte=end).values_list("commitment_id", "choice"):
        votes[item_id][0] += 1
        votes[item_id][1] += choice in (VoteChoice.SATISFIED, VoteChoice.BASIC)
    for item_id, (n, content) in votes.items():
        for code in owners[item_id]:
            out[code].votes += n
            out[code].content += content
    return out


def rows_for_hash(item_ids: list[int], end: dt.date) -> list:
    """The rows a figure was computed from (for the provenance hash)."""
    return [
        list(Commitment.objects.filter(pk__in=item_ids).order_by("pk").values_list("pk", "status", "closed_on", "office_score")),
        list(Milestone.objects.filter(commitment_id__in=item_ids, due_on__lte=end).order_by("pk").values_list("pk", "due_on", "done_on")),
        Vote.objects.filter(Q(commitment_id__in=item_ids) & Q(created_at__date__lte=end)).count(),
    ]
