"""Demo data for enterprise service: ~2,000 enterprises with their 服务专员 (one per street/town) and
~1,500 requests across the current year up to the demo's today (or the real now, when later), in every state — answered in time
and late, handed back with a legal basis, reopened after 不满意, overdue and escalated to 督办 —
with the enterprises' satisfaction answers. Loads before the assessment demo: the 2026 效能榜
takes its 企业诉求 figures from here.

Everything is bulk-created (requests, steps, clock events); the load is one audit entry
(``record(IMPORT, object_type=EnterpriseRequest)``), as the other demo loaders do.
Specialist for screenshots: ``mh_jiedao`` (明湖区第一个街道) serves its street's firms, a dozen of whose
requests are recent (open).
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.enterprise import config
from kaohe.enterprise.models import (
    Channel,
    Enterprise,
    EnterpriseRequest,
    LimitTier,
    RequestStep,
    RoutingRule,
    Size,
    Status,
    StepKind,
    Urgency,
)
from kaohe.enterprise.services import RESOLVE, RESPONSE, SIGN, level_of, new_link_key
from kaohe.lib.creditcode import complete
from kaohe.lib.deadlines import EventKind
from kaohe.orgs.calendar import work_calendar
from kaohe.orgs.models import DeadlineEvent, OrgUnit, Person, Role

N_ENTERPRISES = 2000
N_REQUESTS = 1500
HOUR = 3600
INDUSTRIES = ["制造业", "软件和信息技术服务业", "批发和零售业", "建筑业", "交通运输、仓储和邮政业", "科学研究和技术服务业",
              "租赁和商务服务业", "住宿和餐饮业", "医药制造业", "电气机械和器材制造业", "化学原料和化学制品制造业"]
NAME_HEADS = ["华", "鑫", "瑞", "恒", "博", "嘉", "盛", "远", "泰", "宏", "创", "新", "中", "德", "利", "汇", "安", "明", "佳", "永"]
NAME_TAILS = ["科技", "智能", "精密", "新材料", "生物", "电子", "物流", "机械", "医药", "环保", "能源", "装备", "信息", "食品", "建设"]
FORMS = ["有限公司", "股份有限公司", "集团有限公司"]
TASK_FORCES = ["先进制造服务专班", "生命健康服务专班", "新材料服务专班", "软件信息服务专班", "现代服务业专班", "城市功能服务专班"]
TYPES = [("policy", 30), ("permits", 18), ("finance", 14), ("land", 10), ("talent", 10), ("utilities", 10), ("other", 8)]
TITLES = {
    "policy": ["高新技术企业认定政策咨询", "研发费用加计扣除口径咨询", "稳岗返还政策申请", "技改补贴申报条件", "专精特新申报指导"],
    "permits": ["厂房消防验收", "环评批复办理", "施工许可证办理进度", "排污许可证变更", "食品经营许可延续"],
    "finance": ["流动资金贷款贴息", "首贷续贷对接", "应急转贷资金申请", "知识产权质押融资", "担保费补贴"],
    "land": ["扩产用地指标", "厂房租赁载体对接", "土地证办理", "工业用地容积率调整", "标准厂房分割转让"],
    "talent": ["高层次人才落户", "人才公寓申请", "技能人才招聘对接", "外籍人才工作许可", "子女入学协调"],
    "utilities": ["双回路供电接入", "天然气管道接入", "工业用水增容", "厂区周边道路积水", "宽带专线接入"],
    "other": ["物流车辆通行证", "周边公交线路调整", "厂区安保协调", "展会参展补贴", "商标侵权线索"],
}
REPLIES = {
    "policy": "已向企业解读政策条款并提供申报指南，协助完成线上填报。",
    "permits": "已协调审批部门开辟绿色通道，材料齐全后3个工作日内出件。",
    "finance": "已对接合作银行完成授信评估，贴息资金按季度拨付。",
    "land": "已将用地需求纳入年度供地计划，推荐周边标准厂房载体。",
    "talent": "已协调人社部门办理，相关手续已完成。",
    "utilities": "已协调供电（供气、供水）单位现场勘查并完成接入。",
    "other": "已协调相关部门现场处理，企业反映问题已解决。",
}
CITY_HANDLER = {"land": "SFS-ZRJ", "finance": "SFS-JRJ", "permits": "SFS-SPJ", "talent": "SFS-RSJ", "utilities": "SFS-ZJJ",
                "policy": "SFS-GXJ", "other": "SFS-SWJ"}
BASES = ["《中华人民共和国土地管理法》第五条：土地利用计划由自然资源主管部门管理，非本单位职责",
         "本单位“三定”规定第三条未列该项职责，依《江苏省行政程序条例》第二十条应由属地政府办理",
         "《优化营商环境条例》第四十二条：该事项属市级审批权限，区级无权办理"]
COMMENTS = ["办理及时，服务周到", "问题得到解决，感谢", "答复清楚", "时间稍长，但结果满意", "希望加快进度", "没有解决实际问题"]


def _weighted(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _name(rng: random.Random, i: int) -> str:
    return f"示范{rng.choice(NAME_HEADS)}{rng.choice(NAME_HEADS)}{rng.choice(NAME_TAILS)}{FORMS[i % 3 if i % 7 else 1]}"


def _specialists(ctx, towns: list[OrgUnit]) -> dict[int, object]:
    """One 服务专员 per street/town (``zy_<town code>``, the demo password); 明湖区's first street keeps mh_jiedao."""
    from kaohe.orgs.demo import DEMO_PASSWORD

    User = get_user_model()
    out: dict[int, object] = {}
    existing = {p.unit_id: p.user for p in Person.objects.filter(unit__in=towns, role=Role.ASSESSED).select_related("user")}
    wanted = [t for t in towns if t.pk not in existing]
    if wanted:
        password = make_password(DEMO_PASSWORD)
        users = User.objects.bulk_create([User(username=f"zy_{t.code.lower().replace('-', '_')}", password=password,
                                               first_name=f"{t.name[:2]}专员") for t in wanted])
        Person.objects.bulk_create([Person(user=u, unit=t, role=Role.ASSESSED, display_name=u.first_name, title="服务专员")
                                    for u, t in zip(users, wanted, strict=True)])
        existing.update({t.pk: u for t, u in zip(wanted, users, strict=True)})
    out.update(existing)
    return out


