"""Pages and endpoints as owner / member / outsider: the statistics submitter owns its grid,
the commerce submitter is a member of the platform but not of that grid, anonymous is out."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from kaohe.assessment import services
from kaohe.assessment.models import DataValue, SubmissionStatus
from tests.assessment.factories import adopted_version, periods

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_world):
    version = adopted_version(org_world)
    months = periods(2025)
    return org_world, version, months[3]


def _grid_args(version, period, unit):
    return [version.pk, period.pk, unit.pk]


def test_the_grid_shows_units_and_owned_indicators_to_its_submitter(world, client_for):
    w, version, period = world
    response = client_for(w.submitter).get(reverse("assessment:grid", args=_grid_args(version, period, w.stats_bureau)))
    assert response.status_code == 200
    body = response.content.decode()
    assert "甲区" in body and "乙区" in body and "固定资产投资" in body and "出口总额" not in body


@pytest.mark.parametrize("who, status", [("submitter", 200), ("office", 200), ("leader", 200), ("submitter_b", 403), ("assessed_a", 404),
                                       ("office_a", 404), ("district_submitter_a", 404)])
def test_who_may_see_the_statistics_grid(world, client_for, who, status):
    w, version, period = world
    response = client_for(w.users[who]).get(reverse("assessment:grid", args=_grid_args(version, period, w.stats_bureau)))
    assert response.status_code == status


def test_anonymous_users_are_sent_to_login_from_every_page(world, client_for):
    w, version, period = world
    c = client_for(w.anonymous)
    urls = [
        reverse("assessment:scheme_list"), reverse("assessment:version", args=[version.pk]),
        reverse("assessment:grid", args=_grid_args(version, period, w.stats_bureau)),
        reverse("assessment:template", args=_grid_args(version, period, w.stats_bureau)),
        reverse("assessment:upload", args=_grid_args(version, period, w.stats_bureau)),
        reverse("assessment:review_period", args=[version.pk, period.pk]), reverse("assessment:periods"),
        reverse("assessment:data_entry"), reverse("api_tokens"),
    ]
    for url in urls:
        assert c.get(url).status_code == 302, url


def _save(client, version, period, unit, items):
    return client.post(reverse("assessment:grid_save", args=_grid_args(version, period, unit)),
                       data=json.dumps({"items": items}), content_type="application/json")


def test_saving_a_cell_from_the_grid_returns_its_new_revision(world, client_for):
    w, version, period = world
    r = _save(client_for(w.submitter), version, period, w.stats_bureau,
              [{"unit": w.district_a.pk, "indicator": "fai", "value": "1,234.5", "revision": 0}])
    assert r.status_code == 200
    assert r.json()["results"] == [{"unit": w.district_a.pk, "indicator": "fai", "status": "saved", "revision": 1, "level": "", "messages": []}]
    assert DataValue.objects.get(indicator="fai").value == 1234.5


def test_two_editors_of_one_cell_conflict_and_the_second_sees_both_values(world, client_for):
    w, version, period = world
    _save(client_for(w.submitter), version, period, w.stats_bureau, [{"unit": w.district_a.pk, "indicator": "fai", "value": "100", "revision": 0}])
    _save(client_for(w.office), version, period, w.stats_bureau, [{"unit": w.district_a.pk, "indicator": "fai", "value": "120", "revision": 1}])
    r = _save(client_for(w.submitter), version, period, w.stats_bureau, [{"unit": w.district_a.pk, "indicator": "fai", "value": "105", "revision": 1}])
    res = r.json()["results"][0]
    assert (res["status"], res["theirs"], res["yours"], res["by"]) == ("conflict", "120", "105", "office")


def test_a_member_cannot_save_into_another_units_grid(world, client_for):
    w, version, period = world
    r = _save(client_for(w.submitter_b), version, period, w.stats_bureau, [{"unit": w.district_a.pk, "indicator": "fai", "value": "1"}])
    assert r.status_code == 403
    assert not DataValue.objects.exists()


def test_a_cell_of_an_indicator_the_unit_does_not_own_is_refused(world, client_for):
    w, version, period = world
    r = _save(client_for(w.submitter), version, period, w.stats_bureau, [{"unit": w.district_a.pk, "indicator": "export", "value": "1"}])
    assert r.json()["results"][0]["status"] == "error"


@pytest.mark.parametrize("body", ["", "[]", '{"items": 3}', '{"items": [{"unit": "x"}]}', '{"items": [{}]}', "not json"])
def test_malformed_grid_payloads_are_a_400_not_a_500(world, client_for, body):
    w, version, period = world
    r = client_for(w.submitter).post(reverse("assessment:grid_save", args=_grid_args(version, period, w.stats_bureau)), data=body, content_type="application/json")
    assert r.status_code == 400


@pytest.mark.parametrize("who, status", [("office", 200), ("submitter", 403), ("leader", 403)])
def test_only_the_office_reviews(world, client_for, who, status):
    w, version, period = world
    assert client_for(w.users[who]).get(reverse("assessment:review_period", args=[version.pk, period.pk])).status_code == status


def test_the_office_approves_returns_and_reminds_from_the_board(world, client_for):
    w, version, period = world
    sub = services.submission_for(version, w.commerce_bureau, period)
    sub.status = SubmissionStatus.SUBMITTED
    sub.save()
    office = client_for(w.office)
    assert office.post(reverse("assessment:review_action", args=[sub.pk, "return"]), {"reason": "请核实"}).status_code == 302
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.RETURNED and sub.reason == "请核实"
    office.post(reverse("assessment:remind_unit", args=[version.pk, period.pk, w.stats_bureau.pk]))
    assert services.submission_for(version, w.stats_bureau, period).reminders.count() == 1
    page = client_for(w.submitter).get(reverse("assessment:grid", args=_grid_args(version, period, w.stats_bureau)))
    assert "催报提醒" in page.content.decode()
    # The reminder is in the statistics submitter's inbox (not the other bureau's), linking to its grid.
    from kaohe.notifications.models import Notification

    told = Notification.objects.get(kind="reminder")
    assert told.recipient == w.submitter and told.title.startswith("催报：")
    assert told.link == reverse("assessment:grid", args=_grid_args(version, period, w.stats_bureau))
    assert client_for(w.submitter).post(reverse("assessment:review_action", args=[sub.pk, "approve"])).status_code == 403


@pytest.mark.parametrize("who, status", [("office", 200), ("leader", 200), ("submitter", 200), ("assessed_a", 200)])
def test_scheme_pages_are_readable_by_everyone_signed_in(world, client_for, who, status):
    w, version, period = world
    c = client_for(w.users[who])
    assert c.get(reverse("assessment:scheme_list")).status_code == status
    assert c.get(reverse("assessment:version", args=[version.pk])).status_code == status


@pytest.mark.parametrize("who, status", [("office", 200), ("submitter", 403), ("assessed_a", 403)])
def test_only_the_office_imports_schemes(world, client_for, who, status):
    w, version, period = world
    assert client_for(w.users[who]).get(reverse("assessment:scheme_import")).status_code == status


def test_the_value_history_is_one_click_from_the_cell(world, client_for):
    w, version, period = world
    c = client_for(w.submitter)
    _save(c, version, period, w.stats_bureau, [{"unit": w.district_a.pk, "indicator": "fai", "value": "100"}])
    _save(c, version, period, w.stats_bureau, [{"unit": w.district_a.pk, "indicator": "fai", "value": "101", "revision": 1}])
    r = c.get(reverse("assessment:value_history", args=[version.pk, period.pk]), {"unit": w.district_a.pk, "indicator": "fai"})
    body = r.content.decode()
    assert r.status_code == 200 and "101" in body and "100" in body
    assert client_for(w.submitter_b).get(reverse("assessment:value_history", args=[version.pk, period.pk]), {"unit": w.district_a.pk, "indicator": "fai"}).status_code == 403


def test_the_office_corrects_a_value_with_a_reason(world, client_for):
    w, version, period = world
    r = client_for(w.office).post(reverse("assessment:correct", args=[version.pk, period.pk]),
                                  {"unit": w.district_a.pk, "indicator": "fai", "value": "77", "reason": "统计局更正"})
    assert r.status_code == 302
    assert DataValue.objects.get(indicator="fai").value == 77
    assert client_for(w.submitter).get(reverse("assessment:correct", args=[version.pk, period.pk])).status_code == 403


def test_periods_are_generated_by_the_office_only(world, client_for):
    w, version, period = world
    assert client_for(w.submitter).post(reverse("assessment:periods"), {"action": "generate", "year": "2027"}).status_code == 403
    client_for(w.office).post(reverse("assessment:periods"), {"action": "generate", "year": "2027", "deadline_day": "10"})
    from kaohe.assessment.models import Period

    march = Period.objects.get(year=2027, kind="month", number=3)
    # the 10th working day after Wed 3/31 (2027's holidays not loaded: weekends only):
    # 4/1, 4/2, 4/5–4/9 (7), 4/12, 4/13, 4/14 (10)
    assert march.deadline.isoformat() == "2027-04-14" and march.label == "2027年3月"


def test_data_entry_landing_lists_periods_for_a_submitter(world, client_for):
    w, version, period = world
    r = client_for(w.submitter).get(reverse("assessment:data_entry"))
    assert r.status_code == 200 and "2025年3月" in r.content.decode()


def test_tokens_are_shown_once_and_stored_hashed(world, client_for):
    w, version, period = world
    r = client_for(w.submitter).post(reverse("api_tokens"), {"name": "统计系统"})
    from kaohe.orgs.models import ApiToken

    token = ApiToken.objects.get()
    key = r.context["new_key"]
    assert key.startswith("kh_") and token.key_hash == ApiToken.hash(key) and key not in token.key_hash


def test_office_only_actions_refuse_a_submitter_and_send_anonymous_to_login(world, client_for):
    w, version, period = world
    sub = services.submission_for(version, w.stats_bureau, period)
    from kaohe.assessment.models import QualityFinding

    finding = QualityFinding.objects.create(submission=sub, code="peer_outlier", message="m")
    posts = [
        reverse("assessment:review_bulk", args=[version.pk, period.pk]),
        reverse("assessment:review_action", args=[sub.pk, "approve"]),
        reverse("assessment:remind_unit", args=[version.pk, period.pk, w.stats_bureau.pk]),
        reverse("assessment:finding_resolve", args=[finding.pk]),
        reverse("assessment:version_new", args=[version.pk]),
        reverse("assessment:version_clone", args=[version.pk]),
        reverse("assessment:version_adopt", args=[version.pk]),
        reverse("assessment:version_edit", args=[version.pk]),
        reverse("assessment:version_targets", args=[version.pk]),
        reverse("assessment:correct", args=[version.pk, period.pk]),
        reverse("assessment:scheme_import"),
    ]
    member, anonymous = client_for(w.submitter), client_for(w.anonymous)
    for url in posts:
        assert member.post(url, {"action": "lock", "reason": "x"}).status_code == 403, url
        assert anonymous.post(url).status_code == 302, url
    finding.refresh_from_db()
    assert not finding.resolved


def test_a_user_cannot_revoke_someone_elses_token(world, client_for):
    w, version, period = world
    from kaohe.orgs.models import ApiToken

    token, _key = ApiToken.issue(w.submitter_b, "b")
    assert client_for(w.submitter).post(reverse("api_tokens"), {"revoke": token.pk}).status_code == 404
    token.refresh_from_db()
    assert not token.revoked


def test_the_submitter_posts_to_submit_and_sees_the_blocking_problems(world, client_for):
    w, version, period = world
    r = client_for(w.submitter).post(reverse("assessment:submit", args=_grid_args(version, period, w.stats_bureau)), follow=True)
    assert "未填报" in r.content.decode()
    assert client_for(w.submitter_b).post(reverse("assessment:submit", args=_grid_args(version, period, w.stats_bureau))).status_code == 403


def test_the_grid_speaks_english_when_asked(world, client_for):
    w, version, period = world
    c = client_for(w.submitter)
    from django.conf import settings

    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = c.get(reverse("assessment:grid", args=_grid_args(version, period, w.stats_bureau))).content.decode()
    assert "Submit for review" in body and "Download Excel template" in body


def test_copying_a_scheme_to_a_year_that_is_not_a_number_says_so_in_chinese(world, client_for):
    w, version, period = world
    office = client_for(w.office)
    r = office.post(reverse("assessment:version_clone", args=[version.pk]), {"year": "二〇二七"}, follow=True)
    texts = [str(m) for m in r.context["messages"]]
    assert texts == ["年度应为 2000–2100 之间的整数"], texts  # not Python's "invalid literal for int()"
