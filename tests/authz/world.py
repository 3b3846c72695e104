"""The matrix world: the ``org_world`` city with one real object of every kind a URL names.

Objects of 甲区 where the module has district ownership (so 乙区's people are the same-role
outsiders and must get 404), the city's where a module is the city's (results' runs). Built once
per module by the matrix test; every request then runs inside a savepoint that is rolled back,
so an allowed POST changes nothing the next request sees.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.core.files.base import ContentFile


def build(w: SimpleNamespace) -> SimpleNamespace:
    """Add to ``w`` (org_world) the objects the routes' URL kwargs point at; return it."""
    from kaohe.orgs import calendar

    for year in calendar.shipped_years():
        calendar.import_shipped(year)
    for step in (_users, _assessment, _results, _projects, _supervision, _enterprise, _commitments, _attraction,
                 _documents, _notifications, _monitor, _admin):
        step(w)
    return w


def _users(w):
    from tests import factories as f

    w.users["norole"] = w.norole = f.UserFactory(username="norole")
    w.users["superuser"] = w.superuser = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    # As in the demo (kaohe.orgs.demo), the offices may use the admin: it must hold them to their scope.
    for name in ("office", "office_a", "office_b"):
        w.users[name].is_staff = True
        w.users[name].save(update_fields=["is_staff"])


def _assessment(w):
    from kaohe.assessment import services
    from tests.assessment.factories import district_version, periods, put

    w.district_v = district_version(w)
    w.a_march = periods(2025, w.district_a)[3]
    put(w, w.district_v, w.a_march, {("C-A-01", "fai"): 1, ("C-A-02", "fai"): 2}, user=w.district_submitter_a)
    w.district_sub = services.submission_for(w.district_v, w.stats_a, w.a_march)
    from kaohe.assessment.models import QualityFinding

    w.towns_a_0 = w.towns_a[0]
    w.finding = QualityFinding.objects.create(submission=w.district_sub, unit=w.towns_a[0], indicator="fai", code="jump",
                                              message="固定资产投资较上月变动过大")


def _results(w):
    from kaohe.results.models import AppealAttachment, AwardKind
    from kaohe.results.services import file_appeal, nominate, publish
    from tests.results.fixtures import build_scored
    from tests.results.test_scope import district_run

    scored = build_scored(w)
    w.city_run, w.city_feb, w.city_jan = scored.annual, scored.feb, scored.jan
    w.da = district_run(w, "year")
    w.dm = district_run(w, "month", 3)
    w.city_pub = publish(scored.annual)
    w.district_pub = publish(w.da)
    w.appeal_town = file_appeal(w.district_pub, w.towns_a[0], "GDP", "街道数据有误", w.assessed_town_a)
    w.appeal_file = AppealAttachment.objects.create(appeal=w.appeal_town, name="证明.pdf", content_type="application/pdf",
                                                    file=ContentFile(b"%PDF-1.4 proof", name="proof.pdf"))
    w.award_town = nominate(2025, AwardKind.SPECIAL, w.towns_a[0], "抗洪抢险", w.assessed_town_a)


def _projects(w):
    from kaohe.projects import services
    from kaohe.projects.models import SavedView
    from tests.projects.factories import ProjectFactory

    w.project = ProjectFactory(unit=w.district_a, user=w.office_a)
    w.project_report = services.submit_report(w.project, 2026, 1, Decimal("500"), user=w.assessed_a)
    w.problem = services.raise_problem(w.project, "征地未完成", user=w.assessed_a)
    w.saved_view = SavedView.objects.create(user=w.office_a, name="甲区在建", querystring="stage=started")


