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


def test_a_bad_sms_backend_stops_the_process_with_its_name():
    import os
    import subprocess
    import sys

    env = {**os.environ, "KAOHE_ENV": "test", "KAOHE_SMS_BACKEND": "not a path", "DJANGO_SETTINGS_MODULE": "kaohe.settings"}
    done = subprocess.run([sys.executable, "-c", "import kaohe.settings"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "KAOHE_SMS_BACKEND='not a path': expected a dotted path" in done.stderr
    env["KAOHE_SMS_BACKEND"] = "myorg.sms.send"
    assert subprocess.run([sys.executable, "-c", "import kaohe.settings"], env=env, timeout=60).returncode == 0
