"""目标值 beside the scheme: the grid of units × target-scored indicators (typed, all or nothing,
audited), the warning when a draft has no targets for a target-scored indicator, and adopting a
draft that has its own targets."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from kaohe.assessment import schemes
from kaohe.assessment.models import Target, VersionStatus
from kaohe.assessment.targets import target_columns
from kaohe.audit.models import AuditEntry
from tests.assessment.factories import adopted_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions(org_world):
    w = org_world
    adopted = adopted_version(w)
    Target.objects.create(version=adopted, unit=w.district_a, indicator="jobs", target=Decimal("1000"))
    Target.objects.create(version=adopted, unit=w.district_b, indicator="jobs", target=Decimal("800"))
    draft = schemes.new_version(adopted, reason="修订", user=w.office)
    return adopted, draft


def _url(version):
    return reverse("assessment:version_targets", args=[version.pk])


def test_a_draft_without_targets_for_a_target_scored_indicator_is_warned_about(versions, org_world, client_for):
    adopted, draft = versions
    [col] = target_columns(draft)
    assert (col.spec.code, col.count, col.carried, col.missing) == ("jobs", 0, 2, True)
    for url in (_url(draft), reverse("assessment:version_editor", args=[draft.pk]),
                reverse("assessment:version", args=[draft.pk])):
        page = client_for(org_world.office).get(url).content.decode()
        assert "以下按“目标完成”计分的指标还没有任何目标值：</strong>城镇新增就业" in page, url
        assert "发布时将沿用已发布版本中“城镇新增就业”的 2 项目标值" in page
    # The adopted version has its targets: no warning there.
    assert "还没有任何目标值" not in client_for(org_world.office).get(_url(adopted)).content.decode()
    # An assessed unit reading the scheme is not shown the office's warning.
    assert "还没有任何目标值" not in client_for(org_world.assessed_a).get(
        reverse("assessment:version", args=[draft.pk])).content.decode()


def test_targets_typed_in_the_grid_are_saved_together_and_audited(versions, org_world, client_for):
    _adopted, draft = versions
    w = org_world
    page = client_for(w.office).get(_url(draft)).content.decode()
    assert "城镇新增就业（人）" in page and "甲区" in page and "乙区" in page
    data = {"action": "save", f"t-{w.district_a.pk}-jobs": "1,200", f"t-{w.district_b.pk}-jobs": "950.5"}
    response = client_for(w.office).post(_url(draft), data)
    assert response.status_code == 302
    assert dict(Target.objects.filter(version=draft).values_list("unit__code", "target")) == {
        "C-A": Decimal("1200"), "C-B": Decimal("950.5")}
    entry = AuditEntry.objects.filter(action="update").latest("pk")
    assert entry.after == {"targets": {f"{w.district_a.pk}/jobs": "1200", f"{w.district_b.pk}/jobs": "950.5"}}
    assert entry.before == {"targets": {f"{w.district_a.pk}/jobs": None, f"{w.district_b.pk}/jobs": None}}
    # Clearing one and mistyping the other: nothing changes, the reason names unit and indicator.
    response = client_for(w.office).post(_url(draft), {"action": "save", f"t-{w.district_a.pk}-jobs": "",
                                                       f"t-{w.district_b.pk}-jobs": "九百"})
    body = response.content.decode()
    assert response.status_code == 200 and "乙区 · 城镇新增就业：“九百”" in body
    assert Target.objects.filter(version=draft).count() == 2
    # Clearing alone works.
    client_for(w.office).post(_url(draft), {"action": "save", f"t-{w.district_a.pk}-jobs": "", f"t-{w.district_b.pk}-jobs": "950.5"})
    assert list(Target.objects.filter(version=draft).values_list("unit__code", flat=True)) == ["C-B"]


def test_only_the_owning_office_types_targets(versions, org_world, client_for):
    _adopted, draft = versions
    w = org_world
    data = {"action": "save", f"t-{w.district_a.pk}-jobs": "5"}
    assert client_for(w.office_a).post(_url(draft), data).status_code == 403  # sees the city's scheme
    assert client_for(w.leader).post(_url(draft), data).status_code == 403
    assert not Target.objects.filter(version=draft).exists()
    assert client_for(w.office).post(_url(draft), data).status_code == 302


def test_adopting_a_draft_with_its_own_targets_keeps_them_and_carries_the_rest(versions, org_world):
    adopted, draft = versions
    w = org_world
    Target.objects.create(version=draft, unit=w.district_a, indicator="jobs", target=Decimal("1500"))
    schemes.adopt(draft, user=w.office)
    assert draft.status == VersionStatus.ADOPTED
    assert dict(Target.objects.filter(version=draft).values_list("unit__code", "target")) == {
        "C-A": Decimal("1500"), "C-B": Decimal("800")}
    assert list(Target.objects.filter(version=adopted).values_list("target", flat=True)) == [Decimal("1000")]
