import pytest

from kaohe.lib.env import EnvError, envbool, envint, parse_database_url


def test_envbool_refuses_a_typo(monkeypatch):
    monkeypatch.setenv("KAOHE_X", "ture")
    with pytest.raises(EnvError, match="KAOHE_X='ture'"):
        envbool("KAOHE_X", False)


def test_envbool_reads_true_and_false(monkeypatch):
    monkeypatch.setenv("KAOHE_X", "TRUE")
    assert envbool("KAOHE_X", False) is True
    monkeypatch.setenv("KAOHE_X", "0")
    assert envbool("KAOHE_X", True) is False


def test_envint_refuses_text(monkeypatch):
    monkeypatch.setenv("KAOHE_N", "ten")
    with pytest.raises(EnvError, match="integer"):
        envint("KAOHE_N", 1)


def test_database_url_parses_postgres_with_port():
    db = parse_database_url("postgres://kaohe:s%40cret@db.example:6543/kaohe_prod")
    assert (db.engine, db.user, db.password, db.host, db.port, db.name) == (
        "postgresql", "kaohe", "s@cret", "db.example", "6543", "kaohe_prod"
    )


def test_database_url_refuses_unknown_scheme():
    with pytest.raises(EnvError, match="scheme"):
        parse_database_url("mysql://x/y")