class _Plan:
    """One request as it goes, step by step, cut at the demo's now."""

    def __init__(self, now: dt.datetime):
        self.now = now
        self.steps: list[tuple[str, dt.datetime, dict]] = []
        self.events: list[tuple[str, str, dt.datetime]] = []
        self.done = False

    def step(self, kind: str, at: dt.datetime, **kw) -> bool:
        if self.done or at > self.now:
            self.done = True
            return False
        self.steps.append((kind, at, kw))
        return True

    def event(self, name: str, kind: str, at: dt.datetime) -> None:
        self.events.append((name, kind, at))


@transaction.atomic
def load(ctx) -> None:
    if Enterprise.objects.filter(credit_code__startswith="91").filter(name__startswith="示范").exists():
        ctx.log("  enterprise: demo enterprises already there")
        return
    rng = random.Random("kaohe-demo-enterprise")
    cal = work_calendar()
    districts = list(OrgUnit.objects.filter(parent=ctx.city, kind__in=["district", "new_area", "dev_zone", "park"])
                     .order_by("sort_order", "code"))
    if not districts:
        ctx.log("  enterprise: no districts in the demo city, skipped")
        return
    towns_of = {d.pk: list(OrgUnit.objects.filter(parent=d).exclude(kind="department").order_by("code")) for d in districts}
    all_towns = [t for d in districts for t in towns_of[d.pk]]
    specialists = _specialists(ctx, all_towns)
    depts = {u.code: u for u in OrgUnit.objects.filter(code__in=list(CITY_HANDLER.values()))}
    district_of = {t.pk: d for d in districts for t in towns_of[d.pk]} | {d.pk: d for d in districts}
    # -- the register
    ents: list[Enterprise] = []
    for i in range(N_ENTERPRISES):
        d = districts[i % len(districts)]
        unit = rng.choice(towns_of[d.pk]) if towns_of[d.pk] and rng.random() < 0.85 else d
        spec = specialists.get(unit.pk) or (specialists.get(towns_of[d.pk][0].pk) if towns_of[d.pk] else None)
        key = rng.random() < 0.12
        ents.append(Enterprise(
            credit_code=complete(f"91{320100 + districts.index(d) * 2:06d}MA{i + 1000001:07d}"), name=_name(rng, i),
            industry=rng.choice(INDUSTRIES), size=Size.ABOVE if rng.random() < 0.35 else Size.BELOW, is_key=key,
            unit=unit, specialist=spec, task_force=rng.choice(TASK_FORCES) if key or rng.random() < 0.1 else "",
            contact_name=f"{rng.choice('王李张刘陈杨赵黄周吴')}经理", contact_phone=f"139{rng.randrange(10**8):08d}",
            link_key=new_link_key(), link_expires_at=dt.datetime.combine(ctx.today + dt.timedelta(days=365), dt.time(0),
                                                                         tzinfo=cal.zone)))
    seen: set[str] = set()
    for e in ents:  # names must read as distinct firms
        base, n = e.name, 2
        while e.name in seen:
            e.name = base.replace("示范", f"示范{n}", 1)
            n += 1
        seen.add(e.name)
    ents = Enterprise.objects.bulk_create(ents, batch_size=1000)
    # -- routing rules: each district routes to itself, the city to its bureaus
    RoutingRule.objects.bulk_create(
        [RoutingRule(owner_unit=ctx.city, rtype=t, level="city", handler_unit=depts[c]) for t, c in CITY_HANDLER.items()
         if c in depts]
        + [RoutingRule(owner_unit=d, rtype=t, level="district", handler_unit=d) for d in districts for t, _w in TYPES],
        ignore_conflicts=True)
    # -- requests
    # The requests run up to the demo's today, or up to the real now when that is later (so the board
    # shows requests open in every state, not a year of overdue ones).
    now = max(dt.datetime.combine(ctx.today, dt.time(15, 0), tzinfo=cal.zone), cal.local(timezone.now()))
    start = dt.date(ctx.today.year, 1, 5)
    days = [start + dt.timedelta(days=k) for k in range((now.date() - start).days + 1)]
    work_days = [d for d in days if cal.is_workday(d)]
    response_limit = config.response_limit()
    tiers = {t: config.tier_limit(t) for t in LimitTier.values}
    active = rng.sample(ents, 700)  # the firms that ask (some ask often: repeats)
    plans = []
    shown = [e for e in ents if e.unit.code == "SFS-MH-01"]  # mh_jiedao's firms: open requests to show
    for i in range(N_REQUESTS):
        ent = rng.choice(active[:150]) if rng.random() < 0.3 else rng.choice(active)
        # more requests recently, so today's board has open ones in every state
        day = work_days[-1 - int(len(work_days) * rng.random() ** 1.6)]
        if i < 12 and shown:
            ent, day = rng.choice(shown), work_days[-1 - i % 4]
        recv = cal.at(day, dt.time(8, 30)) + dt.timedelta(minutes=rng.randrange(0, 10 * 60 + 30))
        if recv > now:
            recv = now - dt.timedelta(minutes=rng.randrange(10, 300))
        rtype = _weighted(rng, TYPES)
        urgency = Urgency.URGENT if rng.random() < 0.08 else Urgency.NORMAL
        channel = _weighted(rng, [(Channel.SPECIALIST, 45), (Channel.ENTERPRISE, 25), (Channel.OFFICE, 20), (Channel.HOTLINE, 10)])
        immediate = rtype == "policy" and rng.random() < 0.35
        tier = LimitTier.IMMEDIATE if immediate else config.default_tier(rtype, urgency)
        district = district_of[ent.unit_id]
        first = ent.unit if channel in (Channel.SPECIALIST, Channel.ENTERPRISE) else district
        plans.append(_simulate(rng, cal, now, ent, rtype, urgency, channel, tier, recv, first, district, depts,
                               response_limit, tiers[tier], specialists))
    plans.sort(key=lambda p: p["recv"])
    rows = []
    repeat_window = dt.timedelta(days=config.get("repeat_days"))
    by_key: dict[tuple[int, str], tuple[int, dt.datetime]] = {}
    for n, p in enumerate(plans):
        rows.append(EnterpriseRequest(number=f"DEMO-{n}", **p["fields"]))
    rows = EnterpriseRequest.objects.bulk_create(rows, batch_size=1000)
    for r in rows:
        r.number = f"QY{timezone_year(r.received_at, cal)}{r.pk:06d}"
        key = (r.enterprise_id, r.rtype)
        prev = by_key.get(key)
        if prev is not None and r.received_at - prev[1] <= repeat_window:
            r.repeat_of_id = prev[0]
        by_key[key] = (r.pk, r.received_at)
    EnterpriseRequest.objects.bulk_update(rows, ["number", "repeat_of"], batch_size=1000)
    ct = ContentType.objects.get_for_model(EnterpriseRequest)
    steps, events = [], []
    for r, p in zip(rows, plans, strict=True):
        for kind, at, kw in p["plan"].steps:
            steps.append(RequestStep(request_id=r.pk, kind=kind, at=at, **kw))
        for name, kind, at in p["plan"].events:
            events.append(DeadlineEvent(content_type=ct, object_id=r.pk, clock=name, kind=kind, at=at))
    RequestStep.objects.bulk_create(steps, batch_size=2000)
    DeadlineEvent.objects.bulk_create(events, batch_size=2000)
    # cached due moments from the clocks (the same arithmetic as the services)
    from kaohe.enterprise.services import clocks_of_many

    clocks = clocks_of_many(rows, now=now, calendar=cal, names=(RESPONSE, RESOLVE))
    for r in rows:
        r.response_due_at = clocks[r.pk][RESPONSE].due_at
        r.due_at = clocks[r.pk][RESOLVE].due_at
    EnterpriseRequest.objects.bulk_update(rows, ["response_due_at", "due_at"], batch_size=1000)
    record(AuditAction.IMPORT, None, object_type=EnterpriseRequest, unit=ctx.city,
           object_repr=f"演示数据：企业{len(ents)}家，诉求{len(rows)}件", after={"enterprises": len(ents), "requests": len(rows),
                                                                     "steps": len(steps), "events": len(events), "source": "demo"})
    states = {s: sum(1 for r in rows if r.status == s) for s in Status.values}
    ctx.log(f"  enterprise: {len(ents)} enterprises, {len(specialists)} specialists, {len(rows)} requests "
            f"({', '.join(f'{k} {v}' for k, v in states.items())}; escalated {sum(1 for r in rows if r.escalated_at)}, "
            f"second round {sum(1 for r in rows if r.round > 1)}), {len(steps)} steps, {len(events)} clock events")


