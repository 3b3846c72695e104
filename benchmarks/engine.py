"""National-scale benchmark of ``kaohe score`` against a straightforward pandas version.

Builds a synthetic case — 40,000 units (township level) in 4 peer groups × 200
indicators mixing every scoring method, with targets, bonus and deduction items,
a one-vote veto, quota tiers and 5 boards — as parquet files in a temporary
directory, then:

1. times ``kaohe score … --format csv`` end to end as a subprocess (process start,
   parquet in, every CSV and explain.json out) and measures that subprocess's
   peak memory (``getrusage(RUSAGE_CHILDREN).ru_maxrss``);
2. times a plain pandas implementation of the same scheme in this process, end to
   end (read parquet, score, write the same CSV tables; no explanations), and
   checks that its totals equal kaohe's.

Prints the figures and, as the last line, a JSON object with ``seconds``,
``peak_mb``, ``baseline_seconds`` and ``speedup``. Goals: < 3 s, < 2 GB, ≥ 5×.

    python benchmarks/engine.py            # 40,000 × 200
    python benchmarks/engine.py --small    # 2,000 × 50, a quick run
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

METHOD_CYCLE = ["rank_points", "rank_ratio", "efficacy", "minmax", "goalposts", "target_ratio",
                "target_steps", "mean_relative", "threshold", "zscore"]
N_GROUPS = 4
N_TOP = 5
N_BOARDS = 5


def make_leaves(n_ind: int) -> list[dict]:
    leaves = []
    for i in range(n_ind):
        kind = METHOD_CYCLE[i % len(METHOD_CYCLE)]
        lower = i % 7 == 3 and kind not in ("rank_ratio",)
        leaf: dict = {"code": f"I{i:03d}", "points": float(2 + i % 4), "direction": "lower" if lower else "higher"}
        if kind == "rank_points":
            leaf.update(method="rank_points", params={"step": 0.0005, "min": 0.5})
        elif kind == "rank_ratio":
            leaf.update(method="rank_ratio", params={})
        elif kind == "efficacy":
            leaf.update(method="efficacy", params={"base": 0.6})
        elif kind == "minmax":
            leaf.update(method="minmax", params={})
        elif kind == "goalposts":
            leaf.update(method="goalposts", params={"lower": 20.0, "upper": 180.0})
            if i % 20 == 4:
                leaf["transform"] = "log"
        elif kind == "target_ratio":
            leaf.update(method="target", params={"mode": "ratio", "cap": 1.2})
        elif kind == "target_steps":
            leaf.update(method="target", params={"mode": "steps", "above": 0.1, "above_max": 1.0,
                                                 "below": 0.2})
        elif kind == "mean_relative":
            leaf.update(method="mean_relative", params={"below": 0.05})
        elif kind == "threshold":
            leaf.update(method="threshold", params={"value": 100.0, "partial": 1.0})
        else:
            leaf.update(method="zscore", params={})
        leaves.append(leaf)
    return leaves


def make_scheme(n_ind: int) -> dict:
    leaves = make_leaves(n_ind)
    per_top = n_ind // N_TOP
    top = []
    for t in range(N_TOP):
        chunk = leaves[t * per_top:(t + 1) * per_top]
        half = len(chunk) // 2
        top.append({"code": f"C{t}", "name": f"类别{t}", "children": [
            {"code": f"C{t}a", "children": chunk[:half]},
            {"code": f"C{t}b", "children": chunk[half:]},
        ]})
    boards = [{"code": f"B{b}", "name": f"榜{b}",
               "indicators": [f"C{b}a", *[lf["code"] for lf in leaves[b::N_BOARDS][:10]]]}
              for b in range(N_BOARDS)]
    return {
        "name": "national benchmark", "year": 2025, "precision": 2,
        "root": {"children": top},
        "bonus": [{"indicator": "award", "per": 0.5, "cap": 2}],
        "bonus_cap": 3,
        "deduction": [{"indicator": "criticism", "per": 1, "cap": 3}],
        "deduction_cap": 5,
        "veto": {"indicators": ["accident"], "effect": "bar_top_tier"},
        "tiers": {"by": "quota", "levels": [{"name": "第一等次", "share": 0.2},
                                            {"name": "第二等次", "share": 0.5}, {"name": "第三等次"}]},
        "boards": boards,
    }


def make_data(n_units: int, n_ind: int, out: Path, seed: int = 7) -> dict[str, Path]:
    import polars as pl
    import yaml

    rng = np.random.default_rng(seed)
    scheme = make_scheme(n_ind)
    units = [f"T{u:06d}" for u in range(n_units)]
    groups = [f"G{u % N_GROUPS}" for u in range(n_units)]
    pl.DataFrame({"unit": units, "name": [f"镇{u}" for u in range(n_units)], "group": groups}).write_parquet(
        out / "units.parquet")
    vals = rng.gamma(4.0, 25.0, size=(n_units, n_ind)) + 1.0
    keep = rng.random((n_units, n_ind)) > 0.005  # 0.5 % missing values
    u_idx, i_idx = np.nonzero(keep)
    inds = np.array([f"I{i:03d}" for i in range(n_ind)])
    extra_u = np.arange(n_units)
    values = pl.DataFrame({
        "unit": pl.Series(units).gather(u_idx),
        "indicator": pl.Series(inds).gather(i_idx),
        "value": np.round(vals[u_idx, i_idx], 3),
    })
    extras = pl.DataFrame({
        "unit": pl.Series(units).gather(np.tile(extra_u, 3)),
        "indicator": ["award"] * n_units + ["criticism"] * n_units + ["accident"] * n_units,
        "value": np.r_[rng.poisson(0.5, n_units), rng.poisson(0.3, n_units),
                       (rng.random(n_units) < 0.01).astype(float)].astype(float),
    })
    pl.concat([values, extras]).write_parquet(out / "values.parquet")
    leaves = make_leaves(n_ind)
    tcodes = [lf["code"] for lf in leaves if lf["method"] == "target"]
    tu = np.repeat(np.arange(n_units), len(tcodes))
    ti = np.tile(np.arange(len(tcodes)), n_units)
    pl.DataFrame({
        "unit": pl.Series(units).gather(tu), "indicator": pl.Series(tcodes).gather(ti),
        "target": np.round(rng.gamma(4.0, 25.0, size=len(tu)) + 1.0, 2),
    }).write_parquet(out / "targets.parquet")
    (out / "scheme.yaml").write_text(yaml.safe_dump(scheme, allow_unicode=True, sort_keys=False),
                                     encoding="utf-8")
    return {k: out / f"{k}.{'yaml' if k == 'scheme' else 'parquet'}"
            for k in ("scheme", "values", "units", "targets")}


def run_kaohe(files: dict[str, Path], out: Path) -> tuple[float, float, float]:
    kaohe = Path(sys.executable).with_name("kaohe")
    cmd = [str(kaohe)] if kaohe.exists() else [sys.executable, "-m", "kaohe.cli"]
    cmd += ["score", str(files["scheme"]), str(files["values"]), "--units", str(files["units"]),
            "--targets", str(files["targets"]), "--out", str(out), "--format", "csv", "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # An installed kaohe runs from compiled bytecode (pip compiles .pyc at install time). This
    # sandbox sets PYTHONDONTWRITEBYTECODE, which would make every start re-compile Polars'
    # Python sources; keep the bytecode in var/pycache instead and warm it once, untimed.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(ROOT / "var" / "pycache")
    subprocess.run([sys.executable, "-c", "import kaohe.engine.cli, kaohe.engine.score, "
                    "kaohe.engine.explain, kaohe.engine.output, polars, numpy, yaml"], env=env, check=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"kaohe score failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # ru_maxrss of children is the largest child so far: the scoring run, not the warm-up import
    return seconds, after.ru_maxrss / 1024, cpu


# ----------------------------------------------------------------------------- pandas baseline


def pandas_baseline(files: dict[str, Path], out: Path) -> None:
    """The same scheme done the obvious pandas way: merge, groupby-transform, pivot."""
    import pandas as pd
    import yaml
    from scipy.special import ndtr

    scheme = yaml.safe_load(files["scheme"].read_text(encoding="utf-8"))
    values = pd.read_parquet(files["values"])
    units = pd.read_parquet(files["units"])
    targets = pd.read_parquet(files["targets"])
    rows = []
    parent_of = {}
    for top in scheme["root"]["children"]:
        for sub in top["children"]:
            for lf in sub["children"]:
                p = lf.get("params", {})
                rows.append({"indicator": lf["code"], "method": lf["method"], "points": lf["points"],
                             "sign": 1.0 if lf.get("direction", "higher") == "higher" else -1.0,
                             "log": lf.get("transform") == "log", "mode": p.get("mode", "ratio"),
                             "thr": p.get("value", np.nan),
                             **{k: p.get(k, np.nan) for k in ("step", "min", "base", "lower", "upper",
                                                              "cap", "above", "above_max", "below",
                                                              "partial")}})
                parent_of[lf["code"]] = (top["code"], sub["code"])
    leaves = pd.DataFrame(rows)
    # every unit × leaf, missing values scored 0
    grid = units[["unit", "group"]].merge(leaves, how="cross")
    df = grid.merge(values, on=["unit", "indicator"], how="left")
    df = df.merge(targets, on=["unit", "indicator"], how="left")
    x = np.where(df["log"], np.log(df["value"]), df["value"])
    df["x"] = x
    df["y"] = df["x"] * df["sign"]
    g = df.groupby(["group", "indicator"])["y"]
    df["ymax"] = g.transform("max")
    df["ymin"] = g.transform("min")
    df["ymean"] = g.transform("mean")
    df["ysd"] = g.transform(lambda s: s.std(ddof=0))
    df["rank"] = g.rank(method="min", ascending=False)
    best, worst, mean = df["ymax"] * df["sign"], df["ymin"] * df["sign"], df["ymean"] * df["sign"]
    pts, sign, xv, t = df["points"], df["sign"], df["x"], df["target"]
    lo = np.where(df["log"], np.log(df["lower"]), df["lower"])
    hi = np.where(df["log"], np.log(df["upper"]), df["upper"])
    span = best - worst
    frac = np.where(span != 0, (xv - worst) / span.replace(0, np.nan), 1.0)
    d = sign * (xv - t)
    ratio = np.where(sign > 0, xv / t, t / xv)
    z = np.where(df["ysd"] > 0, (df["y"] - df["ymean"]) / df["ysd"], 0.0)
    m = df["method"]
    score = np.select(
        [m == "rank_points", m == "rank_ratio", m == "efficacy", m == "minmax", m == "goalposts",
         (m == "target") & (df["mode"] == "steps"), m == "target", m == "mean_relative",
         m == "threshold", m == "zscore"],
        [np.maximum(pts - (df["rank"] - 1) * df["step"], df["min"]),
         pts * np.where(sign > 0, xv / best, best / xv),
         pts * (df["base"] + (1 - df["base"]) * frac),
         pts * frac,
         pts * np.clip(np.where(sign > 0, (xv - lo) / (hi - lo), (hi - xv) / (hi - lo)), 0, 1),
         np.where(d >= 0, pts + np.minimum(d * df["above"], df["above_max"]),
                  np.maximum(pts + d * df["below"], 0)),
         pts * np.clip(np.minimum(ratio, df["cap"]), 0, None),
         np.where(sign * (xv - mean) >= 0, pts, np.maximum(pts - (xv - mean).abs() * df["below"], 0)),
         np.where(sign * (xv - df["thr"]) >= 0, pts, df["partial"]),
         pts * ndtr(z)],
        default=np.nan)
    df["score"] = np.where(df["value"].isna(), 0.0, score)
    df["top"] = df["indicator"].map(lambda c: parent_of[c][0])
    df["sub"] = df["indicator"].map(lambda c: parent_of[c][1])
    wide_top = df.pivot_table(index="unit", columns="top", values="score", aggfunc="sum")
    wide_sub = df.pivot_table(index="unit", columns="sub", values="score", aggfunc="sum")
    totals = units[["unit", "group"]].set_index("unit").join(wide_top)
    base = wide_top.sum(axis=1)
    extra = values[values["indicator"].isin(["award", "criticism", "accident"])].pivot(
        index="unit", columns="indicator", values="value").reindex(totals.index).fillna(0)
    bonus = np.minimum(np.minimum(extra["award"] * 0.5, 2), 3)
    deduction = np.minimum(np.minimum(extra["criticism"] * 1, 3), 5)
    totals["bonus"] = bonus.round(2)
    totals["deduction"] = deduction.round(2)
    total = np.maximum(base.reindex(totals.index) + bonus - deduction, 0)
    totals["total"] = np.floor(np.round(total * 100, 6) + 0.5) / 100
    totals["rank"] = totals.groupby("group")["total"].rank(method="min", ascending=False).astype(int)
    vetoed = extra["accident"] > 0
    totals["vetoed"] = vetoed
    # quota tiers, ties admitted, vetoed units barred from the first level
    totals = totals.reset_index().sort_values(["group", "rank", "unit"])
    tiers = []
    for _, grp in totals.groupby("group", sort=True):
        n = len(grp)
        assigned = pd.Series("", index=grp.index)
        for i, (name, share) in enumerate([("第一等次", 0.2), ("第二等次", 0.5)]):
            cnt = int(np.floor(share * n + 0.5))
            cand = grp[(assigned == "") & ~(grp["vetoed"] & (i == 0))]
            if cnt > 0 and len(cand):
                thr = cand["rank"].iloc[min(cnt, len(cand)) - 1]
                assigned[cand.index[cand["rank"] <= thr]] = name
        assigned[assigned == ""] = "第三等次"
        tiers.append(assigned)
    totals["tier"] = pd.concat(tiers)
    totals.to_csv(out / "totals.csv", index=False)
    ind = df[["unit", "indicator", "value", "score", "rank", "points"]].rename(columns={"points": "full_marks"})
    ind = ind.sort_values(["unit", "indicator"])
    ind["score"] = np.floor(np.round(ind["score"] * 100, 6) + 0.5) / 100
    ind.to_csv(out / "indicators.csv", index=False)
    boards = []
    leafwide = df.pivot_table(index="unit", columns="indicator", values="score", aggfunc="sum")
    for b in scheme["boards"]:
        s = sum(wide_sub[c] if c in wide_sub.columns else leafwide[c] for c in b["indicators"])
        bd = units[["unit", "group"]].set_index("unit").join(s.rename("score"))
        bd["score"] = np.floor(np.round(bd["score"] * 100, 6) + 0.5) / 100
        bd["rank"] = bd.groupby("group")["score"].rank(method="min", ascending=False)
        bd.insert(0, "board", b["code"])
        boards.append(bd.reset_index())
    pd.concat(boards).to_csv(out / "boards.csv", index=False)
    df["first"] = df["rank"] == 1
    df["top3"] = df["rank"] <= 3
    df["full"] = df["value"].notna() & (df["score"] >= df["points"] - 1e-9)
    stats = df.groupby("unit").agg(indicators=("value", "count"), first_places=("first", "sum"),
                                   top3=("top3", "sum"), full_marks=("full", "sum"))
    stats.to_csv(out / "stats.csv")
    totals.to_csv(out / "totals.csv", index=False)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--small", action="store_true", help="2,000 units × 50 indicators")
    ap.add_argument("--units", type=int)
    ap.add_argument("--indicators", type=int)
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--keep", help="keep the generated files in this directory")
    args = ap.parse_args()
    n_units = args.units or (2_000 if args.small else 40_000)
    n_ind = args.indicators or (50 if args.small else 200)
    tmp = Path(tempfile.mkdtemp(prefix="kaohe-bench-"))
    try:
        t0 = time.perf_counter()
        files = make_data(n_units, n_ind, tmp)
        gen = time.perf_counter() - t0
        print(f"synthetic case: {n_units:,} units × {n_ind} indicators in {N_GROUPS} groups "
              f"({n_units * n_ind:,} scores), generated in {gen:.1f} s")
        load = os.getloadavg()[0]
        seconds, peak_mb, cpu = run_kaohe(files, tmp / "out")
        print(f"kaohe score (subprocess, end to end): {seconds:.2f} s wall, {cpu:.2f} s CPU, "
              f"peak memory {peak_mb:.0f} MB (load average before the run: {load:.1f} on "
              f"{os.cpu_count()} cores)")
        out_size = sum(p.stat().st_size for p in (tmp / "out").iterdir()) / 1e6
        print(f"  outputs: {out_size:.0f} MB in {tmp / 'out'}")
        result = {"units": n_units, "indicators": n_ind, "scores": n_units * n_ind,
                  "seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3), "peak_mb": round(peak_mb, 1),
                  "load_average": round(load, 2)}
        if not args.no_baseline:
            (tmp / "pandas").mkdir()
            t0 = time.perf_counter()
            c0 = time.process_time()
            pandas_baseline(files, tmp / "pandas")
            baseline = time.perf_counter() - t0
            baseline_cpu = time.process_time() - c0
            import polars as pl

            a = pl.read_csv(tmp / "out" / "totals.csv").sort("unit")
            b = pl.read_csv(tmp / "pandas" / "totals.csv").sort("unit")
            same = (a["total"] - b["total"]).abs().max() < 1e-9 and (a["tier"] == b["tier"]).all()
            print(f"pandas baseline (in process, end to end): {baseline:.2f} s; "
                  f"totals and tiers agree with kaohe: {same}")
            result.update(baseline_seconds=round(baseline, 3), speedup=round(baseline / seconds, 2),
                          baseline_cpu_seconds=round(baseline_cpu, 3),
                          cpu_speedup=round(baseline_cpu / cpu, 2) if cpu else None,
                          baseline_agrees=bool(same))
        result["goals"] = {"seconds": 3.0, "peak_mb": 2048, "speedup": 5.0}
        if args.keep:
            shutil.copytree(tmp, args.keep, dirs_exist_ok=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
