"""报告: the register of issued documents (every kind, scoped), and draft → edit → issue.

Bulletins as ad-hoc downloads stay too (``projects_bulletin``: the monitoring bulletin of any month,
not registered). Out of scope is 404, in scope but not allowed 403 (kaohe.orgs.scope / permissions).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from kaohe.audit.services import history_for
from kaohe.documents import kinds, services
from kaohe.documents.models import Audience, IssuedDocument, Status
from kaohe.lib import gbt9704
from kaohe.lib.exports import DOCX_TYPE, attachment
from kaohe.lib.periods import parse_period
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.permissions import check, person_of, require
from kaohe.orgs.scope import get_visible_or_404
from kaohe.reports import generators
from kaohe.reports.bulletins import projects as bulletin_mod

PDF_TYPE = "application/pdf"


@login_required
def projects_bulletin(request, year: int, month: int, fmt: str):
    """月度监测通报 (.docx or .pdf) of any month, not registered (the 报告 page issues the registered one)."""
    require(request.user, "projects.warning_board")
    if not 1 <= month <= 12 or fmt not in ("docx", "pdf"):
        raise Http404("bulletin")
    person = person_of(request.user)
    city = person.unit if person and person.unit.parent_id is None else (person.unit.parent if person else None)
    if request.user.is_superuser and person is None:
        city = OrgUnit.objects.filter(parent__isnull=True).first()
    data = bulletin_mod.build(year, month, city=city, fmt=fmt, today=timezone.localdate())
    content_type = DOCX_TYPE if fmt == "docx" else PDF_TYPE
    return attachment(data, f"重大项目监测通报-{year}年{month}月.{fmt}", content_type)


@login_required
def index(request):
    """Every issued document the user may read, by kind, period and number; drafts for the office."""
    require(request.user, "documents.list")
    visible = IssuedDocument.objects.visible_to(request.user).select_related("unit")
    kind, period, q = request.GET.get("kind", ""), request.GET.get("period", "").strip(), request.GET.get("q", "").strip()
    issued = visible.filter(status=Status.ISSUED)
    if kind:
        issued = issued.filter(kind=kind)
    if period:  # 2025年3月, 2025-03, 2025Q1 … (kaohe.lib.periods); a bare year finds the whole year
        parsed = parse_period(period)
        issued = issued.filter(period__startswith=period if parsed is None or period.isdigit() else parsed.code)
    if q:
        issued = issued.filter(Q(title__icontains=q) | Q(number__icontains=q) | Q(text__icontains=q))
    issued = issued.defer("docx", "pdf", "draft", "text").order_by("-issued_at", "-id")
    page = Paginator(issued, 30).get_page(request.GET.get("page"))
    drafts = list(visible.filter(status=Status.DRAFT).defer("docx", "pdf", "draft", "text").order_by("-updated_at")[:50])
    names = {k.code: k.name for k in kinds.all_kinds()}
    documents = list(page.object_list)
    for d in [*documents, *drafts]:
        d.kind_name = names.get(d.kind, d.kind)
    makers = []
    for kind_obj in kinds.all_kinds():
        gen = generators.GENERATORS.get(kind_obj.code)
        choices = gen.choices(request.user) if gen else []
        if choices:
            makers.append({"code": kind_obj.code, "name": kind_obj.name, "choices": choices})
    return render(request, "reports/index.html", {
        "nav_active": "reports", "page_obj": page, "documents": documents, "drafts": drafts, "makers": makers,
        "kinds": kinds.all_kinds(), "kind": kind, "period": period, "q": q,
    })


@login_required
def new(request):
    """Make a draft (POST kind + what it is made from); a GET goes back to the list."""
    if request.method != "POST":
        return redirect("reports:index")
    kind, value = request.POST.get("kind", ""), request.POST.get("source", "")
    if kind not in generators.GENERATORS:
        raise Http404("kind")
    if not generators.GENERATORS[kind].choices(request.user):
        require(request.user, "documents.draft", None)  # 403: nothing this user may draft
    draft = generators.make_draft(request.user, kind, value)
    messages.success(request, _t("已生成草稿：%(title)s") % {"title": draft.title})
    return redirect("reports:document", draft.pk)


class DraftForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=300)
    addressee = forms.CharField(label=_("主送机关"), max_length=300, required=False)
    code = forms.CharField(label=_("机关代字"), max_length=30,
                           help_text=_("发文字号为“代字〔年份〕序号号”，序号在印发时按发文单位、代字和年份连续编排。"))
    cc = forms.CharField(label=_("抄送机关"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                         help_text=_("每行一个，或用顿号、逗号分隔。"))
    text = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 24, "class": "doc-text"}),
                           help_text=_("每段一行；一、（一）1.（1）开头的行是各级标题，印发时自动重新编号；"
                                       "【表1】【图1】是数据表和图，【附件 标题】另起一页。"))


class IssueForm(forms.Form):
    audience = forms.ChoiceField(label=_("发布范围"), choices=Audience.choices, initial=Audience.DOWN)
    confirm = forms.BooleanField(label=_("已核对正文和数据，确认编号印发（印发后不能修改）"))


def _split(text: str) -> list[str]:
    import re

    return [p for p in (x.strip() for x in re.split(r"[\n、，,；;]+", text or "")) if p]


@login_required
def document(request, pk: int):
    doc = get_visible_or_404(request.user, IssuedDocument.objects.select_related("unit", "issued_by"), pk=pk)
    can_edit = not doc.is_issued and check(request.user, "documents.draft", doc)
    can_issue = check(request.user, "documents.issue", doc)
    content = doc.draft or {}
    form = DraftForm(initial={"title": doc.title, "addressee": content.get("addressee") or "", "code": doc.code,
                              "cc": "、".join(content.get("cc") or []), "text": content.get("text", "")})
    issue_form = IssueForm(initial={"audience": doc.audience})
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "save":
            require(request.user, "documents.draft", doc)
            form = DraftForm(request.POST)
            if form.is_valid():
                try:
                    services.update_draft(doc, user=request.user, title=form.cleaned_data["title"],
                                          addressee=form.cleaned_data["addressee"], code=form.cleaned_data["code"],
                                          cc=_split(form.cleaned_data["cc"]), text=form.cleaned_data["text"])
                except services.DocumentError as exc:
                    form.add_error("text" if "【" in str(exc) else None, str(exc))
                else:
                    messages.success(request, _t("草稿已保存。"))
                    return redirect("reports:document", doc.pk)
        elif action == "issue":
            require(request.user, "documents.issue", doc)
            issue_form = IssueForm(request.POST)
            if issue_form.is_valid():
                try:
                    doc = services.issue(doc, user=request.user, audience=issue_form.cleaned_data["audience"])
                except (services.DocumentError, gbt9704.ConversionError) as exc:
                    messages.error(request, _t("未能印发：%(reason)s") % {"reason": exc})
                else:
                    messages.success(request, _t("已印发：%(number)s") % {"number": doc.number})
                return redirect("reports:document", doc.pk)
        elif action == "discard":
            require(request.user, "documents.draft", doc)
            try:
                services.discard(doc, user=request.user)
            except services.DocumentError as exc:
                messages.error(request, str(exc))
                return redirect("reports:document", doc.pk)
            messages.success(request, _t("草稿已删除。"))
            return redirect("reports:index")
        else:
            raise Http404("action")
    return render(request, "reports/document.html", {
        "nav_active": "reports", "doc": doc, "kind_name": kinds.name_of(doc.kind), "form": form, "issue_form": issue_form,
        "can_edit": can_edit, "can_issue": can_issue, "history": list(history_for(doc)[:20]),
        "tables": content.get("tables") or [],
    })


@login_required
def download(request, pk: int, fmt: str):
    """The stored .docx / PDF of an issued document; a draft's preview (.docx, or its PDF)."""
    doc = get_visible_or_404(request.user, IssuedDocument, pk=pk)
    if fmt not in ("docx", "pdf"):
        raise Http404("format")
    name = f"{doc.number or _t('草稿')}-{doc.title}"
    if doc.is_issued:
        data = bytes(doc.docx if fmt == "docx" else doc.pdf)
    else:
        data = services.preview(doc)
        if fmt == "pdf":
            try:
                data = gbt9704.to_pdf(data)
            except gbt9704.ConversionError as exc:
                messages.error(request, _t("未能生成PDF：%(reason)s") % {"reason": exc})
                return redirect("reports:document", doc.pk)
    return attachment(data, f"{name}.{fmt}", DOCX_TYPE if fmt == "docx" else PDF_TYPE)
