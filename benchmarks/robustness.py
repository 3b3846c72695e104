"""Benchmark of ``kaohe robustness``: 1,000 replications on 3,000 units × 100 indicators.

The synthetic case is the one of ``benchmarks/engine.py`` (every scoring method,
targets, bonus and deduction, a one-vote veto, quota tiers, 4 peer groups, 0.5 %
missing values), at 3,000 units × 100 indicators. Choices varied: weights ±20 %,
alternative methods efficacy/minmax/rank_points/zscore, missing rules zero/mean.

1. ``kaohe robustness`` end to end as a subprocess (process start, parquet in,
   ranks.csv out), with that subprocess's peak memory (``ru_maxrss``);
2. the same run in this process, split into preparing (read, validate, nominal
   score), the engine calls for the leaf-score matrices and the replications;
3. the naive baseline, in this same process: per replication build the variant
   scheme (perturbed points, the drawn method and missing rule) and call the
   engine's full ``score()`` on the input tables. It is timed on a few
   replications and extrapolated linearly to the same number of replications.

Prints the figures and, as the last line, a JSON object with ``seconds``
(the subprocess, end to end), ``peak_mb``, ``replications``, ``baseline_seconds``
(extrapolated) and ``speedup``. Goal: < 20 s.

    python benchmarks/robustness.py             # 3,000 × 100, 1,000 replications
    python benchmarks/robustness.py --small     # 500 × 30, 200 replications
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ALT = ["efficacy", "minmax", "rank_points", "zscore"]
MISSING = ["zero", "mean"]


def engine_bench():
    spec = importlib.util.spec_from_file_location("bench_engine", ROOT / "benchmarks" / "engine.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_cli(files: dict[str, Path], out: Path, n: int) -> tuple[float, float, str]:
    kaohe = Path(sys.executable).with_name("kaohe")
    cmd = [str(kaohe)] if kaohe.exists() else [sys.executable, "-m", "kaohe.cli"]
    cmd += ["robustness", str(files["scheme"]), str(files["values"]), "--units", str(files["units"]),
            "--targets", str(files["targets"]), "--n", str(n), "--weights", "0.2",
            "--alt-methods", *ALT, "--missing-rules", *MISSING, "--seed", "1", "--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"kaohe robustness failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, proc.stdout.strip()


def naive_replication(scheme, values, units, targets, rng, weights: float) -> None:
    """One replication done the obvious way: a variant scheme, the full score()."""
    from kaohe.engine import score
    from kaohe.engine.scheme import Leaf, Node

    method = ALT[int(rng.integers(0, len(ALT) + 1)) - 1] if rng.random() < 0.8 else None
    missing = MISSING[int(rng.integers(0, len(MISSING)))]

    def rebuild(n):
        if isinstance(n, Leaf):
            ch = {"points": n.points * float(rng.uniform(1 - weights, 1 + weights)), "missing": missing}
            if method and n.method in ALT and method != n.method:
                ch["method"] = method
                ch["params"] = ({"base": 0.6} if method == "efficacy" else
                                {"step": 0.001, "min": 0.0} if method == "rank_points" else
                                {"sd": "population"} if method == "zscore" else {})
            return dataclasses.replace(n, **ch)
        return dataclasses.replace(n, children=tuple(rebuild(c) for c in n.children))

    root = rebuild(scheme.root)
    assert isinstance(root, Node)
    res = score(dataclasses.replace(scheme, root=root), values, units, targets)
    _ = res.totals["rank"], res.totals["tier"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", action="store_true")
    ap.add_argument("--baseline-reps", type=int, default=3)
    a = ap.parse_args()
    n_units, n_ind, n_rep = (500, 30, 200) if a.small else (3000, 100, 1000)
    eb = engine_bench()
    import polars as pl

    from kaohe.engine import load_scheme, prepare, read_table
    from kaohe.engine import robustness as rb

    with tempfile.TemporaryDirectory(prefix="kaohe-rob-") as tmp:
        tmpd = Path(tmp)
        files = eb.make_data(n_units, n_ind, tmpd)
        print(f"case: {n_units} units × {n_ind} indicators, {n_rep} replications; weights ±20%, "
              f"alternatives {', '.join(ALT)}, missing rules {', '.join(MISSING)}")

        seconds, peak_mb, stdout = run_cli(files, tmpd / "out", n_rep)
        print(f"kaohe robustness (subprocess, end to end): {seconds:.2f} s, peak {peak_mb:.0f} MB")
        print(f"  {stdout.splitlines()[0] if stdout else ''}")

        t0 = time.perf_counter()
        scheme = load_scheme(files["scheme"])
        values, units, targets = (read_table(files[k]) for k in ("values", "units", "targets"))
        prep = prepare(scheme, values, units, targets)
        plan = rb.make_plan(scheme, prep, weights=0.2, alt_methods=ALT, missing_rules=MISSING)
        t1 = time.perf_counter()
        ok = rb.nominal_check(plan)
        F, k, r = rb.draw(plan, n_rep, np.random.default_rng(1))
        K = plan.option_matrix(k)
        for rr in np.unique(r):
            for kk in np.unique(K[r == rr]):
                plan.leaf_scores(int(kk), int(rr))
        t2 = time.perf_counter()
        _, ranks, tiers = rb.evaluate(plan, F, k, r)
        table = rb.summarise(plan, ranks, tiers)
        t3 = time.perf_counter()
        in_process = t3 - t0
        print(f"in process: {in_process:.2f} s = prepare + nominal score {t1 - t0:.2f} s, "
              f"{plan.engine_calls} engine calls for leaf-score matrices {t2 - t1:.2f} s, "
              f"{n_rep} replications {t3 - t2:.2f} s ({(t3 - t2) / n_rep * 1000:.2f} ms each); "
              f"nominal check {'passed' if ok else 'FAILED'}")
        widest = table.select((pl.col("p95") - pl.col("p05")).max()).item()
        print(f"  widest 5–95% rank interval: {widest} places")

        # naive baseline, same process, same input tables (DataFrames already read)
        vdf, udf, tdf = (pl.read_parquet(files[k]) for k in ("values", "units", "targets"))
        rng = np.random.default_rng(2)
        naive_replication(scheme, vdf, udf, tdf, rng, 0.2)  # warm-up (imports)
        tb = time.perf_counter()
        for _ in range(a.baseline_reps):
            naive_replication(scheme, vdf, udf, tdf, rng, 0.2)
        per = (time.perf_counter() - tb) / a.baseline_reps
        baseline = per * n_rep
        print(f"naive baseline (full score() per replication, in process): {per:.3f} s per replication "
              f"× {n_rep} = {baseline:.1f} s (timed on {a.baseline_reps} replications, extrapolated)")
        speedup = baseline / seconds
        print(f"speedup vs the end-to-end CLI: {speedup:.1f}×; vs the in-process run: "
              f"{baseline / in_process:.1f}×")
    print(json.dumps({"seconds": round(seconds, 3), "peak_mb": round(peak_mb, 1), "replications": n_rep,
                      "baseline_seconds": round(baseline, 2), "speedup": round(speedup, 1),
                      "in_process_seconds": round(in_process, 3), "units": n_units, "indicators": n_ind}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
