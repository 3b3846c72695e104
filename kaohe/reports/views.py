"""Bulletins (通报) as downloads: each module's bulletin is built here from that module's figures."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils import timezone

from kaohe.lib.exports import DOCX_TYPE, attachment
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.permissions import person_of, require
from kaohe.reports.bulletins import projects as bulletin_mod


@login_required
def projects_bulletin(request, year: int, month: int, fmt: str):
    """月度监测通报 (.docx or .pdf)."""
    require(request.user, "projects.warning_board")
    if not 1 <= month <= 12 or fmt not in ("docx", "pdf"):
        raise Http404("bulletin")
    person = person_of(request.user)
    city = person.unit if person and person.unit.parent_id is None else (person.unit.parent if person else None)
    if request.user.is_superuser and person is None:
        city = OrgUnit.objects.filter(parent__isnull=True).first()
    data = bulletin_mod.build(year, month, city=city, fmt=fmt, today=timezone.localdate())
    content_type = DOCX_TYPE if fmt == "docx" else "application/pdf"
    return attachment(data, f"重大项目监测通报-{year}年{month}月.{fmt}", content_type)
