"""Demo results for 示范市: every month of 2025 and 2026 to date scored, flags, a quarterly review,
the 2025 annual run with tiers and awards, its publication with two appeals (one accepted → a
corrected run, one rejected), and the latest month published.

Scores the assessment demo's approved data (``run_inputs``) when it is there; otherwise a
compact scheme of the five boards over the twelve districts and zones with generated data, so
the results pages always have something real to show. Idempotent: skips when runs exist.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from zoneinfo import ZoneInfo

import polars as pl
from django.contrib.auth import get_user_model
from django.db import transaction

from kaohe.assessment.models import DataValue, Period, SchemeVersion, VersionStatus
from kaohe.assessment.services import periods_of, run_inputs
from kaohe.lib.periods import Period as PeriodValue
from kaohe.lib.periods import PeriodKind as Kind
from kaohe.orgs.models import OrgUnit
from kaohe.results import services as results_services
from kaohe.results.models import ScoringRun
from kaohe.results.receivers import run_for_period
from kaohe.results.runs import Inputs, create_run, execute_run

TZ = ZoneInfo("Asia/Shanghai")
SCHEME_CODE = "SFS-GZL"

# (board code, board name, [(indicator, name, unit, method, params, points, has monthly target)])
BOARDS = [
    ("ZX", "争先榜", [
        ("gdp_growth", "地区生产总值增速", "%", "rank_points", {"step": 1.5}, 8, True),
        ("revenue_growth", "一般公共预算收入增速", "%", "efficacy", {"base": 0.6}, 6, False),
        ("industry_growth", "规上工业增加值增速", "%", "rank_points", {"step": 1}, 6, False),
    ]),
    ("LH", "龙虎榜", [
        ("project_invest_rate", "重大项目投资完成率", "%", "target", {}, 8, True),
        ("project_start_rate", "重大项目开工率", "%", "efficacy", {"base": 0.6}, 6, False),
        ("big_projects", "亿元以上新开工项目", "个", "rank_points", {"step": 1}, 6, False),
    ]),
    ("SM", "赛马榜", [
        ("signed_amount", "招商签约额", "亿元", "efficacy", {"base": 0.6}, 8, False),
        ("funds_in_place", "招商引资到位资金", "亿元", "rank_points", {"step": 1.5}, 6, False),
        ("new_big_projects", "新引进亿元以上项目", "个", "rank_points", {"step": 1}, 6, False),
    ]),
    ("HL", "活力榜", [
        ("trade_growth", "外贸进出口增速", "%", "efficacy", {"base": 0.6}, 6, False),
        ("high_tech", "新增高新技术企业", "家", "rank_points", {"step": 1}, 7, False),
        ("fdi", "实际使用外资", "亿美元", "efficacy", {"base": 0.6}, 7, False),
    ]),
    ("XN", "效能榜", [
        ("satisfaction", "企业服务满意度", "分", "threshold", {"value": 90, "partial": 3}, 6, False),
        ("service_rate", "政务服务按时办结率", "%", "efficacy", {"base": 0.6}, 7, False),
        ("environment", "营商环境评价", "分", "rank_points", {"step": 1}, 7, False),
    ]),
]

# Typical level and spread of each indicator (monthly / year-to-date values as published).
PROFILE = {
    "gdp_growth": (5.5, 1.2), "revenue_growth": (4.0, 3.0), "industry_growth": (7.0, 2.5),
    "project_start_rate": (80.0, 10.0), "big_projects": (6.0, 3.0), "signed_amount": (120.0, 50.0),
    "funds_in_place": (45.0, 20.0), "new_big_projects": (5.0, 2.5), "trade_growth": (3.0, 6.0),
    "high_tech": (25.0, 10.0), "fdi": (1.8, 0.8), "satisfaction": (91.0, 3.0), "service_rate": (97.0, 2.0),
    "environment": (85.0, 5.0),
}


def demo_scheme(year: int) -> dict:
    children = []
    for code, name, indicators in BOARDS:
        leaves = []
        for ind, iname, unit, method, params, points, _t in indicators:
            leaf = {"code": ind, "name": iname, "points": points, "method": method,
                    "platform": {"unit_of_measure": unit}}
            if params:
                leaf["params"] = dict(params)
            leaves.append(leaf)
        children.append({"code": code, "name": name, "children": leaves})
    return {
        "name": f"示范市{year}年度高质量发展综合考核",
        "year": year,
        "precision": 2,
        "root": {"code": "ROOT", "name": "综合考核", "children": children},
        "bonus": [{"indicator": "bonus_items", "per": 1, "cap": 3}],
        "bonus_cap": 3,
        "veto": {"indicators": ["major_accident"], "effect": "bar_top_tier"},
        "tiers": {"by": "quota", "levels": [{"name": "第一等次", "share": 0.34}, {"name": "第二等次", "share": 0.33}, {"name": "第三等次", "share": 0.33}]},
        "boards": [{"code": code, "name": name, "indicators": [code]} for code, name, _i in BOARDS],
    }


def _units(year: int) -> list[tuple[str, str, str]]:
    from kaohe.orgs.demo import DISTRICTS, PEER_GROUP_CHANGES_2026

    names = dict(OrgUnit.objects.filter(code__in=[d[0] for d in DISTRICTS]).values_list("code", "name"))
    out = []
    for code, name, _en, _kind, group, _n, _tk in DISTRICTS:
        if year >= 2026:
            group = PEER_GROUP_CHANGES_2026.get(code, group)
        out.append((code, names.get(code, name), group))
    return out


def _values(rng: random.Random, units, year: int, month: int, strength: dict, veto_unit: str | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    rows_u, rows_i, rows_v, t_u, t_i, t_v = [], [], [], [], [], []
    for code, _name, _group in units:
        s = strength[code]
        for _b, _bn, indicators in BOARDS:
            for ind, *_rest, has_target in indicators:
                if ind == "project_invest_rate":
                    plan = month / 12 * 100
                    value = plan * (0.86 + 0.2 * s + rng.gauss(0, 0.05))
                else:
                    level, spread = PROFILE[ind]
                    wave = math.sin((month + sum(map(ord, ind)) % 5) / 2.0) * 0.15
                    value = level + spread * (s - 0.5 + wave + rng.gauss(0, 0.25)) * 1.6
                    if ind in ("big_projects", "new_big_projects", "high_tech"):
                        value = max(round(value * month / 12 * 1.5), 0)
                    elif ind in ("signed_amount", "funds_in_place", "fdi"):
                        value = max(value * month / 12, 0.1)
                    elif ind in ("service_rate", "satisfaction", "project_start_rate"):
                        value = min(value, 100.0)
                rows_u.append(code)
                rows_i.append(ind)
                rows_v.append(round(float(value), 2))
                if has_target:
                    t_u.append(code)
                    t_i.append(ind)
                    t_v.append(round(month / 12 * 100, 2) if ind == "project_invest_rate" else 5.5)
        rows_u += [code, code]
        rows_i += ["bonus_items", "major_accident"]
        rows_v += [float(rng.choice([0, 0, 0, 1, 2])), 1.0 if code == veto_unit else 0.0]
    values = pl.DataFrame({"unit": rows_u, "indicator": rows_i, "value": rows_v})
    targets = pl.DataFrame({"unit": t_u, "indicator": t_i, "target": t_v})
    return values, targets


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def _synthetic_runs(ctx) -> dict:
    """Score every period with generated data; returns the runs by (year, kind, number)."""
    rng = random.Random(ctx.rng.random())
    city = ctx.city or OrgUnit.objects.filter(code="SFS").first()
    runs: dict = {}
    ids = dict(OrgUnit.objects.values_list("code", "pk"))
    plan = [(ctx.year, m) for m in range(1, 13)] + [(ctx.current_year, m) for m in range(1, ctx.today.month)]
    by_year_units = {y: _units(y) for y in {ctx.year, ctx.current_year}}
    strength = {code: rng.random() for code, _n, _g in by_year_units[ctx.year]}
    for year, month in plan:
        units = by_year_units[year]
        for code in strength:
            strength[code] = min(max(strength[code] + rng.gauss(0, 0.08), 0.0), 1.0)
        values, targets = _values(rng, units, year, month, strength, None)
        unit_frame = pl.DataFrame({"unit": [u[0] for u in units], "name": [u[1] for u in units], "group": [u[2] for u in units]})
        scheme = demo_scheme(year)
        inputs = Inputs.from_frames(scheme, values, unit_frame, targets, period=None)
        run = create_run(inputs, period=PeriodValue(Kind.MONTH, year, month), scheme_code=SCHEME_CODE, owner_unit=city)
        runs[(year, Kind.MONTH, month)] = execute_run(run, unit_ids=ids)
        if month % 3 == 0:
            q = create_run(Inputs.from_frames(scheme, values, unit_frame, targets),
                           period=PeriodValue(Kind.QUARTER, year, month // 3), scheme_code=SCHEME_CODE, owner_unit=city)
            runs[(year, Kind.QUARTER, month // 3)] = execute_run(q, unit_ids=ids)
        if year == ctx.year and month == 12:
            annual_values, _t = _values(random.Random(2025), units, year, 12, strength, "SFS-YT")
            a = create_run(Inputs.from_frames(scheme, annual_values, unit_frame, None), period=PeriodValue(Kind.YEAR, year),
                           scheme_code=SCHEME_CODE, owner_unit=city)
            runs[(year, Kind.YEAR, 1)] = execute_run(a, unit_ids=ids)
    return runs


def _assessment_runs(ctx) -> dict | None:
    """Score the assessment demo's approved periods, if it has them."""
    city = ctx.city or OrgUnit.objects.filter(code="SFS").first()
    version = SchemeVersion.objects.filter(status=VersionStatus.ADOPTED, scheme__year=ctx.year,
                                           scheme__owner_unit=city).select_related("scheme").first()
    if version is None or not DataValue.objects.filter(version=version).exists():
        return None
    runs: dict = {}
    ids = dict(OrgUnit.objects.values_list("code", "pk"))
    periods = list(Period.objects.filter(owner_unit=city, year__in=[ctx.year, ctx.current_year],
                                         end__lt=ctx.today).order_by("end", "kind"))
    for period in periods:
        year, kind, number = period.year, Kind(period.kind), period.number
        if year == ctx.current_year and kind == Kind.MONTH and number >= ctx.today.month:
            continue
        if kind in (Kind.HALF, Kind.YEAR) and year != ctx.year:
            continue  # the half-years and the year of the assessed year
        holder = SchemeVersion.objects.filter(status=VersionStatus.ADOPTED, scheme__year=year, scheme__code=version.scheme.code,
                                              scheme__owner_unit=city).first()
        if holder is None:
            continue
        existing = ScoringRun.objects.filter(scheme_version=holder, period=period).order_by("id").first()
        if existing is None:
            data = run_inputs(holder, period)
            if data.values.height == 0:
                continue
            inputs = Inputs.from_frames(data.scheme, data.values, data.units, data.targets, period=data.period_code or None)
            existing = create_run(inputs, period=period, scheme_version=holder, scheme_code=holder.scheme.code,
                                  scheme_name=holder.scheme.name, source_hash=data.source_hash,
                                  owner_unit=holder.scheme.owner_unit)
        runs[(year, kind, number)] = execute_run(existing, unit_ids=ids)
    return runs if any(k[1] == Kind.YEAR for k in runs) else None


