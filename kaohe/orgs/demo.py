"""The demo city 示范市 (fictional): units, peer groups and one user per role.

Other apps' demo loaders read the constants here (unit codes, user names).
``load(ctx)`` is idempotent: it creates what is missing and leaves the rest.

Codes:
- the city ``SFS``; districts/zones ``SFS-<XX>`` (see ``DISTRICTS``);
- towns/streets ``SFS-<XX>-NN``; departments ``SFS-<abbr>`` (see ``DEPARTMENTS``);
- development zones ``SFS-KFQ01..10``; city-owned enterprises ``SFS-GQ01..10``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from kaohe.lib.changes import announce
from kaohe.orgs.models import OrgUnit, PeerGroup, Person, Role, UnitKind, UnitPlacement
from kaohe.orgs.services import EPOCH, move_unit, save_peer_group

SEED = 20260101
CITY_CODE = "SFS"
DEMO_YEAR = 2025
CURRENT_YEAR = 2026
TODAY = dt.date(2026, 11, 10)


@dataclass
class DemoContext:
    """What every app's ``load(ctx)`` receives (see docs in common brief)."""

    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    year: int = DEMO_YEAR
    current_year: int = CURRENT_YEAR
    today: dt.date = TODAY
    city: OrgUnit | None = None
    verbose: bool = True
    logger: Callable[[str], None] = print

    def log(self, msg: str) -> None:
        if self.verbose:
            self.logger(msg)


# (code, name, English name, kind, peer group code, number of towns/streets, town kind)
DISTRICTS: list[tuple[str, str, str, str, str, int, str]] = [
    ("SFS-MH", "明湖区", "Minghu District", UnitKind.DISTRICT, "ZCQ", 9, UnitKind.STREET),
    ("SFS-YT", "云台区", "Yuntai District", UnitKind.DISTRICT, "ZCQ", 8, UnitKind.STREET),
    ("SFS-ST", "松涛区", "Songtao District", UnitKind.DISTRICT, "ZCQ", 8, UnitKind.STREET),
    ("SFS-LJ", "临江区", "Linjiang District", UnitKind.DISTRICT, "ZCQ", 7, UnitKind.STREET),
    ("SFS-FM", "凤鸣区", "Fengming District", UnitKind.DISTRICT, "ZCQ", 7, UnitKind.STREET),
    ("SFS-LX", "柳溪区", "Liuxi District", UnitKind.DISTRICT, "JQ", 12, UnitKind.TOWN),
    ("SFS-PC", "平川区", "Pingchuan District", UnitKind.DISTRICT, "JQ", 11, UnitKind.TOWN),
    ("SFS-TY", "桃源县", "Taoyuan County", UnitKind.DISTRICT, "JQ", 13, UnitKind.TOWN),
    ("SFS-BS", "白石县", "Baishi County", UnitKind.DISTRICT, "JQ", 12, UnitKind.TOWN),
    ("SFS-XQ", "示范新区", "Shifan New Area", UnitKind.NEW_AREA, "GNQ", 8, UnitKind.STREET),
    ("SFS-GX", "示范高新区", "Shifan High-tech Zone", UnitKind.HIGH_TECH_PARK, "GNQ", 5, UnitKind.STREET),
    ("SFS-JK", "示范经开区", "Shifan Economic Development Zone", UnitKind.DEV_ZONE, "GNQ", 5, UnitKind.STREET),
]

