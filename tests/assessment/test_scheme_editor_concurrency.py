"""Two offices saving the same draft in the editor at once, on PostgreSQL with real threads: exactly
one save wins per round, the other is told someone else saved (本次未保存) — never a silent
overwrite of the first one's change — and every acknowledged save is one audit entry.

Each round both start from the same content (the page's base hash) and change a different
indicator's points; the version row is locked while a save checks the hash and writes. SQLite
serialises the threads, so the proof is on PostgreSQL (the test runs in both partitions).
"""

from __future__ import annotations

import threading

import pytest

from kaohe.assessment import scheme_editor as editor
from kaohe.assessment import schemes
from kaohe.assessment.models import SchemeVersion
from kaohe.audit.models import AuditEntry
from tests.assessment.factories import adopted_version
from tests.assessment.test_concurrency import _run
from tests.assessment.test_scheme_editor import post_of

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 6


def test_two_saves_from_the_same_page_never_overwrite_each_other(org_world):
    w = org_world
    draft = schemes.new_version(adopted_version(w), reason="修订", user=w.office)
    outcomes: list[tuple[int, str]] = []
    pages: dict[int, editor.EditorState] = {}
    lock = threading.Lock()

    def open_page(n: int) -> editor.EditorState:
        """Both writers of round n open the editor on the same content (one snapshot per round)."""
        with lock:
            if n not in pages:
                v = SchemeVersion.objects.get(pk=draft.pk)
                pages[n] = editor.tree_of(v.content, v)
            return pages[n]

    def writer(code: str):
        def work(n: int):
            state = open_page(n)
            ids = {x.values["code"]: x.id for x in state.walk()}
            post = post_of(state, **{f"n-{ids[code]}-points": str(10 + n)})
            try:
                editor.save(SchemeVersion.objects.get(pk=draft.pk), editor.state_from_post(post), user=w.office)
            except editor.EditorInvalid as exc:
                assert "已被他人保存" in exc.state.general[0], exc.state.general
                outcomes.append((n, "refused"))
            else:
                outcomes.append((n, code))
        return work

    failures = _run([writer("fai"), writer("export")], rounds=ROUNDS)
    assert failures == []
    saved = sorted(o for o in outcomes if o[1] != "refused")
    # Exactly one save per round: the other started from the same content and is refused.
    assert [n for n, _c in saved] == list(range(ROUNDS))
    assert sum(1 for o in outcomes if o[1] == "refused") == ROUNDS
    assert AuditEntry.objects.filter(object_id=draft.pk, action="update").count() == ROUNDS
    # The stored content is the last winner's: its indicator at 10 + the last round.
    final = SchemeVersion.objects.get(pk=draft.pk).content
    points = {c["code"]: c["points"] for c in final["root"]["children"][0]["children"]}
    last_n, last_code = saved[-1]
    assert points[last_code] == 10 + last_n
