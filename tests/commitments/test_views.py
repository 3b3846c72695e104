"""Every page as every role of the org world, same-role outsiders included (out of scope = 404),
and the workflow through the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kaohe.commitments import public, services
from kaohe.commitments.models import Comment, CommentStatus, CommitmentStatus
from tests.commitments.conftest import claim

pytestmark = pytest.mark.django_db

INSIDE = ["office", "leader", "submitter", "office_a", "leader_a", "assessed_a", "district_submitter_a", "assessed_town_a"]
OUTSIDE = ["office_b", "leader_b", "assessed_b", "district_submitter_b", "assessed_town_b"]


@pytest.fixture
def comment(item):
    citizen = public.verify_code("13800001111", public.request_code("13800001111"))
    return public.post_comment(item, citizen, "电梯什么时候装好？", nickname="老住户")


def _pages(item):
    return {
        "item": reverse("commitments:item", args=[item.pk]),
        "campaign": reverse("commitments:campaign", args=[item.campaign_id]),
        "export": reverse("commitments:export", args=[item.campaign_id]),
        "import": reverse("commitments:import", args=[item.campaign_id]),
    }


@pytest.mark.parametrize("page", ["item", "campaign", "export"])
@pytest.mark.parametrize("role", INSIDE + OUTSIDE)
def test_pages_by_role_outsiders_get_404(org_world, client_for, item, role, page):
    response = client_for(org_world.users[role]).get(_pages(item)[page])
    assert response.status_code == (200 if role in INSIDE else 404), role


#: Who imports a progress table: the offices over the campaign's units and the unit holding an item
#: (甲一街道); the others who see the campaign may not (403); 乙区 does not find it (404).
IMPORTERS = ["office", "office_a", "assessed_town_a"]


@pytest.mark.parametrize("role", INSIDE + OUTSIDE)
def test_the_import_page_is_for_those_who_report_progress(org_world, client_for, item, role):
    response = client_for(org_world.users[role]).get(_pages(item)["import"])
    assert response.status_code == (200 if role in IMPORTERS else 403 if role in INSIDE else 404), role
    campaign = client_for(org_world.users[role]).get(_pages(item)["campaign"]).content.decode()
    assert (_pages(item)["import"] in campaign) == (role in IMPORTERS)


@pytest.mark.parametrize("role", ["leader", "leader_a", "district_submitter_a", "submitter"])
def test_an_upload_from_a_role_that_does_not_report_is_refused_and_saves_nothing(org_world, client_for, item, role):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kaohe.commitments import excel
    from kaohe.commitments.models import Commitment, ProgressReport
    from tests.commitments.test_excel import _fill

    data = _fill(excel.export_progress(Commitment.objects.filter(pk=item.pk)), {(item.number, 1): (50, None, "过半")})
    before = ProgressReport.objects.count()
    response = client_for(org_world.users[role]).post(_pages(item)["import"], {"file": SimpleUploadedFile("进展.xlsx", data)})
    assert response.status_code == 403 and ProgressReport.objects.count() == before


@pytest.mark.parametrize("page", ["item", "campaign", "export"])
def test_the_public_is_sent_to_sign_in(org_world, client_for, item, page):
    response = client_for(org_world.anonymous).get(_pages(item)[page])
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_index_lists_the_campaign_to_its_units_and_not_to_outsiders(org_world, client_for, item):
    inside = client_for(org_world.assessed_town_a).get(reverse("commitments:index")).content.decode()
    outside = client_for(org_world.assessed_town_b).get(reverse("commitments:index")).content.decode()
    assert "2025年百名局长百件事" in inside and item.title in inside  # 本单位承诺事项
    assert "2025年百名局长百件事" not in outside


@pytest.mark.parametrize("role,status", [("office", 200), ("office_a", 200), ("office_b", 200), ("leader_a", 403),
                                         ("assessed_town_a", 403), ("anonymous", 302)])
def test_the_moderation_queue_is_for_offices_and_shows_only_their_campaigns(org_world, client_for, comment, role, status):
    response = client_for(org_world.users[role]).get(reverse("commitments:moderation"))
    assert response.status_code == status
    if status == 200:
        assert (comment.body in response.content.decode()) == (role != "office_b")


@pytest.mark.parametrize("role,status", [("office_a", 302), ("office", 302), ("assessed_town_a", 403), ("leader_a", 403),
                                         ("office_b", 404), ("assessed_town_b", 404)])
def test_approving_by_role(org_world, client_for, campaign, role, status):
    item = claim(campaign, org_world.towns_a[0])
    services.submit(item)
    response = client_for(org_world.users[role]).post(reverse("commitments:action", args=[item.pk]), {"action": "approve"})
    assert response.status_code == status
    item.refresh_from_db()
    assert (item.status == CommitmentStatus.APPROVED) == (status == 302)


@pytest.mark.parametrize("role,status", [("assessed_town_a", 302), ("office_a", 302), ("district_submitter_a", 403),
                                         ("leader", 403), ("assessed_town_b", 404), ("office_b", 404)])
def test_answering_a_comment_by_role(org_world, client_for, comment, role, status):
    public.moderate(comment, approve=True, user=org_world.office_a)
    response = client_for(org_world.users[role]).post(reverse("commitments:answer", args=[comment.pk]), {"answer": "9月底完工"})
    assert response.status_code == status
    comment.refresh_from_db()
    assert bool(comment.answer) == (status == 302)


@pytest.mark.parametrize("role,status", [("office_a", 302), ("office", 302), ("assessed_town_a", 403), ("office_b", 404)])
def test_moderating_by_role(org_world, client_for, comment, role, status):
    response = client_for(org_world.users[role]).post(reverse("commitments:moderate", args=[comment.pk]), {"action": "approve"})
    assert response.status_code == status
    comment.refresh_from_db()
    assert (comment.status == CommentStatus.APPROVED) == (status == 302)


def test_the_unit_claims_and_submits_through_the_pages(org_world, client_for, campaign, monkeypatch):
    monkeypatch.setattr(services, "today", lambda: dt.date(2025, 3, 12))
    client = client_for(org_world.assessed_town_a)
    form = client.get(reverse("commitments:claim", args=[campaign.pk])).content.decode()
    assert "甲一街道" in form and "甲二镇" not in form  # a unit claims for itself only
    response = client.post(reverse("commitments:claim", args=[campaign.pk]), {
        "unit": org_world.towns_a[0].pk, "claimant_name": "王主任", "claimant_title": "街道办事处主任", "title": "背街小巷路灯修复",
        "problem_kind": "annoyance", "problem": "夜间出行不便", "goal": "修复路灯120盏", "contact": "025-1234567",
        "m1_title": "完成排查", "m1_due": "2025-04-30", "m1_weight": "1", "m2_title": "完成修复", "m2_due": "2025-10-01", "m2_weight": "2",
    })
    assert response.status_code == 200 and "2025-10-01不是工作日" in response.content.decode()
    response = client.post(reverse("commitments:claim", args=[campaign.pk]), {
        "unit": org_world.towns_a[0].pk, "claimant_name": "王主任", "title": "背街小巷路灯修复", "problem_kind": "annoyance",
        "problem": "夜间出行不便", "goal": "修复路灯120盏", "m1_title": "完成排查", "m1_due": "2025-04-30", "m1_weight": "1",
        "m2_title": "完成修复", "m2_due": "2025-09-30", "m2_weight": "2"})
    item = campaign.commitments.get()
    assert response.status_code == 302 and item.milestones.count() == 2
    client.post(reverse("commitments:action", args=[item.pk]), {"action": "submit"})
    item.refresh_from_db()
    assert item.status == CommitmentStatus.SUBMITTED


def test_a_unit_may_not_claim_for_another_unit(org_world, client_for, campaign, monkeypatch):
    monkeypatch.setattr(services, "today", lambda: dt.date(2025, 3, 12))
    response = client_for(org_world.assessed_town_a).post(reverse("commitments:claim", args=[campaign.pk]), {
        "unit": org_world.towns_a[1].pk, "claimant_name": "王", "title": "事", "problem_kind": "worry", "problem": "问题",
        "goal": "目标", "m1_title": "节点", "m1_due": "2025-04-30", "m1_weight": "1"})
    assert response.status_code == 200 and not campaign.commitments.exists()  # not a choice of the form


def test_the_item_page_shows_pending_comments_to_the_office_only(org_world, client_for, comment, item):
    office = client_for(org_world.office_a).get(reverse("commitments:item", args=[item.pk])).content.decode()
    unit = client_for(org_world.assessed_town_a).get(reverse("commitments:item", args=[item.pk])).content.decode()
    assert comment.body in office and comment.body not in unit
    assert Comment.objects.get().status == CommentStatus.PENDING
