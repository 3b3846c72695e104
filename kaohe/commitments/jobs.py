"""The commitments' scheduled job (``kaohe.lib.jobs``): every working day, 节点临近提醒 and 逾期通知.

- **临近提醒**: a milestone of a published item, not reached, with ``remind_workdays`` working days or
  fewer left (today and its date counted, the rule of the 临近 state on the pages) — its unit is told
  once (``Milestone.reminded_on``).
- **逾期通知**: a milestone past its date and not reached (progress under 100 %) — its unit and the
  campaign's office are told once (``Milestone.overdue_noticed_on``).

Each unit and each office gets ONE digest a day (none when there is nothing); the run is one audit
entry naming every milestone. Rows are taken under ``SELECT … FOR UPDATE`` in id order and
re-checked, so two runs at once tell nobody twice.

Cron it once a day: ``kaohe commitments_jobs`` (or queue ``kaohe.commitments.tasks.commitments_jobs``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import reverse

from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.commitments import config
from kaohe.commitments.models import CommitmentStatus, Milestone
from kaohe.lib import jobs as schedule
from kaohe.lib.gbt9704 import cn_date
from kaohe.lib.workdays import WorkCalendar
from kaohe.notifications.models import NotificationKind
from kaohe.notifications.services import notify, people, source_language
from kaohe.orgs.calendar import work_calendar
from kaohe.orgs.models import OrgUnit, Role

DEFAULT_JOBS = config.DEFAULTS["jobs"]


def jobs_config() -> dict[str, dict[str, Any]]:
    return schedule.configure(DEFAULT_JOBS, config.get("jobs"), "KAOHE_COMMITMENTS['jobs']")


def due_jobs(day: dt.date) -> list[str]:
    return schedule.due(day, jobs_config(), work_calendar())


@dataclass
class DailyResult:
    reminded: int = 0
    overdue: int = 0
    notices: int = 0
    milestones: dict[str, list[int]] = field(default_factory=lambda: {"reminded": [], "overdue": []})

    def as_dict(self) -> dict[str, int]:
        return {"reminded": self.reminded, "overdue": self.overdue, "notices": self.notices}


def _line(m: Milestone, tail: str) -> str:
    item = m.commitment
    return f"{item.campaign.name}第{item.number}号「{item.title}」节点{m.seq}「{m.title}」计划{cn_date(m.due_on)}完成，{tail}，当前进度{m.progress}%"


def run_daily(day: dt.date, *, user=None, calendar: WorkCalendar | None = None) -> dict[str, int]:
    """临近提醒 and 逾期通知 as at ``day`` (see the module's docstring)."""
    calendar = calendar or work_calendar()
    lead = int(config.get("remind_workdays"))
    result = DailyResult()
    open_ = Milestone.objects.filter(commitment__status=CommitmentStatus.PUBLISHED, done_on__isnull=True, progress__lt=100)
    # 临近 needs at most `lead` working days in day … due: never more than lead × 7 calendar days plus a long holiday.
    soon_ids = [pk for pk, due in open_.filter(reminded_on__isnull=True, due_on__gte=day,
                                               due_on__lte=day + dt.timedelta(days=lead * 7 + 14)).values_list("pk", "due_on")
                if calendar.workdays_between(day, due) <= lead]
    late_ids = list(open_.filter(overdue_noticed_on__isnull=True, due_on__lt=day).values_list("pk", flat=True))
    if not soon_ids and not late_ids:
        return result.as_dict()
    units: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"soon": [], "late": []})
    offices: dict[int, list[str]] = defaultdict(list)
    with transaction.atomic():
        rows = (Milestone.objects.select_for_update(of=("self",)).select_related("commitment__campaign", "commitment__unit")
                .filter(pk__in=[*soon_ids, *late_ids], done_on__isnull=True, progress__lt=100).order_by("pk"))
        reminded, noticed = [], []
        for m in rows:
            if m.pk in late_ids and m.overdue_noticed_on is None:
                late = calendar.workdays_between(m.due_on + dt.timedelta(days=1), day)
                line = _line(m, f"已逾期{late}个工作日" if late else "已过计划完成日期")
                units[m.commitment.unit_id]["late"].append(line)
                offices[m.commitment.campaign.owner_unit_id].append(f"{m.commitment.unit.name}：{line}")
                m.overdue_noticed_on = day
                noticed.append(m)
            elif m.pk in soon_ids and m.reminded_on is None:
                left = calendar.workdays_between(day, m.due_on)
                units[m.commitment.unit_id]["soon"].append(_line(m, f"还有{left}个工作日（含当日）"))
                m.reminded_on = day
                reminded.append(m)
        Milestone.objects.bulk_update(reminded, ["reminded_on"])
        Milestone.objects.bulk_update(noticed, ["overdue_noticed_on"])
        result.reminded, result.overdue = len(reminded), len(noticed)
        result.milestones = {"reminded": [m.pk for m in reminded], "overdue": [m.pk for m in noticed]}
        if reminded or noticed:
            record(AuditAction.UPDATE, object_type=Milestone, object_repr=f"承诺节点提醒 {day:%Y-%m-%d}：{len(reminded) + len(noticed)}个",
                   after={**result.as_dict(), **result.milestones}, reason="节点临近提醒和逾期通知", user=user)
        link = reverse("commitments:index")
        named = OrgUnit.objects.in_bulk([*units, *offices])
        with source_language():
            for unit_id, lines in sorted(units.items()):
                counts = "，".join(f"{label}{len(lines[key])}个" for key, label in (("soon", "临近"), ("late", "逾期")) if lines[key])
                notify(named[unit_id], NotificationKind.COMMITMENT, f"{day:%Y-%m-%d} 承诺节点提醒：{counts}",
                       "\n".join([*lines["late"], *lines["soon"]]), link)
                result.notices += 1
            for office_id, lines in sorted(offices.items()):
                notify(people(named[office_id], Role.OFFICE), NotificationKind.COMMITMENT,
                       f"{day:%Y-%m-%d} 承诺节点逾期：{len(lines)}个", "\n".join(lines), link)
                result.notices += 1
    return result.as_dict()


def run_due(day: dt.date, *, user=None, only: list[str] | None = None) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for job in only or due_jobs(day):
        if job == "daily":
            results["daily"] = run_daily(day, user=user)
    return results
