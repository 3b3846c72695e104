"""Aggregation of leaf scores up the scheme tree (汇总).

``sum`` (default): the node's score is the sum of its children's; its full marks
the sum of theirs. ``mean`` / ``geometric``: the weighted arithmetic / geometric
mean of the children's scores each divided by its full marks, times the node's
own ``points``. A child that is NaN was excluded (``missing: exclude``): a sum
node rescales the present children to its full marks (Σ present scores × full /
Σ present full marks), a mean node averages over the present children only. A
node whose children are all excluded is itself excluded.
"""

from __future__ import annotations

import numpy as np

from kaohe.engine.scheme import Leaf, Node


def aggregate(root: Node, leaf_scores: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    """Scores of every node (post-order), keyed by code; leaves included."""
    out: dict[str, np.ndarray] = dict(leaf_scores)
    fulls: dict[str, float] = {}

    def full_of(node: Node | Leaf) -> float:  # memoised: full_marks recurses
        if node.code not in fulls:
            fulls[node.code] = node.full_marks
        return fulls[node.code]

    def visit(node: Node | Leaf) -> np.ndarray:
        if isinstance(node, Leaf):
            return out[node.code]
        kids = [visit(c) for c in node.children]
        S = np.column_stack(kids) if kids else np.zeros((n, 0))
        full = np.array([full_of(c) for c in node.children], dtype=np.float64)
        w = np.array([c.weight for c in node.children], dtype=np.float64)
        present = ~np.isnan(S)
        with np.errstate(invalid="ignore", divide="ignore"):
            if node.aggregate == "sum":
                plain = np.where(present, S, 0.0).sum(axis=1)
                fp = (present * full).sum(axis=1)
                score = np.where(present.all(axis=1), plain,
                                 np.where(fp > 0, plain * full.sum() / fp, np.nan))
            else:
                R = np.where(present, S / full, 0.0)
                wp = present * w
                sw = wp.sum(axis=1)
                if node.aggregate == "mean":
                    m = (wp * R).sum(axis=1) / sw
                else:
                    logs = np.where(wp > 0, np.log(np.where(R > 0, R, 1.0)), 0.0)
                    zero = (wp > 0) & (R <= 0)
                    m = np.where(zero.any(axis=1), 0.0, np.exp((wp * logs).sum(axis=1) / sw))
                score = np.where(sw > 0, (node.points or 0.0) * m, np.nan)
        out[node.code] = score
        return score

    visit(root)
    return out