# (code, name, English name)
DEPARTMENTS: list[tuple[str, str, str]] = [
    ("SFS-TJJ", "市统计局", "Statistics Bureau"),
    ("SFS-FGW", "市发展和改革委员会", "Development and Reform Commission"),
    ("SFS-SWJ", "市商务局", "Commerce Bureau"),
    ("SFS-GXJ", "市工业和信息化局", "Industry and Information Technology Bureau"),
    ("SFS-CZJ", "市财政局", "Finance Bureau"),
    ("SFS-KJJ", "市科学技术局", "Science and Technology Bureau"),
    ("SFS-ZJJ", "市住房和城乡建设局", "Housing and Urban-Rural Development Bureau"),
    ("SFS-STJ", "市生态环境局", "Ecology and Environment Bureau"),
    ("SFS-NYJ", "市农业农村局", "Agriculture and Rural Affairs Bureau"),
    ("SFS-RSJ", "市人力资源和社会保障局", "Human Resources and Social Security Bureau"),
    ("SFS-SJJ", "市市场监督管理局", "Market Regulation Bureau"),
    ("SFS-SWU", "市税务局", "Taxation Bureau"),
    ("SFS-SPJ", "市行政审批局", "Administrative Approval Bureau"),
    ("SFS-ZRJ", "市自然资源和规划局", "Natural Resources and Planning Bureau"),
    ("SFS-JTJ", "市交通运输局", "Transport Bureau"),
    ("SFS-SLJ", "市水务局", "Water Affairs Bureau"),
    ("SFS-JYJ", "市教育局", "Education Bureau"),
    ("SFS-WJW", "市卫生健康委员会", "Health Commission"),
    ("SFS-MZJ", "市民政局", "Civil Affairs Bureau"),
    ("SFS-GAJ", "市公安局", "Public Security Bureau"),
    ("SFS-SFJ", "市司法局", "Justice Bureau"),
    ("SFS-WLJ", "市文化广电和旅游局", "Culture, Radio, Television and Tourism Bureau"),
    ("SFS-YJJ", "市应急管理局", "Emergency Management Bureau"),
    ("SFS-CGJ", "市城市管理局", "Urban Management Bureau"),
    ("SFS-GZW", "市国有资产监督管理委员会", "State-owned Assets Supervision Commission"),
    ("SFS-JRJ", "市地方金融管理局", "Local Financial Administration"),
    ("SFS-SJU", "市数据局", "Data Bureau"),
    ("SFS-SJI", "市审计局", "Audit Bureau"),
    ("SFS-TYJ", "市退役军人事务局", "Veterans Affairs Bureau"),
    ("SFS-YBJ", "市医疗保障局", "Healthcare Security Bureau"),
    ("SFS-TZJ", "市投资促进局", "Investment Promotion Bureau"),
    ("SFS-XFJ", "市信访局", "Letters and Calls Bureau"),
]

DEV_ZONES: list[tuple[str, str, str]] = [
    ("SFS-KFQ01", "明湖经济开发区", "Minghu Economic Development Zone"),
    ("SFS-KFQ02", "云台科技园区", "Yuntai Science Park"),
    ("SFS-KFQ03", "临江港口物流园区", "Linjiang Port Logistics Park"),
    ("SFS-KFQ04", "柳溪现代农业园区", "Liuxi Modern Agriculture Park"),
    ("SFS-KFQ05", "平川工业园区", "Pingchuan Industrial Park"),
    ("SFS-KFQ06", "桃源生态旅游度假区", "Taoyuan Eco-tourism Resort"),
    ("SFS-KFQ07", "白石新材料产业园", "Baishi New Materials Park"),
    ("SFS-KFQ08", "凤鸣文化创意园区", "Fengming Creative Industries Park"),
    ("SFS-KFQ09", "松涛生物医药产业园", "Songtao Biomedicine Park"),
    ("SFS-KFQ10", "示范综合保税区", "Shifan Comprehensive Bonded Zone"),
]

ENTERPRISES: list[tuple[str, str, str]] = [
    ("SFS-GQ01", "示范城市建设投资集团", "Shifan Urban Construction Investment Group"),
    ("SFS-GQ02", "示范交通投资集团", "Shifan Transport Investment Group"),
    ("SFS-GQ03", "示范国有资本运营公司", "Shifan State Capital Operation Co."),
    ("SFS-GQ04", "示范水务集团", "Shifan Water Group"),
    ("SFS-GQ05", "示范文化旅游集团", "Shifan Culture and Tourism Group"),
    ("SFS-GQ06", "示范产业投资集团", "Shifan Industrial Investment Group"),
    ("SFS-GQ07", "示范港务集团", "Shifan Port Group"),
    ("SFS-GQ08", "示范能源集团", "Shifan Energy Group"),
    ("SFS-GQ09", "示范农业发展集团", "Shifan Agricultural Development Group"),
    ("SFS-GQ10", "示范科创投资集团", "Shifan Innovation Investment Group"),
]

