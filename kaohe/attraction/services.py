"""Business rules of investment attraction: the pipeline, evaluation, recognition, events, bundles.

Every change goes through the audit writer (``kaohe.audit.services.record``, parent = the
project); views, the import and the API only call these functions. A refused change raises
:class:`AttractionError` with a message for the user.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from kaohe.attraction import recognition
from kaohe.attraction.evaluation import score
from kaohe.attraction.models import (
    STAGE_ORDER,
    AttractionProject,
    BundleItem,
    Checklist,
    ChecklistItem,
    ConfirmLevel,
    Credit,
    Decision,
    Evaluation,
    Event,
    EventStatus,
    ExclusionRule,
    ItemKind,
    Metric,
    Milestone,
    ProjectStatus,
    SizeBand,
    Stage,
    TargetBundle,
    stage_index,
)
from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.lib.changes import snapshot
from kaohe.lib.files import UploadRefused, check_upload
from kaohe.lib.numbers import NumberError, field_limit, parse_number
from kaohe.lib.numbers import number as fmt_number
from kaohe.orgs.models import OrgUnit

AMOUNT_LIMIT = field_limit(14, 2)
AREA_LIMIT = field_limit(10, 2)


class AttractionError(ValueError):
    """A business rule refused the change; the message is for the user."""


def today() -> dt.date:
    return timezone.localdate()


# ---- configuration defaults ----------------------------------------------------------------

DEFAULT_BANDS = [("1e8", "亿元以上", 10_000), ("1e9", "10亿元以上", 100_000), ("5e9", "50亿元以上", 500_000),
                 ("1e10", "100亿元以上", 1_000_000)]

#: 准入评估 (100 points): 投资规模 20, 投资强度 20 (≥300万元/亩 full), 亩均税收 20 (≥30万元/亩·年 full),
#: 产业契合度 15, 科技含量 15, 能耗与环境 10; four 一票否决 items.
DEFAULT_CHECKLIST = [
    ("size", "投资规模", ItemKind.SCORED, 20, Metric.AMOUNT, [[100_000, 1], [50_000, 0.8], [10_000, 0.6], [5_000, 0.3]]),
    ("intensity", "投资强度", ItemKind.SCORED, 20, Metric.INTENSITY, [[300, 1], [200, 0.6], [100, 0.3]]),
    ("tax", "亩均税收", ItemKind.SCORED, 20, Metric.TAX_PER_MU, [[30, 1], [20, 0.6], [10, 0.3]]),
    ("fit", "产业契合度", ItemKind.SCORED, 15, Metric.NONE, []),
    ("tech", "科技含量", ItemKind.SCORED, 15, Metric.NONE, []),
    ("energy", "能耗与环境", ItemKind.SCORED, 10, Metric.NONE, []),
    ("v_policy", "不符合国家产业政策", ItemKind.VETO, 0, Metric.NONE, []),
    ("v_env", "环保不达标", ItemKind.VETO, 0, Metric.NONE, []),
    ("v_energy", "能耗超标", ItemKind.VETO, 0, Metric.NONE, []),
    ("v_safety", "安全生产不达标", ItemKind.VETO, 0, Metric.NONE, []),
]


def ensure_bands(city=None) -> list[SizeBand]:
    """The city's size bands (the four defaults created when it has none)."""
    bands = list(SizeBand.objects.filter(city=city))
    if not bands:
        bands = [SizeBand.objects.create(city=city, code=c, name=n, min_amount=Decimal(v), order=i)
                 for i, (c, n, v) in enumerate(DEFAULT_BANDS)]
    return bands


def default_checklist(city=None) -> Checklist:
    checklist = Checklist.objects.filter(city=city, is_active=True).first()
    if checklist is not None:
        return checklist
    checklist = Checklist.objects.create(city=city, code="default", name="招商引资项目准入评估表（100分）", pass_score=60)
    ChecklistItem.objects.bulk_create(
        ChecklistItem(checklist=checklist, code=c, name=n, kind=k, points=Decimal(p), metric=m, steps=s, order=i)
        for i, (c, n, k, p, m, s) in enumerate(DEFAULT_CHECKLIST))
    record(AuditAction.CREATE, checklist, after=snapshot(checklist), unit=city)
    return checklist


