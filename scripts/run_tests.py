"""Run the whole suite: SQLite always; PostgreSQL and real-browser tests when available.

In CI (CI=true) PostgreSQL and Chromium are required: missing either fails the
run instead of silently skipping. Locally they run when present, and the
summary says plainly which parts were skipped and why. A partition that
collects no test (pytest's exit code 5) fails: a suite that ran nothing proved
nothing. With CI=true a skipped test fails too (tests/conftest.py); what cannot
run here is deselected by name in tests/deselected.py, with its reason.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PG_URL = os.environ.get("KAOHE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/kaohe")


def postgres_available() -> tuple[bool, str]:
    try:
        import psycopg
    except ImportError:
        return False, "psycopg is not installed"
    from kaohe.lib.env import parse_database_url

    db = parse_database_url(PG_URL)
    try:
        with psycopg.connect(host=db.host, port=db.port or 5432, user=db.user, dbname="postgres", connect_timeout=3):
            return True, ""
    except Exception as exc:  # noqa: BLE001 — any failure means "not here"
        return False, f"cannot connect to PostgreSQL at {db.host}:{db.port or 5432} ({exc.__class__.__name__})"


def browser_available() -> tuple[bool, str]:
    from kaohe.lib.chromium import chromium_path, missing_reason

    if chromium_path() is None:
        return False, missing_reason()
    return True, ""


def run(label: str, extra_env: dict[str, str], args: list[str], narrowed: bool) -> int:
    """One pytest partition. ``narrowed``: the developer picked tests by hand (``make test
    ARGS``), and one partition may then legitimately hold none of them."""
    env = {**os.environ, "KAOHE_ENV": "test", **extra_env}
    print(f"\n===== {label} =====", flush=True)
    code = subprocess.call([PY, "-m", "pytest", *args], cwd=ROOT, env=env)
    if code == 5:
        if narrowed:
            return 0
        print(f"{label}: no test was collected — that is a failure, not a pass", file=sys.stderr)
    return code


def main() -> int:
    user_args = sys.argv[1:]
    skipped: list[str] = []
    failures: list[str] = []

    pg_ok, pg_why = postgres_available()
    br_ok, br_why = browser_available()
    if CI and not pg_ok:
        print(f"CI: PostgreSQL is required: {pg_why}", file=sys.stderr)
        return 2
    if CI and not br_ok:
        print(f"CI: Chromium is required: {br_why}", file=sys.stderr)
        return 2

    if not br_ok:
        skipped.append(f"browser tests: {br_why}")

    # Tests marked ``postgres`` (they start their own PostgreSQL database, e.g. the month-end
    # benchmark's smoke test) run once, in the PostgreSQL partition.
    sqlite_marker = ["-m", "not postgres" + ("" if br_ok else " and not browser")]
    if run("SQLite", {"DATABASE_URL": ""}, [*sqlite_marker, *user_args], bool(user_args)):
        failures.append("SQLite")
    if pg_ok:
        # Browser tests exercise the UI, not the database: once (on SQLite) is enough.
        if run("PostgreSQL", {"DATABASE_URL": PG_URL}, ["-m", "not browser", *user_args], bool(user_args)):
            failures.append("PostgreSQL")
    else:
        skipped.append(f"PostgreSQL run: {pg_why}")

    lint = subprocess.call([str(Path(PY).parent / "ruff"), "check", "kaohe", "tests", "benchmarks", "scripts"], cwd=ROOT)
    if lint:
        failures.append("ruff")
    env = {**os.environ, "KAOHE_ENV": "test", "DATABASE_URL": ""}
    mig = subprocess.call([PY, "-m", "kaohe.cli", "makemigrations", "--check", "--dry-run"], cwd=ROOT, env=env,
                          stdout=subprocess.DEVNULL)
    if mig:
        failures.append("makemigrations --check (a model change has no migration)")

    print("\n===== summary =====")
    for item in skipped:
        print(f"SKIPPED {item}")
    if failures:
        print("FAILED: " + ", ".join(failures))
        return 1
    print("all test partitions passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