def quarter_review(run: ScoringRun, runs: dict) -> str:
    """点评 of a quarter, written from its results: who leads each group, who gained most places
    on the quarter before, who trails — so no two quarters read alike."""
    from kaohe.results.models import RunTotal
    from kaohe.results.queries import group_names

    names = group_names(run)
    totals = list(RunTotal.objects.filter(run=run, rank__isnull=False).order_by("group", "rank", "unit_code"))
    groups: dict[str, list] = {}
    for t in totals:
        groups.setdefault(t.group, []).append(t)
    leaders = "，".join(f"{names.get(g, g)}组{ts[0].unit_name}居首（{ts[0].total:.2f}分）" for g, ts in groups.items())
    text = f"本季度{leaders}。"
    year, _kind, number = run.year, Kind.QUARTER, run.number
    before = runs.get((year, Kind.QUARTER, number - 1)) if number > 1 else runs.get((year - 1, Kind.QUARTER, 4))
    if before is not None:
        earlier = dict(RunTotal.objects.filter(run=before, rank__isnull=False).values_list("unit_code", "rank"))
        moves = sorted(((earlier[t.unit_code] - t.rank, t.unit_name) for t in totals if t.unit_code in earlier), reverse=True)
        if moves and moves[0][0] > 0:
            text += f"较上季度进位最多的是{moves[0][1]}（前进{moves[0][0]}位）"
            if moves[-1][0] < 0:
                text += f"，{moves[-1][1]}后退{-moves[-1][0]}位，要认真分析原因"
            text += "。"
    trailing = "、".join(ts[-1].unit_name for ts in groups.values() if len(ts) > 1)
    if trailing:
        text += f"{trailing}在组内排名末位，要对照序时进度逐项查找差距，下季度迎头赶上。"
    return text