# ---- projects ------------------------------------------------------------------------------

NUMBER_FIELDS = {"amount": AMOUNT_LIMIT, "landed_investment": AMOUNT_LIMIT, "expected_tax": AMOUNT_LIMIT,
                 "land_mu": AREA_LIMIT}


def clean_numbers(data: dict[str, Any]) -> dict[str, Any]:
    """Parse the amount fields through the one number parser, bounded by their fields."""
    out = dict(data)
    for key, limit in NUMBER_FIELDS.items():
        if key in out and not isinstance(out[key], Decimal | type(None)):
            try:
                out[key] = parse_number(out[key], max_abs=limit)
            except NumberError as exc:
                raise AttractionError(f"{AttractionProject._meta.get_field(key).verbose_name}：{exc.reason}") from None
        if key in out and out[key] is not None:
            if out[key] < 0:
                raise AttractionError(f"{AttractionProject._meta.get_field(key).verbose_name}不能为负数")
            if abs(out[key]) >= limit:
                raise AttractionError(f"{AttractionProject._meta.get_field(key).verbose_name}超出允许范围（应小于 {fmt_number(limit)}）")
    if "amount" in out and out["amount"] is None:
        raise AttractionError("请填写计划总投资（万元）")
    return out


def duplicate_of(investor: str, name: str, exclude_pk: int | None = None) -> AttractionProject | None:
    """An active project of the same investor and name (in any unit): counted once, entered once."""
    qs = AttractionProject.objects.filter(investor=investor.strip(), name=name.strip(), status=ProjectStatus.ACTIVE)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("unit").first()


def next_code(unit, year: int) -> str:
    """The unit's next serial of the year (call under the unit's row lock, see ``create_project``)."""
    prefix = f"ZS{year}-{unit.code}-"
    n = AttractionProject.objects.filter(code__startswith=prefix).count() + 1
    while AttractionProject.objects.filter(code=f"{prefix}{n:03d}").exists():
        n += 1
    return f"{prefix}{n:03d}"


def create_project(data: dict[str, Any], *, user=None, stage: str = Stage.LEAD) -> AttractionProject:
    """A new lead (线索) or talks (在谈): refused when the same investor and name exist already."""
    data = clean_numbers(data)
    if stage not in (Stage.LEAD, Stage.TALKS):
        raise AttractionError("新项目只能从线索或在谈开始，签约等节点须逐一登记")
    for key in ("name", "investor"):
        if not str(data.get(key) or "").strip():
            raise AttractionError(f"请填写{AttractionProject._meta.get_field(key).verbose_name}")
    twin = duplicate_of(data["investor"], data["name"])
    if twin is not None:
        raise AttractionError(f"该投资方的同名项目已由{twin.unit.name}登记（{twin.code}），同一项目只登记、只计一次")
    data["investor"], data["name"] = data["investor"].strip(), data["name"].strip()
    year = (data.get("first_contact_on") or today()).year
    for _attempt in range(3):  # a concurrent create may have taken the same project (refused) or code (retried)
        try:
            with transaction.atomic():
                # the unit's row lock serialises its serial numbers (ZS2026-<unit>-001, -002 …)
                OrgUnit.objects.select_for_update().filter(pk=data["unit"].pk).first()
                fields = {"code": next_code(data["unit"], year), **data}
                project = AttractionProject.objects.create(**fields, stage=stage, created_by=user)
                record(AuditAction.CREATE, project, after=snapshot(project), user=user)
            return project
        except IntegrityError:
            twin = duplicate_of(data["investor"], data["name"])
            if twin is not None:
                raise AttractionError(f"该投资方的同名项目已由{twin.unit.name}登记（{twin.code}），同一项目只登记、只计一次") from None
            if "code" in data:
                raise AttractionError(f"项目编号“{data['code']}”已存在") from None
    raise AttractionError("项目编号分配冲突，请重试")


