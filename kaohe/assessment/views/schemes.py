"""Scheme pages: list, import (YAML / Excel), version tree, edit, adopt, new version, clone, diff, export, targets."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.assessment import scheme_editor as editor
from kaohe.assessment import scheme_messages
from kaohe.assessment import schemes as svc
from kaohe.assessment.models import Scheme, SchemeVersion, Target, VersionStatus
from kaohe.assessment.targets import (
    import_targets,
    parse_cells,
    save_targets,
    target_columns,
    target_units,
)
from kaohe.assessment.views.common import DOCX, XLSX, download
from kaohe.assessment.views.editor import decorate, editor_context
from kaohe.engine import load_scheme, score
from kaohe.engine.scheme import Leaf, Node
from kaohe.engine.scheme import Scheme as EngineScheme
from kaohe.lib.numbers import plain
from kaohe.lib.tabular import TabularError
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.permissions import check, person_of, require, scope_root
from kaohe.orgs.scope import get_visible_or_404


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("方案文件 (YAML 或 Excel)"), required=False)
    yaml_text = forms.CharField(label=gettext_lazy("或粘贴 YAML"), widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}), required=False)
    code = forms.SlugField(label=gettext_lazy("方案代码"), initial="HQD", help_text=gettext_lazy("同一方案在各年度使用相同代码，用于同比与版本比较"))
    reason = forms.CharField(label=gettext_lazy("说明"), required=False)


@login_required
def scheme_list(request):
    require(request.user, "assessment.view_scheme")
    schemes = Scheme.objects.visible_to(request.user).select_related("owner_unit").prefetch_related("versions").order_by("-year", "code")
    person = person_of(request.user)
    return render(request, "assessment/scheme_list.html", {
        "schemes": schemes, "nav_active": "schemes", "can_manage": check(request.user, "assessment.manage_scheme", _new_owner(request)),
        # An office below the top (a district's) derives its scheme from the one above.
        "can_derive": person is not None and person.unit.parent_id is not None,
    })


def _new_owner(request):
    """The unit owning a scheme this user imports: the office's own unit (its scope root)."""
    return scope_root(person_of(request.user))


def _version(request, pk: int, *, manage: bool = False) -> SchemeVersion:
    """The version in the user's scope (else 404); with ``manage``, one the user may manage (else 403)."""
    version = get_visible_or_404(request.user, SchemeVersion.objects.select_related("scheme"), pk=pk)
    if manage:
        require(request.user, "assessment.manage_scheme", version)
    return version


@login_required
def scheme_import(request):
    owner = _new_owner(request)
    require(request.user, "assessment.manage_scheme", owner)
    errors: list[str] = []
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = None
        try:
            if upload is not None:
                content = svc.read_scheme_file(upload.read(), upload.name)
            elif form.cleaned_data["yaml_text"].strip():
                content = svc.parse_yaml(form.cleaned_data["yaml_text"])
            else:
                raise svc.SchemeInvalid([_("请选择文件或粘贴 YAML")])
            version = svc.import_scheme(content, user=request.user, code=form.cleaned_data["code"],
                                        reason=form.cleaned_data["reason"], owner_unit=owner)
        except svc.SchemeInvalid as exc:
            errors = scheme_messages.texts(exc.problems, content)
        else:
            messages.success(request, _("已导入 %(v)s（草稿）") % {"v": version})
            return redirect("assessment:version", version.pk)
    return render(request, "assessment/scheme_import.html", {"form": form, "errors": errors, "nav_active": "schemes"})


def _tree(version: SchemeVersion, scheme: EngineScheme):
    """Rows for the tree view: the engine's categories with their full marks and the leaves under them."""
    specs = {s.code: s for s in version.indicators.select_related("responsible_unit")}
    rows = []

    def walk(node: Node | Leaf, depth: int) -> None:
        if isinstance(node, Leaf):
            rows.append({"leaf": True, "depth": depth, "node": node, "code": node.indicator, "spec": specs.get(node.indicator),
                         "points": node.points, "rule": svc.explain_method(node), "params": dict(node.params)})
            return
        rows.append({"leaf": False, "depth": depth, "node": node, "points": node.full_marks})
        for child in node.children:
            walk(child, depth + 1)

    for child in scheme.top_nodes():
        walk(child, 0)
    return rows, scheme.full_marks


