"""The demo: every source, every state and colour, extended/returned/reopened tasks, red ones with
their 督办函, a weekly batch and a bulletin in the documents register; loading twice changes nothing."""

import pytest

from kaohe.management.commands.demo import run_demo
from kaohe.supervision.models import Bulletin, SourceKind, Task, TaskDocument, TaskState

pytestmark = pytest.mark.django_db


def test_demo_has_every_source_state_and_colour():
    run_demo(verbose=False, only=["orgs", "projects", "supervision"])
    tasks = Task.objects.all()
    assert tasks.count() >= 150
    assert set(tasks.values_list("source_kind", flat=True)) == set(SourceKind.values)
    assert set(tasks.values_list("state", flat=True)) == set(TaskState.values)
    assert set(tasks.values_list("colour", flat=True)) == {"blue", "yellow", "red"}
    assert tasks.filter(extended_count__gt=0).exists() and tasks.filter(returned_count__gt=0).exists()
    assert tasks.filter(reopened_count__gt=0).exists() and tasks.filter(extensions__status="refused").exists()
    red = tasks.filter(colour="red").first()
    assert TaskDocument.objects.filter(task=red, kind="supervise").exists()
    assert TaskDocument.objects.filter(kind="batch").count() == 1
    assert Bulletin.objects.get().issued.number.endswith("〔2026〕1号")
    assert tasks.filter(office_unit__code="SFS-MH").count() == 10
    before = tasks.count()
    run_demo(verbose=False, only=["orgs", "supervision"])
    assert Task.objects.count() == before