EDITABLE = {"name", "investor", "investor_origin", "industry", "chain_link", "amount", "landed_investment", "land_mu",
            "expected_tax", "source", "source_event", "team", "first_contact_on"}


def update_project(project: AttractionProject, changes: dict[str, Any], *, user=None, reason: str = "") -> AttractionProject:
    unknown = set(changes) - EDITABLE
    if unknown:
        raise AttractionError(f"不能在此修改：{'、'.join(sorted(unknown))}")
    changes = clean_numbers(changes)
    if "name" in changes or "investor" in changes:
        twin = duplicate_of(changes.get("investor", project.investor), changes.get("name", project.name), project.pk)
        if twin is not None:
            raise AttractionError(f"该投资方的同名项目已由{twin.unit.name}登记（{twin.code}）")
    with transaction.atomic():
        before = snapshot(project)
        for key, value in changes.items():
            setattr(project, key, value)
        project.save()
        _reapply(project)
        record(AuditAction.UPDATE, project, before=before, after=snapshot(project), user=user, reason=reason)
    return project


def _reapply(project: AttractionProject) -> None:
    for m in project.milestones.all():
        m.project = project
        if recognition.apply(m):
            m.save(update_fields=["counted", "hold"])


# ---- evaluation ----------------------------------------------------------------------------


def evaluate(project: AttractionProject, *, scores: dict[str, object], vetoes=(), decision: str, decider: str,
             decided_on: dt.date, conditions: str = "", checklist: Checklist | None = None, user=None) -> Evaluation:
    """准入评估: score the checklist, then record the decision and who made it.

    A vetoed project can only be rejected; a total below the pass mark cannot be admitted."""
    checklist = checklist or default_checklist()
    if decision not in Decision.values:
        raise AttractionError("请选择评估结论")
    if not decider.strip():
        raise AttractionError("请填写决策机构或决策人")
    if decided_on > today():
        raise AttractionError("决策日期不能晚于今天")
    if project.signed_on is not None:
        raise AttractionError("项目已签约：准入评估须在签约前完成")
    items = list(checklist.items.all())
    result = score(items, project, scores, set(vetoes))
    if result.vetoed and decision != Decision.REJECTED:
        names = "、".join(i.name for i in items if i.code in result.vetoes)
        raise AttractionError(f"触发一票否决（{names}），只能不予准入")
    if decision != Decision.REJECTED and result.total < checklist.pass_score:
        raise AttractionError(f"总分{fmt_number(result.total, 2)}分低于通过分数{fmt_number(checklist.pass_score, 0)}分，不能准入")
    with transaction.atomic():
        evaluation = Evaluation.objects.create(
            project=project, checklist=checklist, scores={k: str(v) for k, v in result.scores.items()},
            vetoes=result.vetoes, total=result.total, decision=decision, conditions=conditions.strip(),
            decider=decider.strip(), decided_on=decided_on, decided_by=user)
        record(AuditAction.CREATE, evaluation, after=snapshot(evaluation), user=user, parent=project, unit=project.unit_id)
    return evaluation


def admitting_evaluation(project: AttractionProject, on: dt.date | None = None) -> Evaluation | None:
    """The latest evaluation decided on or before ``on``, if it admits the project."""
    qs = project.evaluations.all()
    if on is not None:
        qs = qs.filter(decided_on__lte=on)
    latest = qs.order_by("-decided_on", "-id").first()
    return latest if latest is not None and latest.admits else None


# ---- the pipeline --------------------------------------------------------------------------


def next_stage(project: AttractionProject) -> str | None:
    i = stage_index(project.stage)
    return STAGE_ORDER[i + 1] if i + 1 < len(STAGE_ORDER) else None


