"""企业诉求办理通报: the month's (or quarter's, year's) bulletin of enterprise requests on the GB/T 9704
layout (``kaohe.lib.gbt9704``), stored as a draft in the documents register (``kaohe.documents``):
the office edits the words there, then issues it (numbered .docx and PDF).

Content in the practice's sentences: 受理 N 件、办结 M 件（占 X%），响应率、按期办结率、满意率; by type;
by district (a table, from the same figures as the 效能榜); the overdue requests escalated to 督办;
the requirements (首问负责、事不过夜).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.utils import timezone

from kaohe.documents import services as documents
from kaohe.enterprise.figures import as_of_moment, compute
from kaohe.enterprise.models import EnterpriseRequest, RequestType, Status
from kaohe.enterprise.sources import unit_rollup
from kaohe.lib import gbt9704
from kaohe.lib.numbers import number, percent
from kaohe.lib.periods import Period
from kaohe.orgs.models import OrgUnit
from kaohe.orgs.scope import subtree_ids

KIND = "enterprise"
ASSESSED = ["district", "new_area", "dev_zone", "park"]


def build(office_unit: OrgUnit, period: Period, *, today: dt.date | None = None) -> gbt9704.Document:
    today = today or timezone.localdate()
    end = min(period.end, today)
    tz = timezone.get_current_timezone()
    start_at = dt.datetime.combine(period.start, dt.time(0), tzinfo=tz)
    end_at = as_of_moment(end)
    units = subtree_ids(office_unit)
    rows = list(EnterpriseRequest.objects.filter(enterprise__unit_id__in=units, received_at__gte=start_at,
                                                 received_at__lt=end_at).values_list("rtype", "status", "escalated_at"))
    total = len(rows)
    closed = sum(1 for _t, s, _e in rows if s == Status.CLOSED)
    by_type = Counter(t for t, _s, _e in rows)
    districts = list(OrgUnit.objects.filter(parent=office_unit, kind__in=ASSESSED).order_by("sort_order", "code"))
    figures = compute(period.year, end, unit_rollup([d.code for d in districts])) if districts else {}
    whole = compute(period.year, end, {pk: "ALL" for pk in units}).get("ALL", {})
    value = {k: v for k, (v, _ids) in whole.items()}
    doc = gbt9704.Document(f"关于{period.label()}企业诉求办理情况的通报", issuer=office_unit.name,
                           addressee="各区（县、功能区），市各有关部门：", date=today, kind="通报")
    doc.paragraph(f"为落实“首问负责、事不过夜”服务企业机制，推动企业诉求办理解决闭环，现将{period.label()}企业诉求"
                  f"办理情况通报如下。")
    doc.heading(1, "总体情况")
    share = f"{number(closed / total * 100, 1)}%" if total else "—"
    doc.paragraph(f"{period.label()}（截至{gbt9704.cn_date(end)}），共受理企业诉求{total}件，已办结{closed}件，占{share}。"
                  f"全年累计：响应率{percent(value.get('ent_response_rate'))}，按期办结率{percent(value.get('enterprise_requests_rate'))}，"
                  f"解决率{percent(value.get('ent_solve_rate'))}，满意率{percent(value.get('ent_satisfied_rate'))}，"
                  f"重复诉求率{percent(value.get('ent_repeat_rate'))}。")
    if total:
        kinds = "，".join(f"{label}{by_type[t]}件" for t, label in RequestType.choices if by_type.get(t))
        doc.paragraph(f"按诉求类型分：{kinds}。")
    doc.heading(1, "各地办理情况")
    table_rows = []
    for d in districts:
        v = {k: val for k, (val, _ids) in figures.get(d.code, {}).items()}
        table_rows.append([d.name, number(v.get("ent_requests") or 0, 0), percent(v.get("ent_response_rate")),
                           percent(v.get("enterprise_requests_rate")), percent(v.get("ent_solve_rate")),
                           percent(v.get("ent_satisfied_rate")),
                           "—" if v.get("enterprise_satisfaction") is None else number(v["enterprise_satisfaction"], 1)])
    doc.table("各地企业诉求办理情况（全年累计）", None,
              ["单位", "受理（件）", "响应率", "按期办结率", "解决率", "满意率", "满意度得分（分）"], table_rows)
    ranked = [r for r in table_rows if r[3] != "—"]
    if ranked:
        low = min(ranked, key=lambda r: float(r[3].rstrip("%")))
        doc.paragraph(f"按期办结率最低的是{low[0]}（{low[3]}），请对照问题清单抓紧整改。")
    overdue = list(EnterpriseRequest.objects.filter(enterprise__unit_id__in=units, escalated_at__isnull=False,
                                                    status__in=(Status.RECEIVED, Status.ASSIGNED, Status.HANDLING))
                   .select_related("enterprise", "handler_unit", "first_unit").order_by("escalated_at")[:30])
    doc.heading(1, "超期督办事项")
    if overdue:
        doc.paragraph(f"截至{gbt9704.cn_date(end)}，超期未办结并已提请督办的企业诉求{len(overdue)}件（清单见表2），"
                      f"请承办单位限期办结并向企业答复。")
        doc.table("超期督办企业诉求清单", None, ["工单号", "企业", "诉求事项", "承办单位", "督办时间"],
                  [[r.number, r.enterprise.name, r.title, (r.handler_unit or r.first_unit).name,
                    timezone.localtime(r.escalated_at).strftime("%Y-%m-%d")] for r in overdue])
    else:
        doc.paragraph("本期无超期督办事项。")
    doc.heading(1, "下步要求")
    doc.heading(2, "压实首问责任", "首问单位对企业诉求负责到底，不得以转办代替办理；退回须写明法定依据。")
    doc.heading(2, "坚持事不过夜", "企业诉求当日响应，17:30后受理的于下一工作日响应；按时限办结并答复企业。")
    doc.heading(2, "做好回访评价", "企业评价不满意的，承办单位重新办理，直至问题解决。")
    doc.colophon(cc=["市考核办"])
    return doc


def draft(office_unit: OrgUnit, period: Period, *, user=None, today: dt.date | None = None):
    """Store the bulletin as a draft in the documents register (one draft per unit and period)."""
    doc = build(office_unit, period, today=today)
    return documents.draft(kind=KIND, unit=office_unit, document=doc, period=str(period), user=user)
