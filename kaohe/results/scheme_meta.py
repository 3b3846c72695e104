"""What pages need to know about a run's scheme: names, full marks, boards, tiers, bands.

Derived from the scheme stored in the run's inputs and kept on the run as
``scheme_meta`` so pages never decompress the inputs.
"""

from __future__ import annotations

from typing import Any

DEFAULT_BANDS = {"green": 0.85, "yellow": 0.6}


def _nodes(scheme: dict) -> list[dict]:
    root = scheme.get("root")
    if isinstance(root, dict):
        return [root]
    return list(root or [])


def leaves(scheme: dict) -> dict[str, dict]:
    """Indicator code → leaf dict (name, points, direction…) of the scheme tree."""
    found: dict[str, dict] = {}

    def walk(node: dict) -> None:
        children = node.get("children")
        if children:
            for child in children:
                walk(child)
        elif node.get("indicator") or node.get("code"):
            found[str(node.get("indicator") or node.get("code"))] = node

    for node in _nodes(scheme):
        walk(node)
    return found


def summary(scheme: dict) -> dict[str, Any]:
    """``{"indicators", "categories", "boards", "tiers", "node_leaves"}`` for display."""
    indicators: dict[str, dict] = {}
    categories: list[dict] = []
    node_leaves: dict[str, list[str]] = {}

    def walk(node: dict, top: dict | None, depth: int) -> list[str]:
        code = str(node.get("code") or "")
        children = node.get("children")
        if children:
            found: list[str] = []
            for child in children:
                found += walk(child, top or (node if depth == 1 else None), depth + 1)
            if code:
                node_leaves[code] = found
            return found
        ind = str(node.get("indicator") or code)
        indicators[ind] = {
            "name": str(node.get("name") or ind),
            "points": node.get("points"),
            "direction": node.get("direction", "higher"),
            "unit": node.get("unit") or node.get("measure") or "",
            "method": node.get("method", ""),
            "category": str((top or {}).get("code") or ""),
            "bands": node.get("bands") or DEFAULT_BANDS,
        }
        if code:
            node_leaves[code] = [ind]
        return [ind]

    def full(node: dict) -> float:
        children = node.get("children")
        if not children:
            return float(node.get("points") or 0)
        if node.get("aggregate") in ("mean", "geometric"):
            return float(node.get("points") or 0)
        return sum(full(c) for c in children)

    for root in _nodes(scheme):
        if root.get("children") and not root.get("indicator"):
            for cat in root["children"]:
                categories.append({"code": str(cat.get("code") or ""), "name": str(cat.get("name") or cat.get("code") or ""),
                                   "full_marks": full(cat)})
                walk(cat, cat, 2)
        else:
            walk(root, None, 1)
    cat_names = {c["code"]: c["name"] for c in categories}
    for ind in indicators.values():
        ind["category_name"] = cat_names.get(ind["category"], "")
    boards = []
    for b in scheme.get("boards") or []:
        members: list[str] = []
        for code in b.get("indicators") or []:
            members += node_leaves.get(str(code), [str(code)])
        boards.append({"code": str(b.get("code")), "name": str(b.get("name") or b.get("code")),
                       "indicators": list(dict.fromkeys(members))})
    tiers = scheme.get("tiers") or {}
    return {
        "name": scheme.get("name") or "",
        "indicators": indicators,
        "categories": categories,
        "boards": boards,
        "tiers": {"by": tiers.get("by", ""), "levels": [dict(level) for level in tiers.get("levels") or []]},
        "precision": scheme.get("precision", 2),
    }
