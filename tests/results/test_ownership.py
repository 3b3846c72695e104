"""Runs belong to their 考核主体: a district's runs never mix into the city's boards, history or flags."""

from __future__ import annotations

from kaohe.engine import load_scheme
from kaohe.engine.platform import FlagRule, FlagRules
from kaohe.results.flags import previous_monthly, scheme_rules
from kaohe.results.models import FlagPolicy, ScoringRun
from kaohe.results.queries import history
from kaohe.results.services import latest_run
from tests.results.world import SCHEME, scored_run


def test_the_citys_latest_run_is_the_citys_even_when_a_district_scored_later(org_world):
    city_march = scored_run(number=3, owner=org_world.city)
    district_march = scored_run(number=3, owner=org_world.district_a)  # same code TEST, same month, later id
    assert latest_run(owner=org_world.city) == city_march
    assert latest_run(owner=org_world.district_a) == district_march


def test_the_previous_month_and_the_history_stay_in_the_owners_family(org_world):
    city_feb = scored_run(number=2, owner=org_world.city)
    scored_run(number=2, owner=org_world.district_a)
    city_mar = scored_run(number=3, owner=org_world.city)
    assert previous_monthly(city_mar) == city_feb
    # One total per month of the city's family for 甲区 (C-A), not two for February.
    assert [h["run"] for h in history("C-A", city_mar)] == [city_feb.pk, city_mar.pk]
    assert ScoringRun.objects.family(city_mar).count() == 2


def test_an_owners_flag_policy_wins_over_the_one_for_every_owner(org_world):
    FlagPolicy.objects.create(scheme_code="TEST", rules={"red": [{"rule": "board_first"}], "yellow": []})
    FlagPolicy.objects.create(owner_unit=org_world.district_a, scheme_code="TEST",
                              rules={"red": [], "yellow": [{"rule": "board_last"}]})
    scheme = load_scheme(SCHEME)
    assert scheme_rules(scheme, "TEST", org_world.district_a.pk) == FlagRules(yellow=(FlagRule("board_last"),))
    assert scheme_rules(scheme, "TEST", org_world.city.pk) == FlagRules(red=(FlagRule("board_first"),))


def test_a_district_offices_cockpit_shows_its_place_in_the_citys_assessment_beside_its_own_run(org_world, client_for):
    from kaohe.orgs.models import UnitKind
    from tests import factories as f

    f.OrgUnitFactory(code="C-C", name="丙区", kind=UnitKind.DISTRICT, parent=org_world.city)
    f.OrgUnitFactory(code="C-D", name="丁区", kind=UnitKind.DISTRICT, parent=org_world.city)
    scored_run(number=3, owner=org_world.city)
    scored_run(number=3, owner=org_world.district_a, scheme_code="TEST-A", scheme_name="甲区对镇街考核")
    office_a = org_world.office_a
    page = client_for(office_a).get("/results/cockpit/").content.decode()
    standing = page.split('id="standing-above"')[1].split("</section>")[0]
    # BASE totals: 甲 21, 乙 23, 丙 14, 丁 13 → 甲 second of four, 第一等次 (≥ 20); 争先榜 (GDP 8, the
    # best) first of four; 龙虎榜 (INV 5 after 乙 9 and 丙 7) third of four.
    assert "甲区在测试市考核中的位置" in standing and "21.00 分" in standing
    assert "第 2 名 / 4 个" in standing and "第一等次" in standing
    assert "争先榜 第 1/4；龙虎榜 第 3/4" in standing
    assert "甲区对所属单位的考核" in page and "甲区对镇街考核" in page


def test_the_citys_cockpit_has_no_place_above_it(org_world, client_for):
    scored_run(number=3, owner=org_world.city)
    page = client_for(org_world.office).get("/results/cockpit/").content.decode()
    assert 'id="standing-above"' not in page


def test_a_towns_page_shows_the_assessment_of_its_district_and_a_districts_page_the_citys(org_world, client_for):
    import polars as pl

    from kaohe.assessment.models import Scheme
    from kaohe.lib.periods import Period
    from kaohe.results.runs import Inputs, create_run, execute_run
    from tests.results.world import SCHEME

    # 甲区 runs its own assessment of its two towns (an owner of a scheme), the city its districts.
    Scheme.objects.create(owner_unit=org_world.city, year=2025, code="TEST", name="市考")
    Scheme.objects.create(owner_unit=org_world.district_a, year=2025, code="TEST-A", name="区考")
    city_run = scored_run(number=3, owner=org_world.city)
    towns = pl.DataFrame({"unit": ["C-A-01", "C-A-02"], "name": ["甲一街道", "甲二镇"], "group": ["ZJ", "ZJ"]})
    values = pl.DataFrame({"unit": ["C-A-01", "C-A-02"] * 3, "indicator": ["GDP"] * 2 + ["INV"] * 2 + ["SAT"] * 2,
                           "value": [6.0, 7.0, 4.0, 5.0, 95.0, 80.0]})
    district_run = execute_run(create_run(Inputs.from_frames(SCHEME, values, towns), period=Period.parse("2025-03"),
                                          scheme_code="TEST-A", owner_unit=org_world.district_a))
    client = client_for(org_world.office)
    town_page = client.get("/results/units/C-A-01/").content.decode()
    assert f"?run={district_run.pk}" in town_page or f'value="{district_run.pk}"' in town_page
    district_page = client.get("/results/units/C-A/").content.decode()
    assert f"?run={city_run.pk}" in district_page or f'value="{city_run.pk}"' in district_page
