"""Excel import and export of attraction projects, and the quarterly 招商引资通报.

The import reads the first sheet through the one reader (``kaohe.lib.tabular``) and saves all or
nothing (``kaohe.orgs.imports.all_or_nothing``): every row is checked first, each error names
its row, column and reason. It registers new leads (线索/在谈); milestones are recorded on the
project page, each with its evidence. The export writes the same columns (user text as text).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.attraction import bulletin, services
from kaohe.attraction.models import Industry, LeadSource, Stage
from kaohe.attraction.views import _filtered, recordable_units, visible_projects
from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.lib.exports import Table, attachment, xlsx_response
from kaohe.lib.numbers import NumberError, parse_number
from kaohe.lib.tabular import Column, RowError, TabularError, read_workbook
from kaohe.lib.tabular import Table as SheetTable
from kaohe.lib.tabular import text as cell_text
from kaohe.orgs.imports import all_or_nothing
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.permissions import require

COLUMNS = [
    Column("name", "项目名称", ("name",), required=True, max_length=200),
    Column("investor", "投资方", ("投资主体", "investor"), required=True, max_length=200),
    Column("investor_origin", "投资方所在地", ("origin",), max_length=100),
    Column("unit", "属地单位代码", ("属地单位", "unit"), required=True),
    Column("industry", "产业代码", ("产业", "industry")),
    Column("chain_link", "产业链环节", ("chain",), max_length=50),
    Column("amount", "计划总投资（万元）", ("总投资（万元）", "amount"), required=True),
    Column("land_mu", "用地面积（亩）", ("用地（亩）", "land_mu")),
    Column("expected_tax", "达产后年税收（万元）", ("年税收（万元）", "expected_tax")),
    Column("source", "线索来源", ("source",)),
    Column("team", "招商小分队", ("小分队", "team"), max_length=100),
    Column("first_contact_on", "首谈日期", ("first_contact_on",)),
]
EXPORT_ONLY = ["项目编号", "当前阶段", "签约日期", "状态", "重大项目编号"]
SOURCES = {"招商活动": LeadSource.EVENT, "以商招商": LeadSource.INVESTOR, "小分队招商": LeadSource.TEAM,
           "产业链招商": LeadSource.CHAIN, "其他": LeadSource.OTHER} | {v: v for v in LeadSource.values}


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(cell_text(value).replace("/", "-"))


def parse(data: bytes, filename: str, user) -> list[dict]:
    """The rows as service input; raises TabularError with every row/field/reason found."""
    book = read_workbook(data, filename)
    table = SheetTable.build(book.first, COLUMNS)
    allowed = {u.code: u for u in recordable_units(user)}
    industries = {i.code: i for i in Industry.objects.filter(city=None)} | {i.name: i for i in Industry.objects.filter(city=None)}
    errors: list[RowError] = []
    rows: list[dict] = []
    seen: dict[tuple[str, str], int] = {}
    for row in table.rows:
        rec = table.record(row)
        if all(v in (None, "") for v in rec.values()):
            continue
        item: dict = {}
        for key in ("name", "investor", "investor_origin", "chain_link", "team"):
            item[key] = cell_text(rec.get(key))
        for key in ("name", "investor"):
            if not item[key]:
                errors.append(table.error(row, key, "不能为空", "must not be blank"))
        code = cell_text(rec.get("unit"))
        if code not in allowed:
            exists = OrgUnit.objects.filter(code=code).exists()
            errors.append(table.error(row, "unit", f"单位“{code}”不存在" if not exists else f"无权为单位“{code}”登记项目",
                                      f"unit '{code}' does not exist" if not exists else f"not allowed for unit '{code}'"))
        else:
            item["unit"] = allowed[code]
        ind = cell_text(rec.get("industry"))
        if ind and ind not in industries:
            errors.append(table.error(row, "industry", f"产业“{ind}”不在产业体系中", f"unknown industry '{ind}'"))
        item["industry"] = industries.get(ind) if ind else None
        for key, limit in services.NUMBER_FIELDS.items():
            if key == "landed_investment":
                continue
            try:
                value = parse_number(rec.get(key), max_abs=limit)
            except NumberError as exc:
                errors.append(table.error(row, key, exc.reason, exc.reason_en))
                continue
            if value is not None and value < 0:
                errors.append(table.error(row, key, "不能为负数", "must not be negative"))
            item[key] = value
        if "amount" in item and item["amount"] is None:
            errors.append(table.error(row, "amount", "不能为空", "must not be blank"))
        source = cell_text(rec.get("source"))
        if source and source not in SOURCES:
            errors.append(table.error(row, "source", f"线索来源应为：{'、'.join(k for k in SOURCES if not k.isascii())}",
                                      f"source must be one of {', '.join(LeadSource.values)}"))
        item["source"] = SOURCES.get(source, LeadSource.OTHER)
        try:
            item["first_contact_on"] = _date(rec.get("first_contact_on"))
        except ValueError:
            errors.append(table.error(row, "first_contact_on", "日期格式应为 2026-03-01", "date must look like 2026-03-01"))
        key = (item["investor"], item["name"])
        if key in seen:
            errors.append(table.error(row, "name", f"与第{seen[key]}行重复（同一投资方同名项目）", f"duplicates row {seen[key]}"))
        elif item["name"] and item["investor"]:
            seen[key] = row.number
            twin = services.duplicate_of(item["investor"], item["name"])
            if twin is not None:
                errors.append(table.error(row, "name", f"已由{twin.unit.name}登记（{twin.code}）",
                                          f"already registered by {twin.unit.code} ({twin.code})"))
        item["_row"] = row.number
        rows.append(item)
    if not rows and not errors:
        errors.append(RowError(table.sheet.label, None, "", "没有数据行", "no data rows"))
    if errors:
        raise TabularError(errors)
    return rows


def import_rows(data: bytes, filename: str, user) -> list:
    rows = parse(data, filename, user)

    def save():
        created = []
        for item in rows:
            item = {k: v for k, v in item.items() if k != "_row"}
            try:
                created.append(services.create_project(item, user=user))
            except services.AttractionError as exc:
                raise TabularError([RowError("", None, "", str(exc))]) from None
        record(AuditAction.IMPORT, None, object_type="attraction.attractionproject", object_repr=f"{filename}：{len(created)}个项目",
               after={"rows": len(created), "codes": [p.code for p in created]}, user=user, unit=None)
        return created

    return all_or_nothing([], save)


@login_required
def import_view(request):
    require(request.user, "attraction.list")
    if not recordable_units(request.user):
        require(request.user, "attraction.record", None)
    errors = None
    if request.method == "POST" and request.FILES.get("file"):
        upload = request.FILES["file"]
        try:
            created = import_rows(upload.read(), upload.name, request.user)
        except TabularError as exc:
            errors = exc.errors
        else:
            messages.success(request, _("已导入%(n)d个项目") % {"n": len(created)})
            return redirect("attraction:list")
    return render(request, "attraction/import.html", {"nav_active": "attraction", "errors": errors,
                                                      "columns": COLUMNS})


def export_table(projects) -> Table:
    rows = []
    for p in projects.select_related("unit", "industry", "major_project"):
        rows.append([p.name, p.investor, p.investor_origin, p.unit.code, p.industry.code if p.industry_id else "",
                     p.chain_link, float(p.amount), float(p.land_mu) if p.land_mu is not None else None,
                     float(p.expected_tax) if p.expected_tax is not None else None, p.get_source_display(), p.team,
                     p.first_contact_on.isoformat() if p.first_contact_on else "",
                     p.code, Stage(p.stage).label, p.signed_on.isoformat() if p.signed_on else "",
                     p.get_status_display(), p.major_project.code if p.major_project_id else ""])
    return Table("招商项目", [c.label for c in COLUMNS] + EXPORT_ONLY, rows)


@login_required
def export_view(request):
    require(request.user, "attraction.list")
    qs, _f = _filtered(request, visible_projects(request.user))
    return xlsx_response(f"招商项目-{services.today():%Y%m%d}", [export_table(qs.order_by("code"))])


@login_required
def bulletin_view(request, year: int, quarter: int, fmt: str):
    """招商引资季度通报 (.docx; .pdf through LibreOffice) for the units in the reader's scope."""
    require(request.user, "attraction.credits")
    if quarter not in (1, 2, 3, 4) or fmt not in ("docx", "pdf") or not 2000 <= year <= 2100:
        raise Http404
    root = _root(request.user)
    content = bulletin.content(root, year, quarter, request.user)
    data = bulletin.to_docx(content)
    name = f"{root.name}{year}年第{quarter}季度招商引资通报"
    if fmt == "pdf":
        try:
            return attachment(bulletin.to_pdf(data), f"{name}.pdf", "application/pdf")
        except bulletin.ConversionError as exc:
            return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    from kaohe.lib.exports import DOCX_TYPE

    return attachment(data, f"{name}.docx", DOCX_TYPE)


def _root(user):
    from kaohe.orgs.permissions import person_of, scope_root

    return scope_root(person_of(user)) if not user.is_superuser else OrgUnit.objects.filter(parent__isnull=True).first()


@login_required
@require_POST
def bulletin_draft(request, year: int, quarter: int):
    """生成通报草稿: the bulletin into the documents register, where it is edited, numbered and issued."""
    if quarter not in (1, 2, 3, 4) or not 2000 <= year <= 2100:
        raise Http404
    root = _root(request.user)
    require(request.user, "documents.draft", root)
    doc = bulletin.draft(root, year, quarter, user=request.user)
    messages.success(request, _("已生成通报草稿“%(title)s”，请在报告页面修改、编号并印发") % {"title": doc.title})
    return redirect("attraction:board", code=root.code)

