"""操作日志 page: read and filter the change log, export it to Excel or CSV."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.audit import exports
from kaohe.audit.forms import AuditFilterForm
from kaohe.audit.presenters import describe
from kaohe.audit.services import history_url, object_type_label, visible_entries
from kaohe.lib.exports import XLSX_TYPE, attachment
from kaohe.orgs.permissions import require

PAGE_SIZE = 50


@login_required
def log(request):
    require(request.user, "audit.view")
    entries = visible_entries(request.user)
    type_ids = entries.order_by().exclude(object_type=None).values_list("object_type", flat=True).distinct()
    types = sorted((ContentType.objects.get_for_id(pk) for pk in type_ids), key=lambda ct: (ct.app_label, ct.model))
    form = AuditFilterForm(request.GET or None,
                           object_types=[(f"{t.app_label}.{t.model}", object_type_label(t)) for t in types])
    if form.is_bound and form.is_valid():
        entries = form.filter(entries)
    elif form.is_bound:
        entries = entries.none()

    export = request.GET.get("export")
    if export in ("xlsx", "csv") and (not form.is_bound or form.is_valid()):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        if export == "xlsx":
            body, content_type = exports.to_xlsx(entries), XLSX_TYPE
        else:
            body, content_type = exports.to_csv(entries), "text/csv; charset=utf-8"
        return attachment(body, f"kaohe-audit-{stamp}.{export}", content_type)

    page = Paginator(entries.select_related("actor_unit", "object_unit"), PAGE_SIZE).get_page(request.GET.get("page"))
    labels = {t.pk: object_type_label(t) for t in types}
    described = describe(list(page.object_list))
    rows = [
        {
            "entry": e,
            "type_label": labels.get(e.object_type_id, ""),
            "changes": described[e.pk],
            "history": history_url(e.object_type_name, e.object_id) if e.object_id is not None else "",
        }
        for e in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    single = form.is_bound and form.is_valid() and form.cleaned_data.get("object_type") and form.cleaned_data.get("object_id")
    return render(request, "audit/log.html", {
        "nav_active": "audit",
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "single_object": bool(single),
        "max_export": exports.MAX_ROWS,
        "page_heading": _("操作日志"),
    })
