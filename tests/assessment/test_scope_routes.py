"""Every assessment page and action × every role, on 甲区's own scheme — and the defects of issue 9.

The objects belong to 甲区 (its scheme over its towns, its statistics bureau responsible):
the city's office and leader see them from above, 甲区's people from inside, and 乙区's
people — the same-role outsiders — are not told they exist (404). A role that sees an object
but may not act on it gets 403; anonymous visitors are sent to the login page.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from kaohe.assessment import services
from kaohe.assessment.models import DataValue, Period, PeriodStatus, Submission, SubmissionStatus
from tests.assessment.factories import city_version, district_version, periods, put

pytestmark = pytest.mark.django_db

ROLES = [
    "office", "leader", "submitter", "submitter_b", "assessed_a", "assessed_b",
    "office_a", "leader_a", "district_submitter_a", "assessed_town_a",
    "office_b", "leader_b", "district_submitter_b", "assessed_town_b", "anonymous",
]
CITY = {"office", "leader", "submitter", "submitter_b"}
A = {"office_a", "leader_a", "district_submitter_a", "assessed_a"}
B = {"office_b", "leader_b", "district_submitter_b", "assessed_b", "assessed_town_b"}
#: Who sees 甲区's scheme (published down to its towns): the city, 甲区 and its town.
SEE_SCHEME = CITY | A | {"assessed_town_a"}
#: Who sees 甲区统计局's submission (owners 甲区 and 甲区统计局; not the town below).
SEE_SUBMISSION = CITY | A
MANAGE = {"office", "office_a"}
READ_GRID = {"office", "leader", "office_a", "leader_a", "district_submitter_a"}
ASSESSED = {"assessed_a", "assessed_b", "assessed_town_a", "assessed_town_b"}
#: Offices, leaders and submitters open the data pages (each then sees its own part).
DATA_PAGES = (CITY | A | B) - ASSESSED


@pytest.fixture
def w(org_world):
    w = org_world
    w.city_v, w.district_v = city_version(w), district_version(w)
    w.march, w.a_march = periods(2025)[3], periods(2025, w.district_a)[3]
    put(w, w.district_v, w.a_march, {("C-A-01", "fai"): 1, ("C-A-02", "fai"): 2}, user=w.district_submitter_a)
    put(w, w.city_v, w.march, {("C-A", "fai"): 10, ("C-B", "fai"): 20})
    w.district_sub = services.submission_for(w.district_v, w.stats_a, w.a_march)
    w.city_sub = services.submission_for(w.city_v, w.stats_bureau, w.march)
    return w


def _args(w, names):
    objects = {"dv": w.district_v.pk, "march": w.a_march.pk, "ru": w.stats_a.pk, "dsub": w.district_sub.pk}
    return [objects.get(a, a) for a in names]


def _request(client, method, url, data):
    if method == "json":
        return client.post(url, json.dumps(data), content_type="application/json")
    if method == "post":
        return client.post(url, data)
    return client.get(url, data)


# (url name, args, method, data, who may (status ok), who sees it but may not (403)); others: 404
ROUTES = [
    ("assessment:scheme_list", [], "get", {}, SEE_SCHEME | B, set()),
    ("assessment:version", ["dv"], "get", {}, SEE_SCHEME, set()),
    ("assessment:version_targets", ["dv"], "get", {}, SEE_SCHEME, set()),
    ("assessment:version_export", ["dv", "yaml"], "get", {}, SEE_SCHEME, set()),
    ("assessment:version_preview", ["dv"], "get", {}, MANAGE, SEE_SCHEME - MANAGE),
    ("assessment:version_editor", ["dv"], "get", {}, MANAGE, SEE_SCHEME - MANAGE),
    ("assessment:version_editor", ["dv"], "post", {}, MANAGE, SEE_SCHEME - MANAGE),
    ("assessment:version_new", ["dv"], "post", {"reason": "调整"}, MANAGE, SEE_SCHEME - MANAGE),
    ("assessment:version_targets", ["dv"], "post", {}, MANAGE, SEE_SCHEME - MANAGE),
    ("assessment:data_entry", [], "get", {}, DATA_PAGES, ASSESSED),
    ("assessment:grid", ["dv", "march", "ru"], "get", {}, READ_GRID, SEE_SUBMISSION - READ_GRID),
    ("assessment:template", ["dv", "march", "ru"], "get", {}, READ_GRID, SEE_SUBMISSION - READ_GRID),
    ("assessment:value_history", ["dv", "march"], "get", {"unit": "C-A-01", "indicator": "fai"}, READ_GRID,
     SEE_SUBMISSION - READ_GRID | {"assessed_town_a"}),
    ("assessment:grid_save", ["dv", "march", "ru"], "json", {"items": [{"unit": "C-A-01", "indicator": "fai", "value": "3"}]},
     {"office", "office_a", "district_submitter_a"}, SEE_SUBMISSION - {"office", "office_a", "district_submitter_a"}),
    ("assessment:upload", ["dv", "march", "ru"], "post", {}, {"office", "office_a", "district_submitter_a"},
     SEE_SUBMISSION - {"office", "office_a", "district_submitter_a"}),
    ("assessment:review_period", ["dv", "march"], "get", {}, MANAGE, SEE_SCHEME - MANAGE),
    ("assessment:correct", ["dv", "march"], "get", {}, MANAGE, SEE_SCHEME - MANAGE),
    ("assessment:review_bulk", ["dv", "march"], "post", {"action": "remind_late"}, MANAGE, SEE_SCHEME - MANAGE),
    ("assessment:review_action", ["dsub", "remind"], "post", {}, MANAGE, SEE_SUBMISSION - MANAGE),
    ("assessment:remind_unit", ["dv", "march", "ru"], "post", {}, MANAGE, SEE_SUBMISSION - MANAGE),
    ("assessment:periods", [], "get", {}, DATA_PAGES, ASSESSED),
]


@pytest.mark.parametrize(("name", "args", "method", "data", "allowed", "forbidden"), ROUTES,
                         ids=[f"{r[0]}{r[1]}-{r[2]}" for r in ROUTES])
def test_every_assessment_route_as_every_role_including_the_same_role_outsider(
        w, client_for, name, args, method, data, allowed, forbidden):
    url = reverse(name, args=_args(w, args))
    if "C-A-01" in json.dumps(data):  # JSON and form payloads name units by id
        data = json.loads(json.dumps(data).replace('"C-A-01"', str(w.towns_a[0].pk)))
    for role in ROLES:
        code = _request(client_for(w.users[role]), method, url, data).status_code
        if role == "anonymous":
            expected = {302}
        elif role in allowed:
            expected = {200, 302}
        elif role in forbidden:
            expected = {403}
        else:
            expected = {404}
        assert code in expected, (role, name, code)


# ---- the defects of issue 9, each as it was probed ---------------------------------------------


def _submitted(w, sub):
    Submission.objects.filter(pk=sub.pk).update(status=SubmissionStatus.SUBMITTED)


@pytest.mark.parametrize("action", ["approve", "return", "remind"])
def test_a_district_office_cannot_act_on_the_citys_submissions(w, client_for, action):
    _submitted(w, w.city_sub)
    url = reverse("assessment:review_action", args=[w.city_sub.pk, action])
    assert client_for(w.office_a).post(url, {"reason": "不对"}).status_code == 404
    assert Submission.objects.get(pk=w.city_sub.pk).status == SubmissionStatus.SUBMITTED
    assert not w.city_sub.reminders.exists()


def test_a_district_office_cannot_approve_or_lock_the_city_period_in_bulk(w, client_for):
    _submitted(w, w.city_sub)
    url = reverse("assessment:review_bulk", args=[w.city_v.pk, w.march.pk])
    client = client_for(w.office_a)
    assert client.post(url, {"action": "approve", "ids": [w.city_sub.pk]}).status_code == 403
    assert client.post(url, {"action": "lock"}).status_code == 403
    assert Submission.objects.get(pk=w.city_sub.pk).status == SubmissionStatus.SUBMITTED


def test_a_district_office_cannot_reopen_a_closed_city_period(w, client_for):
    # (a locked period is reopened by no one: tests/assessment/test_period_lock.py)
    Period.objects.filter(pk=w.march.pk).update(status=PeriodStatus.CLOSED)
    response = client_for(w.office_a).post(reverse("assessment:periods"),
                                           {"action": "status", "period": w.march.pk, "status": "open"})
    assert response.status_code == 403
    assert Period.objects.get(pk=w.march.pk).status == PeriodStatus.CLOSED
    # The city's office may.
    client_for(w.office).post(reverse("assessment:periods"), {"action": "status", "period": w.march.pk, "status": "open"})
    assert Period.objects.get(pk=w.march.pk).status == PeriodStatus.OPEN


def test_a_district_office_cannot_correct_another_districts_value_on_the_correction_page(w, client_for):
    url = reverse("assessment:correct", args=[w.city_v.pk, w.march.pk])
    data = {"unit": w.district_b.pk, "indicator": "fai", "value": "99", "reason": "改一下"}
    assert client_for(w.office_a).post(url, data).status_code == 403
    assert client_for(w.office_b).post(reverse("assessment:correct", args=[w.district_v.pk, w.a_march.pk]),
                                       {**data, "unit": w.towns_a[0].pk}).status_code == 404
    assert DataValue.objects.get(version=w.city_v, unit=w.district_b, indicator="fai").value == 20
    assert DataValue.objects.get(version=w.district_v, unit=w.towns_a[0], indicator="fai").value == 1


def test_the_district_office_corrects_its_own_schemes_value(w, client_for):
    url = reverse("assessment:correct", args=[w.district_v.pk, w.a_march.pk])
    response = client_for(w.office_a).post(url, {"unit": w.towns_a[0].pk, "indicator": "fai", "value": "1.5",
                                                 "reason": "统计口径更正"})
    assert response.status_code == 302
    assert DataValue.objects.get(version=w.district_v, unit=w.towns_a[0], indicator="fai").value == 1.5


def test_the_grid_save_refuses_values_for_units_outside_the_version_or_the_scope(w, client_for):
    url = reverse("assessment:grid_save", args=[w.district_v.pk, w.a_march.pk, w.stats_a.pk])
    body = {"items": [{"unit": w.towns_b[0].pk, "indicator": "fai", "value": "7"}]}
    result = client_for(w.district_submitter_a).post(url, json.dumps(body), content_type="application/json").json()
    assert result["results"][0]["status"] == "error" and result["saved"] == 0
    assert not DataValue.objects.filter(version=w.district_v, unit=w.towns_b[0]).exists()


def test_a_district_office_importing_a_scheme_owns_it_and_leaves_the_citys_scheme_alone(w, client_for):
    response = client_for(w.office_a).post(reverse("assessment:scheme_import"), {"yaml_text": w.city_v.yaml_text, "code": "HQD"})
    assert response.status_code == 302
    assert w.city_v.scheme.versions.count() == 1
    from kaohe.assessment.models import Scheme

    assert Scheme.objects.get(code="HQD", owner_unit=w.district_a).versions.count() == 1


def test_the_review_page_of_a_district_office_opens_on_its_own_scheme(w, client_for):
    page = client_for(w.office_a).get(reverse("assessment:review")).content.decode()
    assert "甲区镇街考核" in page