def timezone_year(moment: dt.datetime, cal) -> int:
    return cal.local(moment).year


def _simulate(rng, cal, now, ent, rtype, urgency, channel, tier, recv, first, district, depts, response_limit, limit,
              specialists) -> dict:
    """The request's life up to ``now``: steps (with their clock events) and the fields they leave."""
    plan = _Plan(now)
    spec = specialists.get(ent.unit_id)
    by = spec if channel == Channel.SPECIALIST else None
    f = {"enterprise_id": ent.pk, "rtype": rtype, "urgency": urgency, "tier": tier, "channel": channel,
         "title": rng.choice(TITLES[rtype]), "content": f"{ent.name}反映：{rng.choice(TITLES[rtype])}，请协调解决。",
         "first_unit_id": first.pk, "received_at": recv, "received_by_id": by.pk if by else None, "status": Status.RECEIVED}
    rdue = response_limit.due_from(recv, cal)
    plan.step(StepKind.RECEIVE, recv, unit_id=first.pk, by_id=f["received_by_id"], by_enterprise=channel == Channel.ENTERPRISE,
              note=f["content"])
    plan.event(RESPONSE, EventKind.START, recv)
    plan.event(RESOLVE, EventKind.START, recv)

    def w(t, lo, hi):  # t + a random working time between lo and hi hours
        return cal.add_working_seconds(t, rng.uniform(lo, hi) * HOUR)

    def answer(at, unit_id, round_no):
        plan.event(RESOLVE, EventKind.STOP, at)
        if f.get("responded_at") is None:
            f["responded_at"] = at
            plan.event(RESPONSE, EventKind.STOP, at)
        f.update(status=Status.REPLIED, replied_at=at, reply=REPLIES[rtype])
        plan.step(StepKind.REPLY, at, unit_id=unit_id, note=REPLIES[rtype], round=round_no)

    if tier == LimitTier.IMMEDIATE:
        answer(recv, first.pk, 1)
        f["handler_unit_id"] = None
        last_reply = recv
        handler = None
    else:
        level = "city" if rtype in ("land", "talent") or rng.random() < 0.2 else ("town" if first.pk != district.pk and rng.random() < 0.3 else "district")
        handler = depts.get(CITY_HANDLER[rtype]) if level == "city" else (first if level == "town" else district)
        handler = handler or district
        assign_at = w(recv, 0.2, 3)
        respond_at = w(recv, 0.3, 4) if rng.random() < 0.88 else w(rdue, 0.5, 9)
        stuck = rng.random() < 0.045
        if not plan.step(StepKind.ASSIGN, assign_at, unit_id=first.pk, note=handler.name):
            return _finish(f, plan, recv)
        f.update(status=Status.ASSIGNED, handler_unit_id=handler.pk, level=level_of(handler), assigned_at=assign_at)
        plan.event(SIGN, EventKind.START, assign_at)
        t = assign_at
        if rng.random() < 0.05 and handler.pk != district.pk:  # handed back with the legal basis, routed again
            back = w(t, 1, 5)
            if not plan.step(StepKind.HAND_BACK, back, unit_id=handler.pk, basis=rng.choice(BASES), note="非本单位职责"):
                return _finish(f, plan, recv)
            plan.event(SIGN, EventKind.STOP, back)
            f.update(status=Status.RECEIVED, handler_unit_id=None, level="", handbacks=1)
            t = w(back, 0.5, 2)
            handler = district
            if not plan.step(StepKind.ASSIGN, t, unit_id=first.pk, note=handler.name):
                return _finish(f, plan, recv)
            f.update(status=Status.ASSIGNED, handler_unit_id=handler.pk, level=level_of(handler), assigned_at=t)
            plan.event(SIGN, EventKind.START, t)
        sign_at = w(t, 0.5, 5) if rng.random() < 0.94 else w(t, 9, 14)
        if respond_at <= sign_at and plan.step(StepKind.RESPOND, respond_at, unit_id=first.pk, note="已电话联系企业，了解具体情况"):
            f["responded_at"] = respond_at
            plan.event(RESPONSE, EventKind.STOP, respond_at)
        if not plan.step(StepKind.SIGN, sign_at, unit_id=handler.pk):
            return _finish(f, plan, recv)
        f.update(status=Status.HANDLING, signed_at=sign_at)
        plan.event(SIGN, EventKind.STOP, sign_at)
        if f.get("responded_at") is None and plan.step(StepKind.RESPOND, max(respond_at, sign_at), unit_id=handler.pk,
                                                       note="已与企业约定现场办公时间"):
            f["responded_at"] = max(respond_at, sign_at)
            plan.event(RESPONSE, EventKind.STOP, f["responded_at"])
        due = limit.due_from(recv, cal)
        if stuck:  # never answered: overdue, escalated two working days after the limit
            esc = cal.add_working_seconds(due, 2 * cal.hours.seconds_per_day)
            if rng.random() < 0.75 and plan.step(StepKind.ESCALATE, esc, unit_id=first.pk, note="逾期自动提请督办"):
                f["escalated_at"] = esc
            return _finish(f, plan, recv)
        room = cal.working_seconds(sign_at, due)
        reply_at = (cal.add_working_seconds(sign_at, room * rng.uniform(0.2, 0.95)) if room > 0 and rng.random() < 0.9
                    else w(max(due, sign_at), 1, 20))
        if not plan.step(StepKind.NOTE, w(sign_at, 0.2, 1), unit_id=handler.pk, note="已现场了解情况，正在协调"):
            return _finish(f, plan, recv)
        if reply_at > now:
            return _finish(f, plan, recv)
        answer(reply_at, handler.pk, 1)
        last_reply = reply_at
    # 回访: the enterprise's answer (or the first-contact unit's phone call)
    for round_no in (1, 2):
        visit_at = w(last_reply, 1, 14)
        roll = rng.random()
        ans = "unsatisfied" if round_no == 1 and roll < 0.09 else "basic" if roll < 0.25 else "satisfied"
        by_ent = rng.random() < 0.7
        comment = COMMENTS[-1] if ans == "unsatisfied" else rng.choice(COMMENTS[:5])
        if not plan.step(StepKind.VISIT, visit_at, by_enterprise=by_ent, note=f"{dict(satisfied='满意', basic='基本满意', unsatisfied='不满意')[ans]}。{comment}",
                         satisfaction=ans, round=round_no):
            return _finish(f, plan, recv)
        f.update(satisfaction=ans, solved=ans != "unsatisfied")
        if ans != "unsatisfied":
            plan.step(StepKind.CLOSE, visit_at, unit_id=first.pk, by_enterprise=by_ent, round=round_no)
            f.update(status=Status.CLOSED, closed_at=visit_at)
            if rtype == "policy" and rng.random() < 0.25:
                f["in_faq"] = True
            return _finish(f, plan, recv)
        # 二次办理: sent out again, a fresh limit
        f.update(round=2, status=Status.ASSIGNED if handler else Status.RECEIVED, replied_at=None)
        plan.step(StepKind.REOPEN, visit_at, unit_id=handler.pk if handler else first.pk, note=comment, round=2)
        plan.event(RESOLVE, EventKind.START, visit_at)
        if handler is None:
            return _finish(f, plan, recv)
        plan.event(SIGN, EventKind.START, visit_at)
        f["assigned_at"] = visit_at
        sign2 = w(visit_at, 0.5, 4)
        if not plan.step(StepKind.SIGN, sign2, unit_id=handler.pk, round=2):
            return _finish(f, plan, recv)
        plan.event(SIGN, EventKind.STOP, sign2)
        f["status"] = Status.HANDLING
        due2 = limit.due_from(visit_at, cal)
        room = cal.working_seconds(sign2, due2)
        reply2 = cal.add_working_seconds(sign2, room * rng.uniform(0.3, 0.9)) if room > 0 and rng.random() < 0.85 else w(max(due2, sign2), 1, 10)
        if reply2 > now:
            return _finish(f, plan, recv)
        plan.event(RESOLVE, EventKind.STOP, reply2)
        f.update(status=Status.REPLIED, replied_at=reply2, reply=REPLIES[rtype] + "（二次办理）")
        plan.step(StepKind.REPLY, reply2, unit_id=handler.pk, note=f["reply"], round=2)
        last_reply = reply2
    return _finish(f, plan, recv)


def _finish(f: dict, plan: _Plan, recv) -> dict:
    plan.events = [e for e in plan.events if e[2] <= plan.now]
    return {"fields": f, "plan": plan, "recv": recv}
