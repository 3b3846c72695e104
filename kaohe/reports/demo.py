"""Demo: every bulletin kind of the 报告 page issued at least once (numbered, .docx + PDF stored), and
the latest month's 晒榜通报 left as a draft to edit and issue.

Runs after the results and the projects demos. The PDFs come from LibreOffice; without it the
bulletins stay drafts (the log says so)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from kaohe.documents import services
from kaohe.documents.models import IssuedDocument, Status
from kaohe.lib import gbt9704
from kaohe.orgs.models import OrgUnit
from kaohe.reports.bulletins import projects as projects_bulletin
from kaohe.reports.generators import KINDS, make_draft
from kaohe.results.models import ScoringRun

CITY = "SFS"


def load(ctx) -> None:
    city = OrgUnit.objects.filter(code=CITY).first()
    office = get_user_model().objects.filter(username="kaoheban").first()
    if city is None or office is None:
        return
    if IssuedDocument.objects.filter(unit=city, kind__in=[k.code for k in KINDS]).exists():
        ctx.log("  reports: already loaded")
        return
    runs = ScoringRun.objects.current().filter(owner_unit=city)
    months = list(runs.filter(kind="month").order_by("-year", "-number", "-id")[:2])
    quarter = runs.filter(kind="quarter").order_by("-year", "-number", "-id").first()
    year = runs.filter(kind="year").order_by("-year", "-id").first()
    drafts = []
    if len(months) == 2:
        drafts.append(make_draft(office, "monthly", str(months[1].pk), today=ctx.today))
    for kind, run in (("quarterly", quarter), ("annual", year)):
        if run is not None:
            drafts.append(make_draft(office, kind, str(run.pk), today=ctx.today))
    month = ctx.today.month - 1 or 12
    y = ctx.today.year if ctx.today.month > 1 else ctx.today.year - 1
    data = projects_bulletin.collect(y, month, city=city)
    drafts.append(services.draft(kind="projects", unit=city, period=f"{y}-{month:02d}", user=office,
                                 document=projects_bulletin.to_document(data, today=ctx.today)))
    latest = make_draft(office, "monthly", str(months[0].pk), today=ctx.today) if months else None
    if not gbt9704.soffice_path():
        ctx.log("  reports: LibreOffice (soffice) is not installed — the bulletins stay drafts")
        return
    for draft in drafts:
        services.issue(draft, user=office, date=ctx.today)
    ctx.log(f"  reports: {IssuedDocument.objects.filter(status=Status.ISSUED).count()} bulletins issued"
            + (f", draft「{latest.title}」 to edit" if latest else ""))
