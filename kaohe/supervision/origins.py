"""Where a task comes from (立项来源), per kind of source object: how to name it, link to it and
pre-fill a progress report from what kaohe already holds (最多报一次).

Modules below supervision are described here; a module above it (enterprise requests) registers
its own with :func:`register` from its AppConfig.ready(), so this app never imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Origin:
    """How supervision treats objects of one model (``app_label.modelname``)."""

    label: str  # 项目问题
    describe: Callable[[models.Model], str]
    link: Callable[[models.Model], str]
    prefill: Callable[[models.Model], str] = lambda obj: ""


_ORIGINS: dict[str, Origin] = {}


def register(model_label: str, origin: Origin) -> None:
    found = _ORIGINS.get(model_label)
    if found is not None and found is not origin:
        raise ValueError(f"supervision origin {model_label!r} registered twice")
    _ORIGINS[model_label] = origin


def get(model_label: str) -> Origin | None:
    _builtin()
    return _ORIGINS.get(model_label)


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _project_figures(project) -> str:
    from kaohe.lib.numbers import number  # noqa: PLC0415

    report = project.reports.order_by("-year", "-month").first()
    if report is None:
        return f"“{project.name}”尚无月度进展报送。"
    share = ""
    if project.year_plan:
        share = f"，占年度计划投资{number(float(report.invest_ytd) / float(project.year_plan) * 100, 1)}%"
    return (f"据重大项目月报（{report.year}年{report.month}月），“{project.name}”年度累计完成投资"
            f"{number(report.invest_ytd, 0)}万元{share}；形象进度：{report.progress or '—'}。")


def _problem_prefill(problem) -> str:
    state = {"open": "办理中", "resolved": "已办结待确认", "closed": "已销号"}.get(problem.status, problem.status)
    text = f"项目问题“{problem.title}”当前状态：{state}。"
    if problem.resolution:
        text += f"办理结果：{problem.resolution}。"
    return text + _project_figures(problem.project)


_LOADED = False


def _builtin() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    register("projects.project", Origin(
        "重大项目", lambda p: f"重大项目 {p.code} {p.name}", lambda p: _url("projects:detail", p.pk), _project_figures))
    register("projects.problem", Origin(
        "项目问题", lambda p: f"项目问题：{p.title}（{p.project.name}）", lambda p: _url("projects:detail", p.project_id),
        _problem_prefill))
    register("projects.projectwarning", Origin(
        "项目预警", lambda w: f"项目预警：{w.project.name}（{w.date:%Y-%m-%d}）", lambda w: _url("projects:detail", w.project_id),
        lambda w: _project_figures(w.project)))
    register("results.flag", Origin(
        "黄灯提醒", lambda f: f"{f.year}年{f.month}月{f.get_kind_display()}：{f.unit_name}（{f.reason}）", lambda f: _url("results:flags"),
        lambda f: f"{f.year}年{f.month}月{f.board or ''}{f.get_kind_display()}：{f.reason}"))
    register("assessment.indicatorspec", Origin(
        "考核指标", lambda s: f"考核指标 {s.code} {s.name}", lambda s: "", lambda s: ""))
