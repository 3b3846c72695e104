"""Supervision's documents are numbered by the documents register's one counter
(``documents.DocumentSequence``: per issuing unit, 代字 and year), and the migration that moved
them there seeded the counters from the numbers already issued — the run continues with no
repeat and no gap."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from kaohe.documents.models import DocumentSequence
from kaohe.supervision import documents, services
from kaohe.supervision.models import TaskDocument
from tests.supervision.conftest import at

pytestmark = pytest.mark.django_db

seed_counters = importlib.import_module("kaohe.supervision.migrations.0005_numbers_from_documents").seed_counters


def _counter(unit, code, year):
    return DocumentSequence.objects.get(unit=unit, code=code, year=year).last


def test_assignment_slips_and_letters_take_their_numbers_from_the_documents_counter(sv):
    # two tasks 交办 → 督交〔2025〕1号, 2号; both overdue at the 9/29 sweep → 督催〔2025〕1号, 2号
    a = sv.make("甲事项", limit_workdays=10, now=at(2025, 9, 15))
    b = sv.make("乙事项", limit_workdays=10, now=at(2025, 9, 15))
    for t in (a, b):
        services.sign_task(t, user=sv.assessed_a, now=at(2025, 9, 15, 11))
    assert _counter(sv.city, "督交", 2025) == 2
    services.sweep(at(2025, 9, 29, 8))
    assert _counter(sv.city, "督催", 2025) == 2
    assert sorted(TaskDocument.objects.filter(kind="urge").values_list("number", flat=True)) == ["督催〔2025〕1号", "督催〔2025〕2号"]


def test_a_number_taken_elsewhere_under_the_same_code_is_never_repeated(sv):
    # the counter is the register's: a 督交 number used by hand through kaohe.documents (say 督交〔2025〕1号
    # for a paper slip) moves the next supervision slip to 2
    from django.db import transaction

    from kaohe.documents.services import allocate_number

    with transaction.atomic():
        assert allocate_number(sv.city, "督交", 2025) == 1
    sv.make("交办", now=at(2025, 9, 15))
    assert list(TaskDocument.objects.filter(kind="assign").values_list("number", flat=True)) == ["督交〔2025〕2号"]


def test_the_migration_seeds_the_counters_from_the_numbers_already_issued(sv):
    # documents issued before the move (own counter): 督催〔2025〕1–3号 of the city office, 督函〔2025〕1号;
    # and a 2024 督催 run up to 7
    now = timezone.now()

    def old(kind, year, seq):
        code = {"urge": "督催", "supervise": "督函"}[kind]
        TaskDocument.objects.create(kind=kind, issuer=sv.city, year=year, seq=seq, number=f"{code}〔{year}〕{seq}号",
                                    title="旧文书", issued_at=now)

    for seq in (1, 2, 3):
        old("urge", 2025, seq)
    old("supervise", 2025, 1)
    old("urge", 2024, 7)
    DocumentSequence.objects.all().delete()
    seed_counters(django_apps, None)
    assert _counter(sv.city, "督催", 2025) == 3
    assert _counter(sv.city, "督函", 2025) == 1
    assert _counter(sv.city, "督催", 2024) == 7
    # seeding again (or over a counter already further on) never lowers it
    DocumentSequence.objects.filter(code="督函").update(last=5)
    seed_counters(django_apps, None)
    assert _counter(sv.city, "督函", 2025) == 5
    # the next letter continues the run: 督催〔2025〕4号
    from django.db import transaction

    with transaction.atomic():
        assert documents.number_of("urge", 2025, documents.take_numbers(sv.city.pk, "urge", 2025)) == "督催〔2025〕4号"


def test_a_block_of_numbers_is_taken_in_one_go(sv):
    from django.db import transaction

    with transaction.atomic():
        assert documents.take_numbers(sv.city.pk, "supervise", 2025, 3) == 1
        assert documents.take_numbers(sv.city.pk, "supervise", 2025, 1) == 4
