"""驾驶舱 (the leaders' home page): this month's boards, movers, flags, the items needing attention,
the trends and the district's place in the assessment above it — one function for the page and the API."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.assessment.models import PeriodKind, Submission, SubmissionStatus
from kaohe.lib.numbers import rounded_float
from kaohe.orgs.calendar import work_calendar
from kaohe.orgs.permissions import person_of, scope_unit_ids
from kaohe.results import queries
from kaohe.results.models import RANK_ORDER, Appeal, AppealStatus, FlagKind, RunTotal, ScoringRun
from kaohe.results.services import latest_run, publication_of, visible_units


def attention(user) -> list[dict]:
    """待办: the open appeals this office answers, and late submissions of the schemes its units own."""
    items = []
    # managed_by: the appeals this office answers (results.answer_appeal), in one query.
    calendar = work_calendar()
    for appeal in Appeal.objects.managed_by(user).filter(status=AppealStatus.FILED).select_related("unit", "publication").order_by("answer_due")[:10]:
        items.append({"kind": "appeal", "text": _("%(unit)s申诉“%(ind)s”待答复") % {"unit": appeal.unit.name, "ind": appeal.indicator_name},
                      "due": appeal.answer_due, "overdue": appeal.overdue(calendar=calendar), "url": f"/results/appeals/{appeal.pk}/"})
    today = timezone.localdate()
    late = Submission.objects.filter(status__in=[SubmissionStatus.DRAFT, SubmissionStatus.RETURNED], period__deadline__lt=today)
    if not user.is_superuser:  # the late submissions of the schemes this user's units own
        late = late.filter(version__scheme__owner_unit_id__in=scope_unit_ids(person_of(user)))
    late = late.select_related("responsible_unit", "period").order_by("period__deadline")[:10]
    for sub in late:
        items.append({"kind": "late", "text": _("%(unit)s %(period)s数据逾期未报") % {"unit": sub.responsible_unit.name, "period": sub.period},
                      "due": sub.period.deadline, "overdue": True, "url": ""})
    return items


def trend(run: ScoringRun, visible: set[str] | None, per_group: int = 3) -> dict:
    """Total score over the year's months for the current top units of each group."""
    runs = list(ScoringRun.objects.current().family(run).filter(kind=PeriodKind.MONTH, year=run.year).order_by("number"))
    tops = RunTotal.objects.filter(run=run, rank__lte=per_group)
    if visible is not None:
        tops = tops.filter(unit_code__in=visible)
    codes = {t.unit_code: t.unit_name for t in tops.order_by("group", RANK_ORDER)[:9]}
    series = {c: [None] * len(runs) for c in codes}
    index = {r.pk: i for i, r in enumerate(runs)}
    for rid, code, total in RunTotal.objects.filter(run__in=runs, unit_code__in=list(codes)).values_list("run_id", "unit_code", "total"):
        series[code][index[rid]] = rounded_float(total, 2)
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "bottom": 0},
        "grid": {"left": 40, "right": 16, "top": 16, "bottom": 48},
        "xAxis": {"type": "category", "data": [f"{r.number}月" for r in runs]},
        "yAxis": {"type": "value", "scale": True},
        "series": [{"name": codes[c], "type": "line", "data": series[c], "smooth": True} for c in codes],
    }


def standing_above(owner) -> dict | None:
    """A district's place in the assessment above it (市对区): the latest month and year of the
    nearest owner above that has runs, for the district's cockpit beside its own towns' results."""
    if owner is None:
        return None
    unit = owner.parent
    while unit is not None:
        month = latest_run(PeriodKind.MONTH, owner=unit)
        year = latest_run(PeriodKind.YEAR, owner=unit)
        if month is not None or year is not None:
            rows = [s for s in (queries.standing(r, owner.code) for r in (month, year) if r is not None) if s]
            return {"owner": unit, "unit": owner, "rows": rows} if rows else None
        unit = unit.parent
    return None


def run_parts(run: ScoringRun, visible: set[str] | None) -> dict:
    """The cockpit's parts of ``run`` as ``visible`` (a visibility class) sees them — the same for
    everyone who sees those units (the page caches them per run fingerprint): the boards' leaders
    (an assessed unit: its own rows), movers, red flags and yellow lights (20 of each, with the
    counts) and the trend."""
    boards = []
    for b in run.scheme_meta.get("boards", []):
        rows, _count = queries.board_rows(run, b["code"], None, visible=visible, page_size=10_000, with_values=False)
        leaders = [r for r in rows if r.rank is not None and r.rank <= 3] if visible is None else rows
        boards.append({"code": b["code"], "name": b["name"], "rows": leaders[:12]})
    flags = queries.flags_of(run, visible)
    return {
        "run": run, "boards": boards, "movers": queries.movers(run, visible=visible), "red": flags[FlagKind.RED][:20],
        "yellow": flags[FlagKind.YELLOW][:20], "trend": trend(run, visible),
        "red_count": len(flags[FlagKind.RED]), "yellow_count": len(flags[FlagKind.YELLOW]),
        "group_names": queries.group_names(run),
    }


def cockpit_data(user, owner) -> dict:
    """What the cockpit shows ``user`` for the assessment of ``owner`` (``default_owner``): the latest
    monthly run they may see, its publication and ``run_parts``, the items needing attention (the
    user's own) and the district's place in the assessment above it — the page's parts, for the API."""
    run = latest_run(PeriodKind.MONTH, owner=owner, user=user)
    context = {"run": run, "attention": attention(user), "owner": owner, "above": standing_above(owner), "publication": None}
    if run is not None:
        context.update(run_parts(run, visible_units(user, run)), publication=publication_of(run))
    return context