def load(ctx) -> None:
    if ScoringRun.objects.filter(year=ctx.year, owner_unit__code="SFS").exists():
        ctx.log("  results: already loaded")
    else:
        _load_city(ctx)
    if not ScoringRun.objects.filter(year=ctx.year, owner_unit__code=DISTRICT).exists():
        with transaction.atomic():
            _load_district(ctx)


DISTRICT = "SFS-MH"


def _load_district(ctx) -> None:
    """明湖区's own assessment of its streets: October–December 2025 and the year scored from its
    derived scheme's data, the year's results published (公示) by its office."""
    version = SchemeVersion.objects.filter(scheme__owner_unit__code=DISTRICT, scheme__year=ctx.year,
                                           status=VersionStatus.ADOPTED).select_related("scheme__owner_unit").first()
    if version is None:
        return
    office = get_user_model().objects.filter(username="kaoheban_mh").first()
    periods = periods_of(version.scheme.owner_unit, ctx.year)
    runs = [run_for_period(version, p, user=office, background=False)
            for p in [*periods.filter(kind="month", number__gte=10).order_by("number"), *periods.filter(kind="year")]]
    annual = runs[-1]
    results_services.add_review(annual, f"明湖区{ctx.year}年度对街道考核点评",
                        "对照市考要求分解下达的目标，各街道全年完成情况分化明显；一般公共预算收入、招商引资签约项目未达目标的街道，"
                        "要对照差距逐项整改。", office)
    results_services.publish(annual, office, title=f"明湖区{ctx.year}年度街道综合考核结果公示",
                     now=_at(dt.date(ctx.year + 1, 1, 25)), notice_days=7,
                     override_reason=_approve_before_publishing(annual, office))
    ctx.log(f"  results: 明湖区 {len(runs)} runs of its streets, the year published")


