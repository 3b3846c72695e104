"""Rounding and competition ranking (排名) within peer groups.

Ranks are "competition" style: ties share the best place and the next place is
skipped (1, 2, 2, 4). Totals are rounded to the scheme's precision, half up,
before ranking and tiering.
"""

from __future__ import annotations

import numpy as np
import polars as pl


def round_half_up(x: np.ndarray | float, decimals: int) -> np.ndarray:
    """Round half away from zero on the *decimal* value.

    Binary floats cannot hold 89.995 exactly (it is 89.99499999999999…), so the
    value scaled by 10**decimals is first snapped to 6 decimals — removing the
    representation error while keeping any real difference larger than 1e-6 of
    the last kept digit — and then rounded half up: 89.995 → 90.00, 54.005 → 54.01.
    """
    a = np.asarray(x, dtype=np.float64)
    m = 10.0**decimals
    if a.ndim == 0:
        y = np.round(a * m, 6)
        return np.sign(y) * np.floor(np.abs(y) + 0.5) / m
    # the same operations in place on one buffer (national runs round 8 million scores)
    y = a * m
    np.round(y, 6, out=y)
    s = np.sign(y)
    np.abs(y, out=y)
    y += 0.5
    np.floor(y, out=y)
    s *= y
    s /= m
    return s


def group_rank(v: np.ndarray, g: np.ndarray, descending: bool = True) -> np.ndarray:
    """Competition rank of ``v`` (1-D, NaN = unranked) within groups ``g``."""
    df = pl.DataFrame({"g": g, "v": v}).with_columns(pl.col("v").fill_nan(None))
    r = df.select(pl.col("v").rank("min", descending=descending).over("g"))
    return r.to_series().cast(pl.Float64).fill_null(np.nan).to_numpy()


BLOCK_GROUPS = 64  # up to this many peer groups matrix_rank ranks group blocks column-wise


def matrix_rank(y: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Competition rank, best (largest ``y``) first, of every column of ``y`` (units × k)
    within the unit's peer group — one Polars rank over the long table keyed by
    (group, column)."""
    n, k = y.shape
    if n == 0 or k == 0:
        return np.full((n, k), np.nan)
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    if len(starts) <= BLOCK_GROUPS and (len(g) < 2 or bool((g[1:] >= g[:-1]).all())):
        # units ordered by group (the scorer's order): rank each group's block column by
        # column — no hashing of a (group, column) key over the long table
        out = np.empty((n, k))
        for s, e in zip(starts.tolist(), np.r_[starts[1:], n].tolist(), strict=True):
            block = pl.from_numpy(y[s:e], orient="row").select(
                pl.all().fill_nan(None).rank("min", descending=True).cast(pl.Float64))
            out[s:e] = block.to_numpy()
        return out
    key = (g.astype(np.int64)[:, None] * k + np.arange(k, dtype=np.int64)[None, :]).ravel()
    df = pl.DataFrame({"key": key, "y": y.ravel()}).with_columns(pl.col("y").fill_nan(None))
    r = df.select(pl.col("y").rank("min", descending=True).over("key"))
    return r.to_series().cast(pl.Float64).fill_null(np.nan).to_numpy().reshape(n, k)


def group_stats(y: np.ndarray, starts: np.ndarray) -> dict[str, np.ndarray]:
    """Per group (rows are units ordered by group, ``starts`` the first row of each group)
    and column: count, max, min, mean, population sd and sample sd, ignoring NaN."""
    absent = np.isnan(y)
    cnt = np.add.reduceat(~absent, starts, axis=0).astype(np.float64)
    buf = y.copy()  # one scratch buffer, reused in place: y with 0 for missing, then deviations²
    buf[absent] = 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.add.reduceat(buf, starts, axis=0) / cnt
        gsize = np.diff(np.r_[starts, y.shape[0]])
        np.subtract(y, np.repeat(mean, gsize, axis=0), out=buf)
        buf[absent] = 0.0
        np.multiply(buf, buf, out=buf)
        ss = np.add.reduceat(buf, starts, axis=0)
        del buf
        sd = np.sqrt(ss / cnt)
        sd_s = np.where(cnt > 1, np.sqrt(ss / (cnt - 1)), 0.0)
        mx = np.fmax.reduceat(y, starts, axis=0)
        mn = np.fmin.reduceat(y, starts, axis=0)
    return {"n": cnt, "max": mx, "min": mn, "mean": mean, "sd": sd, "sd_sample": sd_s}
