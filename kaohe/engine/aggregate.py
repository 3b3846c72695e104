"""Aggregation of leaf scores up the scheme tree (汇总).

``sum`` (default): the node's score is the sum of its children's; its full marks
the sum of theirs. ``mean`` / ``geometric``: the weighted arithmetic / geometric
mean of the children's scores each divided by its full marks, times the node's
own ``points``. A child that is NaN was excluded (``missing: exclude``): a sum
node rescales the present children to its full marks (Σ present scores × full /
Σ present full marks), a mean node averages over the present children only. A
node whose children are all excluded is itself excluded.

Minimum data (``min_present`` k, ``max_missing`` m on a node): a leaf *has data* when its
value was given (an imputed mean is not data); a node has data when at least k (default 1)
of its children have data and at most m of the leaves beneath it lack data. A node with
either rule that lacks data follows its own ``missing`` rule: ``zero`` scores 0,
``exclude`` leaves it out (NaN, its parent rescales). :func:`data_presence` gives the
has-data matrix and the nodes whose rule failed.
"""

from __future__ import annotations

import numpy as np

from kaohe.engine.scheme import Leaf, Node


def data_presence(root: Node, leaf_present: dict[str, np.ndarray]
                  ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray]]:
    """``(has_data, failed, missing_leaves)`` per code: whether each unit has data for the
    leaf or node, whether a node's ``min_present``/``max_missing`` rule failed (only nodes
    with a rule are keyed), and per node how many leaves beneath it lack data."""
    has: dict[str, np.ndarray] = {}
    failed: dict[str, np.ndarray] = {}
    missing: dict[str, np.ndarray] = {}

    def visit(node: Node | Leaf) -> None:
        if isinstance(node, Leaf):
            has[node.code] = leaf_present[node.code]
            missing[node.code] = (~leaf_present[node.code]).astype(np.int64)
            return
        for c in node.children:
            visit(c)
        count = sum(has[c.code].astype(np.int64) for c in node.children)
        missing[node.code] = sum(missing[c.code] for c in node.children)
        ok = count >= (node.min_present or 1)
        if node.max_missing is not None:
            ok &= missing[node.code] <= node.max_missing
        has[node.code] = ok
        if node.has_data_rule:
            failed[node.code] = ~ok

    visit(root)
    return has, failed, missing


def aggregate(root: Node, leaf_scores: dict[str, np.ndarray], n: int,
              failed: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Scores of every node (post-order), keyed by code; leaves included. ``failed`` (from
    :func:`data_presence`) applies the nodes' minimum-data rules: a failed root is NaN."""
    out: dict[str, np.ndarray] = dict(leaf_scores)
    failed = failed or {}
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
        if node.code in failed:
            gone = np.nan if node is root or node.missing == "exclude" else 0.0
            score = np.where(failed[node.code], gone, score)
        out[node.code] = score
        return score

    visit(root)
    return out
