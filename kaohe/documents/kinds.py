"""文种 (document kinds): each module registers the bulletins it issues from its AppConfig.ready().

    from kaohe.documents.kinds import Kind, register
    register(Kind("economy", _("经济运行分析"), prefix="经分"))

``prefix`` is the default 机关代字 part of the number (the office may change it per draft); numbers
run per issuing unit, 代字 and year. ``letter`` kinds (督办函, 催办单) use the 信函格式.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Kind:
    code: str
    name: str | Promise
    prefix: str
    letter: bool = False
    order: int = 100


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    existing = _KINDS.get(kind.code)
    if existing is not None and existing != kind:
        raise ValueError(f"document kind {kind.code!r} is registered twice")
    _KINDS[kind.code] = kind
    return kind


def get(code: str) -> Kind | None:
    return _KINDS.get(code)


def all_kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda k: (k.order, k.code))


def name_of(code: str) -> str:
    kind = _KINDS.get(code)
    return str(kind.name) if kind else code
