"""Group-wise competition ranks and tiers over many replications at once.

Matrices are ``units × replications``; units are in the engine's prepared order,
so each peer group is a contiguous block (``starts`` = first row of each block).
The rules are those of ``kaohe.engine.rank`` and ``kaohe.engine.tiers``, written
for a second axis; the only Python loops are over peer groups and tier levels.
"""

from __future__ import annotations

import numpy as np

from kaohe.engine.rank import round_half_up
from kaohe.engine.scheme import Tiers
from kaohe.engine.tiers import BAR_TOP, LAST, quota_counts


def blocks(starts: np.ndarray, n: int) -> list[tuple[int, int]]:
    ends = [int(s) for s in starts[1:]] + [n]
    return [(int(s), e) for s, e in zip(starts, ends, strict=True)]


def competition_ranks(t: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Competition ranks (1, 2, 2, 4), descending, of every column of ``t`` within each
    block; returns the ranks (int32) and, per block, the rank order (argsort) reused
    by quota tiers."""
    ranks = np.empty(t.shape, dtype=np.int32)
    orders = []
    for s, e in blocks(starts, t.shape[0]):
        sub = t[s:e]
        m = e - s
        order = np.argsort(-sub, axis=0, kind="stable")
        srt = np.take_along_axis(sub, order, axis=0)
        new = np.ones(sub.shape, dtype=bool)
        new[1:] = srt[1:] != srt[:-1]
        idx = np.arange(m, dtype=np.int32)[:, None]
        first = np.maximum.accumulate(np.where(new, idx, 0), axis=0)
        out = np.empty(sub.shape, dtype=np.int32)
        np.put_along_axis(out, order, first + 1, axis=0)
        ranks[s:e] = out
        orders.append(order)
    return ranks, orders


def tiers_of(
    tiers: Tiers,
    total: np.ndarray,
    ranks: np.ndarray,
    orders: list[np.ndarray],
    starts: np.ndarray,
    veto: np.ndarray,
) -> np.ndarray:
    """Level index (0 = first, −1 none) of every unit × replication; ``veto`` per unit
    holds 0, BAR_TOP or LAST (as in ``kaohe.engine.tiers.assign``)."""
    n_levels = len(tiers.levels)
    last = n_levels - 1
    v = veto[:, None]
    if tiers.by == "bands":
        out = np.full(total.shape, -1, dtype=np.int16)
        snapped = round_half_up(total, 6)
        for i in range(n_levels - 1, -1, -1):
            lv = tiers.levels[i]
            hit = np.ones(total.shape, bool) if lv.min is None else snapped >= lv.min - 1e-12
            out[hit] = i
        out = np.where((v == BAR_TOP) & (out == 0) & (n_levels > 1), 1, out)
        return np.where(v == LAST, last, out).astype(np.int16)
    bl = blocks(starts, total.shape[0])
    counts = quota_counts(tiers, np.array([e - s for s, e in bl], dtype=np.float64))
    out = np.empty(total.shape, dtype=np.int16)
    for b, (s, e) in enumerate(bl):
        order = orders[b]
        rs = np.take_along_axis(ranks[s:e], order, axis=0)  # ranks in rank order
        vs = veto[s:e][order]  # veto in rank order
        assigned = np.full(rs.shape, -1, dtype=np.int16)
        for i in range(n_levels - 1):
            cand = (assigned == -1) & (vs != LAST)
            if i == 0:
                cand &= vs != BAR_TOP
            c = counts[i, b]
            pos = np.cumsum(cand, axis=0) - 1
            if c == 0:
                continue
            hit = cand & (pos == c - 1)
            # rank of the last candidate admitted; everyone if there are fewer candidates
            thr = np.where(hit.any(axis=0), np.where(hit, rs, 0).max(axis=0), np.iinfo(np.int32).max)
            admit = cand & (rs <= thr[None, :])
            assigned[admit] = i
        assigned[assigned == -1] = last
        blk = np.empty_like(assigned)
        np.put_along_axis(blk, order, assigned, axis=0)
        out[s:e] = blk
    return out