# Peer groups (分类考核组): code, name, English name. Members by year below.
PEER_GROUPS: list[tuple[str, str, str]] = [
    ("ZCQ", "主城区", "Urban districts"),
    ("JQ", "郊区", "Suburban districts and counties"),
    ("GNQ", "功能区", "Functional zones"),
    ("KFQ", "开发区", "Development zones"),
    ("SSGQ", "市属国企", "City-owned enterprises"),
    ("SJBM", "市级部门", "City departments"),
]

#: In 2026 平川区 is assessed with the urban districts (its seat became part of the city proper).
PEER_GROUP_CHANGES_2026 = {"SFS-PC": "ZCQ"}

#: The dated move: a town of 柳溪区 becomes a street of 明湖区 on 2026-01-01 (撤镇设街道).
MOVED_UNIT = "SFS-LX-01"
MOVE_TO = "SFS-MH"
MOVE_DATE = dt.date(2026, 1, 1)

# Town/street names: two characters from these pools, drawn with the seed; pinyin for English.
_FIRST = "长安兴华新丰龙凤金银柳桃梅松竹青白石清平永宁河港湾桥塘溪泉乐和东西南北嘉瑞荷兰双三"
_SECOND = "安宁兴和平乐丰源湾桥港塘溪山岭坪庄集口阳林园湖洲坝埠堰"
_PINYIN = {
    "长": "Chang", "安": "an", "兴": "xing", "华": "hua", "新": "xin", "丰": "feng", "龙": "long",
    "凤": "feng", "金": "jin", "银": "yin", "柳": "liu", "桃": "tao", "梅": "mei", "松": "song",
    "竹": "zhu", "青": "qing", "白": "bai", "石": "shi", "清": "qing", "平": "ping", "永": "yong",
    "宁": "ning", "河": "he", "港": "gang", "湾": "wan", "桥": "qiao", "塘": "tang", "溪": "xi",
    "泉": "quan", "乐": "le", "和": "he", "东": "dong", "西": "xi", "南": "nan", "北": "bei",
    "嘉": "jia", "瑞": "rui", "荷": "he", "兰": "lan", "双": "shuang", "三": "san", "源": "yuan",
    "山": "shan", "岭": "ling", "坪": "ping", "庄": "zhuang", "集": "ji", "口": "kou", "阳": "yang",
    "林": "lin", "园": "yuan", "湖": "hu", "洲": "zhou", "坝": "ba", "埠": "bu", "堰": "yan",
}


def _pinyin(name: str) -> str:
    parts = [_PINYIN[c].lower() for c in name]
    # Hanyu Pinyin's apostrophe: Xing'an, not Xingan.
    text = parts[0] + "".join(("'" + p) if p[0] in "aeo" else p for p in parts[1:])
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: str | None  # None: the superuser
    unit_code: str
    display_name: str
    title: str
    label: str  # what the login table says about this user


DEMO_PASSWORD = "kaohe2026"
DEMO_USERS: list[DemoUser] = [
    DemoUser("kaoheban", DEMO_PASSWORD, Role.OFFICE, CITY_CODE, "王考核", "市考核办科长", "考核办 (office)"),
    DemoUser("lingdao", DEMO_PASSWORD, Role.LEADER, CITY_CODE, "李市长", "副市长", "领导 (leader)"),
    DemoUser("tongjiju", DEMO_PASSWORD, Role.SUBMITTER, "SFS-TJJ", "张统计", "综合科科员", "填报员·统计局 (submitter)"),
    DemoUser("shangwuju", DEMO_PASSWORD, Role.SUBMITTER, "SFS-SWJ", "陈商务", "外贸科科员", "填报员·商务局 (submitter)"),
    DemoUser("minghu", DEMO_PASSWORD, Role.ASSESSED, "SFS-MH", "赵明湖", "明湖区考核办主任", "被考核单位·明湖区 (assessed)"),
    DemoUser("liuxi", DEMO_PASSWORD, Role.ASSESSED, "SFS-LX", "刘柳溪", "柳溪区考核办主任", "被考核单位·柳溪区 (assessed)"),
    # 明湖区 runs its own assessment of its streets (区对街道): its office, and one street's login.
    DemoUser("kaoheban_mh", DEMO_PASSWORD, Role.OFFICE, "SFS-MH", "钱明湖", "明湖区考核办科长", "考核办·明湖区 (district office)"),
    DemoUser("mh_jiedao", DEMO_PASSWORD, Role.ASSESSED, "SFS-MH-01", "孙街道", "街道考核专干", "被考核单位·明湖区街道 (assessed street)"),
    DemoUser("admin", "kaohe-admin", None, CITY_CODE, "系统管理员", "", "超级管理员 (superuser, /admin/)"),
]


