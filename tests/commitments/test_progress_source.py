"""A progress report's audit entry names its channel in Chinese from the one list of change sources."""

from __future__ import annotations

import datetime as dt

import pytest

from kaohe.audit.models import AuditEntry, ChangeSource
from kaohe.commitments import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("source", "label"), [("grid", "在线填报"), ("excel", "Excel导入"), ("api", "接口")])
def test_a_progress_report_is_audited_with_its_source_in_chinese(campaign, org_world, item, source, label):
    m1 = item.milestones.order_by("seq").first()
    services.report_progress(m1, 50, "过半", reported_on=dt.date(2025, 4, 20), source=source)
    entry = AuditEntry.objects.filter(reason__startswith="进展报告").latest("pk")
    assert entry.reason == f"进展报告（{label}）"
    assert str(ChangeSource(source).label) == label
    assert source not in entry.reason
