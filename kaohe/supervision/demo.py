"""Demo data: ~150 supervision tasks of 示范市 across 2026 from every source, driven through the real
workflow (the services, on the working-day calendar, with the daily ladder swept as the year goes by)
so every state and colour is there: on time, late, returned, extended, refused, reopened on 回头看,
red with a 督办函, awaiting review, unsigned, drafts; 明湖区's own office sets tasks for its streets;
one 周交办 batch and the October bulletin.

Deterministic (own seeded generator), idempotent (skips when the demo tasks exist); document files
are rendered on first download, so loading stays fast.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from kaohe.orgs.calendar import work_calendar
from kaohe.orgs.models import OrgUnit, Person
from kaohe.supervision import bulletins, services
from kaohe.supervision.models import SourceKind, Task

SEED = 20260311
CONTENT = "请牵头单位细化措施、明确时间节点，按期报送进展和办结情况。"
MEETINGS = ["市政府第{n}次常务会议纪要", "市委财经委第{n}次会议纪要", "全市高质量发展推进会纪要〔2026〕{n}号"]
TITLES = [
    "加快城东片区棚户区改造征收扫尾", "推进老旧小区加装电梯", "解决工业园区断头路问题", "落实规上工业企业培育计划",
    "推进河道黑臭水体整治", "做好重点项目用地报批", "完善农贸市场提升改造", "推动数字经济产业园招商", "化解信访积案",
    "推进中小学学位扩容", "落实安全生产专项整治", "加快充电桩建设", "推进政务服务一网通办", "压降企业开办时间",
    "推进秸秆综合利用", "完成城市体检问题整改", "加快保障性租赁住房筹集", "推动外贸企业稳订单", "提升12345热线办理质量",
    "推进城市更新试点", "开展营商环境问题整改", "落实高标准农田建设任务", "推进污水管网补短板", "推进养老服务设施建设",
]
DISTRICTS = ["SFS-MH", "SFS-YT", "SFS-ST", "SFS-LJ", "SFS-FM", "SFS-LX", "SFS-PC", "SFS-TY", "SFS-BS"]
DEPARTMENTS = ["SFS-FGW", "SFS-ZJJ", "SFS-STJ", "SFS-ZRJ", "SFS-GXJ", "SFS-SWJ", "SFS-SPJ", "SFS-JYJ"]
PROFILES = [("ontime", 56), ("late", 9), ("red", 7), ("returned", 8), ("extended", 10), ("refused", 3), ("reopened", 4)]
RECENT = [("open", 10), ("reported", 6), ("unsigned", 4), ("draft", 3), ("pending_ext", 3), ("red_open", 4)]


def _at(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hh, mm)))


def load(ctx) -> None:
    if Task.objects.filter(year=ctx.current_year, content=CONTENT).exists():
        ctx.log("  supervision: demo tasks already there")
        return
    with transaction.atomic():  # all or nothing, and one commit (SQLite: one fsync, not thousands)
        _load(ctx)


def _load(ctx) -> None:
    rng = random.Random(SEED)
    cal = work_calendar()
    today = ctx.today
    year = today.year
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=[*DISTRICTS, *DEPARTMENTS, "SFS"])}
    city = units["SFS"]
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["kaoheban", "kaoheban_mh", "minghu", "liuxi", "lingdao"])}
    office, district_office = users.get("kaoheban"), users.get("kaoheban_mh")
    actors = {"SFS-MH": users.get("minghu"), "SFS-LX": users.get("liuxi")}
    leader = Person.objects.filter(user=users.get("lingdao")).first()
    mh_streets = list(OrgUnit.objects.filter(parent__code="SFS-MH").order_by("code")[:6])

    def actor(task):
        return actors.get(task.lead_unit.code)

    from kaohe.projects.models import Problem  # noqa: PLC0415 — the projects demo loaded first

    problems = list(Problem.objects.filter(project__code__startswith="SFS-XM").order_by("pk")[:20])
    plan: list[tuple[dt.datetime, int, str, object]] = []  # (when, order, action, payload)
    tasks: list[Task] = []

    def weighted(options):
        total = sum(w for _p, w in options)
        pick = rng.uniform(0, total)
        for profile, w in options:
            pick -= w
            if pick <= 0:
                return profile
        return options[-1][0]

    kinds = [SourceKind.MEETING] * 5 + [SourceKind.INSTRUCTION] * 4 + [SourceKind.DOCUMENT] * 2 + [
        SourceKind.ASSESSMENT, SourceKind.PROJECT, SourceKind.PROJECT, SourceKind.ENTERPRISE, SourceKind.MANUAL]
    n_old, n_recent, n_district = 112, 30, 10
    starts = [cal.next_workday(dt.date(year, 1, 5) + dt.timedelta(days=int(i * 270 / n_old)), include=True) for i in range(n_old)]
    recent_from = cal.add_workdays(today, 0) - dt.timedelta(days=30)
    starts += [cal.next_workday(recent_from + dt.timedelta(days=int(i * 28 / n_recent)), include=True) for i in range(n_recent)]
    problem_iter = iter(problems)
    for i, start in enumerate(starts):
        kind = kinds[i % len(kinds)]
        profile = weighted(PROFILES) if i < n_old else weighted(RECENT)
        urgency, ref, source = "", "", None
        title = TITLES[i % len(TITLES)]
        lead = units[DISTRICTS[i % len(DISTRICTS)]] if i % 4 else units[DEPARTMENTS[i % len(DEPARTMENTS)]]
        if kind == SourceKind.MEETING:
            ref = rng.choice(MEETINGS).format(n=3 + i // 5)
        elif kind == SourceKind.INSTRUCTION:
            urgency = ["urgent", "normal", "normal", "hard"][i % 4]
            ref = f"李市长批示〔{year}〕{i + 1}号"
            title = "领导批示：" + title
        elif kind == SourceKind.DOCUMENT:
            ref = f"省政府督查室交办〔{year}〕{i + 1}号"
        elif kind == SourceKind.ASSESSMENT:
            ref = f"{year}年第{1 + (start.month - 1) // 3}季度考核黄灯指标"
            title = "考核黄灯整改：" + title
        elif kind == SourceKind.PROJECT:
            source = next(problem_iter, None)
            if source is not None:
                title = f"{source.project.name}：{source.title}"
                lead = source.assigned_unit
                ref = f"项目问题逾期升级（{source.project.code}）"
        elif kind == SourceKind.ENTERPRISE:
            ref = f"企业诉求 QY{year}{i:04d}"
            title = "企业诉求：" + title
        co = [units[c] for c in rng.sample(DEPARTMENTS, rng.choice([0, 1, 1, 2])) if units[c] != lead]
        cadence = rng.choice(["", "weekly", "weekly", "monthly"])
        plan.append((_at(start, 9, 30), i, "create", dict(kind=kind, source=source, title=title, lead=lead, co=co, urgency=urgency,
                                                            ref=ref, cadence=cadence, profile=profile, office=office, city=True)))
    for j in range(n_district):
        start = cal.next_workday(dt.date(year, 3, 2) + dt.timedelta(days=j * 24), include=True)
        lead = mh_streets[j % len(mh_streets)] if mh_streets else units["SFS-MH"]
        plan.append((_at(start, 10), 1000 + j, "create", dict(kind=SourceKind.MEETING, source=None, title=f"明湖区督办：{TITLES[(j * 5) % len(TITLES)]}",
                                                               lead=lead, co=[], urgency="", ref=f"明湖区政府第{j + 2}次常务会议纪要",
                                                               cadence="monthly", profile=["ontime", "late", "red", "ontime", "extended"][j % 5],
                                                               office=district_office, city=False)))
    # sweeps: every working Monday, and every working day of the last two weeks
    day = dt.date(year, 1, 5)
    while day <= today:
        if cal.is_workday(day) and (day.weekday() == 0 or (today - day).days <= 14):
            plan.append((_at(day, 8), -1, "sweep", None))
        day += dt.timedelta(days=1)

    def schedule(task: Task, profile: str, start: dt.datetime) -> list[tuple[dt.datetime, str, dict]]:
        due = timezone.localtime(task.due_at).date()
        d0 = timezone.localtime(start).date()
        wd = cal.add_workdays
        steps: list[tuple[dt.datetime, str, dict]] = []
        sign_at = _at(wd(d0, 1), 9, 10) if rng.random() < 0.85 else _at(wd(d0, 2), 11)
        if profile == "unsigned":
            return steps
        steps.append((sign_at, "sign", {}))
        mid = wd(d0, max(2, task.limit_workdays // 2))
        steps.append((_at(mid, 15), "progress", {"percent": 50}))
        if profile in ("ontime", "reopened"):
            done = wd(d0, max(2, task.limit_workdays - rng.randint(1, 4)))
            steps += [(_at(done, 16), "report", {}), (_at(wd(done, 1), 10), "close", {})]
            if profile == "reopened":
                back = wd(done, 15)
                steps += [(_at(back, 10), "reopen", {}), (_at(wd(back, 5), 16), "report", {}), (_at(wd(back, 6), 10), "close", {})]
        elif profile == "late":
            done = wd(due, rng.randint(1, 3))
            steps += [(_at(done, 16), "report", {}), (_at(wd(done, 1), 10), "close", {})]
        elif profile in ("red", "red_open"):
            done = wd(due, rng.randint(7, 12)) if profile == "red" else wd(due, 60)
            steps += [(_at(done, 16), "report", {}), (_at(wd(done, 1), 10), "close", {})]
        elif profile == "returned":
            done = wd(d0, max(2, task.limit_workdays - 4))
            steps += [(_at(done, 16), "report", {}), (_at(wd(done, 1), 10), "return", {}),
                      (_at(wd(done, 3), 16), "report", {}), (_at(wd(done, 4), 10), "close", {})]
        elif profile in ("extended", "refused", "pending_ext"):
            ask = wd(d0, max(1, task.limit_workdays - 3))
            steps.append((_at(ask, 10), "extend", {"to": wd(due, 10)}))
            if profile == "extended":
                steps += [(_at(wd(ask, 1), 10), "approve", {}), (_at(wd(due, 9), 16), "report", {}), (_at(wd(due, 10), 10), "close", {})]
            elif profile == "refused":
                steps += [(_at(wd(ask, 1), 10), "refuse", {}), (_at(wd(due, 2), 16), "report", {}), (_at(wd(due, 3), 10), "close", {})]
        elif profile == "reported":
            steps.append((_at(wd(d0, 3), 16), "report", {}))
        return steps

    plan.sort(key=lambda p: (p[0], p[1]))
    pending = list(plan)
    counts = {"sweeps": 0}
    while pending:
        when, order, action, payload = pending.pop(0)
        if timezone.localtime(when).date() > today:
            continue
        if action == "sweep":
            services.sweep(when)
            counts["sweeps"] += 1
            continue
        if action == "create":
            p = payload
            task = services.create_task(p["kind"], p["source"], title=p["title"], lead_unit=p["lead"], co_units=p["co"], urgency=p["urgency"],
                                        source_ref=p["ref"], cadence=p["cadence"], user=p["office"], now=when,
                                        office_unit=city if p["city"] else units.get("SFS-MH") or p["lead"].parent,
                                        leader=leader if p["city"] and order % 3 == 0 else None,
                                        leader_name="" if p["city"] and order % 3 == 0 else rng.choice(["周副市长", "吴副市长", "郑副区长"]),
                                        content=CONTENT)
            tasks.append(task)
            if p["profile"] == "draft":
                continue
            services.assign_task(task, user=p["office"], now=when, render=False)
            for at, step, data in schedule(task, p["profile"], when):
                pending.append((at, order, step, {"task": task.pk, "office": p["office"], **data}))
            pending.sort(key=lambda q: (q[0], q[1]))
            continue
        task = Task.objects.select_related("lead_unit", "office_unit").get(pk=payload["task"])
        who, boss = actor(task), payload["office"]
        try:
            if action == "sign":
                services.sign_task(task, user=who, now=when)
            elif action == "progress" and task.state == "in_progress":
                services.report_progress(task, services.prefill(task) or "按计划推进，已完成阶段任务。", percent=payload["percent"], user=who, now=when)
            elif action == "report" and task.state == "in_progress":
                services.submit_report(task, "已按要求办结，相关材料已报送。", user=who, now=when)
            elif action == "close" and task.state == "reported":
                services.review_task(task, accept=True, checks=services.CHECKLIST, user=boss, now=when)
            elif action == "return" and task.state == "reported":
                services.review_task(task, accept=False, reason="办结报告佐证不足，问题未彻底解决", user=boss, now=when)
            elif action == "reopen" and task.state == "closed":
                services.reopen_task(task, "回头看发现问题反弹，需巩固整改成果", user=boss, now=when)
            elif action == "extend":
                services.request_extension(task, "涉及上级审批，需延长办理时限", payload["to"], user=who, now=when)
            elif action in ("approve", "refuse"):
                ext = task.extensions.filter(status="pending").first()
                if ext is not None:
                    services.decide_extension(ext, approve=action == "approve",
                                              reason="理由充分，同意延期" if action == "approve" else "理由不充分，请按原时限办结",
                                              user=boss, now=when)
        except services.SupervisionError:
            continue  # a step the clock made impossible (e.g. an extension asked too late): skipped, as a person would
    services.weekly_batch(today, user=office)
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    draft = bulletins.draft(city, f"{last_month:%Y-%m}", today=today)
    bulletins.issue(city, f"{last_month:%Y-%m}", draft.title, draft.body, user=office, today=today)
    by_state = {}
    for state in Task.objects.values_list("state", flat=True):
        by_state[state] = by_state.get(state, 0) + 1
    reds = Task.objects.filter(colour="red").count()
    ctx.log(f"  supervision: {len(tasks)} tasks ({by_state}), {reds} red, {counts['sweeps']} sweeps, a weekly batch and the "
            f"{last_month:%Y-%m} bulletin")
