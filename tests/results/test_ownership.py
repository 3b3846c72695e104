"""Runs belong to their 考核主体: a district's runs never mix into the city's boards, history or flags."""

from __future__ import annotations

from kaohe.results.flags import previous_monthly, scheme_rules
from kaohe.results.models import FlagPolicy, ScoringRun
from kaohe.results.queries import history
from kaohe.results.services import latest_run
from tests.results.world import scored_run


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
    assert scheme_rules({}, "TEST", org_world.district_a.pk) == {"red": [], "yellow": [{"rule": "board_last"}]}
    assert scheme_rules({}, "TEST", org_world.city.pk) == {"red": [{"rule": "board_first"}], "yellow": []}
