"""Demo data of public commitments (示范市, 2026): the 百名局长百件事 campaign — every unit head below
the city may claim one item; 150 did, 140 were approved and published on 2026-02-27 — with
milestones through the year, progress reported (some late, some lagging), 销号 of the finished
items, public comments (reviewed, refused, answered, one auto-hidden after three reports, some
waiting), the year-end 评诺 opened on 2026-11-01 with votes and office scores; and 明湖区's
2027 十个街道十张卷, open for claims (its street login claims there).

Loads before the assessment demo: the 2026 scheme's 效能榜 takes 承诺事项兑现率 and 承诺节点按期完成率
from these items. Deterministic (seeded), bulk-inserted; a handful of showcase items go through
the services so their pages carry a real version history.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.commitments import public, services
from kaohe.commitments.models import (
    Campaign,
    Citizen,
    ClaimantKind,
    Comment,
    CommentReport,
    CommentStatus,
    Commitment,
    CommitmentStatus,
    Milestone,
    ProblemKind,
    ProgressReport,
    Vote,
    VoteChoice,
    phone_digest,
)
from kaohe.lib.numbers import round_half_up
from kaohe.orgs.calendar import work_calendar
from kaohe.orgs.models import OrgUnit, UnitKind

SEED = 20260227
CAMPAIGN = "bmjz-2026"
STREETS = "sgjd-2027"
CST = dt.timezone(dt.timedelta(hours=8))
CLAIMED = 150
PUBLISHED_ON = dt.date(2026, 2, 27)
TODAY = dt.date(2026, 11, 10)

# (title, problem, goal, milestone titles) by kind of unit; the unit's name is put in front where it fits.
TOPICS: dict[str, list[tuple[str, str, str, tuple[str, ...]]]] = {
    "street": [
        ("老旧小区加装电梯", "老旧小区老人上下楼难，加装电梯意见难统一", "完成12部电梯加装并投入使用", ("摸排意愿、形成清单", "完成审批与招标", "完成安装", "验收投用")),
        ("背街小巷路灯修复", "背街小巷夜间照明不足，出行不安全", "修复、新增路灯150盏，亮灯率100%", ("排查缺损点位", "完成修复一半", "全部修复", "群众回访")),
        ("农贸市场提档升级", "农贸市场环境脏乱、排水不畅", "完成市场改造，实现干湿分区", ("制定改造方案", "完成主体改造", "开业运营")),
        ("小区停车难治理", "小区车位不足，车辆乱停堵塞消防通道", "新增停车泊位300个，打通消防通道", ("调查车位缺口", "挖潜新增泊位", "规范管理并验收")),
        ("社区养老服务站建设", "独居老人多，助餐助浴需求大", "建成社区养老服务站2个，开设老年助餐点", ("选址与改造设计", "完成装修", "开业运营")),
        ("雨污分流改造", "雨季小区积水，污水外溢", "完成5个小区雨污分流改造", ("完成管网排查", "完成3个小区", "全部完成并验收")),
        ("口袋公园建设", "居民缺少就近休闲活动场地", "建成口袋公园3个", ("征求居民意见", "完成施工", "开放使用")),
        ("物业管理矛盾化解", "无物业小区多，矛盾投诉集中", "实现无物业小区物业服务全覆盖", ("摸排无物业小区", "引入物业服务", "满意度测评")),
    ],
    "town": [
        ("农村生活污水治理", "部分村庄生活污水直排河塘", "完成8个自然村污水管网接入", ("完成设计", "完成4个村", "全部完成并验收")),
        ("村道修缮", "村道破损，雨天出行难", "修缮村道12公里", ("确定修缮路段", "完成6公里", "全部完工")),
        ("农产品销售难", "特色农产品销路窄、价格低", "建成农产品电商直播基地，带动销售增长20%", ("建成直播场地", "培训电商带头人", "达成销售目标")),
        ("乡村卫生室提升", "村卫生室设备老旧，看病要跑远路", "完成10个村卫生室标准化改造", ("完成评估", "完成5个", "全部完成")),
        ("农村饮水安全", "部分村水压不足、水质不稳", "完成管网改造，实现24小时稳定供水", ("完成管网检测", "完成改造", "水质检测达标")),
        ("留守儿童关爱", "留守儿童课后无人看护", "建成乡村儿童之家6个", ("选址", "完成建设", "开放运营")),
    ],
    "department": [
        ("办事材料再精简", "群众和企业反映办事材料多、跑腿多", "本系统高频事项申请材料精简30%以上", ("梳理事项清单", "公布精简清单", "评估成效")),
        ("12345热线诉求办理提速", "热线工单办理慢、重复投诉多", "本系统工单按期办结率达98%", ("分析积压工单", "建立快速响应机制", "达成目标")),
        ("窗口服务延时错时", "上班族工作时间办事难", "实行周末和午间延时服务", ("制定方案", "试运行", "常态化运行")),
        ("行业领域突出问题整治", "群众反映本行业乱收费、服务差", "开展专项整治，问题整改率100%", ("排查问题", "集中整治", "回头看验收")),
        ("政策直达快享", "惠企政策知晓难、兑现慢", "实现惠企政策免申即享事项20项", ("梳理政策", "上线免申即享", "兑现资金到位")),
    ],
    "district": [
        ("学校周边交通拥堵治理", "上下学高峰学校周边拥堵严重", "完成8所学校周边交通组织优化", ("完成调查", "完成4所", "全部完成")),
        ("城区积水点整治", "雨季多处道路积水", "消除城区积水点15处", ("确定点位", "完成8处", "全部完成并经汛期检验")),
    ],
    "zone": [
        ("企业开办和项目审批提速", "企业反映项目审批环节多、周期长", "实现拿地即开工，审批时限压缩50%", ("梳理审批流程", "推行承诺制审批", "评估成效")),
        ("园区配套服务补短板", "园区职工就餐、通勤不便", "建成职工食堂和通勤专线", ("选址规划", "建成食堂", "开通专线")),
        ("标准厂房供给", "中小企业找厂房难", "新增标准厂房5万平方米", ("完成规划", "主体完工", "交付使用")),
    ],
    "enterprise": [
        ("公交线网优化", "新建小区公交覆盖不足", "新开和优化公交线路10条", ("调查出行需求", "开通5条", "全部开通")),
        ("供水管网漏损治理", "老旧管网爆管多、漏损率高", "漏损率降至9%以下", ("完成检漏", "更换老旧管网", "达成目标")),
        ("国企服务中小企业", "中小企业融资难、融资贵", "为中小企业提供低息融资10亿元", ("制定方案", "投放5亿元", "投放10亿元")),
    ],
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "建国志强海峰文军立新晓明卫东国华红梅丽华永平秀英春雷振华玉兰德明宏伟学军桂英明辉小平建华玉梅雪峰俊杰"
COMMENTS = [
    "这件事办到了我们心坎上，希望按时完成。", "进度能不能再快一点？", "施工期间请注意噪音和扬尘。", "建议公开施工时间表。",
    "上周看到已经开工了，点赞！", "我们小区也有同样的问题，能否一并解决？", "希望完工后有人长期维护。", "感谢局长亲自过问。",
    "节点时间已过，怎么还没动静？", "建议多听听老人的意见。", "效果很好，给个好评。", "希望不要虎头蛇尾。",
]
PHRASES = {10: "已启动，完成前期准备", 20: "完成实施方案", 30: "完成约三成工作量", 40: "完成约四成工作量", 50: "已完成一半",
           60: "过半，正加快推进", 80: "主体工作基本完成", 100: "已完成，经现场核查达到节点目标"}
ANSWERS = ["感谢关注，目前已完成招标，预计下月开工。", "已安排专人跟进，将于本月底前完成。", "您反映的情况已纳入下一批实施计划。",
           "施工时间已在小区公告栏公示，欢迎监督。", "感谢您的建议，我们将建立长效管护机制。"]


def _kind(unit: OrgUnit) -> str:
    return {UnitKind.STREET: "street", UnitKind.TOWN: "town", UnitKind.DEPARTMENT: "department", UnitKind.DISTRICT: "district",
            UnitKind.NEW_AREA: "district", UnitKind.DEV_ZONE: "zone", UnitKind.HIGH_TECH_PARK: "zone",
            UnitKind.ENTERPRISE: "enterprise"}[unit.kind]


def _title(unit: OrgUnit) -> str:
    return {"street": "街道党工委书记", "town": "镇党委书记", "department": "局长", "district": "区长", "zone": "管委会主任",
            "enterprise": "董事长"}[_kind(unit)]


def _workday_on_or_before(day: dt.date, calendar) -> dt.date:
    while not calendar.is_workday(day):
        day -= dt.timedelta(days=1)
    return day


def _at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=CST)


def load(ctx) -> None:
    if Campaign.objects.filter(code=CAMPAIGN).exists():
        return
    with transaction.atomic():
        _load(ctx)


def _load(ctx) -> None:
    rng = random.Random(SEED)
    calendar = work_calendar()
    User = get_user_model()
    office = User.objects.get(username="kaoheban")
    city = OrgUnit.objects.get(code="SFS")
    campaign = Campaign.objects.create(
        code=CAMPAIGN, name="百名局长百件事", year=2026, owner_unit=city, claimant_kind=ClaimantKind.BUREAU_HEAD,
        claim_opens=dt.date(2026, 1, 5), claim_closes=dt.date(2026, 1, 23),
        evaluation_opens=dt.date(2026, 11, 1), evaluation_closes=dt.date(2026, 12, 31),
        description="各单位主要负责人每人认领一项任务，聚焦群众或服务对象反映强烈的操心事、烦心事、揪心事，"
                    "抓好调查研究和检视整改，对外公示，接受群众监督。")
    units = list(services.eligible_units(campaign).select_related("parent"))
    rng.shuffle(units)
    # Every district, zone and department head claims; so do most street and town heads.
    units.sort(key=lambda u: _kind(u) in ("street", "town"))
    claimants = sorted(units[:CLAIMED], key=lambda u: (u.parent.sort_order if u.parent else 0, u.sort_order, u.code))
    items, plans = [], []
    used_titles: set[str] = set()
    for number, unit in enumerate(claimants, start=1):
        kind = _kind(unit)
        title, problem, goal, steps = rng.choice(TOPICS[kind])
        if title in used_titles:  # the same kind of problem elsewhere: the item names its place
            title = f"{unit.short_name or unit.name}{title}"
        used_titles.add(title)
        status = CommitmentStatus.PUBLISHED
        if number % 50 == 7:
            status = CommitmentStatus.SUBMITTED
        elif number % 50 == 19:
            status = CommitmentStatus.RETURNED
        elif number % 75 == 33:
            status = CommitmentStatus.CLAIMED
        claimed = _at(dt.date(2026, 1, 5) + dt.timedelta(days=rng.randint(0, 16)), rng.randint(8, 17))
        published = status == CommitmentStatus.PUBLISHED
        items.append(Commitment(
            campaign=campaign, number=number, unit=unit, claimant_name=rng.choice(SURNAMES) + rng.choice(GIVEN[::2]) + rng.choice(GIVEN[1::2]),
            claimant_title=_title(unit), title=title, problem_kind=rng.choice(ProblemKind.values), problem=problem, goal=goal,
            contact=f"0512-6{rng.randint(1000000, 9999999)}", status=status, claimed_at=claimed,
            return_reason="节点目标不够具体，请细化可衡量的完成标准" if status == CommitmentStatus.RETURNED else "",
            approved_at=_at(dt.date(2026, 2, 25)) if published else None, approved_by=office if published else None,
            published_at=_at(PUBLISHED_ON, 9) if published else None, version=4 if published else 2))
        plans.append(steps)
    Commitment.objects.bulk_create(items)
    items = list(campaign.commitments.order_by("number"))
    milestones = []
    for item, steps in zip(items, plans, strict=True):
        n = len(steps)
        for seq, step in enumerate(steps, start=1):
            month = 3 + (seq - 1) * 9 // (n - 1)  # the first in March, the last in December
            due = _workday_on_or_before(dt.date(2026, month, rng.choice((15, 20, 25, 28))), calendar)
            milestones.append(Milestone(commitment=item, seq=seq, title=step, due_on=due, weight=2 if seq == n - 1 else 1))
    Milestone.objects.bulk_create(milestones)
    _progress(campaign, items, rng, calendar, office)
    citizens = _citizens(rng)
    _comments(campaign, items, citizens, rng, office)
    _votes(campaign, items, citizens, rng)
    for item in items:  # each item's history starts with its claim (the demo's rows are bulk-loaded)
        record(AuditAction.CREATE, item, after={"title": item.title, "status": item.status}, parent=campaign, unit=item.unit_id,
               user=office, reason="演示数据：认领")
    record(AuditAction.IMPORT, None, object_type=Commitment, parent=campaign, unit=city,
           object_repr=f"{campaign}演示数据 {len(items)} 项", after={"items": len(items), "source": "demo"}, user=office)
    _showcase(ctx, campaign, rng)
    _streets_campaign()
    ctx.log(f"  commitments: {campaign} {len(items)} items, {Milestone.objects.count()} milestones, "
            f"{Comment.objects.count()} comments, {Vote.objects.count()} votes")


def _progress(campaign, items, rng, calendar, office) -> None:
    """Progress as at 2026-11-10: most milestones due so far reached (a fifth late), some lagging."""
    reports, closed = [], []
    published = [i for i in items if i.status == CommitmentStatus.PUBLISHED]
    strength = {i.pk: rng.random() for i in published}
    ms_by_item: dict[int, list[Milestone]] = {}
    for m in Milestone.objects.filter(commitment__campaign=campaign).order_by("commitment_id", "seq"):
        ms_by_item.setdefault(m.commitment_id, []).append(m)
    changed = []
    for item in published:
        s = strength[item.pk]
        for m in ms_by_item[item.pk]:
            if m.due_on <= TODAY:
                if s > 0.12:
                    late = rng.random() < (0.35 if s < 0.4 else 0.08)
                    done = m.due_on + dt.timedelta(days=rng.randint(3, 25)) if late else m.due_on - dt.timedelta(days=rng.randint(0, 12))
                    m.done_on, m.progress = min(done, TODAY), 100
                else:
                    m.progress = rng.choice((40, 60, 80))
            else:
                if s > 0.85 and m.due_on.month == 12:
                    m.done_on, m.progress = TODAY - dt.timedelta(days=rng.randint(1, 9)), 100  # finished early
                else:
                    m.progress = rng.choice((0, 10, 20, 30, 50)) if m.seq > 1 else m.progress
            if m.progress:
                half = (m.due_on - dt.timedelta(days=30))
                if m.progress == 100 and half < (m.done_on or TODAY) - dt.timedelta(days=10):
                    reports.append(ProgressReport(milestone=m, reported_on=half, progress=50, note=PHRASES[50], source="grid"))
                reports.append(ProgressReport(milestone=m, reported_on=m.done_on or min(TODAY, m.due_on), progress=m.progress,
                                              note=PHRASES[m.progress], source="excel" if rng.random() < 0.6 else "grid"))
            m.note = reports[-1].note if m.progress else ""
            changed.append(m)
        item.progress = services.weighted_progress(ms_by_item[item.pk])
        if all(m.progress == 100 for m in ms_by_item[item.pk]):
            item.status, item.closed_on = CommitmentStatus.FULFILLED, max(m.done_on for m in ms_by_item[item.pk])
            item.close_note = "各节点全部完成，经回访群众认可，予以销号。"
            item.office_score = round_half_up(Decimal(rng.uniform(86, 98)), 1)
            item.office_score_note = "完成质量高，群众满意"
            closed.append(item)
    Milestone.objects.bulk_update(changed, ["progress", "done_on", "note"], batch_size=500)
    ProgressReport.objects.bulk_create(reports, batch_size=1000)
    Commitment.objects.bulk_update(published, ["progress", "status", "closed_on", "close_note", "office_score", "office_score_note"])


def _citizens(rng) -> list[Citizen]:
    rows = []
    for i in range(240):
        phone = f"13{rng.randint(5, 9)}{rng.randint(10000000, 99999999)}"
        rows.append(Citizen(phone=phone, phone_key=phone_digest(phone), verified_at=_at(dt.date(2026, 3, 1) + dt.timedelta(days=i % 200))))
    unique = {c.phone_key: c for c in rows}
    Citizen.objects.bulk_create(list(unique.values()))
    return list(Citizen.objects.exclude(phone="").order_by("pk"))


def _comments(campaign, items, citizens, rng, office) -> None:
    published = [i for i in items if i.status in (CommitmentStatus.PUBLISHED, CommitmentStatus.FULFILLED)]
    comments = []
    for k in range(320):
        item = rng.choice(published)
        at = _at(PUBLISHED_ON + dt.timedelta(days=rng.randint(1, 250)), rng.randint(8, 22), rng.randint(0, 59))
        at = min(at, _at(TODAY, 9))
        status = CommentStatus.APPROVED if k % 10 < 9 else CommentStatus.REJECTED
        if k % 8 == 0:  # the recent ones wait for review (先审后发)
            at = _at(TODAY - dt.timedelta(days=rng.randint(0, 6)), rng.randint(8, 22), rng.randint(0, 59))
            at = min(at, _at(TODAY, 9))
            status = CommentStatus.PENDING
        reviewed = at + dt.timedelta(hours=rng.randint(2, 30)) if status != CommentStatus.PENDING else None
        answered = reviewed + dt.timedelta(days=rng.randint(1, 6)) if status == CommentStatus.APPROVED and rng.random() < 0.7 else None
        comments.append(Comment(
            commitment=item, citizen=rng.choice(citizens), nickname=rng.choice(("", "老住户", "热心市民", "社区志愿者", "上班族", "退休教师")) or f"网友{rng.randint(1000, 9999)}",
            body=rng.choice(COMMENTS) if status != CommentStatus.REJECTED else "与承诺事项无关的广告内容", rating=rng.choice((None, 3, 4, 5, 5)),
            status=status, ip=f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}", created_at=at,
            reviewed_at=reviewed, reviewed_by=office if reviewed else None,
            review_note="与承诺事项无关" if status == CommentStatus.REJECTED else "",
            answer=rng.choice(ANSWERS) if answered else "", answered_at=answered))
    Comment.objects.bulk_create(comments)
    # One comment hidden after three reports from distinct identities.
    hidden = Comment.objects.filter(commitment__campaign=campaign, status=CommentStatus.APPROVED, answer="").first()
    if hidden is not None:
        hidden.body, hidden.status, hidden.report_count = "某负责人就是不作为，大家都别信！", CommentStatus.HIDDEN, 3
        hidden.save(update_fields=["body", "status", "report_count"])
        CommentReport.objects.bulk_create([CommentReport(comment=hidden, citizen=c, reason="人身攻击") for c in citizens[-3:]])


def _votes(campaign, items, citizens, rng) -> None:
    """评诺 opened 2026-11-01: votes so far (1 to 12 per published item), most satisfied."""
    votes = []
    for item in items:
        if item.status not in (CommitmentStatus.PUBLISHED, CommitmentStatus.FULFILLED):
            continue
        done = item.status == CommitmentStatus.FULFILLED
        weights = (80, 17, 3) if done else (55, 33, 12)
        for citizen in rng.sample(citizens, rng.randint(1, 12)):
            choice = rng.choices(VoteChoice.values, weights=weights)[0]
            votes.append(Vote(commitment=item, citizen=citizen, choice=choice, created_at=_at(dt.date(2026, 11, rng.randint(1, 9)), rng.randint(8, 21))))
    Vote.objects.bulk_create(votes, batch_size=2000)


def _showcase(ctx, campaign, rng) -> None:
    """Two items whose pages carry a full history through the services: a comment reviewed and answered."""
    User = get_user_model()
    office = User.objects.get(username="kaoheban")
    item = campaign.commitments.filter(status=CommitmentStatus.PUBLISHED, unit__code__startswith="SFS-MH-").order_by("number").first()
    if item is None:
        return
    citizen = Citizen.objects.create(phone="13900001234", phone_key=phone_digest("13900001234"), verified_at=_at(dt.date(2026, 10, 20)))
    comment = public.post_comment(item, citizen, "小区门口的路灯已经亮了，谢谢！另外东门还有两盏不亮。", nickname="明湖居民", rating=5,
                                  ip="10.8.8.8", now=_at(dt.date(2026, 10, 20), 20))
    public.moderate(comment, approve=True, user=office, now=_at(dt.date(2026, 10, 21), 9))
    street_user = User.objects.filter(username="mh_jiedao").first()
    public.answer(comment, "感谢反映，东门两盏路灯已于10月23日修复。", user=street_user, now=_at(dt.date(2026, 10, 23), 16))


def _streets_campaign() -> None:
    """明湖区 十个街道十张卷 for 2027: claims open from 2026-11-01; one street has claimed already."""
    district = OrgUnit.objects.filter(code="SFS-MH").first()
    if district is None:
        return
    Campaign.objects.create(
        code=STREETS, name="十个街道十张卷", year=2027, owner_unit=district, claimant_kind=ClaimantKind.STREET,
        claim_opens=dt.date(2026, 11, 1), claim_closes=dt.date(2027, 1, 29),
        evaluation_opens=dt.date(2027, 11, 1), evaluation_closes=dt.date(2027, 12, 31),
        description="明湖区各街道每街道一张“考卷”：认领一项基层治理难题，年内交卷，接受群众阅卷。")