@login_required
def version_detail(request, pk: int):
    require(request.user, "assessment.view_scheme")
    version = _version(request, pk)
    scheme = svc.engine_scheme(version.content)
    rows, total = _tree(version, scheme)
    others = SchemeVersion.objects.visible_to(request.user).exclude(pk=pk).select_related("scheme").order_by("-scheme__year", "-number")
    can_manage = check(request.user, "assessment.manage_scheme", version)
    return render(request, "assessment/version_detail.html", {
        "version": version, "rows": rows, "total": total, "others": others, "nav_active": "schemes",
        "can_manage": can_manage,
        "boards": scheme.boards, "tiers": scheme.tiers, "veto": scheme.veto,
        "bonus": scheme.bonus, "deduction": scheme.deduction, "computed": scheme.computed,
        "peer_groups": version.peer_groups.all(), "targets_count": version.targets.count(),
        "missing": [c for c in target_columns(version) if c.missing] if can_manage else [], "target_link": True,
        "units": dict(OrgUnit.objects.values_list("code", "name")),
        "names": {**dict(version.indicators.values_list("code", "name")),
                  **{n.code: n.name for n in scheme.root.iter_nodes() if n.code}},
    })


@login_required
def version_edit(request, pk: int):
    version = _version(request, pk, manage=True)
    if version.status != VersionStatus.DRAFT:
        messages.error(request, _("已发布的方案版本不可修改；请新建版本并说明原因。"))
        return redirect("assessment:version", pk)
    errors: list[str] = []
    text = version.yaml_text or svc.to_yaml(version.content)
    if request.method == "POST":
        text = request.POST.get("yaml_text", "")
        content = None
        try:
            content = svc.parse_yaml(text)
            svc.update_draft(version, content, user=request.user, reason=request.POST.get("reason", ""))
        except svc.SchemeInvalid as exc:
            errors = scheme_messages.texts(exc.problems, content)
        else:
            messages.success(request, _("已保存"))
            return redirect("assessment:version", pk)
    return render(request, "assessment/version_edit.html", {"version": version, "text": text, "errors": errors, "nav_active": "schemes"})


@login_required
def version_editor(request, pk: int):
    """方案编辑器: the draft's tree as a form (points adding up, a form per indicator, drag to
    reorder); saving validates with the engine and shows its problems at the fields in Chinese."""
    version = _version(request, pk, manage=True)
    if version.status != VersionStatus.DRAFT:
        messages.error(request, _("已发布的方案版本不可修改；请新建版本并说明原因。"))
        return redirect("assessment:version", pk)
    if request.method == "POST":
        try:
            state = editor.state_from_post(request.POST)
            editor.save(version, state, user=request.user, reason=request.POST.get("reason", "").strip())
        except editor.EditorRefused as exc:
            messages.error(request, str(exc))
            return redirect("assessment:version_editor", pk)
        except editor.EditorInvalid as exc:
            state = exc.state  # shown again with the problems at their fields (a full page: 200)
        else:
            messages.success(request, _("方案已保存"))
            return redirect("assessment:version_editor", pk)
    else:
        state = editor.tree_of(version.content, version)
    ctx = editor_context(request, version, state)
    decorate(state, ctx)
    return render(request, "assessment/version_editor.html", {
        "version": version, "state": state, "nav_active": "schemes", **ctx,
    })


@login_required
@require_POST
def version_adopt(request, pk: int):
    version = _version(request, pk, manage=True)
    try:
        svc.adopt(version, user=request.user)
    except svc.SchemeInvalid as exc:
        for e in scheme_messages.texts(exc.problems, version.content):
            messages.error(request, e)
    else:
        messages.success(request, _("方案已发布"))
    return redirect("assessment:version", pk)


