"""The ``kaohe`` command and the production settings checks, run as real subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parent.parent
GOOD_SECRET = "x" * 50


def kaohe(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("KAOHE_", "DATABASE_URL"))}
    base.update({"KAOHE_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "kaohe.settings", **env})
    return subprocess.run([sys.executable, "-m", "kaohe.cli", *args], cwd=ROOT, env=base, capture_output=True,
                          text=True, timeout=120)


def test_kaohe_help_lists_the_demo_command(tmp_path):
    result = kaohe("--help", tmp_path=tmp_path)
    assert result.returncode == 0 and "demo" in result.stdout


def test_kaohe_demo_help_describes_serve_and_reset(tmp_path):
    result = kaohe("demo", "--help", tmp_path=tmp_path)
    assert result.returncode == 0
    assert "--serve" in result.stdout and "--reset" in result.stdout and "示范市" in result.stdout


def test_the_console_script_is_declared_in_the_package():
    text = (ROOT / "pyproject.toml").read_text()
    assert 'kaohe = "kaohe.cli:main"' in text


@pytest.mark.parametrize(("env", "message"), [
    ({}, "KAOHE_SECRET_KEY is required"),
    ({"KAOHE_SECRET_KEY": "short"}, "at least 32 characters"),
    ({"KAOHE_SECRET_KEY": GOOD_SECRET, "KAOHE_ALLOWED_HOSTS": "kaohe.example", "KAOHE_DEBUG": "true"},
     "KAOHE_DEBUG must be false"),
    ({"KAOHE_SECRET_KEY": GOOD_SECRET}, "KAOHE_ALLOWED_HOSTS"),
])
def test_production_refuses_to_start_unsafely(tmp_path, env, message):
    result = kaohe("check", tmp_path=tmp_path, KAOHE_ENV="production", **env)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_production_starts_with_a_secret_debug_off_and_hosts_named(tmp_path):
    result = kaohe("check", tmp_path=tmp_path, KAOHE_ENV="production", KAOHE_SECRET_KEY=GOOD_SECRET,
                   KAOHE_ALLOWED_HOSTS="kaohe.example")
    assert result.returncode == 0, result.stderr


def test_a_development_secret_is_generated_once_into_var(tmp_path):
    # Any command loads the settings; --version is the cheapest.
    kaohe("--version", tmp_path=tmp_path)
    first = (tmp_path / "secret_key").read_text()
    kaohe("--version", tmp_path=tmp_path)
    assert (tmp_path / "secret_key").read_text() == first and len(first) >= 50


def test_a_bad_port_for_the_demo_is_named(monkeypatch):
    monkeypatch.setenv("KAOHE_PORT", "eighty")
    with pytest.raises(CommandError, match="KAOHE_PORT='eighty'"):
        call_command("demo", "--serve")
    monkeypatch.setenv("KAOHE_PORT", "70000")
    with pytest.raises(CommandError, match="65535"):
        call_command("demo", "--serve")
