"""Assessment test data: a small scheme over the ``org_world`` city, periods and values."""

from __future__ import annotations

import copy
from decimal import Decimal

from kaohe.assessment import schemes, services
from kaohe.assessment.models import Period, PeriodKind

SMALL_SCHEME = {
    "name": "2025年度测试考核",
    "year": 2025,
    "precision": 2,
    "root": {
        "children": [
            {
                "code": "ECO", "name": "经济发展",
                "children": [
                    {"code": "gdp_yoy", "name": "地区生产总值增速", "points": 10, "method": "rank_points",
                     "params": {"step": 1}},
                    {"code": "fai", "name": "固定资产投资", "points": 10, "method": "efficacy",
                     "platform": {"unit_of_measure": "亿元", "responsible_unit": "C-TJJ", "frequency": "monthly",
                                  "value_kind": "ytd", "validation": {"jump_pct": 30}}},
                    {"code": "export", "name": "出口总额", "points": 5, "method": "rank_ratio",
                     "platform": {"unit_of_measure": "亿元", "responsible_unit": "C-SWJ", "frequency": "monthly",
                                  "validation": {"part_of": "trade"}}},
                ],
            },
            {
                "code": "LIV", "name": "民生保障",
                "children": [
                    {"code": "jobs", "name": "城镇新增就业", "points": 5, "method": "target",
                     "platform": {"unit_of_measure": "人", "responsible_unit": "C-TJJ", "frequency": "monthly",
                                  "validation": {"integer": True}}},
                    {"code": "safety", "name": "安全事故", "points": 5, "direction": "lower",
                     "method": "threshold", "params": {"value": 0},
                     "platform": {"responsible_unit": "C-TJJ", "frequency": "quarterly"}},
                ],
            },
        ]
    },
    "computed": [{"code": "gdp_yoy", "yoy": "gdp"}],
    "platform": {"collect": [
        {"code": "gdp", "name": "地区生产总值", "unit_of_measure": "亿元", "responsible_unit": "C-TJJ",
         "frequency": "monthly", "value_kind": "ytd"},
        {"code": "trade", "name": "进出口总额", "unit_of_measure": "亿元", "responsible_unit": "C-SWJ",
         "frequency": "monthly"},
    ]},
}


def scheme_content(**changes) -> dict:
    content = copy.deepcopy(SMALL_SCHEME)
    content.update(changes)
    return content


def adopted_version(world, content: dict | None = None, user=None):
    version = schemes.import_scheme(content or scheme_content(), user=user or world.office, code="HQD",
                                    peer_groups=[world.peer_group])
    return schemes.adopt(version, user=user or world.office)


def periods(year: int = 2025, owner=None) -> dict[int, Period]:
    """The months of ``owner``'s ``year`` (default owner: the top unit, the test city)."""
    from kaohe.orgs.models import OrgUnit

    owner = owner or OrgUnit.objects.filter(parent__isnull=True).order_by("sort_order", "pk").first()
    services.ensure_periods(owner, year)
    return {p.number: p for p in services.periods_of(owner, year).filter(kind=PeriodKind.MONTH)}


def put(world, version, period, values: dict[tuple[str, str], str | None], user=None, **kw):
    """Save {(unit code, indicator): value} as ``user`` (the statistics submitter by default)."""
    from kaohe.orgs.models import OrgUnit

    ids = dict(OrgUnit.objects.values_list("code", "pk"))
    items = [services.ValueInput(ids[u], ind, None if v is None else Decimal(str(v))) for (u, ind), v in values.items()]
    return services.save_values(user or world.submitter, version, period, items, source="grid", **kw)


def city_version(world, user=None):
    """The city's adopted scheme (owner 测试市) over both districts."""
    version = schemes.import_scheme(scheme_content(), user=user or world.office, code="HQD",
                                    peer_groups=[world.peer_group], owner_unit=world.city)
    return schemes.adopt(version, user=user or world.office)


def district_version(world, user=None):
    """甲区's own adopted scheme (owner 甲区) over its two towns, its statistics bureau responsible.

    The city scheme's tree with every responsible unit moved to 甲区统计局 ``C-A-TJJ``, code ``JQ``.
    """
    from tests import factories as f

    content = scheme_content(name="2025年度甲区镇街考核")
    leaves = [*content["root"]["children"][0]["children"], *content["root"]["children"][1]["children"]]
    for meta in [leaf.get("platform") or {} for leaf in leaves] + content["platform"]["collect"]:
        if meta.get("responsible_unit"):
            meta["responsible_unit"] = "C-A-TJJ"
    towns = f.PeerGroupFactory(year=2025, code="JQZJ", name="甲区镇街", members=world.towns_a)
    version = schemes.import_scheme(content, user=user or world.office_a, code="JQ", peer_groups=[towns],
                                    owner_unit=world.district_a)
    return schemes.adopt(version, user=user or world.office_a)
