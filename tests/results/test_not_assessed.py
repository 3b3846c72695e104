"""A unit whose total cannot be formed is stored and shown as 不参与排名 with the engine's reason."""

from __future__ import annotations

import copy

import pytest

from kaohe.results.models import RunBoard, RunTotal
from kaohe.results.runs import verify_run
from tests.results.world import BASE, SCHEME, scored_run

pytestmark = pytest.mark.django_db

# 缺项即不参与排名: the root allows no missing indicator.
STRICT = copy.deepcopy(SCHEME)
STRICT["root"]["max_missing"] = 0


def _run(org_world):
    values = {u: dict(v) for u, v in BASE.items()}
    del values["C-C"]["SAT"]  # 丙区 did not report 企业满意度
    return scored_run(values, scheme=STRICT, owner=org_world.city)


def test_a_unit_with_missing_data_gets_no_rank_no_tier_and_the_reason(org_world):
    run = _run(org_world)
    t = {x.unit_code: x for x in RunTotal.objects.filter(run=run)}
    cc = t["C-C"]
    assert (cc.assessed, cc.total, cc.rank, cc.tier) == (False, None, None, "")
    assert cc.reason == "缺项1项（共3项指标），超过允许的0项"
    # The others rank among themselves: 乙 23, 甲 21, 丁 13 (丙's GDP 6 still takes GDP place 3 of 4).
    assert [(u, t[u].rank, t[u].total) for u in ("C-B", "C-A", "C-D")] == [("C-B", 1, 23.0), ("C-A", 2, 21.0), ("C-D", 3, 13.0)]
    assert RunBoard.objects.get(run=run, board="ZX", unit_code="C-C").rank is None
    assert verify_run(run) == []


def test_the_run_and_board_pages_say_not_assessed_and_why(org_world, client_for):
    run = _run(org_world)
    client = client_for(org_world.office)
    html = client.get(f"/results/runs/{run.pk}/").content.decode()
    row = html[html.index("丙区") - 400: html.index("丙区") + 200]
    assert "不参与排名" in row and "缺项1项（共3项指标），超过允许的0项" in html
    board = client.get(f"/results/boards/{run.pk}/ZX/").content.decode()
    assert "不参与排名" in board
    card = client.get(f"/results/runs/{run.pk}/scorecard/?group=ZCQ").content.decode()
    assert "不参与排名" in card
    profile = client.get(f"/results/units/C-C/?run={run.pk}").content.decode()
    assert "不参与排名" in profile and "缺项1项" in profile
    gap = client.get(f"/results/units/C-C/gap/?run={run.pk}").content.decode()
    assert "不参与排名" in gap