def advance(project: AttractionProject, stage: str, *, on: dt.date, evidence: str, user=None, evidence_file=None,
            now: dt.datetime | None = None) -> Milestone:
    """Record the next milestone, dated and evidenced. Refusals say why (the project is not
    active, a stage skipped, a date in the future or before the previous milestone, no
    evidence, signing without an admitting evaluation decided before it)."""
    if project.status != ProjectStatus.ACTIVE:
        raise AttractionError("项目已终止，不能登记节点")
    if stage not in Stage.values:
        raise AttractionError("未知的阶段")
    expected = next_stage(project)
    label = Stage(stage).label
    if expected is None:
        raise AttractionError("项目已达效，没有后续节点")
    if stage != expected:
        raise AttractionError(f"当前阶段为“{Stage(project.stage).label}”，下一节点应为“{Stage(expected).label}”，不能登记“{label}”")
    if on is None:
        raise AttractionError("请填写节点日期")
    if on > today():
        raise AttractionError("节点日期不能晚于今天")
    previous = project.milestones.order_by("-on").first()
    if previous is not None and on < previous.on:
        raise AttractionError(f"节点日期不能早于上一节点“{Stage(previous.stage).label}”的日期（{previous.on:%Y-%m-%d}）")
    if not (evidence or "").strip():
        raise AttractionError(f"请填写“{label}”的佐证（如合同编号、营业执照、土地成交确认书、施工许可证）")
    if stage == Stage.SIGNED:
        if admitting_evaluation(project, on) is None:
            latest = project.evaluations.order_by("-decided_on", "-id").first()
            if latest is None:
                raise AttractionError("签约前须完成准入评估并记录决策")
            if latest.decided_on > on:
                raise AttractionError("准入评估决策日期晚于签约日期：须先评估、后签约")
            raise AttractionError(f"准入评估结论为“{latest.get_decision_display()}”，不能签约")
    upload = None
    if evidence_file is not None:
        # the one file check (kaohe.lib.files): allowed types, by extension and by content
        data = evidence_file.read()
        try:
            clean, _ctype = check_upload(evidence_file.name, data)
        except UploadRefused as exc:
            raise AttractionError(f"佐证材料：{exc.reason}") from None
        upload = ContentFile(data, name=clean)
    with transaction.atomic():
        before = snapshot(project)
        milestone = Milestone(project=project, stage=stage, on=on, evidence=evidence.strip()[:300],
                              recorded_by=user, recorded_at=now or timezone.now())
        if upload is not None:
            milestone.evidence_file = upload
        project.stage = stage
        if stage == Stage.SIGNED:
            project.signed_on = on
        project.save()
        recognition.apply(milestone)
        try:
            with transaction.atomic():
                milestone.save()
        except IntegrityError:
            raise AttractionError(f"“{label}”节点已登记，同一节点只计一次") from None
        record(AuditAction.CREATE, milestone, after=snapshot(milestone), user=user, parent=project, unit=project.unit_id)
        record(AuditAction.UPDATE, project, before=before, after=snapshot(project), user=user, reason=f"登记节点：{label}")
        _check_rush(milestone, user)
    return milestone


def _check_rush(milestone: Milestone, user) -> None:
    batch = recognition.rush_batch(milestone)
    for m in batch:
        if not m.rush_flag:
            m.rush_flag = True
            recognition.apply(m)
            m.save(update_fields=["rush_flag", "counted", "hold"])
            record(AuditAction.UPDATE, m, after={"rush_flag": True}, user=user, parent=m.project, unit=m.project.unit_id,
                   reason="疑似突击上报：临近季末集中补报，待核实")
    if milestone in batch:
        milestone.refresh_from_db()


def confirm(milestone: Milestone, *, user=None, level: str = ConfirmLevel.DISTRICT) -> Milestone:
    """认定: the office recognises a milestone; a recognised 开工 makes the project a major project."""
    if milestone.confirmed_at is not None:
        raise AttractionError("该节点已认定")
    if level not in ConfirmLevel.values:
        raise AttractionError("未知的认定层级")
    if milestone.stage in (Stage.LEAD, Stage.TALKS):
        raise AttractionError("线索、在谈不需认定")
    with transaction.atomic():
        before = snapshot(milestone)
        milestone.confirmed_by = user
        milestone.confirmed_at = timezone.now()
        milestone.confirm_level = level
        recognition.apply(milestone)
        milestone.save()
        record(AuditAction.APPROVE, milestone, before=before, after=snapshot(milestone), user=user,
               parent=milestone.project, unit=milestone.project.unit_id, reason=f"{ConfirmLevel(level).label}")
        if milestone.stage == Stage.STARTED and milestone.counted:
            convert_to_major_project(milestone.project, user=user)
    return milestone


