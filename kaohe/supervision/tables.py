"""Rows of the hot list pages (the board, the inbox) built in Python — the template engine costs
~1 ms a row on a busy 2-core server, these a tenth of that (as ``kaohe.projects.tables``).
Everything goes through ``format_html`` (escaped), words through ``gettext``."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from kaohe.supervision.models import OPEN_STATES, SourceKind, TaskState, Urgency


def _lights() -> dict[str, SafeString]:
    return {"red": format_html('<span class="light light-red">{}</span>', _("红色")),
            "yellow": format_html('<span class="light light-yellow">{}</span>', _("黄色")),
            "blue": format_html('<span class="light light-blue">{}</span>', _("蓝色"))}


def _day(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d") if moment else "—"


def task_rows(tasks: Iterable, *, columns: tuple[str, ...] = ("light", "number", "title", "source", "lead", "due", "state"),
              empty: str = "") -> SafeString:
    link = reverse("supervision:task", args=[0])[:-2]
    lights = _lights()
    sources = {v: str(label) for v, label in SourceKind.choices}
    urgencies = {v: str(label) for v, label in Urgency.choices}
    states = {v: str(label) for v, label in TaskState.choices}
    late = format_html(' <span class="badge badge-danger">{}</span>', _("已逾期"))
    now = timezone.now()
    rows = []
    for t in tasks:
        cells = []
        for col in columns:
            if col == "light":
                cells.append(format_html("<td>{}</td>", lights.get(t.colour, lights["blue"])))
            elif col == "number":
                cells.append(format_html('<td class="nowrap">{}</td>', t.number))
            elif col == "title":
                cells.append(format_html('<td><a href="{}{}/">{}</a></td>', link, t.pk, t.title))
            elif col == "numbered_title":
                cells.append(format_html('<td><a href="{}{}/">{} {}</a></td>', link, t.pk, t.number, t.title))
            elif col == "source":
                urgency = f"（{urgencies[t.urgency]}）" if t.urgency else ""
                cells.append(format_html('<td class="nowrap">{}{}</td>', sources.get(t.source_kind, t.source_kind), urgency))
            elif col == "lead":
                cells.append(format_html('<td class="nowrap">{}</td>', t.lead_unit.name))
            elif col == "due":
                overdue = late if t.state in OPEN_STATES and t.due_at and t.due_at < now else ""
                cells.append(format_html('<td class="nowrap">{}{}</td>', _day(t.due_at), overdue))
            elif col == "progress":
                cells.append(format_html('<td class="num">{}%</td>', t.progress))
            elif col == "state":
                badge = "badge-success" if t.state == TaskState.CLOSED else "badge-pending" if t.state == TaskState.REPORTED else "badge-info"
                cells.append(format_html('<td class="nowrap"><span class="badge {}">{}</span></td>', badge, states.get(t.state, t.state)))
        rows.append(SafeString("<tr>" + "".join(cells) + "</tr>"))
    if not rows:
        return format_html('<tr><td colspan="{}" class="empty">{}</td></tr>', len(columns), empty or _("没有符合条件的督办事项"))
    return SafeString("\n".join(rows))


def sign_rows(tasks: Iterable, csrf_token: str) -> SafeString:
    """待签收 rows with their 签收 button (one form each)."""
    link = reverse("supervision:task", args=[0])[:-2]
    lights = _lights()
    now = timezone.now()
    late = format_html(' <span class="badge badge-danger">{}</span>', _("签收超时"))
    label = _("签收")
    rows = []
    for t in tasks:
        rows.append(format_html(
            '<tr><td>{}</td><td><a href="{}{}/">{} {}</a></td><td>{}</td><td class="nowrap">{}{}</td><td><form method="post" '
            'action="{}{}/sign/"><input type="hidden" name="csrfmiddlewaretoken" value="{}"><button class="btn btn-sm btn-primary" '
            'type="submit">{}</button></form></td></tr>',
            lights.get(t.colour, lights["blue"]), link, t.pk, t.number, t.title, t.lead_unit.name,
            timezone.localtime(t.sign_due_at).strftime("%Y-%m-%d %H:%M") if t.sign_due_at else "—",
            late if t.sign_due_at and t.sign_due_at < now else "", link, t.pk, csrf_token, label))
    if not rows:
        return format_html('<tr><td colspan="5" class="empty">{}</td></tr>', _("没有待签收的事项"))
    return SafeString("\n".join(rows))
