"""The commitments demo: 百名局长百件事 with 100+ items, progress, moderated comments and a year-end vote;
idempotent; its figures feed the 2026 scheme's 效能榜."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kaohe.commitments.models import (
    Campaign,
    Comment,
    CommentStatus,
    CommitmentStatus,
    ProgressReport,
    Vote,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    from kaohe.management.commands.demo import run_demo

    run_demo(verbose=False, only=["orgs", "commitments"])
    return Campaign.objects.get(code="bmjz-2026")


def test_the_campaign_has_a_hundred_and_more_items_in_every_state(demo):
    statuses = set(demo.commitments.values_list("status", flat=True))
    assert demo.commitments.count() >= 100 and demo.commitments.filter(status__in=["published", "fulfilled"]).count() >= 100
    assert {CommitmentStatus.PUBLISHED, CommitmentStatus.FULFILLED, CommitmentStatus.SUBMITTED, CommitmentStatus.RETURNED} <= statuses
    assert ProgressReport.objects.filter(milestone__commitment__campaign=demo).count() > 300
    assert demo.commitments.filter(unit__code__startswith="SFS-MH-").exists()


def test_comments_are_moderated_and_a_year_end_vote_is_under_way(demo):
    statuses = set(Comment.objects.values_list("status", flat=True))
    assert statuses == {CommentStatus.APPROVED, CommentStatus.PENDING, CommentStatus.REJECTED, CommentStatus.HIDDEN}
    assert Comment.objects.filter(status=CommentStatus.APPROVED, answered_at__isnull=False).count() > 50
    assert Vote.objects.filter(commitment__campaign=demo).count() > 500
    assert demo.commitments.filter(office_score__isnull=False).exists()


def test_a_second_run_changes_nothing(demo):
    from kaohe.management.commands.demo import run_demo

    counts = (demo.commitments.count(), Comment.objects.count(), Vote.objects.count())
    run_demo(verbose=False, only=["orgs", "commitments"])
    assert (demo.commitments.count(), Comment.objects.count(), Vote.objects.count()) == counts


def test_the_public_page_lists_the_demo_with_progress_bars(demo, client):
    html = client.get(reverse("public_commitments:index")).content.decode()
    assert "2026年百名局长百件事公示" in html and html.count('role="progressbar"') == 30  # one page


def test_the_2026_scheme_scores_the_figures_on_xiaoneng(demo):
    from kaohe.assessment import sources
    from kaohe.assessment.demo import revise_for_2026
    from kaohe.assessment.sources import SourceRequest

    content = revise_for_2026(2026)
    board = next(b for b in content["boards"] if b["code"] == "xiaoneng")
    assert {"commit_completion_rate", "commit_ontime_rate"} <= set(board["indicators"])
    leaves = {leaf["code"]: leaf for area in content["root"]["children"] for leaf in area["children"] if "code" in leaf}
    assert leaves["commit_ontime_rate"]["platform"]["source"] == "commitments"
    found = sources.get("commitments").compute(SourceRequest(2026, dt.date(2026, 9, 30), ("SFS-MH", "SFS-LX"), ("commit_ontime_rate",)))
    assert all(f.value is not None and 0 <= f.value <= 100 for f in found)
