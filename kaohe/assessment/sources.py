"""指标数据来源: indicators whose values a kaohe module computes instead of anyone typing them.

An indicator's values come either from entry (the grid, Excel, the API) or from a module's
figures — today the projects module's 开工率、投资完成率…; next supervision (按期办结率),
enterprise service (响应率/解决率/满意率) and investment attraction. A scheme declares it on
the leaf, in the engine's platform place (``platform: {source: projects}``); each module registers what it can compute here, from
its app's ``ready()``::

    sources.register(IndicatorSource(code="projects", name="重大项目", indicators={...}, compute=...))

``services.compute_sourced_values(version, period)`` then asks each source for the period's
figures and stores them as ordinary values, each with its provenance (module, computed-at,
the ids and hash of the records it was computed from). Entry of such an indicator is refused
(:func:`entry_refused`), so a figure is never typed twice.

The assessment app is below the modules in the layers, so it never imports them: they come
to it through this registry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from kaohe.assessment.models import IndicatorSpec


@dataclass(frozen=True)
class SourceRequest:
    """What to compute: the period (its year and last day) for these units and indicators."""

    year: int
    end: dt.date
    units: tuple[str, ...]  # unit codes
    indicators: tuple[str, ...]


@dataclass(frozen=True)
class SourceFigure:
    """One computed value with what it was computed from (``inputs``: e.g. ``{"projects": [3, 7]}``)."""

    unit: str
    indicator: str
    value: float | None
    inputs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def inputs_hash(self) -> str:
        return inputs_hash(self.inputs)


def inputs_hash(inputs: Mapping[str, Any]) -> str:
    """SHA-256 of the inputs in canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(inputs, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class IndicatorSource:
    """A module that computes indicator values: its code (as declared in schemes), its Chinese
    name, the indicators it knows (code → name), and the function computing them."""

    code: str
    name: str
    indicators: Mapping[str, str]
    compute: Callable[[SourceRequest], list[SourceFigure]]


_REGISTRY: dict[str, IndicatorSource] = {}


def register(source: IndicatorSource) -> None:
    """Called once per module from its AppConfig.ready(); registering a code twice is a bug."""
    found = _REGISTRY.get(source.code)
    if found is not None and found is not source:
        raise ValueError(f"indicator source {source.code!r} registered twice")
    _REGISTRY[source.code] = source


def registered() -> dict[str, IndicatorSource]:
    return dict(_REGISTRY)


def get(code: str) -> IndicatorSource | None:
    return _REGISTRY.get(code)


def check_leaf(code: str, name: str, source: Any) -> list[str]:
    """Problems of one leaf's ``platform.source`` declaration (unknown module, or an indicator it does not compute)."""
    if source in (None, ""):
        return []
    found = _REGISTRY.get(str(source))
    if found is None:
        known = "、".join(f"{s.code}（{s.name}）" for s in _REGISTRY.values()) or _("无")
        return [_("指标 %(code)s（%(name)s）：数据来源“%(src)s”不存在，可选：%(known)s") % {
            "code": code, "name": name, "src": source, "known": known}]
    if code not in found.indicators:
        return [_("指标 %(code)s（%(name)s）：%(src)s模块不计算该指标，可选：%(known)s") % {
            "code": code, "name": name, "src": found.name, "known": "、".join(found.indicators)}]
    return []


def entry_refused(spec: IndicatorSpec) -> str:
    """The message for anyone typing a value of a sourced indicator."""
    found = _REGISTRY.get(spec.source)
    return _("指标“%(name)s”（%(code)s）的数据来自%(src)s模块，每期自动计算，不能填报或导入；如数据有误，请在%(src)s模块中更正。") % {
        "name": spec.name, "code": spec.code, "src": found.name if found else spec.source}
