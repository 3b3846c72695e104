"""The shell's left navigation: one entry per module that exists, each naming its one URL.

A module appears here when its app is in the project, under the URL name that app
defines (a test reverses every one): nothing is guessed, and nothing points at a
placeholder. Supervision, enterprise service and commitments join when their apps land.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kaohe.orgs.permissions import check


@dataclass(frozen=True)
class NavModule:
    """A module of the platform as shown in the navigation and on the home page."""

    key: str  # the value of ``nav_active`` that highlights it
    label: Promise
    description: Promise
    url_name: str
    icon: str
    permission: str | None = None  # a rule in kaohe.orgs.permissions; None = any signed-in user


MODULES: tuple[NavModule, ...] = (
    NavModule("home", _("首页/驾驶舱"), _("本年度考核总览、预警与待办"), "home", "home"),
    NavModule("schemes", _("考核方案"), _("年度考核办法、指标体系与评分规则"), "assessment:scheme_list", "scheme"),
    NavModule("data", _("数据填报"), _("各责任单位按月填报指标数据与审核"), "assessment:data_entry", "data",
              "assessment.view_values"),
    NavModule("results", _("考核结果"), _("得分、排名、等次与差距分析"), "results:run_list", "results"),
    NavModule("boards", _("晒榜"), _("争先榜、龙虎榜、赛马榜、活力榜、效能榜"), "results:boards", "boards"),
    NavModule("projects", _("重大项目"), _("重大项目进度、投资与问题预警"), "projects:list", "projects"),
    NavModule("supervision", _("督查督办"), _("督办事项交办、签收、催办、督办与通报"), "supervision:inbox", "supervision"),
    NavModule("enterprise", _("企业服务"), _("企业诉求首问负责、事不过夜、回访满意度"), "enterprise:workbench", "enterprise"),
    NavModule("commitments", _("公开承诺"), _("百名局长百件事等承诺事项的认领、公示、推进与评诺"), "commitments:index",
              "commitments", "commitments.list"),
    NavModule("monitor", _("经济运行监测"), _("重点经济指标累计、增速、位次与开门红、双过半"), "monitor:board", "results",
              "monitor.view"),
    NavModule("attraction", _("招商引资"), _("招商项目从在谈到达效、准入评估、招商活动与目标任务"), "attraction:kanban", "attraction"),
    NavModule("reports", _("报告"), _("月度晒榜、季度点评、年度结果等通报的起草、印发与查阅"), "reports:index", "reports",
              "documents.list"),
    NavModule("orgs", _("单位与分组"), _("单位名录、隶属沿革与分类考核组"), "orgs:directory", "orgs"),
    NavModule("audit", _("操作日志"), _("全部数据变更的留痕记录"), "audit:log", "audit", "audit.view"),
)

MODULE_KEYS = tuple(m.key for m in MODULES)


def module_by_key(key: str) -> NavModule | None:
    return next((m for m in MODULES if m.key == key), None)


def nav_entries(user) -> list[dict]:
    """The navigation for ``user``: entries they may open, with their resolved URLs."""
    entries = []
    for module in MODULES:
        if module.permission and not check(user, module.permission):
            continue
        entries.append({"key": module.key, "label": module.label, "description": module.description,
                        "url": reverse(module.url_name), "icon": module.icon})
    return entries


# Shortcuts on the shell's home page, per role: (label, URL name, needs the user's unit code).
QUICK_LINKS: dict[str, tuple[tuple[Promise, str, bool], ...]] = {
    "office": (
        (_("数据审核"), "assessment:review", False),
        (_("发起计分"), "results:run_new", False),
        (_("结果公示"), "results:publications", False),
        (_("申诉处理"), "results:appeals", False),
        (_("项目预警"), "projects:board", False),
        (_("督办台账"), "supervision:board", False),
        (_("留言审核"), "commitments:moderation", False),
        (_("操作日志"), "audit:log", False),
    ),
    "leader": (
        (_("驾驶舱"), "results:cockpit", False),
        (_("晒榜"), "results:boards", False),
        (_("红旗黄灯"), "results:flags", False),
        (_("经济运行监测"), "monitor:board", False),
        (_("项目预警"), "projects:board", False),
        (_("督办总览"), "supervision:overview", False),
    ),
    "submitter": (
        (_("我的填报"), "assessment:my_grid", False),
        (_("数据填报"), "assessment:data_entry", False),
        (_("考核方案"), "assessment:scheme_list", False),
    ),
    "assessed": (
        (_("本单位考核结果"), "results:my_unit", False),
        (_("本单位重大项目"), "projects:portfolio", True),
        (_("申诉"), "results:appeals", False),
        (_("督办待办"), "supervision:inbox", False),
        (_("本单位承诺事项"), "commitments:index", False),
        (_("本单位概况"), "orgs:unit", True),
    ),
}


def quick_links(person) -> list[dict]:
    """The home page shortcuts for ``person``'s role."""
    if person is None:
        return []
    return [{"label": label, "url": reverse(name, args=[person.unit.code] if with_unit else [])}
            for label, name, with_unit in QUICK_LINKS.get(person.role, ())]