@login_required
@require_POST
def version_new(request, pk: int):
    version = _version(request, pk, manage=True)
    try:
        draft = svc.new_version(version, reason=request.POST.get("reason", ""), user=request.user)
    except svc.SchemeInvalid as exc:
        for e in scheme_messages.texts(exc.problems, version.content):
            messages.error(request, e)
        return redirect("assessment:version", pk)
    messages.success(request, _("已新建草稿版本"))
    return redirect("assessment:version", draft.pk)


@login_required
@require_POST
def version_clone(request, pk: int):
    version = _version(request, pk, manage=True)
    try:
        year = int(request.POST.get("year") or version.scheme.year + 1)
        draft = svc.clone_to_year(version, year, user=request.user)
    except ValueError:
        messages.error(request, _("年度应为 2000–2100 之间的整数"))
        return redirect("assessment:version", pk)
    except svc.SchemeInvalid as exc:
        for e in scheme_messages.texts(exc.problems, version.content):
            messages.error(request, e)
        return redirect("assessment:version", pk)
    messages.success(request, _("已复制为 %(y)s 年方案草稿") % {"y": year})
    return redirect("assessment:version", draft.pk)


@login_required
def version_diff(request, pk: int):
    require(request.user, "assessment.view_scheme")
    left = _version(request, pk)
    try:
        right = _version(request, int(request.GET.get("other") or 0))
    except ValueError:
        raise Http404 from None
    other_pk = right.pk
    # The older version is always "before": what the newer one has that the older lacks is 新增.
    if (left.scheme.year, left.number) > (right.scheme.year, right.number):
        left, right = right, left
    rows = svc.diff(left.content, right.content)
    show_all = request.GET.get("all") == "1"
    return render(request, "assessment/version_diff.html", {
        "left": left, "right": right, "rows": rows if show_all else [r for r in rows if r.change != "same"],
        "summary": svc.diff_summary(rows), "show_all": show_all, "nav_active": "schemes", "other_pk": other_pk,
        "this_pk": pk,
    })


@login_required
def version_export(request, pk: int, fmt: str):
    require(request.user, "assessment.view_scheme")
    version = _version(request, pk)
    base = f"{version.scheme.year}-{version.scheme.code}-v{version.number}"
    if fmt == "yaml":
        return download(svc.to_yaml(version.content).encode(), base + ".yaml", "application/yaml; charset=utf-8")
    if fmt == "xlsx":
        return download(svc.content_to_workbook(version.content), base + ".xlsx", XLSX)
    if fmt == "docx":
        units = dict(OrgUnit.objects.values_list("code", "name"))
        return download(svc.content_to_docx(version.content, units), base + ".docx", DOCX)
    raise Http404(fmt)