def _units_plan(rng: random.Random) -> list[dict]:
    """Every unit below the city, in creation order, as dicts of OrgUnit fields + parent code."""
    plan: list[dict] = []
    for i, (code, name, name_en, kind, _group, _towns, _tk) in enumerate(DISTRICTS):
        plan.append(dict(code=code, name=name, name_en=name_en, kind=kind, parent=CITY_CODE, sort_order=10 + i))
    used: set[str] = set()
    for code, _name, _en, _kind, _group, towns, town_kind in DISTRICTS:
        suffix = "街道" if town_kind == UnitKind.STREET else "镇"
        suffix_en = "Street" if town_kind == UnitKind.STREET else "Town"
        for n in range(1, towns + 1):
            while True:
                stem = rng.choice(_FIRST) + rng.choice(_SECOND)
                if stem not in used and stem[0] != stem[1]:
                    used.add(stem)
                    break
            plan.append(dict(
                code=f"{code}-{n:02d}", name=stem + suffix, name_en=f"{_pinyin(stem)} {suffix_en}",
                kind=town_kind, parent=code, sort_order=n,
            ))
    for i, (code, name, name_en) in enumerate(DEPARTMENTS):
        plan.append(dict(code=code, name=name, name_en=name_en, kind=UnitKind.DEPARTMENT, parent=CITY_CODE,
                         sort_order=100 + i))
    for i, (code, name, name_en) in enumerate(DEV_ZONES):
        plan.append(dict(code=code, name=name, name_en=name_en, kind=UnitKind.DEV_ZONE, parent=CITY_CODE,
                         sort_order=200 + i))
    for i, (code, name, name_en) in enumerate(ENTERPRISES):
        plan.append(dict(code=code, name=name, name_en=name_en, kind=UnitKind.ENTERPRISE, parent=CITY_CODE,
                         sort_order=300 + i))
    return plan


def _short_name(name: str) -> str:
    return name[1:] if name.startswith("市") else name


def _load_units(ctx: DemoContext) -> OrgUnit:
    city, created = OrgUnit.objects.get_or_create(
        code=CITY_CODE, defaults=dict(name="示范市", name_en="Shifan City", kind=UnitKind.CITY)
    )
    if created:
        UnitPlacement.objects.create(unit=city, parent=None, kind=UnitKind.CITY, valid_from=EPOCH)
    plan = _units_plan(random.Random(SEED))  # its own stream: names never depend on other loaders
    existing = set(OrgUnit.objects.values_list("code", flat=True))
    missing = [row for row in plan if row["code"] not in existing]
    if not missing:
        return city
    by_code = {u.code: u for u in OrgUnit.objects.all()}
    # Parents come before children in the plan: create level by level.
    for level in (CITY_CODE, "district"):
        rows = [r for r in missing if (r["parent"] == CITY_CODE) == (level == CITY_CODE)]
        new = OrgUnit.objects.bulk_create([
            OrgUnit(**{**r, "parent": by_code[r["parent"]],
                       "short_name": _short_name(r["name"]) if r["kind"] == UnitKind.DEPARTMENT else ""})
            for r in rows
        ])
        if not new or new[0].pk is None:  # backends without RETURNING ids
            new = list(OrgUnit.objects.filter(code__in=[r["code"] for r in rows]))
        for unit in new:
            by_code[unit.code] = unit
        UnitPlacement.objects.bulk_create([
            UnitPlacement(unit=u, parent_id=u.parent_id, kind=u.kind, valid_from=EPOCH) for u in new
        ])
    announce("import", None, object_type="orgs.orgunit", parent=city, unit=city,
             object_repr="示范市演示单位", after={"created": [r["code"] for r in missing]},
             reason="演示数据 (kaohe demo)")
    ctx.log(f"  orgs: {len(missing)} units created")
    return city