def _supervision(w):
    from kaohe.supervision import services

    now = dt.datetime(2025, 9, 22, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    w.task = services.create_task("meeting", None, title="推进城东片区改造", lead_unit=w.district_a, user=w.office,
                                  assign=True, now=now, milestones=[("完成征收", dt.date(2025, 10, 30))])
    w.task_milestone = w.task.milestones.first()
    w.extension = services.request_extension(w.task, "征收未完成", dt.date(2025, 10, 31), user=w.assessed_a, now=now)
    from kaohe.supervision.models import TaskDocument

    w.sv_document = TaskDocument.objects.filter(task=w.task).first()
    assert w.sv_document is not None, "assigning a task stores its 交办单"


def _enterprise(w):
    from kaohe.enterprise import services
    from kaohe.enterprise.models import RequestAttachment
    from tests.enterprise.factories import EnterpriseFactory

    w.enterprise = EnterpriseFactory(unit=w.district_a, user=w.office_a)
    w.ent_request = services.receive(w.enterprise, rtype="finance", title="贷款贴息", channel="office",
                                     first_unit=w.district_a, user=w.office_a)
    w.ent_file = RequestAttachment.objects.create(request=w.ent_request, name="申请.pdf", content_type="application/pdf",
                                                  size=14, sha256="0" * 64,
                                                  file=ContentFile(b"%PDF-1.4 apply", name="apply.pdf"))
    w.portal_key = w.enterprise.link_key
    w.ent_request_number = w.ent_request.number
    w.survey_key = getattr(w.ent_request, "survey_key", "") or "no-such-survey"
    # A request 甲区 handles (分派 to 甲区, 签收), with a pending extension: the handling side's steps
    # (挂起, 恢复计时, 申请延期) and the office's decision are tried on it, not on the unassigned one.
    handled = services.receive(w.enterprise, rtype="land", title="用地指标", channel="office", first_unit=w.district_a,
                               user=w.office_a)
    services.assign(handled, w.district_a, user=w.office_a)
    w.ent_handled = services.sign(handled, user=w.assessed_a)
    w.ent_extension = services.request_extension(w.ent_handled, "需征求规划部门意见", _later_working_day(40),
                                                 basis="行政许可法第四十二条", user=w.assessed_a)


def _later_working_day(workdays: int) -> dt.date:
    from django.utils import timezone

    from kaohe.orgs.calendar import work_calendar

    return work_calendar().add_workdays(timezone.localdate(), workdays)


def _commitments(w):
    from kaohe.commitments.models import Campaign, Citizen, ClaimantKind, Comment, CommentStatus
    from kaohe.commitments.public import post_comment
    from tests.commitments.conftest import published

    w.campaign = Campaign.objects.create(
        code="bmjz-2025", name="百名局长百件事", year=2025, owner_unit=w.district_a,
        claimant_kind=ClaimantKind.BUREAU_HEAD, claim_opens=dt.date(2025, 3, 1), claim_closes=dt.date(2025, 3, 31),
        evaluation_opens=dt.date(2025, 12, 1), evaluation_closes=dt.date(2025, 12, 31))
    w.commitment = published(w.campaign, w.towns_a[0], w.office_a, w.assessed_town_a)
    w.c_milestone = w.commitment.milestones.order_by("pk").first()
    citizen, _token = Citizen.issue_token("矩阵测试")
    w.comment = Comment.objects.create(commitment=w.commitment, citizen=citizen, nickname="热心市民", body="进度如何？",
                                       status=CommentStatus.APPROVED, created_at=dt.datetime(2025, 4, 1, tzinfo=dt.UTC))
    del post_comment


def _attraction(w):
    from kaohe.attraction import services
    from kaohe.attraction.models import EventKind, Stage
    from tests.attraction.factories import lead, walk

    w.a_project = walk(lead(unit=w.district_a, user=w.office_a), Stage.SIGNED, user=w.office_a)
    w.a_milestone = w.a_project.milestones.order_by("pk").first()
    w.event = services.create_event({"unit": w.district_a, "kind": EventKind.THEMATIC, "name": "招商推介会",
                                     "planned_on": dt.date(2026, 3, 1)}, user=w.office_a)


def _documents(w):
    from kaohe.documents import services
    from kaohe.lib import gbt9704

    doc = gbt9704.Document("关于甲区一季度工作情况的通报", issuer="甲区考核办", date=dt.date(2025, 4, 7))
    doc.paragraph("甲区正文。")
    w.a_document = services.draft(kind="monthly", unit=w.district_a, document=doc, period="2025Q1", user=w.office_a)


def _notifications(w):
    from kaohe.notifications.services import notify

    w.notification = notify(w.office_a, "reminder", "矩阵测试通知")[0]


def _monitor(w):
    from tests.monitor.factories import indicators

    w.monitor_indicator = indicators(w)[0]


def _admin(w):
    """The objects the admin's change pages are tried on: 甲区's where the admin is the offices'
    (a town, its placement, the town's person, the city group of both districts), and for every
    other registered model one row (``admin_<app>_<model>``), made here where the world has none."""
    from django.contrib import admin
    from django.contrib.auth.models import Group
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from kaohe.orgs.models import ApiToken

    w.town_a_person = w.assessed_town_a.person
    w.town_a_placement = w.towns_a[0].placements.order_by("pk").first()
    Group.objects.create(name="矩阵测试组")
    ApiToken.issue(w.office_a, "矩阵测试")
    from kaohe.monitor.models import MonitorTarget
    from kaohe.projects.models import ActionItem, ActionTarget, ProjectWarning, WarningLevel
    from kaohe.supervision.models import Bulletin

    ProjectWarning.objects.create(project=w.project, date=dt.date(2026, 2, 1), level=WarningLevel.YELLOW,
                                  reasons=[{"code": "invest", "level": "yellow", "zh": "投资进度滞后", "en": "Investment behind plan"}])
    ActionItem.objects.create(project=w.project, date=dt.date(2026, 2, 1), level=WarningLevel.YELLOW, target=ActionTarget.values[0],
                              due_on=dt.date(2026, 2, 15))
    MonitorTarget.objects.create(indicator=w.monitor_indicator, unit=w.district_a, year=2026, growth=Decimal("6.5"))
    Bulletin.objects.create(office_unit=w.district_a, period="2025-09", title="甲区督查通报", body="通报正文")
    DBTaskResult.objects.create(args_kwargs={"args": [], "kwargs": {}}, task_path="kaohe.matrix.task", backend_name="default",
                                run_after=timezone.now(), exception_class_path="", traceback="")
    missing = []
    for model in admin.site._registry:
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            missing.append(model._meta.label)
        setattr(w, f"admin_{model._meta.app_label}_{model._meta.model_name}", obj)
    assert not missing, f"the matrix world holds no row of {missing}: make one in tests/authz/world.py _admin"
