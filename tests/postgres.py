"""The PostgreSQL server the PostgreSQL partition runs on, for tests that make databases of their own
(the benchmarks' smoke tests, the fault tests with real processes)."""

from __future__ import annotations

import os

from kaohe.lib.env import parse_database_url


def server_url() -> str:
    """``postgres://user[:password]@host:port`` — DATABASE_URL's server in the PostgreSQL partition,
    else the one scripts/run_tests.py would use (KAOHE_TEST_POSTGRES_URL)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = os.environ.get("KAOHE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/kaohe")
    db = parse_database_url(url)
    auth = db.user + (f":{db.password}" if db.password else "")
    return f"postgres://{auth}@{db.host}:{db.port or 5432}"
