"""Demo data: about 300 major projects of 示范市 with 12 months of reports, problems and warnings.

Deterministic (its own seeded generator, so loading it first leaves the other demos' ``ctx.rng`` as it was), idempotent (skips when the demo projects exist), bulk-inserted
with one audit entry per batch. Mix: continuing projects, new ones on time, late starters
(red/yellow), projects stuck between signing and landing, some behind on investment, some
not yet in the statistics; warnings computed for the last day of October and for ``ctx.today``
so two-yellows-in-a-row escalations exist.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.lib.deadlines import EventKind
from kaohe.orgs.calendar import work_calendar
from kaohe.orgs.models import DeadlineEvent, OrgUnit
from kaohe.projects import config, services
from kaohe.projects.models import (
    ApprovalNode,
    Milestone,
    MonthlyReport,
    Problem,
    ProblemStatus,
    Project,
    ProjectLevel,
    ProjectSource,
    ProjectType,
    ReportStatus,
)

PREFIX = "SFS-XM"
N_PROJECTS = 300
INDUSTRIES = [
    ("集成电路", ProjectType.INDUSTRY), ("新能源汽车零部件", ProjectType.INDUSTRY), ("生物医药", ProjectType.INDUSTRY),
    ("高端装备", ProjectType.INDUSTRY), ("新材料", ProjectType.INDUSTRY), ("数字经济", ProjectType.INDUSTRY),
    ("现代物流", ProjectType.INFRASTRUCTURE), ("城市更新", ProjectType.LIVELIHOOD), ("轨道交通", ProjectType.INFRASTRUCTURE),
    ("学校新改扩建", ProjectType.SOCIAL), ("医院扩建", ProjectType.SOCIAL), ("保障性住房", ProjectType.LIVELIHOOD),
    ("水环境治理", ProjectType.INFRASTRUCTURE), ("文旅综合体", ProjectType.INDUSTRY),
]
NAMES = ["智能制造产业园", "研发生产基地", "总部及配套项目", "二期扩建工程", "产业创新综合体", "一期工程", "提升改造工程"]
LEADERS = ["李市长", "周副市长", "吴副市长", "郑副市长", "孙副市长"]
FORCES = ["先进制造专班", "城市建设专班", "招商引资专班", "民生实事专班"]
PROGRESS = ["主体结构施工中", "桩基施工完成", "钢结构吊装", "设备安装调试", "室外配套施工", "场地平整", "装饰装修"]
PROBLEMS = ["施工用电未接入", "用地指标待落实", "环评批复未下达", "施工许可办理中", "管线迁改滞后", "资金未到位", "拆迁交地滞后"]


def _month_start(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def load(ctx) -> None:
    if Project.objects.filter(code__startswith=PREFIX).exists():
        ctx.log("  projects: demo projects already there")
        return
    rng = random.Random("kaohe-demo-projects")
    year = ctx.today.year
    today = ctx.today
    units = list(OrgUnit.objects.filter(parent=ctx.city, kind__in=["district", "new_area", "dev_zone", "park"]).order_by("sort_order", "code"))
    if not units:
        ctx.log("  projects: no districts in the demo city, skipped")
        return
    towns = {u.pk: list(OrgUnit.objects.filter(parent=u)) for u in units}
    stage_set = services.default_stage_set()
    stages = {s.code: s for s in stage_set.stages.all()}
    projects: list[Project] = []
    plans: list[dict] = []
    for i in range(N_PROJECTS):
        unit = units[i % len(units)]
        if towns[unit.pk] and rng.random() < 0.3:
            unit = rng.choice(towns[unit.pk])
        industry, ptype = rng.choice(INDUSTRIES)
        size = rng.random()
        total = (
            rng.uniform(1_000_000, 1_800_000) if size < 0.02
            else rng.uniform(500_000, 1_000_000) if size < 0.05
            else rng.uniform(100_000, 500_000) if size < 0.25
            else rng.uniform(10_000, 100_000) if size < 0.9
            else rng.uniform(3_000, 10_000)
        )
        total = round(total, -2)
        kind = rng.choices(
            ["continuing", "on_time", "late_small", "late_big", "due_soon", "stuck", "future", "slow", "no_stats", "done"],
            weights=[22, 25, 8, 5, 5, 7, 8, 10, 5, 5],
        )[0]
        year_plan = (
            0 if kind in ("future", "due_soon", "late_small")
            else round(total * 0.1, -1) if kind in ("stuck", "late_big")
            else round(total * rng.uniform(0.15, 0.4), -1)
        )
        signed = dt.date(year - 1 - (kind == "continuing"), rng.randint(1, 12), rng.randint(1, 28))
        m: dict[str, tuple] = {"signed": (signed, signed)}
        if kind == "continuing":
            start = dt.date(year - 1, rng.randint(1, 10), rng.randint(1, 28))
            m["landed"] = (start - dt.timedelta(days=60), start - dt.timedelta(days=50))
            m["started"] = (start, start)
            m["in_stats"] = (None, start + dt.timedelta(days=rng.randint(10, 25)))
            m["completed"] = (dt.date(year, rng.randint(6, 12), 28), None)
        elif kind in ("on_time", "slow", "no_stats", "done"):
            start = dt.date(year, rng.randint(1, 8), rng.randint(1, 28))
            m["landed"] = (start - dt.timedelta(days=40), start - dt.timedelta(days=rng.randint(20, 45)))
            actual = start + dt.timedelta(days=rng.randint(-5, 10))
            m["started"] = (start, actual)
            if kind == "no_stats":
                actual = dt.date(year, 9, rng.randint(1, 28))
                m["started"] = (actual, actual)
            else:
                m["in_stats"] = (None, actual + dt.timedelta(days=rng.randint(5, 25)))
            if kind == "done":
                finished = dt.date(year, rng.randint(9, 10), rng.randint(1, 28))
                m["completed"] = (dt.date(year, 10, 15), finished)
                m["operating"] = (dt.date(year, 11, 30), None)
                # 竣工难列统: a finished project enters the statistics weeks later (its own draw, so
                # the other projects stay as they were)
                listed = finished + dt.timedelta(days=random.Random(f"stats-{i}").randint(20, 90))
                m["in_stats"] = (listed, listed if listed <= today else None)
            else:
                m["completed"] = (dt.date(year + 1, rng.randint(3, 12), 28), None)
        elif kind in ("late_small", "late_big"):
            months_late = rng.randint(1, 2) if kind == "late_small" else rng.randint(3, 7)
            planned = (dt.date(today.year, today.month, 15) - dt.timedelta(days=30 * months_late))
            m["landed"] = (planned - dt.timedelta(days=40), planned - dt.timedelta(days=30))
            m["started"] = (planned, None)
        elif kind == "due_soon":
            m["landed"] = (dt.date(year, 8, 1), dt.date(year, 8, 10))
            m["started"] = (dt.date(year, today.month, rng.randint(15, 28)), None)
        elif kind == "stuck":  # 签约不落地
            m["landed"] = (dt.date(year, rng.randint(2, 6), 1), None)
            m["started"] = (dt.date(year, rng.randint(7, 9), 1), None)
        else:  # future start
            m["landed"] = (dt.date(year, 10, 1), dt.date(year, 10, rng.randint(1, 28)))
            m["started"] = (dt.date(year + 1, rng.randint(1, 4), 1), None)
        n = i + 1
        name = f"{unit.name[:2]}{industry}{rng.choice(NAMES)}"
        projects.append(
            Project(
                code=f"{PREFIX}{n:04d}",
                name=name,
                owner_enterprise=f"示范{industry}{rng.choice(['有限公司', '股份有限公司', '集团有限公司'])}",
                unit=unit,
                industry=industry,
                ptype=ptype,
                level=rng.choices(ProjectLevel.values, weights=[10, 50, 40])[0],
                source=rng.choices(ProjectSource.values, weights=[60, 25, 15])[0],
                signed_on=signed,
                total_investment=Decimal(str(total)),
                year=year,
                year_plan=Decimal(str(year_plan)),
                leader_name=rng.choice(LEADERS),
                task_force=rng.choice(FORCES),
                tags="1145" if rng.random() < 0.2 else "",
                stage_set=stage_set,
            )
        )
        plans.append({"kind": kind, "milestones": m})
    with transaction.atomic():
        Project.objects.bulk_create(projects)
        projects = list(Project.objects.filter(code__startswith=PREFIX).order_by("code"))
        milestones, reports, approvals, problems = [], [], [], []
        limit, calendar = config.problem_time_limit(), work_calendar()
        for project, plan in zip(projects, plans, strict=True):
            for code, (planned, actual) in plan["milestones"].items():
                milestones.append(Milestone(project=project, stage=stages[code], planned_on=planned, actual_on=actual))
            kind = plan["kind"]
            if kind in ("stuck", "late_big"):
                approvals.append(
                    ApprovalNode(project=project, stage=stages["landed"], name="建设用地规划许可", time_limit_days=20,
                                 started_on=dt.date(year, 6, 1), done_on=None)
                )
            approvals.append(
                ApprovalNode(project=project, stage=stages["started"], name="施工许可", time_limit_days=7,
                             started_on=dt.date(year, 3, 1), done_on=dt.date(year, 3, rng.randint(3, 12)))
            )
            started = plan["milestones"].get("started", (None, None))[1]
            # 12 months: last year's November and December for continuing projects, then this year to last month
            months = [(year - 1, 11), (year - 1, 12)] + [(year, mm) for mm in range(1, today.month)]
            pace = {"slow": rng.uniform(0.55, 0.85), "done": 1.05}.get(kind, rng.uniform(0.9, 1.15))
            if kind == "continuing" and rng.random() < 0.15:
                pace = rng.uniform(0.4, 0.7)
            active = [(yy, mm) for yy, mm in months if yy == year and started is not None and started <= dt.date(yy, mm, 28)]
            per_month = float(project.year_plan) * (today.month - 1) / 12 * pace / max(len(active), 1)
            ytd = {year - 1: Decimal(0), year: Decimal(0)}
            for yy, mm in months:
                month_start = _month_start(yy, mm)
                if started is None or started > dt.date(yy, mm, 28):
                    continue
                base = float(project.year_plan) / 12 if yy < year else per_month
                amount = Decimal(str(round(base * rng.uniform(0.8, 1.2), 0)))
                ytd[yy] += amount
                reports.append(
                    MonthlyReport(
                        project=project, year=yy, month=mm, invest_month=amount, invest_ytd=ytd[yy],
                        progress=rng.choice(PROGRESS), issues="" if rng.random() < 0.85 else rng.choice(PROBLEMS),
                        status=ReportStatus.CONFIRMED if month_start < _month_start(year, today.month - 1) else ReportStatus.SUBMITTED,
                    )
                )
            if rng.random() < 0.35:
                for _k in range(rng.randint(1, 3)):
                    raised = dt.datetime(year, rng.randint(1, today.month), rng.randint(1, 9), rng.randint(8, 17), tzinfo=dt.UTC)
                    due = limit.due_from(raised, calendar)
                    outcome = rng.random()
                    resolved = None if outcome < 0.15 else raised + dt.timedelta(hours=rng.choice([3, 8, 20, 30, 50]))
                    status = ProblemStatus.OPEN if resolved is None else (ProblemStatus.CLOSED if outcome > 0.3 else ProblemStatus.RESOLVED)
                    problems.append(
                        Problem(project=project, title=rng.choice(PROBLEMS), raised_at=raised, due_at=due,
                                assigned_unit=project.unit, status=status, resolved_at=resolved,
                                resolution="已协调相关部门解决" if resolved else "",
                                confirmed_at=resolved + dt.timedelta(hours=2) if status == ProblemStatus.CLOSED else None)
                    )
        for project in rng.sample(projects, 6):  # fresh problems of the day: open, not yet due
            raised = dt.datetime.combine(today, dt.time(rng.randint(0, 1), rng.randint(0, 59)), tzinfo=dt.UTC)
            problems.append(Problem(project=project, title=rng.choice(PROBLEMS), raised_at=raised,
                                    due_at=limit.due_from(raised, calendar), assigned_unit=project.unit))
        Milestone.objects.bulk_create(milestones)
        MonthlyReport.objects.bulk_create(reports, batch_size=2000)
        ApprovalNode.objects.bulk_create(approvals)
        Problem.objects.bulk_create(problems)
        # their deadline logs: raised → (resolved), as the services write them
        kind = ContentType.objects.get_for_model(Problem)
        DeadlineEvent.objects.bulk_create(
            [DeadlineEvent(content_type=kind, object_id=p.pk, kind=EventKind.START, at=p.raised_at, note="提出问题") for p in problems]
            + [DeadlineEvent(content_type=kind, object_id=p.pk, kind=EventKind.STOP, at=p.resolved_at, note="办结")
               for p in problems if p.resolved_at]
        )
        # one pass of updates for the denormalised dates
        refreshed = []
        for project in Project.objects.filter(code__startswith=PREFIX):
            services.refresh_stage_fields(project)
            refreshed.append(project)
        Project.objects.bulk_update(
            refreshed, ["stage", "planned_start", "actual_start", "planned_completion", "actual_completion", "actual_stats"]
        )
        record(
            AuditAction.IMPORT, object_type=Project,
            object_repr=f"演示数据：{len(projects)}个重大项目",
            after={"projects": len(projects), "reports": len(reports), "problems": len(problems)},
            reason="kaohe demo",
        )
    services.run_warnings(dt.date(year, today.month - 1, 28) if today.month > 1 else today)
    counts = services.run_warnings(today)
    services.escalate_overdue_problems(dt.datetime.combine(today, dt.time(9), tzinfo=dt.UTC))
    ctx.log(
        f"  projects: {len(projects)} projects, {len(reports)} monthly reports, {len(problems)} problems; "
        f"warnings {today}: red={counts['red']} yellow={counts['yellow']} green={counts['green']}"
    )