def _approve_before_publishing(run, office) -> str:
    """The office approves what is still pending for the run's period before it publishes
    (publication refuses incomplete data without an override). Returns the override reason
    when a unit's data cannot be submitted as it stands (it is then published with the reason)."""
    from kaohe.assessment import services as assessment
    from kaohe.assessment.models import SubmissionStatus

    if run.scheme_version_id is None or run.period_id is None:
        return ""
    held = []
    for row in assessment.completion_board(run.scheme_version, run.period):
        sub = row["submission"] or assessment.submission_for(run.scheme_version, row["unit"], run.period)
        try:
            if sub.status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED):
                assessment.submit(sub, user=office)
            if sub.status == SubmissionStatus.SUBMITTED:
                assessment.approve(sub, user=office)
        except assessment.WorkflowError:
            held.append(row["unit"].name)
    if not held:
        return ""
    return f"{'、'.join(held)}数据尚在核实，经考核领导小组同意先行公示，核实后如有变化按更正程序处理。"


@transaction.atomic
def _load_city(ctx) -> None:
    from kaohe.results import services

    try:
        with transaction.atomic():  # a savepoint: nothing half-made stays behind if this fails
            runs = _assessment_runs(ctx)
    except Exception as exc:  # noqa: BLE001 — fall back to the compact demo scheme, say why
        ctx.log(f"  results: assessment data not scorable ({exc.__class__.__name__}: {exc}); using the compact demo scheme")
        runs = None
    if not runs:
        runs = _synthetic_runs(ctx)
    monthly = sorted(k for k in runs if k[1] == Kind.MONTH)
    ctx.log(f"  results: {len(runs)} runs scored ({len(monthly)} monthly)")
    User = get_user_model()
    office = User.objects.filter(username="kaoheban").first()
    leader = User.objects.filter(username="lingdao").first()
    minghu = User.objects.filter(username="minghu").first()
    liuxi = User.objects.filter(username="liuxi").first()

    quarters = sorted(k for k in runs if k[1] == Kind.QUARTER)
    for key in quarters:
        services.add_review(runs[key], f"{key[0]}年第{'一二三四'[key[2] - 1]}季度点评", quarter_review(runs[key], runs), office)
    annual = runs[(ctx.year, Kind.YEAR, 1)]
    services.add_review(annual, f"{ctx.year}年度综合考核点评", "全年综合考核结果按分类考核、定额定等确定；一票否决单位不得评为第一等次。", office)

    # Publication of the year's results and two appeals in the notice period.
    pub = services.publish(annual, office, now=_at(dt.date(ctx.year + 1, 1, 20)), notice_days=7,
                           override_reason=_approve_before_publishing(annual, office))
    rows = {t.unit_code: t for t in annual.totals.all()}
    inds = {(r.unit_code, r.indicator): r for r in annual.indicator_rows.all()}
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=["SFS-MH", "SFS-LX"])}
    appeal_units = [c for c in ("SFS-LX", "SFS-MH") if c in rows and c in units]
    if len(appeal_units) == 2:
        lx, mh = appeal_units
        # 柳溪区 contests an indicator where it is not first: its figure "should have been" the group best.
        best = {(r.group, r.indicator): r.value for r in annual.indicator_rows.filter(rank=1).order_by("unit_code")}
        ind_a = next((i for (u, i), r in sorted(inds.items()) if u == lx and r.rank and r.rank > 1 and r.value is not None
                      and best.get((r.group, i)) is not None and best[(r.group, i)] != r.value), None)
        ind_b = next((i for (u, i), r in sorted(inds.items()) if u == mh and r.full_marks and r.score < r.full_marks), None)
        if ind_a and ind_b:
            claimed = best[(inds[(lx, ind_a)].group, ind_a)]
            accepted = services.file_appeal(
                pub, units[lx], ind_a, "统计口径有误：12月有两个项目的数据漏报，已附统计部门更正说明。", liuxi,
                claimed_value=claimed, now=_at(dt.date(ctx.year + 1, 1, 22)))
            rejected = services.file_appeal(
                pub, units[mh], ind_b, "认为该指标计分方法对本区不利，申请按全市平均水平计分。", minghu,
                now=_at(dt.date(ctx.year + 1, 1, 23)))
            services.accept_appeal(accepted, office, response="经核实，统计部门确认漏报，予以更正并重新计分。",
                                   now=_at(dt.date(ctx.year + 1, 1, 26)))
            services.reject_appeal(rejected, office, response="计分方法依据年度考核办法统一执行，不因个别单位调整，申诉不予采纳。",
                                   now=_at(dt.date(ctx.year + 1, 1, 27)))
    final = services.latest_version(annual)
    services.grant_first_prizes(final, office, by="tier")
    for code, kind, person, reason, approve in [
        ("SFS-XQ", "special", "", "全年引进百亿级项目2个，对全市投资增长贡献突出。", True),
        ("SFS-MH", "good_team", "", "领导班子团结务实，争先榜连续6个月居主城区第一。", True),
        ("SFS-PC", "good_leader", "周平川", "狠抓重大项目开工，龙虎榜进位明显。", True),
        ("SFS-TY", "good_assistant", "孙桃源", "分管招商引资工作成效显著。", None),
    ]:
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            continue
        award = services.nominate(ctx.year, kind, unit, reason, leader, person_name=person)
        if approve is not None:
            services.decide_award(award, office, approve=approve, note="经考核办审核同意。")
    latest = runs.get(monthly[-1]) if monthly else None
    if latest is not None:
        services.publish(latest, office, now=_at(ctx.today - dt.timedelta(days=2)), notice_days=7,
                         override_reason=_approve_before_publishing(latest, office))
    ctx.log(f"  results: {ScoringRun.objects.count()} runs, publications and appeals loaded")
