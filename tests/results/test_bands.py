"""色带: an indicator's ``platform.bands`` colour the scorecard (they used to be a key the engine refused)."""

from __future__ import annotations

import copy
import re

import pytest

from kaohe.results.queries import scorecard
from tests.results.world import SCHEME, scored_run

pytestmark = pytest.mark.django_db


def _with_bands(**bands_by_code) -> dict:
    scheme = copy.deepcopy(SCHEME)
    for cat in scheme["root"]["children"]:
        for leaf in cat["children"]:
            if leaf["code"] in bands_by_code:
                leaf["platform"] = {"bands": bands_by_code[leaf["code"]]}
    return scheme


def _bands_of(run, unit: str) -> dict[str, str]:
    card = scorecard(run, "ZCQ")
    row = next(r for r in card["rows"] if r["unit"] == unit)
    return {i["code"]: c["band"] for i, c in zip(card["indicators"], row["cells"], strict=True)}


def test_an_indicators_own_bands_colour_its_scorecard_cells(db):
    # January 甲区: GDP 10/10, INV 6/10 (3rd of 4, step 2), SAT 5/5.
    plain = scored_run(scheme_code="B1")
    assert _bands_of(plain, "C-A") == {"GDP": "green", "INV": "yellow", "SAT": "green"}  # 0.6 ≥ default yellow 0.6
    strict = scored_run(scheme=_with_bands(INV={"green": 0.5, "yellow": 0.3}, GDP={"green": 1.0, "yellow": 1.0}),
                        scheme_code="B2")
    # INV 6/10 = 0.6 ≥ its green 0.5 → green; 丁区 INV 4/10 = 0.4 → yellow (≥ 0.3); 丁区 GDP 4/10 → red.
    assert _bands_of(strict, "C-A") == {"GDP": "green", "INV": "green", "SAT": "green"}
    assert _bands_of(strict, "C-D")["INV"] == "yellow" and _bands_of(strict, "C-D")["GDP"] == "red"
    assert strict.scheme_meta["indicators"]["INV"]["bands"] == {"green": 0.5, "yellow": 0.3}


def test_a_categorys_bands_reach_its_leaves_and_the_page_shows_them(db, org_world, client_for):
    scheme = copy.deepcopy(SCHEME)
    scheme["root"]["children"][1]["platform"] = {"bands": {"green": 1.0, "yellow": 0.99}}  # 服务效能
    run = scored_run(scheme=scheme, scheme_code="B3", owner=org_world.city)
    # 丙区 SAT 80 < 90 → 0/5: red under any bands; 甲区 SAT 5/5 = 1.0 → green.
    assert run.scheme_meta["indicators"]["SAT"]["bands"] == {"green": 1.0, "yellow": 0.99}
    html = client_for(org_world.office).get(f"/results/runs/{run.pk}/scorecard/?group=ZCQ").content.decode()
    row = re.search(r"甲区</a>.*?</tr>", html, re.S).group(0)
    assert re.findall(r'class="cell sc-(\w+)"', row) == ["green", "yellow", "green"]
