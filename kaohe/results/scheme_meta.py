"""What pages need to know about a run's scheme: names, full marks, boards, tiers, bands.

Derived from the engine's :class:`~kaohe.engine.scheme.Scheme` of the run's inputs (its
``platform`` metadata included) and kept on the run as ``scheme_meta`` so pages never
decompress the inputs.
"""

from __future__ import annotations

from typing import Any

from kaohe.engine.platform import Bands
from kaohe.engine.scheme import Leaf, Scheme


def _bands(b: Bands) -> dict[str, float]:
    return {"green": b.green, "yellow": b.yellow}


def summary(scheme: Scheme) -> dict[str, Any]:
    """``{"name", "indicators", "categories", "boards", "tiers", "precision"}`` for display."""
    ancestry = scheme.ancestry()
    categories = [{"code": n.code, "name": n.name, "full_marks": n.full_marks}
                  for n in scheme.top_nodes()]
    cat_names = {c["code"]: c["name"] for c in categories}
    indicators: dict[str, dict] = {}
    for position, leaf in enumerate(scheme.leaves()):
        above = ancestry.get(leaf.code, ())
        category = above[0].code if above else leaf.code  # a top-level leaf is its own category
        indicators[leaf.code] = {  # the code RunIndicator rows carry
            "name": leaf.name,
            "points": leaf.points,
            "direction": leaf.direction,
            "unit": leaf.platform.unit_of_measure,
            "method": leaf.method,
            "category": category,
            "category_name": cat_names.get(category, ""),
            "bands": _bands(scheme.bands_of(leaf.code)),
            # PostgreSQL's jsonb keeps object keys in its own order, not ours: the scheme's order is a field.
            "order": position,
        }
    boards = []
    for b in scheme.boards:
        members: list[str] = []
        for code in b.indicators:
            node = scheme.find(code)
            members += [lf.code for lf in node.iter_nodes() if isinstance(lf, Leaf)] if node else [code]
        boards.append({"code": b.code, "name": b.name, "indicators": list(dict.fromkeys(members))})
    tiers = scheme.tiers
    levels = [{k: v for k, v in (("name", lv.name), ("min", lv.min), ("share", lv.share), ("count", lv.count))
               if v is not None} for lv in (tiers.levels if tiers else ())]
    return {
        "name": scheme.name,
        "indicators": indicators,
        "categories": categories,
        "boards": boards,
        "tiers": {"by": tiers.by if tiers else "", "levels": levels},
        "precision": scheme.precision,
    }
