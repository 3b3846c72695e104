"""The web gap page shows the engine's figures: the same run gives the same points as ``kaohe gap``."""

from __future__ import annotations

import contextlib
import io
import json
import re

import pytest

from kaohe.engine.cli import main as kaohe
from kaohe.engine.data import frame_from_table
from kaohe.engine.gap import what_if
from kaohe.results.runs import Inputs, engine_inputs
from tests.results.world import SCHEME, scored_run

pytestmark = pytest.mark.django_db

# Quota tiers: one place in 第一等次, two in 第二等次, the rest 第三等次.
QUOTA = {**SCHEME, "tiers": {"by": "quota", "levels": [
    {"name": "第一等次", "count": 1}, {"name": "第二等次", "count": 2}, {"name": "第三等次"}]}}


def _gap_rows(html: str) -> dict[str, tuple[float, float]]:
    table = html[html.index('id="gap-table"'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r"<tr><td>([^<]+)</td><td class=\"num\">([\d.,]+)</td><td class=\"num\">([\d.,]+)</td><td>[^<]*</td></tr>", table)
    return {label: (float(a.replace(",", "")), float(b.replace(",", ""))) for label, a, b in rows}


def _cli_gap(run, unit: str, tmp_path) -> dict:
    inputs = Inputs.from_bytes(run.inputs)
    (tmp_path / "scheme.json").write_text(json.dumps(inputs.scheme, ensure_ascii=False), encoding="utf-8")
    for name in ("values", "units"):
        frame_from_table(getattr(inputs, name)).write_csv(tmp_path / f"{name}.csv")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = kaohe(["gap", str(tmp_path / "scheme.json"), str(tmp_path / "values.csv"), "--unit", unit,
                      "--units", str(tmp_path / "units.csv"), "--json"])
    assert code == 0
    return json.loads(buf.getvalue())


def test_the_web_gap_to_a_quota_tier_is_the_engines_figure_not_a_hundredth_more(org_world, client_for, tmp_path):
    run = scored_run(scheme=QUOTA, owner=org_world.city)
    # January totals: 乙 23 (第一等次), 甲 21 and 丙 14 (第二等次), 丁 13 (第三等次).
    # 甲区 reaches 第一等次 by equalling 乙区's 23 (ties are admitted): 23 − 21 = 2.00 points, not 2.01.
    html = client_for(org_world.office).get(f"/results/units/C-A/gap/?run={run.pk}").content.decode()
    web = _gap_rows(html)
    assert web["进入第一等次"] == (2.0, 23.0)
    # 下一档数值: INV 5 → 7 (乙区's value, one place above) re-scores 甲区 to 23 = the target, alone.
    assert html.count("固定资产投资 5.00 → 7.00</td>") == 2
    assert web["追上第1名（乙区）"] == (2.0, 23.0)
    cli = _cli_gap(run, "C-A", tmp_path)
    assert {t["target"]: t["points_needed"] for t in cli["targets"]} == {"next_rank": 2.0, "leader": 2.0, "tier:第一等次": 2.0}
    # 丁区: 第二等次's last admitted unit is 丙区 at 14 → 1.00; 第一等次 23 − 13 = 10.00.
    web_d = _gap_rows(client_for(org_world.office).get(f"/results/units/C-D/gap/?run={run.pk}").content.decode())
    cli_d = {t["label_zh"].removeprefix("进入"): t["points_needed"]
             for t in _cli_gap(run, "C-D", tmp_path)["targets"] if t["target"].startswith("tier:")}
    assert cli_d == {"第一等次": 10.0, "第二等次": 1.0}
    assert {k.removeprefix("进入"): v[0] for k, v in web_d.items() if k.startswith("进入")} == cli_d


def test_the_what_if_page_answers_with_the_engines_what_if(org_world, client_for):
    run = scored_run(scheme=QUOTA, owner=org_world.city)
    e = engine_inputs(Inputs.from_bytes(run.inputs))
    # 甲区 INV 5 → 10 beats 乙区's 9: INV 10 points, 乙区 8; 甲区 10 + 10 + 5 = 25, 乙区 8 + 8 + 5 = 21.
    engine = what_if(e.scheme, e.values, e.units, e.targets, "C-A", {"INV": 10.0})
    assert engine["after"] == {"total": 25.0, "rank": 1, "tier": "第一等次"}
    assert [(b["code"], b["rank_before"], b["rank_after"]) for b in engine["boards"]] == [("ZX", 1, 1), ("LH", 3, 1)]
    html = client_for(org_world.office).post(f"/results/units/C-A/what-if/?run={run.pk}", {"v_INV": "10"}).content.decode()
    assert "组内第1名（共4家），总分25.00" in html and "第二等次 → 第一等次" in html