def clear_rush(milestone: Milestone, *, user=None, reason: str) -> Milestone:
    """核实: the office checked a suspected bulk report and lets the milestone count."""
    if not milestone.rush_flag or milestone.rush_cleared_by_id:
        raise AttractionError("该节点未被标记为疑似突击上报")
    if not reason.strip():
        raise AttractionError("请填写核实情况")
    with transaction.atomic():
        before = snapshot(milestone)
        milestone.rush_cleared_by = user
        recognition.apply(milestone)
        milestone.save()
        record(AuditAction.APPROVE, milestone, before=before, after=snapshot(milestone), user=user,
               parent=milestone.project, unit=milestone.project.unit_id, reason=f"突击上报核实：{reason.strip()}")
        if milestone.stage == Stage.STARTED and milestone.counted:
            convert_to_major_project(milestone.project, user=user)
    return milestone


def set_exclusion(project: AttractionProject, rule: ExclusionRule | None, *, user=None, reason: str = "") -> AttractionProject:
    """Put a project under an exclusion (不予认定: none of its milestones counts) or take it out."""
    if rule is not None and not reason.strip():
        raise AttractionError("请填写不予认定的理由")
    with transaction.atomic():
        before = snapshot(project)
        project.exclusion = rule
        project.save()
        _reapply(project)
        record(AuditAction.UPDATE, project, before=before, after=snapshot(project), user=user,
               reason=(f"不予认定：{rule.name}。{reason.strip()}" if rule else f"恢复认定。{reason.strip()}"))
    return project


def drop(project: AttractionProject, *, reason: str, user=None) -> AttractionProject:
    """终止 (the investor walked away); recorded milestones stay as they were."""
    if project.status != ProjectStatus.ACTIVE:
        raise AttractionError("项目已终止")
    if not reason.strip():
        raise AttractionError("请填写终止原因")
    before = snapshot(project)
    project.status, project.status_reason = ProjectStatus.DROPPED, reason.strip()[:200]
    project.save()
    record(AuditAction.UPDATE, project, before=before, after=snapshot(project), user=user, reason=f"终止：{reason.strip()}")
    return project


def convert_to_major_project(project: AttractionProject, *, user=None):
    """开工 → 重大项目: one record in the projects module, created through its service, linked
    both ways (``project.major_project`` / ``Project.attraction``); never twice."""
    from kaohe.projects import services as projects
    from kaohe.projects.models import Project, ProjectSource

    if project.major_project_id:
        return project.major_project
    dates = {m.stage: m.on for m in project.milestones.all()}
    started = dates[Stage.STARTED]
    lead = project.credits.filter(role="lead").order_by("name").first()
    data = {
        "code": project.code if not Project.objects.filter(code=project.code).exists() else f"ZS-{project.code}"[:40],
        "name": project.name, "owner_enterprise": project.investor,
        "unit": project.unit, "industry": project.industry.name if project.industry_id else "",
        "source": ProjectSource.INVESTMENT, "signed_on": project.signed_on, "total_investment": project.amount,
        "year": started.year, "year_plan": Decimal(0), "leader_name": lead.name if lead else "",
        "task_force": project.team[:100], "tags": "招商引资",
    }
    milestones = {code: (dates[stage], dates[stage]) for stage, code in
                  ((Stage.SIGNED, "signed"), (Stage.LANDED, "landed"), (Stage.STARTED, "started")) if stage in dates}
    with transaction.atomic():
        major = projects.create_project(data, milestones=milestones, user=user)
        before = snapshot(project)
        project.major_project = major
        project.save(update_fields=["major_project", "updated_at"])
        record(AuditAction.UPDATE, project, before=before, after=snapshot(project), user=user,
               reason=f"开工认定，转入重大项目 {major.code}")
    return major


