"""挂起/恢复计时 and 延期 on the one deadline clock, at their boundaries, with hand-worked working-day
dates on the 2025 calendar (Sun 9/28 and Sat 10/11 调休上班; 10/1–10/8 国庆中秋 off; the working day
08:30–12:00 and 13:30–17:30 = 7.5 hours), audited; through the services and the API (roles and
乙区's same-role outsiders)."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from kaohe.audit.models import AuditEntry
from kaohe.enterprise import services
from kaohe.enterprise.models import ExtensionStatus, RequestExtension, RequestStep, StepKind
from kaohe.orgs.models import ApiToken, DeadlineEvent
from tests.enterprise.factories import EnterpriseFactory

TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h=9, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


@pytest.fixture
def w(org_world, work_calendar):
    w = org_world
    w.ent = EnterpriseFactory(unit=w.towns_a[0], specialist=w.assessed_town_a)
    return w


FRIDAY = at(2025, 9, 26, 10)


def _handled(w, when=FRIDAY):
    """融资 (3 working days) received Fri 9/26 10:00: Sun 9/28 (调休) 1, Mon 9/29 2, Tue 9/30 3 → due Tue 9/30 17:30."""
    req = services.receive(w.ent, rtype="finance", title="流动资金贷款贴息", channel="office", first_unit=w.district_a,
                           user=w.office_a, now=when)
    services.assign(req, w.stats_a, user=w.office_a, now=when + dt.timedelta(hours=1))
    services.sign(req, user=w.district_submitter_a, now=when + dt.timedelta(hours=4))
    return req


def _resolution(req, now):
    return services.clocks(req, now=now)[services.RESOLVE]


# ---- 挂起 / 恢复计时 -------------------------------------------------------------------------------


def test_a_pause_over_the_national_day_moves_the_due_moment_by_the_paused_working_time(w):
    req = _handled(w)
    assert req.due_at == at(2025, 9, 30, 17, 30)
    services.pause(req, "等待企业补充近三年财务报表", user=w.district_submitter_a, now=at(2025, 9, 29, 10))
    assert req.paused_at == at(2025, 9, 29, 10)
    c = _resolution(req, at(2025, 10, 3, 12))  # a holiday, paused: not overdue, the clock shows it
    assert c.paused and c.status == "normal"
    services.resume(req, note="材料已补齐", user=w.district_submitter_a, now=at(2025, 10, 9, 10))
    # paused: Mon 9/29 10:00–12:00 2 h + 13:30–17:30 4 h, Tue 9/30 7.5 h, (10/1–10/8 off), Thu 10/9 08:30–10:00 1.5 h
    # = 15 h = two working days: Tue 9/30 17:30 + 15 h → Thu 10/9 17:30 (7.5 h) → Fri 10/10 17:30 (7.5 h)
    c = _resolution(req, at(2025, 10, 9, 11))
    assert c.due_at == at(2025, 10, 10, 17, 30) and c.paused_seconds == 15 * 3600 and not c.paused
    assert req.due_at == at(2025, 10, 10, 17, 30) and req.paused_at is None
    services.reply(req, "贴息已批复，10月底前拨付", user=w.district_submitter_a, now=at(2025, 10, 10, 17))
    assert _resolution(req, at(2025, 10, 20)).status == "done"  # in time, thanks to the pause
    kinds = list(RequestStep.objects.filter(request=req).values_list("kind", flat=True))
    assert kinds == ["receive", "assign", "sign", "pause", "resume", "reply"]
    events = list(DeadlineEvent.objects.filter(object_id=req.pk, clock=services.RESOLVE).values_list("kind", flat=True))
    assert events == ["start", "pause", "resume", "stop"]
    entries = AuditEntry.objects.filter(object_repr__in=[f"{req.number} 挂起（暂停计时）", f"{req.number} 恢复计时"])
    assert entries.count() == 2 and "等待企业补充近三年财务报表" in str(entries.get(object_repr__contains="挂起").after)


def test_a_pause_one_minute_before_the_limit_is_allowed_and_one_minute_after_is_refused(w):
    late = _handled(w)
    with pytest.raises(services.RequestError, match="已超过办结时限，不能挂起"):
        services.pause(late, "等待企业补充材料", now=at(2025, 9, 30, 17, 31))
    req = _handled(w)
    services.pause(req, "等待企业补充材料", now=at(2025, 9, 30, 17, 29))
    services.resume(req, now=at(2025, 10, 9, 8, 31))
    # paused 9/30 17:29–17:30 (1 min) + 10/9 08:30–08:31 (1 min): due 9/30 17:30 + 2 min → Thu 10/9 08:32
    assert req.due_at == at(2025, 10, 9, 8, 32)


def test_pause_refusals_name_the_reason(w):
    req = _handled(w)
    with pytest.raises(services.RequestError, match="说明原因"):
        services.pause(req, "", now=at(2025, 9, 29, 10))
    with pytest.raises(services.RequestError, match="未挂起"):
        services.resume(req, now=at(2025, 9, 29, 10))
    services.pause(req, "等待企业补充材料", now=at(2025, 9, 29, 10))
    with pytest.raises(services.RequestError, match="已挂起"):
        services.pause(req, "再次挂起", now=at(2025, 9, 29, 11))
    with pytest.raises(services.RequestError, match="先恢复计时"):
        services.hand_back(req, "《某某条例》第三条：不属本单位职责", now=at(2025, 9, 29, 11))
    received = services.receive(w.ent, rtype="land", title="用地", channel="office", first_unit=w.district_a,
                                now=at(2025, 9, 26, 10))
    with pytest.raises(services.RequestError, match="不能进行此操作"):  # before 签收
        services.pause(received, "等待企业补充材料", now=at(2025, 9, 26, 11))


# ---- 延期 ------------------------------------------------------------------------------------------


def test_an_extension_asked_before_the_limit_to_a_make_up_saturday_is_approved_with_its_reason(w):
    req = _handled(w)
    with pytest.raises(services.RequestError, match="不是工作日"):  # Sat 10/4: 国庆 off
        services.request_extension(req, "需会同银行评估", dt.date(2025, 10, 4), now=at(2025, 9, 30, 16))
    with pytest.raises(services.RequestError, match="应晚于现办结时限（2025-09-30）"):
        services.request_extension(req, "需会同银行评估", dt.date(2025, 9, 30), now=at(2025, 9, 30, 16))
    with pytest.raises(services.RequestError, match="延期理由"):
        services.request_extension(req, "", dt.date(2025, 10, 11), now=at(2025, 9, 30, 16))
    # at 17:30 exactly the limit has not yet passed
    ext = services.request_extension(req, "需会同银行评估担保方案", dt.date(2025, 10, 11), basis="《优化营商环境条例》第四十条",
                                     user=w.district_submitter_a, now=at(2025, 9, 30, 17, 30))
    assert ext.status == ExtensionStatus.PENDING and ext.old_due_at == at(2025, 9, 30, 17, 30)
    with pytest.raises(services.RequestError, match="待审批"):
        services.request_extension(req, "需要再延期办理", dt.date(2025, 10, 13), now=at(2025, 9, 30, 17, 30))
    with pytest.raises(services.RequestError, match="审批意见"):
        services.decide_extension(ext, approve=True, reason="", user=w.office_a, now=at(2025, 10, 9, 9))
    ext = services.decide_extension(ext, approve=True, reason="情况属实，同意", user=w.office_a, now=at(2025, 10, 9, 9))
    req.refresh_from_db()
    # Sat 10/11 is 调休上班: due at its close
    assert ext.status == ExtensionStatus.APPROVED and ext.new_due_at == at(2025, 10, 11, 17, 30)
    assert req.due_at == at(2025, 10, 11, 17, 30) and _resolution(req, at(2025, 10, 11, 17)).status != "overdue"
    assert _resolution(req, at(2025, 10, 11, 17, 31)).status == "overdue"
    with pytest.raises(services.RequestError, match="已审批"):
        services.decide_extension(ext, approve=False, reason="改为不同意", user=w.office_a)
    with pytest.raises(services.RequestError, match="期限届满前"):  # a second one after the new limit
        services.request_extension(req, "仍需更多时间", dt.date(2025, 10, 17), now=at(2025, 10, 11, 17, 31))
    steps = list(RequestStep.objects.filter(request=req, kind__in=[StepKind.EXTEND_ASK, StepKind.EXTEND_OK])
                 .values_list("kind", "basis"))
    assert steps == [("extend_ask", "《优化营商环境条例》第四十条"), ("extend_ok", "")]


def test_an_extension_asked_after_the_limit_is_refused_and_a_refused_one_leaves_the_limit(w):
    req = _handled(w)
    with pytest.raises(services.RequestError, match="期限届满前"):
        services.request_extension(req, "需会同银行评估", dt.date(2025, 10, 9), now=at(2025, 9, 30, 17, 31))
    ext = services.request_extension(req, "需会同银行评估", dt.date(2025, 10, 9), now=at(2025, 9, 30, 10))
    ext = services.decide_extension(ext, approve=False, reason="材料齐全，应按期办结", user=w.office_a, now=at(2025, 9, 30, 11))
    req.refresh_from_db()
    assert ext.status == ExtensionStatus.REFUSED and ext.new_due_at is None and req.due_at == at(2025, 9, 30, 17, 30)
    assert RequestStep.objects.filter(request=req, kind=StepKind.EXTEND_NO, note="材料齐全，应按期办结").exists()
    assert not DeadlineEvent.objects.filter(object_id=req.pk, kind="extend").exists()


# ---- through the API ---------------------------------------------------------------------------


def call(w, who, path, body=None):
    token = ApiToken.issue(w.users[who], "t")[1]
    return Client().post(f"/api/enterprise{path}", json.dumps(body or {}), content_type="application/json",
                         HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.parametrize(("who", "status"), [("district_submitter_a", 200), ("office_a", 200), ("leader_a", 403),
                                             ("assessed_town_a", 403), ("office_b", 404), ("district_submitter_b", 404)])
def test_pausing_through_the_api_is_for_the_handling_side(w, who, status):
    req = _handled(w, when=dt.datetime.now(TZ).replace(microsecond=0) - dt.timedelta(hours=5))
    r = call(w, who, f"/requests/{req.pk}/pause", {"reason": "等待企业补充材料"})
    assert r.status_code == status, (who, r.content)
    if status == 200:
        assert r.json()["paused"] is True and r.json()["clocks"]["resolve"]["paused"] is True
        assert call(w, who, f"/requests/{req.pk}/resume").json()["paused"] is False


def test_an_extension_through_the_api_is_asked_by_the_handler_and_decided_by_the_first_contact_office(w):
    req = _handled(w, when=dt.datetime.now(TZ).replace(microsecond=0) - dt.timedelta(hours=5))
    cal = services.work_calendar()
    due = cal.local(services.clocks(req)[services.RESOLVE].due_at).date()
    until = cal.add_workdays(due, 2)
    assert call(w, "office_b", f"/requests/{req.pk}/extensions", {"reason": "需会同银行评估", "until": str(until)}).status_code == 404
    r = call(w, "district_submitter_a", f"/requests/{req.pk}/extensions", {"reason": "需会同银行评估", "until": str(until)})
    assert r.status_code == 201, r.content
    ext = r.json()["id"]
    assert call(w, "district_submitter_a", f"/extensions/{ext}/decision", {"approve": True, "reason": "自批"}).status_code == 403
    assert call(w, "office_b", f"/extensions/{ext}/decision", {"approve": True, "reason": "同意"}).status_code == 404
    r = call(w, "office_a", f"/extensions/{ext}/decision", {"approve": True, "reason": "情况属实，同意"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert RequestExtension.objects.get(pk=ext).new_due_at == cal.end_of_day(until)
    assert call(w, "office_a", f"/extensions/{ext}/decision", {"approve": False, "reason": "再审"}).status_code == 422


# ---- on the pages -------------------------------------------------------------------------------


def test_the_request_page_pauses_resumes_and_decides_an_extension(w, client_for):
    from django.urls import reverse

    from kaohe.enterprise.models import EnterpriseRequest

    req = _handled(w, when=dt.datetime.now(TZ).replace(microsecond=0) - dt.timedelta(hours=5))
    act = lambda who, action, data: client_for(w.users[who]).post(reverse("enterprise:act", args=[req.pk, action]), data)  # noqa: E731
    assert act("office_b", "pause", {"reason": "等待企业补充材料"}).status_code == 404
    assert act("leader_a", "pause", {"reason": "等待企业补充材料"}).status_code == 403
    assert act("district_submitter_a", "pause", {"reason": "等待企业补充材料"}).status_code == 302
    req.refresh_from_db()
    assert req.paused_at is not None
    page = client_for(w.district_submitter_a).get(reverse("enterprise:request", args=[req.pk])).content.decode()
    assert 'id="resume-form"' in page and "暂停计时" in page
    # the board never shows a paused request red, even when its cached due moment lags behind
    EnterpriseRequest.objects.filter(pk=req.pk).update(due_at=dt.datetime.now(TZ) - dt.timedelta(days=1))
    board = client_for(w.office_a).get(reverse("enterprise:board"))
    assert board.context["overdue_count"] == 0 and all(r.pk != req.pk for r in board.context["overdue"])
    assert act("district_submitter_a", "resume", {"note": "材料已补齐"}).status_code == 302
    req.refresh_from_db()
    assert req.paused_at is None and req.due_at > dt.datetime.now(TZ)
    cal = services.work_calendar()
    until = cal.add_workdays(cal.local(req.due_at).date(), 2)
    assert act("district_submitter_a", "extend", {"until": until.isoformat(), "reason": "需会同银行评估"}).status_code == 302
    ext = RequestExtension.objects.get(request=req)
    page = client_for(w.office_a).get(reverse("enterprise:request", args=[req.pk])).content.decode()
    assert 'id="decide-form"' in page
    data = {"extension": ext.pk, "approve": "1", "reason": "情况属实，同意"}
    assert act("office_b", "decide_extension", data).status_code == 404
    assert act("district_submitter_a", "decide_extension", data).status_code == 403
    assert act("office_a", "decide_extension", data).status_code == 302
    ext.refresh_from_db()
    req.refresh_from_db()
    assert ext.status == ExtensionStatus.APPROVED and req.due_at == cal.end_of_day(until)


def test_a_huge_id_in_the_new_routes_is_a_named_refusal_not_a_database_error(w):
    for path in ("/requests/99999999999999999999/pause", "/requests/99999999999999999999/resume",
                 "/requests/99999999999999999999/extensions", "/extensions/99999999999999999999/decision"):
        assert call(w, "office_a", path, {"reason": "等待企业补充材料"}).status_code == 422, path


@pytest.mark.django_db(transaction=True)
def test_of_several_asking_and_deciding_at_once_one_asks_and_one_decides(w):
    """Real threads (together on PostgreSQL): the one-pending rule and the decision hold under the
    request's and the extension's row locks."""
    from kaohe.enterprise.models import EnterpriseRequest
    from tests.threads import done_and_refused, together

    req = _handled(w)
    done, refused = done_and_refused(together([lambda i=i: services.request_extension(
        EnterpriseRequest.objects.get(pk=req.pk), f"需会同银行评估{i}", dt.date(2025, 10, 11),
        user=w.district_submitter_a, now=at(2025, 9, 30, 16)) for i in range(4)]), services.RequestError)
    assert len(done) == 1 and refused == ["已有一项延期申请待审批"] * 3
    assert RequestExtension.objects.filter(request=req).count() == 1
    done, refused = done_and_refused(together([lambda i=i: services.decide_extension(
        RequestExtension.objects.get(pk=done[0].pk), approve=(i == 0), reason=f"意见{i}", user=w.office_a,
        now=at(2025, 10, 9, 9)) for i in range(2)]), services.RequestError)
    assert len(done) == 1 and refused == ["该延期申请已审批"]
    kinds = list(RequestStep.objects.filter(request=req).values_list("kind", flat=True))
    assert kinds.count(StepKind.EXTEND_ASK) == 1 and kinds.count(StepKind.EXTEND_OK) + kinds.count(StepKind.EXTEND_NO) == 1
