"""Publication (公示), visibility, appeals (申诉) with their deadlines, the hash chain, awards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from kaohe.notifications.models import Notification
from kaohe.results.models import AppealStatus, Award, Publication, RunTotal
from kaohe.results.runs import chain_hash
from kaohe.results.services import (
    accept_appeal,
    decide_award,
    file_appeal,
    grant_first_prizes,
    is_final,
    nominate,
    publish,
    reject_appeal,
    visible_units,
)

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 1, 20, 10, tzinfo=dt.UTC)


def test_visibility_before_and_after_publication(scored):
    w = scored.w
    assert visible_units(w.office, scored.annual) is None
    assert visible_units(w.leader, scored.annual) is None
    assert visible_units(w.assessed_a, scored.annual) == {"C-A"}
    assert visible_units(w.anonymous, scored.annual) == set()
    publish(scored.annual, w.office)
    assert visible_units(w.assessed_a, scored.annual) is None
    assert visible_units(w.anonymous, scored.annual) is None


def test_the_public_page_shows_nothing_before_publication(scored, client_for):
    assert client_for(scored.w.anonymous).get("/public/1/").status_code == 404


def test_publications_form_a_hash_chain(scored, work_calendar):
    first = publish(scored.jan, now=T0)
    second = publish(scored.feb, now=T0 + dt.timedelta(days=30))
    assert first.previous_hash == "" and first.chain_hash == chain_hash("", scored.jan.content_hash)
    assert second.previous_hash == first.chain_hash
    # published Thu 2026-02-19 18:00 (Beijing) in the Spring Festival (2/15–2/23 off): counting starts
    # Tue 2/24; 7 working days after it: 2/25, 2/26, 2/27, Sat 2/28 (调休上班), 3/2, 3/3, 3/4 → 3/4 17:30
    assert second.notice_ends == dt.datetime(2026, 3, 4, 9, 30, tzinfo=dt.UTC)
    with pytest.raises(ValidationError):
        publish(scored.jan)


def test_an_appeal_in_the_notice_period_gets_ten_working_days(scored, work_calendar):
    # T0 = Tue 2026-01-20 18:00 Beijing, after the cut-off: the notice runs 7 working days after
    # Wed 1/21 → Fri 1/30 17:30.
    pub = publish(scored.annual, now=T0)
    assert pub.notice_ends == dt.datetime(2026, 1, 30, 9, 30, tzinfo=dt.UTC)
    # filed Thu 1/22 18:00 → from Fri 1/23: 1/26–1/30 (5), 2/2–2/6 (10) → Fri 2/6 17:30 Beijing
    appeal = file_appeal(pub, scored.w.district_a, "INV", "投资数据漏报", scored.w.assessed_a, claimed_value=9.5, now=T0 + dt.timedelta(days=2))
    due = dt.datetime(2026, 2, 6, 9, 30, tzinfo=dt.UTC)
    assert appeal.answer_due == due
    assert not appeal.overdue(now=due)
    assert appeal.overdue(now=due + dt.timedelta(seconds=1))
    # two working days before: 2/5 09:30 Beijing leaves 1 h + 7.5 h ≤ 15 h → 临近
    assert appeal.clock(now=dt.datetime(2026, 2, 5, 1, 30, tzinfo=dt.UTC)).label == "临近"
    assert not is_final(pub, now=T0 + dt.timedelta(days=11))  # notice over but an appeal is open


def test_no_appeal_after_the_notice_period(scored, work_calendar):
    pub = publish(scored.annual, now=T0)
    with pytest.raises(ValidationError) as exc:
        file_appeal(pub, scored.w.district_a, "INV", "晚了", now=dt.datetime(2026, 1, 30, 9, 30, tzinfo=dt.UTC))
    assert "公示期已结束" in str(exc.value)
    assert is_final(pub, now=dt.datetime(2026, 1, 30, 9, 30, tzinfo=dt.UTC))


def test_an_appeal_names_an_indicator_of_the_units_own_results_and_a_reason(scored):
    pub = publish(scored.annual, now=T0)
    with pytest.raises(ValidationError) as exc:
        file_appeal(pub, scored.w.district_a, "XXX", " ", now=T0)
    assert set(exc.value.message_dict) == {"indicator", "reason"}


def test_accepting_an_appeal_makes_a_corrected_run_published_in_the_chain(scored):
    pub = publish(scored.annual, now=T0)
    appeal = file_appeal(pub, scored.w.district_a, "INV", "投资数据漏报", scored.w.assessed_a, claimed_value=9.5, now=T0 + dt.timedelta(days=1))
    run = accept_appeal(appeal, scored.w.office, response="核实无误，予以更正", now=T0 + dt.timedelta(days=3))
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ACCEPTED and appeal.corrected_run == run and run.previous == scored.annual
    # 甲区 INV 5 → 9.5 beats 乙区's 9: 甲 10 + 10 + 5 = 25 first, 乙 8 + 8 + 5 = 21.
    assert RunTotal.objects.get(run=run, unit_code="C-A").rank == 1
    republished = Publication.objects.get(run=run)
    assert republished.previous_hash == pub.chain_hash and republished.notice_ends == pub.notice_ends
    # The one who filed it is told, in the inbox.
    told = Notification.objects.get(kind="appeal", recipient=scored.w.assessed_a)
    assert told.title == "申诉已采纳：固定资产投资" and "核实无误，予以更正" in told.body
    assert told.link == f"/results/appeals/{appeal.pk}/" and told.object_id == appeal.pk
    call_command("verify")  # corrected runs and the chain verify


def test_rejecting_needs_a_reason_and_tells_the_unit(scored):
    pub = publish(scored.annual, now=T0)
    appeal = file_appeal(pub, scored.w.district_b, "GDP", "不服", now=T0)
    with pytest.raises(ValidationError):
        reject_appeal(appeal, scored.w.office, response="")
    reject_appeal(appeal, scored.w.office, response="依据考核办法执行")
    # Filed without a user: everyone in 乙区 is told.
    told = Notification.objects.get(kind="appeal", recipient=scored.w.assessed_b)
    assert told.title == "申诉未被采纳：地区生产总值增速" and "依据考核办法执行" in told.body
    with pytest.raises(ValidationError):
        reject_appeal(appeal, scored.w.office, response="再次")


def test_appeal_pages_as_owner_member_and_outsider(scored, client_for):
    w = scored.w
    pub = publish(scored.annual)
    assert client_for(w.assessed_a).get(f"/results/appeals/new/{pub.pk}/").status_code == 200
    assert client_for(w.leader).get(f"/results/appeals/new/{pub.pk}/").status_code == 403
    r = client_for(w.assessed_a).post(f"/results/appeals/new/{pub.pk}/", {"indicator": "INV", "reason": "数据漏报", "claimed_value": "9.5"})
    assert r.status_code == 302
    appeal = pub.appeals.get()
    url = f"/results/appeals/{appeal.pk}/"
    assert client_for(w.assessed_a).get(url).status_code == 200
    assert client_for(w.office).get(url).status_code == 200
    assert client_for(w.assessed_b).get(url).status_code == 404  # another unit's appeal is not found
    assert client_for(w.assessed_a).post(f"{url}answer/", {"decision": "reject", "response": "x"}).status_code == 403
    assert client_for(w.office).post(f"{url}answer/", {"decision": "reject", "response": "依据考核办法"}).status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REJECTED
    listing = client_for(w.assessed_b).get("/results/appeals/").content.decode()
    assert "固定资产投资" not in listing and "甲区" not in listing  # another unit's appeal is not listed


def test_a_bad_claimed_value_is_named_in_the_form(scored, client_for):
    pub = publish(scored.annual)
    html = client_for(scored.w.assessed_a).post(f"/results/appeals/new/{pub.pk}/", {"indicator": "INV", "reason": "x", "claimed_value": "九"}).content.decode()
    assert "“九”不是数字" in html


def test_first_prizes_by_tier_or_quota(scored):
    # Annual: 乙 23, 甲 21 (第一等次 ≥ 20), 丙 14, 丁 13.
    assert sorted(a.unit_code for a in grant_first_prizes(scored.annual, by="tier")) == ["C-A", "C-B"]
    assert [a.unit_code for a in grant_first_prizes(scored.annual, by="quota", count=1)] == ["C-B"]
    assert Award.objects.filter(kind="first_prize").count() == 1
    with pytest.raises(ValidationError):
        grant_first_prizes(scored.jan)


def test_honours_need_a_reason_a_person_and_the_offices_decision(scored):
    with pytest.raises(ValidationError) as exc:
        nominate(2025, "good_leader", scored.w.district_a, "", scored.w.leader)
    assert set(exc.value.message_dict) == {"reason", "person_name"}
    award = nominate(2025, "good_leader", scored.w.district_a, "担当作为", scored.w.leader, person_name="张三")
    decide_award(award, scored.w.office, approve=True, note="同意")
    assert award.status == "approved" and award.decided_at <= timezone.now()


def test_award_pages_as_office_assessed_and_outsider(scored, client_for):
    w = scored.w
    assert client_for(w.office).get("/results/awards/?year=2025").status_code == 200
    r = client_for(w.assessed_a).post("/results/awards/nominate/", {"year": "2025", "kind": "good_team", "unit": w.district_b.pk, "reason": "x"})
    assert r.status_code == 404  # 乙区 is outside 甲区's scope: not found
    r = client_for(w.assessed_a).post("/results/awards/nominate/", {"year": "2025", "kind": "good_team", "unit": w.district_a.pk, "reason": "班子团结"})
    assert r.status_code == 302
    award = Award.objects.get()
    assert client_for(w.assessed_a).post(f"/results/awards/{award.pk}/decide/", {"decision": "approve"}).status_code == 403
    assert client_for(w.office).post(f"/results/awards/{award.pk}/decide/", {"decision": "approve"}).status_code == 302
    assert client_for(w.office).post(f"/results/runs/{scored.annual.pk}/first-prizes/", {"by": "tier"}).status_code == 302
    assert Award.objects.filter(kind="first_prize").count() == 2


def test_a_publication_tells_every_assessed_unit_in_its_inbox_in_chinese(scored):
    from django.utils import translation

    with translation.override("en"):  # the office works in English; the units still read Chinese
        pub = publish(scored.annual, scored.w.office, now=T0)
    told = Notification.objects.filter(kind="publication").order_by("recipient__username")
    # 甲区 and 乙区 are the run's units: everyone in them; the city office is not told.
    assert [n.recipient.username for n in told] == ["assessed_a", "assessed_b", "leader_a", "leader_b",
                                                    "office_a", "office_b"]
    assert told[0].title == f"{pub.title}已发布" and "公示期至2026-01-30" in told[0].body  # 7 working days from Wed 1/21 (published Tue 18:00, after 17:30)
    assert told[0].link == f"/public/{pub.pk}/"


def test_an_award_decision_reaches_the_unit(scored):
    award = nominate(2025, "special", scored.w.district_a, "重大项目建设成效突出", scored.w.office)
    decide_award(award, scored.w.office, approve=True, note="同意")
    told = Notification.objects.filter(kind="award").order_by("recipient__username")
    assert [n.recipient.username for n in told] == ["assessed_a", "leader_a", "office_a"]  # everyone in 甲区
    assert told[0].title.endswith("提名已批准。") and told[0].body == "同意"