def _load_move() -> None:
    unit = OrgUnit.objects.get(code=MOVED_UNIT)
    if unit.placements.count() > 1:
        return
    old_name = unit.name
    new_name = old_name[:-1] + "街道" if old_name.endswith("镇") else old_name
    unit.name, unit.name_en = new_name, unit.name_en.replace(" Town", " Street")
    # Listed after the district's own streets.
    unit.sort_order = 1 + max(OrgUnit.objects.filter(parent__code=MOVE_TO).values_list("sort_order", flat=True))
    unit.save(update_fields=["name", "name_en", "sort_order"])
    move_unit(
        unit, parent=OrgUnit.objects.get(code=MOVE_TO), kind=UnitKind.STREET, valid_from=MOVE_DATE,
        reason=f"行政区划调整：{old_name}划归明湖区，撤镇设街道",
    )


def _load_peer_groups() -> None:
    units = {u.code: u for u in OrgUnit.objects.filter(code__startswith="SFS-")}

    def members(group: str, year: int) -> list[OrgUnit]:
        if group == "KFQ":
            return [units[c] for c, _n, _e in DEV_ZONES]
        if group == "SSGQ":
            return [units[c] for c, _n, _e in ENTERPRISES]
        if group == "SJBM":
            return [units[c] for c, _n, _e in DEPARTMENTS]
        chosen = []
        for code, *_rest in DISTRICTS:
            home = _rest[3]
            if year >= CURRENT_YEAR:
                home = PEER_GROUP_CHANGES_2026.get(code, home)
            if home == group:
                chosen.append(units[code])
        return chosen

    for year in (DEMO_YEAR, CURRENT_YEAR):
        if PeerGroup.objects.filter(year=year).exists():
            continue
        for i, (code, name, name_en) in enumerate(PEER_GROUPS):
            save_peer_group(year=year, code=code, name=name, name_en=name_en, members=members(code, year),
                            sort_order=i, reason="演示数据 (kaohe demo)")


#: 明湖区's own peer group: the streets it assesses (区对街道). The street that moved in on
#: 2026-01-01 joins the 2026 group.
DISTRICT_OFFICE = "SFS-MH"
DISTRICT_GROUP = ("MH-JD", "明湖区街道", "Minghu streets")


def _load_district_groups() -> None:
    code, name, name_en = DISTRICT_GROUP
    for year in (DEMO_YEAR, CURRENT_YEAR):
        if PeerGroup.objects.filter(year=year, code=code).exists():
            continue
        below = OrgUnit.objects.filter(parent__code=DISTRICT_OFFICE)
        members = list(below if year >= CURRENT_YEAR else below.exclude(code=MOVED_UNIT))
        save_peer_group(year=year, code=code, name=name, name_en=name_en, members=members, sort_order=50,
                        reason="演示数据 (kaohe demo)：明湖区对街道考核分组")


def _load_users(ctx: DemoContext) -> None:
    User = get_user_model()
    existing = set(User.objects.filter(username__in=[u.username for u in DEMO_USERS]).values_list("username", flat=True))
    hashes: dict[str, str] = {}
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=[d.unit_code for d in DEMO_USERS])}
    for demo in DEMO_USERS:
        if demo.username in existing:
            continue
        if demo.password not in hashes:  # hashing is slow on purpose: once per distinct password
            hashes[demo.password] = make_password(demo.password)
        user = User(username=demo.username, password=hashes[demo.password], first_name=demo.display_name,
                    is_staff=demo.role in (None, Role.OFFICE), is_superuser=demo.role is None)
        user.save()
        if demo.role is not None:
            Person.objects.create(user=user, unit=units[demo.unit_code], role=demo.role,
                                  display_name=demo.display_name, title=demo.title)
        ctx.log(f"  orgs: user {demo.username} created")


@transaction.atomic
def load(ctx: DemoContext) -> None:
    """Create the demo city's units, dated move, peer groups for 2025/2026 and users."""
    ctx.city = _load_units(ctx)
    _load_move()
    _load_peer_groups()
    _load_district_groups()
    _load_users(ctx)


def login_table() -> list[tuple[str, str, str]]:
    """(label, username, password) rows for the console."""
    return [(u.label, u.username, u.password) for u in DEMO_USERS]
