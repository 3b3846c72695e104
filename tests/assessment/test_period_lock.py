"""A locked (锁定) period is final: neither the periods page nor the API reopens it, closes it or
moves its deadline (the data are sealed and scored; a late fix is a 更正) — refused in Chinese, the
period left locked and nothing audited; 乙区's office does not find it (404), 甲区's leader may not (403)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from kaohe.assessment.models import Period, PeriodStatus
from kaohe.audit.models import AuditEntry
from kaohe.orgs.models import ApiToken
from tests.assessment.factories import periods

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(org_world):
    w = org_world
    w.a_march = periods(2025, w.district_a)[3]
    Period.objects.filter(pk=w.a_march.pk).update(status=PeriodStatus.LOCKED)
    w.tokens = {name: ApiToken.issue(w.users[name], "t")[1] for name in ("office_a", "office_b", "leader_a")}
    return w


def api(w, role, action, body=None):
    return Client().post(f"/api/assessment/periods/{w.a_march.pk}/{action}", json.dumps(body or {}),
                         content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {w.tokens[role]}")


def page(client, w, status, deadline=""):
    return client.post(reverse("assessment:periods"), {"action": "status", "period": w.a_march.pk, "status": status,
                                                       "deadline": deadline}, follow=True)


def untouched(w) -> bool:
    period = Period.objects.get(pk=w.a_march.pk)
    updates = AuditEntry.objects.of_type("assessment.period").filter(object_id=period.pk, action="update")
    return period.status == PeriodStatus.LOCKED and period.deadline == w.a_march.deadline and not updates.exists()


@pytest.mark.parametrize("action", ["open", "close"])
def test_the_api_refuses_to_reopen_or_close_a_locked_period_in_chinese(w, action):
    response = api(w, "office_a", action)
    assert response.status_code == 422 and "已锁定，不能重新开放或修改截止日期" in response.json()["detail"]
    assert untouched(w)


def test_the_api_refuses_a_new_deadline_for_a_locked_period(w):
    assert api(w, "office_a", "close", {"deadline": "2025-05-20"}).status_code == 422
    assert untouched(w)


def test_the_api_hides_a_locked_period_from_another_district_and_refuses_a_leader(w):
    assert api(w, "office_b", "open").status_code == 404
    assert api(w, "leader_a", "open").status_code == 403
    assert untouched(w)


def test_the_periods_page_refuses_to_reopen_a_locked_period_in_chinese(w, client_for):
    response = page(client_for(w.office_a), w, "open")
    assert response.status_code == 200 and "已锁定，不能重新开放或修改截止日期" in response.content.decode()
    assert untouched(w)


def test_the_periods_page_refuses_a_new_deadline_for_a_locked_period(w, client_for):
    page(client_for(w.office_a), w, "locked", deadline="2025-05-20")
    assert untouched(w)


def test_saving_a_locked_periods_row_unchanged_changes_nothing(w, client_for):
    response = page(client_for(w.office_a), w, "locked")
    assert response.status_code == 200 and "已锁定，不能" not in response.content.decode()
    assert untouched(w)


def test_the_periods_page_hides_a_locked_period_from_another_district(w, client_for):
    assert page(client_for(w.office_b), w, "open").status_code == 404
    assert untouched(w)


def test_an_open_period_is_not_locked_by_a_status_change_only_by_locking_it(w, client_for):
    """锁定 checks that every unit is approved and locks their data with the period (lock_period);
    the periods page's status list does not offer it and a posted 'locked' is refused in Chinese."""
    april = periods(2025, w.district_a)[4]
    client = client_for(w.office_a)
    listing = client.get(reverse("assessment:periods"), {"year": 2025}).content.decode()
    assert 'value="locked"' not in listing
    response = client.post(reverse("assessment:periods"), {"action": "status", "period": april.pk, "status": "locked",
                                                           "deadline": ""}, follow=True)
    assert "须在审核页面锁定" in response.content.decode()
    assert Period.objects.get(pk=april.pk).status == PeriodStatus.OPEN
    assert not AuditEntry.objects.of_type("assessment.period").filter(object_id=april.pk, action="update").exists()