# ---- credits -------------------------------------------------------------------------------


def add_credit(project: AttractionProject, *, name: str, unit, role: str, share=100, person=None, user=None) -> Credit:
    """招商实绩: credit a person (and their unit); the shares of a project add up to at most 100%."""
    if not name.strip():
        raise AttractionError("请填写姓名")
    try:
        share = parse_number(share, max_abs=Decimal(1000))
    except NumberError as exc:
        raise AttractionError(f"计分比例：{exc.reason}") from None
    if share is None or share <= 0 or share > 100:
        raise AttractionError("计分比例应在0–100%之间")
    taken = sum((c.share for c in project.credits.all()), Decimal(0))
    if taken + share > 100:
        raise AttractionError(f"计分比例合计不能超过100%（已分配{fmt_number(taken, 2)}%）")
    with transaction.atomic():
        try:
            with transaction.atomic():
                credit = Credit.objects.create(project=project, name=name.strip(), unit=unit, role=role, share=share,
                                               person=person)
        except IntegrityError:
            raise AttractionError(f"{name}已计入该项目实绩") from None
        record(AuditAction.CREATE, credit, after=snapshot(credit), user=user, parent=project, unit=project.unit_id)
    return credit


# ---- events --------------------------------------------------------------------------------


def create_event(data: dict[str, Any], *, user=None) -> Event:
    if not str(data.get("name") or "").strip():
        raise AttractionError("请填写活动名称")
    data = dict(data)
    data.setdefault("year", data["planned_on"].year)
    with transaction.atomic():
        event = Event.objects.create(**data)
        record(AuditAction.CREATE, event, after=snapshot(event), user=user)
    return event


def hold_event(event: Event, *, held_on: dt.date, user=None) -> Event:
    if event.status != EventStatus.PLANNED:
        raise AttractionError(f"活动{event.get_status_display()}，不能再登记举办")
    if held_on > today():
        raise AttractionError("举办日期不能晚于今天")
    if held_on.year != event.year:
        raise AttractionError(f"举办日期应在{event.year}年内")
    before = snapshot(event)
    event.status, event.held_on = EventStatus.HELD, held_on
    event.save()
    record(AuditAction.UPDATE, event, before=before, after=snapshot(event), user=user, reason="活动已举办")
    return event


def cancel_event(event: Event, *, reason: str, user=None) -> Event:
    if event.status != EventStatus.PLANNED:
        raise AttractionError("只有计划中的活动可以取消")
    if not reason.strip():
        raise AttractionError("请填写取消原因")
    before = snapshot(event)
    event.status = EventStatus.CANCELLED
    event.save()
    record(AuditAction.UPDATE, event, before=before, after=snapshot(event), user=user, reason=f"取消：{reason.strip()}")
    return event


# ---- bundles -------------------------------------------------------------------------------


def create_bundle(unit, year: int, code: str, name: str, items: list[tuple[SizeBand, str, int]], *, user=None) -> TargetBundle:
    """目标任务包 such as "1145": (band, stage, target count) per item."""
    if not code.strip() or not items:
        raise AttractionError("请填写代号和至少一项目标")
    with transaction.atomic():
        try:
            with transaction.atomic():
                bundle = TargetBundle.objects.create(unit=unit, year=year, code=code.strip(), name=name.strip() or code)
        except IntegrityError:
            raise AttractionError(f"{unit.name}{year}年已有目标任务包“{code}”") from None
        BundleItem.objects.bulk_create(BundleItem(bundle=bundle, band=b, stage=s, target=t) for b, s, t in items)
        record(AuditAction.CREATE, bundle, after={**snapshot(bundle), "items": [[b.code, s, t] for b, s, t in items]},
               user=user)
    return bundle
