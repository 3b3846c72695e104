"""Migration 0009: stored scheme content moves its loose platform keys into ``platform``."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from kaohe.assessment import schemes
from kaohe.assessment.models import SchemeVersion
from tests.assessment.factories import scheme_content

pytestmark = pytest.mark.django_db

LEGACY_LEAF = {"code": "fai", "name": "固定资产投资", "points": 10, "method": "efficacy",
               "unit_of_measure": "亿元", "responsible_unit": "C-TJJ", "frequency": "monthly",
               "value_kind": "ytd", "rules": {"jump_pct": 30}}


def test_stored_legacy_content_is_upgraded_and_still_scores(org_world):
    version = schemes.import_scheme(scheme_content(), user=org_world.office, code="HQD")
    legacy = scheme_content()
    legacy["root"]["children"][0]["children"][1] = dict(LEGACY_LEAF)
    legacy["collect"] = legacy.pop("platform")["collect"]
    legacy["code"] = "HQD"
    SchemeVersion.objects.filter(pk=version.pk).update(content=legacy, yaml_text="old")
    migration = importlib.import_module("kaohe.assessment.migrations.0009_scheme_content_platform_metadata")
    migration.forwards(apps, None)
    version.refresh_from_db()
    leaf = version.content["root"]["children"][0]["children"][1]
    assert leaf["platform"] == {"responsible_unit": "C-TJJ", "frequency": "monthly", "unit_of_measure": "亿元",
                                "value_kind": "ytd", "validation": {"jump_pct": 30}}
    assert "responsible_unit" not in leaf and "rules" not in leaf
    assert version.content["platform"]["code"] == "HQD" and version.content["platform"]["collect"][0]["code"] == "gdp"
    assert "platform:" in version.yaml_text and schemes.validate(version.content) == []
    # the indicators derived from it are the same as from the current form
    specs = {s.code: s for s in schemes.derive_indicators(version)}
    assert specs["fai"].responsible_unit == org_world.stats_bureau and specs["fai"].rules == {"jump_pct": 30}


def test_importing_an_old_yaml_file_upgrades_it(org_world):
    legacy = scheme_content()
    legacy["root"]["children"][0]["children"][1] = dict(LEGACY_LEAF)
    version = schemes.import_scheme(legacy, user=org_world.office, code="HQD")
    assert version.content["root"]["children"][0]["children"][1]["platform"]["validation"] == {"jump_pct": 30}