@login_required
def version_targets(request, pk: int):
    """目标值 beside the scheme: a grid of the assessed units × the target-scored indicators, typed
    (all or nothing) or imported from Excel (columns 单位代码, 指标代码, 目标值; the whole set replaced),
    with a warning for every target-scored indicator that has no targets."""
    require(request.user, "assessment.view_scheme")
    version = _version(request, pk)
    problems: list[str] = []
    columns = target_columns(version)
    can_manage = check(request.user, "assessment.manage_scheme", version)
    units = [u for u in target_units(version) if u.pk in set(OrgUnit.objects.visible_to(request.user).values_list("pk", flat=True))]
    typed: dict[str, str] = {}
    if request.method == "POST":
        require(request.user, "assessment.manage_scheme", version)
        if request.POST.get("action") == "save":
            managed = set(OrgUnit.objects.managed_by(request.user).values_list("pk", flat=True))
            typed = {k: v for k, v in request.POST.items() if k.startswith("t-")}
            cells, problems = parse_cells([(unit, col.spec, request.POST[f"t-{unit.pk}-{col.spec.code}"])
                                           for unit in units if unit.pk in managed for col in columns
                                           if f"t-{unit.pk}-{col.spec.code}" in request.POST])
            if not problems:
                n = save_targets(version, cells, request.user)
                messages.success(request, _("已保存 %(n)s 项目标值") % {"n": n} if n else _("目标值没有变化"))
                return redirect("assessment:version_targets", pk)
        else:
            upload = request.FILES.get("file")
            try:
                import_targets(version, upload.read() if upload else b"", upload.name if upload else "", request.user)
            except TabularError as exc:
                problems = exc.texts(get_language())
            else:
                messages.success(request, _("目标值已导入"))
                return redirect("assessment:version_targets", pk)
    codes = [c.spec.code for c in columns]
    stored = {(t.unit_id, t.indicator): t.target for t in Target.objects.visible_to(request.user).filter(version=version, indicator__in=codes)}
    rows = [{"unit": u, "cells": [{"name": f"t-{u.pk}-{c.spec.code}", "value": typed.get(f"t-{u.pk}-{c.spec.code}", plain(stored.get((u.pk, c.spec.code))))}
                                  for c in columns]} for u in units]
    others = Target.objects.visible_to(request.user).filter(version=version).exclude(indicator__in=codes).count()
    return render(request, "assessment/version_targets.html", {
        "version": version, "columns": columns, "rows": rows, "problems": problems, "nav_active": "schemes",
        "can_manage": can_manage, "missing": [c for c in columns if c.missing], "others": others,
    })


@login_required
def version_preview(request, pk: int):
    """试算: score stored data under this version and compare ranks with the adopted version.

    The data is that of the adopted version of the same year, or else of last year's adopted
    version ("score last year's data under the draft"), at the chosen (default: latest) period.
    """
    from kaohe.assessment import services
    from kaohe.assessment.models import VersionStatus

    version = _version(request, pk, manage=True)
    base = (SchemeVersion.objects.filter(scheme=version.scheme, status=VersionStatus.ADOPTED).first()
            or SchemeVersion.objects.filter(scheme__owner_unit_id=version.scheme.owner_unit_id, scheme__code=version.scheme.code,
                                            scheme__year=version.scheme.year - 1,
                                            status=VersionStatus.ADOPTED).select_related("scheme").first())
    error, rows, period = "", [], None
    periods = []
    if base is None:
        error = _("没有可用于试算的已发布方案数据")
    else:
        periods = list(services.periods_of(base.scheme.owner_unit_id, base.scheme.year).filter(values__version=base).distinct().order_by("-end", "kind"))
        chosen = request.GET.get("period")
        period = next((p for p in periods if str(p.pk) == chosen), periods[0] if periods else None)
        if period is None:
            error = _("没有可用于试算的数据")
    if period is not None:
        try:
            data = services.run_inputs(base, period)
            new = score(svc.engine_scheme(version.content), data.values, units=data.units, targets=data.targets, period=data.period_code)
            old = score(load_scheme(data.scheme), data.values, units=data.units, targets=data.targets, period=data.period_code)
        except svc.SchemeInvalid as exc:  # the draft cannot be scored: its problems in Chinese, at their places
            error = "；".join(scheme_messages.texts(exc.problems, version.content))
        except Exception as exc:  # noqa: BLE001 — any other engine refusal is what the office needs
            error = str(exc)
        else:
            names = dict(zip(data.units["unit"].to_list(), data.units["name"].to_list(), strict=True))
            before = {r["unit"]: r for r in old.totals.to_dicts()}
            for r in new.totals.sort(["group", "rank"]).to_dicts():
                b = before.get(r["unit"], {})
                rows.append({"unit": names.get(r["unit"], r["unit"]), "group": r["group"], "total": r["total"], "rank": r["rank"],
                             "tier": r.get("tier"), "old_total": b.get("total"), "old_rank": b.get("rank"), "old_tier": b.get("tier"),
                             "moved": (b.get("rank") or 0) - (r["rank"] or 0)})
    return render(request, "assessment/version_preview.html", {
        "version": version, "base": base, "period": period, "periods": periods, "rows": rows, "error": error, "nav_active": "schemes",
    })
