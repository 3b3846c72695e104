"""Tiers (等次): by score bands, or by quota filled in rank order within each peer group.

Quota rule (issue 3): a level's count is ``count``, or ``share·n`` rounded half up
(n = units in the peer group); units tied with the last one admitted are admitted
too; the last level takes the rest. One-vote veto: ``bar_top_tier`` units are not
admitted to the first level (they compete from the second level down, in rank
order, and take a place there); ``last_tier`` units go to the last level and take
no quota place above it.
"""

from __future__ import annotations

import numpy as np

from kaohe.engine.rank import round_half_up
from kaohe.engine.scheme import Tiers

BAR_TOP, LAST = 1, 2  # veto effects relevant to tiers


def quota_counts(tiers: Tiers, group_sizes: np.ndarray) -> np.ndarray:
    """(levels − 1, groups) admitted counts before ties."""
    rows = []
    for lv in tiers.levels[:-1]:
        if lv.count is not None:
            rows.append(np.full(len(group_sizes), float(lv.count)))
        else:
            rows.append(round_half_up(np.asarray(group_sizes, dtype=np.float64) * (lv.share or 0.0), 0))
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(group_sizes))


def assign(tiers: Tiers, total: np.ndarray, rank: np.ndarray, g: np.ndarray, starts: np.ndarray,
           veto: np.ndarray) -> np.ndarray:
    """Level index (0 = first) of each unit, −1 for none. ``veto`` holds 0, BAR_TOP or LAST."""
    n_levels = len(tiers.levels)
    last = n_levels - 1
    out = np.full(len(total), -1, dtype=np.int64)
    if len(total) == 0:
        return out
    if tiers.by == "bands":
        for i in range(n_levels - 1, -1, -1):  # from the lowest band up: higher bands overwrite
            lv = tiers.levels[i]
            hit = np.ones(len(total), bool) if lv.min is None else round_half_up(total, 6) >= lv.min - 1e-12
            out = np.where(hit, i, out)
        out = np.where((veto == BAR_TOP) & (out == 0) & (n_levels > 1), 1, out)
        return np.where(veto == LAST, last, out)

    sizes = np.diff(np.r_[starts, len(total)])
    counts = quota_counts(tiers, sizes)
    order = np.lexsort((np.arange(len(total)), rank, g))  # by group, rank, unit order
    gs = g[order]
    rs = rank[order]
    gstart = np.r_[0, np.flatnonzero(gs[1:] != gs[:-1]) + 1]
    assigned = np.full(len(total), -1, dtype=np.int64)
    for i in range(n_levels - 1):
        cand = assigned[order] == -1
        cand &= veto[order] != LAST
        if i == 0:
            cand &= veto[order] != BAR_TOP
        # position among this level's candidates within the group
        ci = np.cumsum(cand)
        base = np.repeat(ci[gstart] - cand[gstart], np.diff(np.r_[gstart, len(gs)]))
        pos = ci - base - 1  # 0-based among candidates, valid where cand
        c = counts[i][gs]
        thr = np.where(counts[i] == 0, -np.inf, np.inf)
        sel = cand & (pos == c - 1)
        thr[gs[sel]] = rs[sel]
        admit = cand & (rs <= thr[gs])
        assigned[order[admit]] = i
    assigned[assigned == -1] = last
    return assigned
