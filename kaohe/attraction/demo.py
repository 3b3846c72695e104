"""Demo data: about 400 investment projects of 示范市 across every stage and band, with evaluations
(some vetoed), credits, 20 events and target bundles per district.

Two kinds of project: the demo's major projects that came from 招商引资 (``projects`` loads first)
get their attraction history — linked to that one record, never a second one — and about 220
projects still in the pipeline (leads, talks, signed, registered, landed, a few started and
waiting for 认定). Among them: signings held as a suspected bulk report before the end of
September (桃源县), excluded projects (房地产…), dropped ones and a few below the minimum.

Deterministic (its own seeded generator), idempotent (skips when its projects exist), bulk-inserted
with one audit entry per batch; loads before ``kaohe.assessment.demo``, whose 2026 赛马榜 takes its
figures from this module (indicator source ``attraction``).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from kaohe.attraction import recognition, services
from kaohe.attraction.evaluation import score
from kaohe.attraction.models import (
    STAGE_ORDER,
    AttractionProject,
    Credit,
    CreditRole,
    Decision,
    Evaluation,
    Event,
    EventKind,
    EventStatus,
    EventTarget,
    ExclusionRule,
    Industry,
    LeadSource,
    Milestone,
    ProjectStatus,
    Stage,
)
from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.orgs.models import OrgUnit
from kaohe.projects.models import Project, ProjectSource

PREFIX = "ZS-D"
N_PIPELINE = 230
INDUSTRIES = [  # "3+3+X": 3 主导产业, 3 新兴产业, X 特色产业
    ("zz", "高端装备", "主导产业", "基础零部件、整机制造、系统集成"),
    ("xny", "新能源汽车", "主导产业", "电池材料、动力电池、整车、充换电"),
    ("dzxx", "电子信息", "主导产业", "材料、芯片、模组、终端"),
    ("swyy", "生物医药", "新兴产业", "原料药、创新药、医疗器械"),
    ("xcl", "新材料", "新兴产业", "前驱体、功能材料、复合材料"),
    ("szjj", "数字经济", "新兴产业", "算力、软件、数据服务"),
    ("wl", "现代物流", "特色产业", "仓储、冷链、供应链服务"),
    ("wl2", "文旅康养", "特色产业", "景区、康养、文创"),
]
EXCLUSIONS = [("local", "完全由市内企业或自然人投资"), ("fiscal", "财政性资金投资的基础设施、民生项目"),
              ("realty", "房地产开发项目"), ("service", "KTV、餐饮、超市等生活服务项目"),
              ("phase2", "二期及后期项目、本地企业迁建、原厂区新增生产线"), ("resource", "纯资源开发项目")]
INVESTORS = ["华东", "长三角", "粤港澳", "京津冀", "成渝", "德国", "日本", "新加坡", "香港", "台湾"]
SUFFIX = ["科技有限公司", "集团股份有限公司", "控股集团", "实业有限公司", "新能源有限公司"]
NAMES = ["智能制造基地", "研发及产业化项目", "总部及研发中心", "生产基地", "产业园", "创新中心"]
LEADERS = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙"]


def _date(rng, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def load(ctx) -> None:
    if AttractionProject.objects.filter(code__startswith=PREFIX).exists():
        ctx.log("  attraction: demo projects already there")
        return
    rng = random.Random("kaohe-demo-attraction")
    city = ctx.city or OrgUnit.objects.filter(code="SFS").first()
    units = list(OrgUnit.objects.filter(parent=city, kind__in=["district", "new_area", "dev_zone", "park"])
                 .order_by("sort_order", "code"))
    if not units:
        ctx.log("  attraction: no districts in the demo city, skipped")
        return
    office = get_user_model().objects.filter(username="kaoheban").first()
    with transaction.atomic():
        _load(ctx, rng, city, units, office)


def _load(ctx, rng, city, units, office) -> None:
    today = ctx.today
    year = ctx.current_year
    bands = {b.code: b for b in services.ensure_bands()}
    checklist = services.default_checklist()
    items = list(checklist.items.all())
    industries = [Industry.objects.create(system="3+3+X", tier=t, code=c, name=n, chain=ch, order=i)
                  for i, (c, n, t, ch) in enumerate(INDUSTRIES)]
    exclusions = {c: ExclusionRule.objects.create(code=c, name=n) for c, n in EXCLUSIONS}
    towns = {u.pk: list(OrgUnit.objects.filter(parent=u)) for u in units}
    events = _events(rng, [u for u in units if not u.code.startswith("SFS-KFQ")], year, today, industries)
    now = timezone.now()

    projects: list[AttractionProject] = []
    plans: list[dict] = []  # per project: milestones {stage: date}, evaluation, flags

    # 1. The major projects that came from 招商引资: their history, linked to the one record.
    majors = list(Project.objects.filter(source=ProjectSource.INVESTMENT, code__startswith="SFS-XM")
                  .select_related("unit").prefetch_related("milestones__stage").order_by("code"))
    for major in majors:
        actual = {m.stage.code: m.actual_on for m in major.milestones.all() if m.actual_on}
        signed = actual.get("signed") or major.signed_on
        if signed is None or signed > today:
            continue
        dates = {Stage.TALKS: signed - dt.timedelta(days=rng.randint(30, 150)), Stage.SIGNED: signed,
                 Stage.REGISTERED: signed + dt.timedelta(days=rng.randint(10, 40))}
        landed = actual.get("landed")
        if landed:
            dates[Stage.LANDED] = max(landed, dates[Stage.REGISTERED])
        elif rng.random() < 0.3:
            dates.pop(Stage.REGISTERED)  # signed, not even registered yet: 签约不落地
        for code, stage in (("started", Stage.STARTED), ("in_stats", Stage.IN_STATS), ("operating", Stage.PRODUCING)):
            if code in actual and Stage.LANDED in dates:
                dates[stage] = max(actual[code], max(dates.values()))
            else:
                break
        if Stage.IN_STATS in dates and Stage.PRODUCING not in dates and rng.random() < 0.4:
            producing = dates[Stage.IN_STATS] + dt.timedelta(days=rng.randint(120, 300))
            if producing <= today:
                dates[Stage.PRODUCING] = producing  # 投产/入规
                effect = producing + dt.timedelta(days=rng.randint(60, 200))
                if effect <= today and rng.random() < 0.4:
                    dates[Stage.EFFECTIVE] = effect  # 达效
        unit = major.unit
        projects.append(AttractionProject(
            code=f"{PREFIX}{len(projects) + 1:04d}", name=major.name, investor=major.owner_enterprise or f"{major.name}投资方",
            investor_origin=rng.choice(INVESTORS), unit=unit, industry=rng.choice(industries), amount=major.total_investment,
            landed_investment=major.total_investment if Stage.LANDED in dates else Decimal(0),
            land_mu=Decimal(rng.randint(40, 400)), source=rng.choice(LeadSource.values), team=f"{unit.name[:2]}招商小分队",
            first_contact_on=dates[Stage.TALKS], major_project=major, created_by=office))
        plans.append({"dates": dates, "confirm": True})

    # 2. Projects still in the pipeline.
    for _i in range(N_PIPELINE):
        unit = units[rng.randrange(len(units))]
        if towns[unit.pk] and rng.random() < 0.25:
            unit = rng.choice(towns[unit.pk])
        size = rng.random()
        amount = (rng.uniform(1_000_000, 1_600_000) if size < 0.015 else rng.uniform(500_000, 1_000_000) if size < 0.04
                  else rng.uniform(100_000, 500_000) if size < 0.2 else rng.uniform(10_000, 100_000) if size < 0.85
                  else rng.uniform(600, 10_000))
        amount = Decimal(round(amount, -1))
        land = Decimal(max(5, int(float(amount) / rng.uniform(150, 600))))
        tax = (land * Decimal(str(round(rng.uniform(8, 60), 1)))).quantize(Decimal("0.01"))
        stage = rng.choices([Stage.LEAD, Stage.TALKS, Stage.SIGNED, Stage.REGISTERED, Stage.LANDED, Stage.STARTED],
                            weights=[14, 22, 24, 14, 18, 8])[0]
        first = _date(rng, dt.date(year - 1, 6, 1), today - dt.timedelta(days=150))
        dates = {}
        cursor = first
        for s in STAGE_ORDER[1: STAGE_ORDER.index(stage) + 1]:
            gap = {Stage.TALKS: (0, 20), Stage.SIGNED: (20, 120), Stage.REGISTERED: (10, 40), Stage.LANDED: (20, 120),
                   Stage.STARTED: (15, 90)}[s]
            cursor = min(cursor + dt.timedelta(days=rng.randint(*gap)), today)
            dates[s] = cursor
        source_event = None
        held = [e for e in events if e.status == EventStatus.HELD and e.held_on <= (dates.get(Stage.SIGNED) or today)
                and (e.unit_id == (unit.parent_id if unit.parent_id != city.pk else unit.pk) or e.unit_id == unit.pk)]
        if held and rng.random() < 0.45:
            source_event = rng.choice(held)
            first = min(first, source_event.held_on)
        projects.append(AttractionProject(
            code=f"{PREFIX}{len(projects) + 1:04d}", investor_origin=rng.choice(INVESTORS), unit=unit,
            name=f"{unit.name[:2]}{rng.choice(industries).name}{rng.choice(NAMES)}",
            investor=f"{rng.choice(INVESTORS)}{rng.choice(['博远', '新程', '华拓', '远航', '晨星', '启明', '泰和', '恒信'])}{rng.choice(SUFFIX)}",
            industry=rng.choice(industries), amount=amount, land_mu=land, expected_tax=tax,
            landed_investment=amount if Stage.LANDED in dates else Decimal(0),
            source=LeadSource.EVENT if source_event else rng.choice(LeadSource.values), source_event=source_event,
            team=f"{unit.name[:2]}招商小分队" if rng.random() < 0.6 else "", first_contact_on=first, created_by=office))
        plans.append({"dates": dates, "confirm": False})

    # names are unique per investor (the service refuses twins): make the demo's so too
    seen = set()
    for p in projects:
        while (p.investor, p.name) in seen:
            p.name += "二期" if not p.name.endswith("二期") else "（扩建）"
        seen.add((p.investor, p.name))
    for p, plan in zip(projects, plans, strict=True):
        dates = plan["dates"]
        p.stage = max(dates, key=STAGE_ORDER.index) if dates else Stage.LEAD
        p.signed_on = dates.get(Stage.SIGNED)
    AttractionProject.objects.bulk_create(projects)

    # special cases: vetoed or rejected at talks, dropped, excluded, a bulk report before 30 September
    pipeline = [(p, plan) for p, plan in zip(projects, plans, strict=True) if not plan["confirm"]]
    talks = [(p, plan) for p, plan in pipeline if p.stage == Stage.TALKS]
    vetoed = talks[:12]
    for _p, plan in vetoed:
        plan["veto"] = rng.choice(["v_env", "v_energy", "v_policy"])
    for _p, plan in talks[12:18]:
        plan["reject"] = True
    dropped = [p for p, _plan in pipeline if p.stage in (Stage.LEAD, Stage.TALKS)][20:30]
    for p in dropped:
        p.status, p.status_reason = ProjectStatus.DROPPED, rng.choice(["投资方战略调整", "选址落户外地", "资金链紧张"])
    signed_pipeline = [(p, plan) for p, plan in pipeline if p.signed_on]
    for (p, _plan), code in zip(signed_pipeline[:6], ["realty", "phase2", "local", "service", "fiscal", "realty"], strict=True):
        p.exclusion = exclusions[code]
    taoyuan = next((u for u in units if u.code == "SFS-TY"), units[-1])
    rush = []
    for k in range(6):
        p = AttractionProject.objects.create(
            code=f"{PREFIX}R{k + 1:03d}", name=f"桃源{industries[k % 3].name}配套项目{k + 1}", investor=f"桃源配套投资{k + 1}有限公司",
            unit=taoyuan, industry=industries[k % 3], amount=Decimal(12_000 + 1000 * k), land_mu=Decimal(60),
            expected_tax=Decimal(1200), source=LeadSource.OTHER, first_contact_on=dt.date(year, 3, 1),
            stage=Stage.SIGNED, signed_on=dt.date(year, 5, 2 + k), created_by=office)
        projects.append(p)
        plans.append({"dates": {Stage.TALKS: dt.date(year, 3, 1), Stage.SIGNED: dt.date(year, 5, 2 + k)},
                      "confirm": False, "recorded": dt.datetime(year, 9, 28, 9, tzinfo=dt.UTC)})
        rush.append(p)
    AttractionProject.objects.bulk_update([p for p, _plan in pipeline], ["status", "status_reason", "exclusion"])

    # evaluations before signing; milestones with their evidence and recognition
    evaluations, milestones, credits = [], [], []
    evidence = {Stage.TALKS: "洽谈纪要", Stage.SIGNED: "投资协议", Stage.REGISTERED: "营业执照（统一社会信用代码）",
                Stage.LANDED: "土地成交确认书", Stage.STARTED: "施工许可证", Stage.IN_STATS: "固定资产投资项目入库截图",
                Stage.PRODUCING: "规上工业企业入库通知", Stage.EFFECTIVE: "达产验收报告"}
    for p, plan in zip(projects, plans, strict=True):
        dates = plan["dates"]
        if dates.get(Stage.SIGNED) or plan.get("veto") or plan.get("reject"):
            decided = (dates.get(Stage.SIGNED) or dates.get(Stage.TALKS) or today) - dt.timedelta(days=rng.randint(3, 20))
            given = {"fit": str(rng.randint(9, 15)), "tech": str(rng.randint(8, 15)), "energy": str(rng.randint(6, 10))}
            if plan.get("reject"):
                given = {"fit": "5", "tech": "4", "energy": "3"}
            vetoes = [plan["veto"]] if plan.get("veto") else []
            result = score(items, p, given, vetoes)
            if plan.get("veto") or plan.get("reject"):
                decision = Decision.REJECTED
            else:
                decision = Decision.APPROVED if result.total >= 75 else Decision.CONDITIONAL
            if decision != Decision.REJECTED and result.total < checklist.pass_score:
                result = score(items, p, {"fit": "15", "tech": "15", "energy": "10"}, [])
            evaluations.append(Evaluation(
                project=p, checklist=checklist, scores={k: str(v) for k, v in result.scores.items()}, vetoes=result.vetoes,
                total=result.total, decision=decision, decided_on=decided, decided_by=office,
                decider=f"{p.unit.name}招商引资项目评审委员会", conditions="须在签约后6个月内完成供地" if decision == Decision.CONDITIONAL else ""))
        for stage, on in sorted(dates.items(), key=lambda kv: STAGE_ORDER.index(kv[0])):
            recorded = plan.get("recorded") or dt.datetime.combine(min(on + dt.timedelta(days=rng.randint(0, 5)), today),
                                                                    dt.time(10), tzinfo=dt.UTC)
            m = Milestone(project=p, stage=stage, on=on, evidence=f"{evidence[stage]}（{p.code}）", recorded_by=office,
                          recorded_at=min(recorded, now))
            if stage in ("started", "in_stats", "producing", "effective") and plan["confirm"]:
                m.confirmed_by, m.confirmed_at, m.confirm_level = office, m.recorded_at, "city"
            if plan.get("recorded"):
                m.rush_flag = stage == Stage.SIGNED
            m.project = p
            recognition.apply(m)
            milestones.append(m)
        if p.signed_on:
            leader = f"{rng.choice(LEADERS)}{'副区长' if p.unit.parent_id == city.pk else '书记'}"
            credits.append(Credit(project=p, name=leader, unit=p.unit if p.unit.parent_id == city.pk else p.unit.parent,
                                  role=CreditRole.LEAD, share=Decimal(40)))
            credits.append(Credit(project=p, name=f"{rng.choice(LEADERS)}{rng.choice(['科长', '专员', '主任'])}", unit=p.unit,
                                  role=CreditRole.AGENT, share=Decimal(60)))
    Evaluation.objects.bulk_create(evaluations)
    Milestone.objects.bulk_create(milestones, batch_size=1000)
    seen_credit = set()
    credits = [c for c in credits if (c.project_id, c.name, c.unit_id) not in seen_credit
               and not seen_credit.add((c.project_id, c.name, c.unit_id))]
    Credit.objects.bulk_create(credits)

    # bundles: every district's "1145" for the year, the city's "4633"
    for unit in units:
        services.create_bundle(unit, year, "1145", "项目招引“1145”工程", [
            (bands["1e10"], Stage.SIGNED, 1), (bands["5e9"], Stage.SIGNED, 1), (bands["1e9"], Stage.SIGNED, 4),
            (bands["1e8"], Stage.SIGNED, 5)], user=office)
    services.create_bundle(city, year, "4633", "全市项目招引“4633”", [
        (bands["5e9"], Stage.SIGNED, 4), (bands["1e9"], Stage.SIGNED, 6), (bands["1e9"], Stage.STARTED, 3),
        (bands["1e8"], Stage.STARTED, 30)], user=office)
    for model, rows in ((AttractionProject, projects), (Milestone, milestones), (Evaluation, evaluations), (Credit, credits)):
        record(AuditAction.IMPORT, None, object_type=model, unit=city, user=office,
               object_repr=f"招商引资演示数据 {len(rows)} 条", after={"rows": len(rows), "source": "demo"})
    counted = sum(1 for m in milestones if m.counted)
    ctx.log(f"  attraction: {len(projects)} projects ({len(majors)} major projects linked), {len(milestones)} milestones "
            f"({counted} counted), {len(evaluations)} evaluations ({len(vetoed)} vetoed), {len(events)} events")


def _events(rng, units, year, today, industries) -> list[Event]:
    """20 events: comprehensive, thematic, overseas and team; most held, some planned, two cancelled."""
    rows = []
    kinds = [EventKind.COMPREHENSIVE] * 5 + [EventKind.THEMATIC] * 11 + [EventKind.OVERSEAS] * 2 + [EventKind.TEAM] * 2
    places = ["国际会展中心", "上海", "深圳", "苏州", "北京", "新加坡", "德国法兰克福", "本地产业园"]
    for i, kind in enumerate(kinds):
        unit = units[i % len(units)]
        industry = industries[i % len(industries)] if kind == EventKind.THEMATIC else None
        planned = dt.date(year, 1 + (i * 11) // len(kinds), 8 + (i % 3) * 6)
        status = EventStatus.HELD if planned < today else EventStatus.PLANNED
        if i in (6, 13):
            status = EventStatus.CANCELLED
        name = {EventKind.COMPREHENSIVE: f"{unit.name}{year}年投资环境推介会",
                EventKind.THEMATIC: f"{unit.name}{industry.name if industry else ''}产业专题招商会",
                EventKind.OVERSEAS: f"{unit.name}赴{places[5 + i % 3]}招商活动",
                EventKind.TEAM: f"{unit.name}招商小分队长三角走访"}[kind]
        rows.append(Event(unit=unit, year=year, kind=kind, name=name, planned_on=planned,
                          held_on=planned + dt.timedelta(days=rng.randint(0, 2)) if status == EventStatus.HELD else None,
                          place=places[i % len(places)], industry=industry, status=status))
    Event.objects.bulk_create(rows)
    EventTarget.objects.bulk_create([EventTarget(unit=u, year=year, kind=k, target=t) for u in units
                                     for k, t in ((EventKind.COMPREHENSIVE, 1), (EventKind.THEMATIC, 2))])
    return rows
