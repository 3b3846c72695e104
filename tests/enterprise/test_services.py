"""The credit code, the 12345 workflow (every transition and refusal), 事不过夜 at its boundaries, the
one-time codes of the enterprise's link, and escalation."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kaohe.audit.models import AuditEntry
from kaohe.enterprise import services
from kaohe.enterprise.models import AccessCode, RequestStep, Status, StepKind
from kaohe.lib import creditcode
from kaohe.orgs.models import DeadlineEvent
from tests.enterprise.factories import EnterpriseFactory

TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h=9, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


# ---- 统一社会信用代码 (GB 32100-2015) ------------------------------------------------------


def test_a_published_code_checks_out_by_hand():
    # 91350100M000100Y4 3: values 9,1,3,5,0,1,0,0,M=21,0,0,0,1,0,0,Y=30,4 times the weights
    # 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28 → 9+3+27+135+0+26+0+0+420+0+0+0+8+0+0+900+112 = 1640;
    # 1640 mod 31 = 28; 31 − 28 = 3 → the 18th character is "3".
    assert creditcode.check_char("91350100M000100Y4") == "3"
    assert creditcode.problem("91350100M000100Y43") == ""
    assert creditcode.is_valid(" ９１３５０１００ｍ０００１００ｙ４３ ")  # full-width and lower case folded


def test_a_check_value_of_31_is_written_0():
    # 1000000000000000 + "x": only position 1 (weight 1) carries 1 → 1 + 28·v17 ≡ 0 (mod 31) needs
    # 28·v17 ≡ 30, v17 = 12 ("C"): total 1 + 336 = 337 = 31·10 + 27 → 31 − 27 = 4. Instead take
    # "10000000000000000": total 1 → 31 − 1 = 30 → "Y"; and "00000000000000000": total 0 → 31 → "0".
    assert creditcode.check_char("10000000000000000") == "Y"
    assert creditcode.check_char("00000000000000000") == "0"


@pytest.mark.parametrize(("code", "why"), [
    ("91350100M000100Y42", "校验码不符：第18位应为“3”"),
    ("91350100M000100Y4", "应为18位"),
    ("91350100M0001O0Y43", "不能含“O”"),
    ("91350100I000100Y43", "不能含“I”"),
    ("913501A0M000100Y43", "行政区划码"),
])
def test_bad_codes_are_refused_with_the_reason(code, why):
    assert why in creditcode.problem(code)
    assert not creditcode.is_valid(code)


def test_the_register_refuses_a_bad_or_a_second_code(org_world):
    with pytest.raises(services.RequestError, match="校验码"):
        services.register_enterprise({"credit_code": "91350100M000100Y42", "name": "甲", "unit": org_world.district_a})
    services.register_enterprise({"credit_code": "91350100m000100y43", "name": "甲", "unit": org_world.district_a})
    with pytest.raises(services.RequestError, match="已登记"):
        services.register_enterprise({"credit_code": "91350100M000100Y43", "name": "乙", "unit": org_world.district_a})


# ---- the workflow -------------------------------------------------------------------------


@pytest.fixture
def w(org_world, work_calendar):
    w = org_world
    w.ent = EnterpriseFactory(unit=w.towns_a[0], specialist=w.assessed_town_a, task_force="先进制造专班")
    return w


def _new(w, when=None, **kw):
    data = {"rtype": "finance", "title": "流动资金贷款贴息", "channel": "specialist", "first_unit": w.district_a,
            "user": w.assessed_town_a, "now": when or at(2025, 9, 22, 10)}
    data.update(kw)
    return services.receive(w.ent, **data)


def test_the_whole_road_receive_assign_sign_respond_reply_visit_close(w):
    req = _new(w)  # Monday 2025-09-22 10:00, 融资: 3 working days
    assert req.number == f"QY2025{req.pk:06d}" and req.status == Status.RECEIVED and req.tier == "wd3"
    assert req.first_unit == w.district_a
    assert req.response_due_at == at(2025, 9, 22, 17, 30)  # 事不过夜
    assert req.due_at == at(2025, 9, 25, 17, 30)  # Thursday, 3 working days
    services.assign(req, w.stats_a, user=w.office_a, now=at(2025, 9, 22, 11))
    assert req.status == Status.ASSIGNED and req.level == "district"
    services.sign(req, user=w.district_submitter_a, now=at(2025, 9, 22, 14))
    services.respond(req, "已电话联系企业财务负责人，明日上门核实材料", user=w.district_submitter_a, now=at(2025, 9, 22, 16))
    services.note(req, "已提交银行审核", user=w.district_submitter_a, now=at(2025, 9, 23, 10))
    services.reply(req, "贴息已批复，9月底前拨付", user=w.district_submitter_a, now=at(2025, 9, 24, 15))
    assert req.status == Status.REPLIED and req._survey_key
    c = services.clocks(req, now=at(2025, 9, 30))
    assert c["response"].status == "done" and c["sign"].status == "done" and c[""].status == "done"
    services.visit(req, "satisfied", comment="办得快", by_enterprise=True, now=at(2025, 9, 25, 9))
    assert req.status == Status.CLOSED and req.closed_at == at(2025, 9, 25, 9) and req.solved is True
    kinds = list(RequestStep.objects.filter(request=req).values_list("kind", flat=True))
    assert kinds == ["receive", "assign", "sign", "respond", "note", "reply", "visit", "close"]
    # every step audited with the request as parent
    entries = AuditEntry.objects.filter(related_object_id=req.pk, related_object_type__model="enterpriserequest")
    assert entries.count() == 8


def test_refusals_at_every_state(w):
    req = _new(w)
    with pytest.raises(services.RequestError, match="不能进行此操作"):
        services.sign(req)
    with pytest.raises(services.RequestError, match="先分派"):
        services.reply(req, "已答复企业")
    with pytest.raises(services.RequestError, match="不能进行此操作"):
        services.visit(req, "satisfied")
    services.assign(req, w.stats_a)
    with pytest.raises(services.RequestError, match="不能进行此操作"):
        services.assign(req, w.stats_b)
    with pytest.raises(services.RequestError, match="不能进行此操作"):
        services.reply(req, "已答复企业")
    with pytest.raises(services.RequestError, match="实质性响应"):
        services.respond(req, "收到")
    with pytest.raises(services.RequestError, match="法定依据"):
        services.hand_back(req, "")
    services.sign(req)
    with pytest.raises(services.RequestError, match="答复内容"):
        services.reply(req, "")
    services.reply(req, "已协调银行放款")
    with pytest.raises(services.RequestError, match="满意"):
        services.visit(req, "great")
    services.visit(req, "basic")
    with pytest.raises(services.RequestError, match="不能进行此操作"):
        services.note(req, "补充说明")
    with pytest.raises(services.RequestError, match="不能进行此操作"):
        services.escalate(req)


def test_hand_back_needs_a_legal_basis_and_returns_to_the_first_unit(w):
    req = _new(w)
    services.assign(req, w.stats_a, now=at(2025, 9, 22, 11))
    services.hand_back(req, "《统计法》第七条：统计机构不承担企业融资事项", reason="非本单位职责", now=at(2025, 9, 22, 15))
    assert req.status == Status.RECEIVED and req.handler_unit is None and req.handbacks == 1
    assert req.first_unit == w.district_a  # 首问负责: it stays with the first-contact unit
    step = RequestStep.objects.get(request=req, kind=StepKind.HAND_BACK)
    assert step.basis.startswith("《统计法》") and step.unit == w.stats_a
    services.assign(req, w.commerce_bureau, now=at(2025, 9, 22, 16))
    assert req.level == "city"


def test_unsatisfied_sends_it_out_again_for_a_second_round(w):
    req = _new(w)
    services.assign(req, w.stats_a, now=at(2025, 9, 22, 11))
    services.sign(req, now=at(2025, 9, 22, 12))
    services.reply(req, "建议向银行申请", now=at(2025, 9, 23, 10))
    services.visit(req, "unsatisfied", comment="没有解决实际问题", by_enterprise=True, now=at(2025, 9, 24, 10))
    assert req.status == Status.ASSIGNED and req.round == 2 and req.handler_unit == w.stats_a
    assert req.solved is False and req.satisfaction == "unsatisfied"
    # a fresh limit of 3 working days from Wednesday 24th 10:00 → Saturday 27th off, Sunday 28th 调休上班
    assert req.due_at == at(2025, 9, 28, 17, 30)
    c = services.clocks(req, now=at(2025, 9, 24, 11))
    assert c[""].status == "normal" and c["sign"].status == "normal"
    services.sign(req, now=at(2025, 9, 24, 12))
    services.reply(req, "已协调担保公司增信，贷款已放", now=at(2025, 9, 26, 10))
    services.visit(req, "satisfied", now=at(2025, 9, 26, 15))
    assert req.status == Status.CLOSED
    assert list(RequestStep.objects.filter(request=req, kind=StepKind.REOPEN).values_list("round", flat=True)) == [2]


def test_immediate_requests_are_answered_at_intake(w):
    req = _new(w, rtype="policy", answer="高企认定申报截止6月30日，可线上提交", channel="office", user=w.office_a)
    assert req.tier == "immediate" and req.status == Status.REPLIED and req.responded_at == req.received_at
    assert services.clocks(req, now=at(2025, 10, 1))[""].status == "done"


def test_an_urgent_request_gets_two_working_hours(w):
    req = _new(w, rtype="utilities", urgency="urgent", when=at(2025, 9, 26, 16, 30))
    # Friday 16:30 + 2 working hours: one hour on Friday, one on Sunday 28th (调休上班) from 08:30
    assert req.tier == "hours2" and req.due_at == at(2025, 9, 28, 9, 30)


# ---- 事不过夜 at its boundary: Friday 2025-09-26, Sunday 28th is a 调休 working day ------------


def test_a_request_at_1729_on_friday_is_due_the_same_evening(w):
    req = _new(w, when=at(2025, 9, 26, 17, 29))
    assert req.response_due_at == at(2025, 9, 26, 17, 30)
    assert services.clocks(req, now=at(2025, 9, 26, 17, 31))["response"].status == "overdue"


def test_a_request_at_1731_on_friday_is_due_on_the_make_up_sunday(w):
    req = _new(w, when=at(2025, 9, 26, 17, 31))
    assert req.response_due_at == at(2025, 9, 28, 17, 30)  # not Monday 29th: Sunday 28th is worked
    assert services.clocks(req, now=at(2025, 9, 27, 12))["response"].status == "normal"
    services.respond(req, "已与企业约定周日上午现场办公", now=at(2025, 9, 28, 9))
    assert services.clocks(req, now=at(2025, 9, 29))["response"].status == "done"


def test_the_cutoff_is_configurable(w, settings):
    settings.KAOHE_ENTERPRISE = {"response_limit": {"workdays": 0, "cutoff": "17:00"}}
    req = _new(w, when=at(2025, 9, 26, 17, 10))
    assert req.response_due_at == at(2025, 9, 28, 17, 0)


def test_resolution_limits_are_configurable(w, settings):
    settings.KAOHE_ENTERPRISE = {"type_tiers": {"land": "wd1"}, "tiers": {**services.config.DEFAULTS["tiers"],
                                                                          "wd1": {"workdays": 2}}}
    req = _new(w, rtype="land", when=at(2025, 9, 22, 9))
    assert req.tier == "wd1" and req.due_at == at(2025, 9, 24, 17, 30)


# ---- overdue → 督办 -----------------------------------------------------------------------


def test_the_sweep_escalates_overdue_requests_once(w):
    late = _new(w, when=at(2025, 9, 22, 10))  # due Thursday 25th 17:30
    fresh = _new(w, when=at(2025, 9, 29, 10), rtype="land")
    r = services.sweep(now=at(2025, 9, 29, 18))  # overdue by Fri + Sun + Mon = 3 working days ≥ 2
    assert (r.open, r.overdue, r.escalated) == (2, 1, 1)
    late.refresh_from_db()
    fresh.refresh_from_db()
    assert late.escalated_at == at(2025, 9, 29, 18) and fresh.escalated_at is None
    # 立项 in supervision: one task for the request, linked back, led by the handling side
    from kaohe.supervision.services import task_for

    task = task_for(late)
    assert task is not None and late.supervision_ref == task.number and task.lead_unit == w.district_a
    assert RequestStep.objects.filter(request=late, kind=StepKind.ESCALATE).count() == 1
    assert services.sweep(now=at(2025, 9, 30, 18)).escalated == 0
    with pytest.raises(services.RequestError, match="已提请督办"):
        services.escalate(late)


def test_one_click_escalation(w):
    req = _new(w)
    services.escalate(req, user=w.office_a, now=at(2025, 9, 26, 10))
    assert req.escalated_at is not None
    assert RequestStep.objects.get(request=req, kind=StepKind.ESCALATE).by == w.office_a


def test_the_clocks_live_in_the_one_event_log(w):
    req = _new(w)
    names = set(DeadlineEvent.objects.filter(object_id=req.pk, content_type__model="enterpriserequest")
                .values_list("clock", flat=True))
    assert names == {"response", ""}


def test_a_second_request_of_the_same_kind_within_30_days_is_a_repeat(w):
    first = _new(w, when=at(2025, 9, 1, 10))
    second = _new(w, when=at(2025, 9, 22, 10))
    other = _new(w, when=at(2025, 9, 23, 10), rtype="land")
    assert second.repeat_of == first and other.repeat_of is None and first.repeat_of is None


# ---- the enterprise's own link: one-time codes ----------------------------------------------


def test_a_code_works_once(w, mailoutbox):
    now = at(2025, 9, 22, 10)
    code = services.issue_code(w.ent, "10.0.0.1", now=now)
    assert code in mailoutbox[-1].body if mailoutbox else True
    assert not services.verify_code(w.ent, "000000" if code != "000000" else "111111", now=now)
    assert services.verify_code(w.ent, code, now=now)
    assert not services.verify_code(w.ent, code, now=now)  # used up


def test_a_code_expires(w):
    now = at(2025, 9, 22, 10)
    code = services.issue_code(w.ent, "10.0.0.1", now=now)
    assert not services.verify_code(w.ent, code, now=now + dt.timedelta(minutes=10, seconds=1))


def test_five_wrong_entries_void_the_code(w):
    now = at(2025, 9, 22, 10)
    code = services.issue_code(w.ent, "10.0.0.1", now=now)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert not services.verify_code(w.ent, wrong, now=now)
    assert not services.verify_code(w.ent, code, now=now)


def test_codes_are_rate_limited_per_enterprise_and_per_address(w, org_world):
    now = at(2025, 9, 22, 10)
    for i in range(5):
        services.issue_code(w.ent, f"10.0.0.{i}", now=now + dt.timedelta(minutes=i))
    with pytest.raises(services.RateLimited, match="频繁"):
        services.issue_code(w.ent, "10.0.0.99", now=now + dt.timedelta(minutes=6))
    services.issue_code(w.ent, "10.0.0.99", now=now + dt.timedelta(minutes=61))  # an hour on
    others = [EnterpriseFactory(unit=w.towns_a[0]) for _ in range(20)]
    for ent in others:
        services.issue_code(ent, "10.9.9.9", now=now + dt.timedelta(minutes=55))
    with pytest.raises(services.RateLimited, match="网络地址"):
        services.issue_code(w.ent, "10.9.9.9", now=now + dt.timedelta(minutes=62))
    assert AccessCode.objects.filter(ip="10.9.9.9").count() == 20


def test_an_expired_or_renewed_link_opens_nothing(w):
    key = w.ent.link_key
    assert services.enterprise_by_link(key) == w.ent
    services.renew_link(w.ent)
    assert services.enterprise_by_link(key) is None
    assert services.enterprise_by_link(w.ent.link_key) == w.ent
    assert services.enterprise_by_link(w.ent.link_key, now=w.ent.link_expires_at) is None


def test_the_satisfaction_link_is_one_time(w):
    req = _new(w)
    services.assign(req, w.stats_a)
    services.sign(req)
    services.reply(req, "已办理完毕")
    key = req._survey_key
    assert services.survey_request(key) == req
    services.visit(req, "satisfied", by_enterprise=True)
    assert services.survey_request(key) is None


def test_the_daily_command_sweeps_and_escalates(w):
    from io import StringIO

    from django.core.management import call_command

    _new(w, when=at(2025, 9, 1, 10))  # long overdue by the real today
    out = StringIO()
    call_command("enterprise_sweep", stdout=out)
    assert "open=1 overdue=1 escalated=1" in out.getvalue()
