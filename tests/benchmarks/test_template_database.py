"""The benchmarks' template databases (benchmarks/_harness.py ``cloned_database``): built once
per key, cloned for each run, rebuilt under a new key, and only this checkout's stale ones dropped."""

from __future__ import annotations

import os

import pytest

from benchmarks import _harness as harness
from tests.postgres import server_url

pytestmark = pytest.mark.postgres  # runs once, in the PostgreSQL partition (scripts/run_tests.py)


@pytest.fixture
def pg(monkeypatch):
    import psycopg

    monkeypatch.setattr(harness, "PG", server_url())
    prefix = f"kaohe_monthend_tpltest_{os.getpid()}"
    conn = psycopg.connect(f"{harness.PG}/postgres", autocommit=True)
    yield prefix, conn
    for name in harness._databases(conn, prefix):
        harness._drop_template(conn, name)
    conn.close()


def _build(url: str, value: int = 1) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE demo AS SELECT {value} AS value")


def _value(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT value FROM demo").fetchone()[0]


def test_the_template_is_built_once_and_each_run_gets_its_own_copy(pg):
    import psycopg

    prefix, conn = pg
    builds = []
    build = lambda url: builds.append(url) or _build(url)  # noqa: E731
    url, built = harness.cloned_database(f"{prefix}_run1", prefix, "aaaa", build)
    assert built and _value(url) == 1
    with psycopg.connect(url) as run:  # the run writes to its copy …
        run.execute("UPDATE demo SET value = 7")
        run.commit()
    url2, built2 = harness.cloned_database(f"{prefix}_run2", prefix, "aaaa", build)
    assert not built2 and _value(url2) == 1  # … never to the template
    assert len(builds) == 1
    row = conn.execute("SELECT datistemplate, datallowconn FROM pg_database WHERE datname = %s", [f"{prefix}_aaaa"]).fetchone()
    assert row == (True, False)  # nobody connects to it by accident


def test_a_new_key_builds_a_new_template_and_drops_only_this_checkouts_stale_one(pg):
    prefix, conn = pg
    harness.cloned_database(f"{prefix}_run", prefix, "aaaa", _build)
    conn.execute(f"CREATE DATABASE {prefix}_cccc")  # another checkout's template
    conn.execute(f"COMMENT ON DATABASE {prefix}_cccc IS 'kaohe benchmark template from /elsewhere'")
    url, built = harness.cloned_database(f"{prefix}_run", prefix, "bbbb", lambda u: _build(u, 2))
    assert built and _value(url) == 2
    names = set(harness._databases(conn, prefix))
    assert f"{prefix}_aaaa" not in names and {f"{prefix}_bbbb", f"{prefix}_cccc", f"{prefix}_run"} <= names


def test_a_build_that_fails_leaves_no_template(pg):
    prefix, conn = pg

    def broken(url):
        raise RuntimeError("the demo did not load")

    with pytest.raises(RuntimeError):
        harness.cloned_database(f"{prefix}_run", prefix, "dddd", broken)
    assert f"{prefix}_dddd" not in harness._databases(conn, prefix)
    url, built = harness.cloned_database(f"{prefix}_run", prefix, "dddd", _build)  # the next run builds it
    assert built and _value(url) == 1


def test_the_key_changes_with_a_file_it_covers(tmp_path, monkeypatch):
    monkeypatch.setattr(harness, "ROOT", tmp_path)
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "0001.py").write_text("a")
    key = harness.code_key(["m/*.py"], "assessment")
    assert harness.code_key(["m/*.py"], "assessment") == key
    assert harness.code_key(["m/*.py"], "results") != key
    (tmp_path / "m" / "0002.py").write_text("b")
    assert harness.code_key(["m/*.py"], "assessment") != key
