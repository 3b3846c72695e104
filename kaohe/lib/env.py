"""Environment-variable helpers that fail loudly on a bad value.

Settings read every knob through these, so a typo such as ``KAOHE_DEBUG=ture``
stops the process with a message naming the variable instead of silently
meaning something else.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlparse


class EnvError(ValueError):
    """A environment variable holds a value we refuse to guess about."""


def envstr(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in ("true", "1", "yes", "on"):
        return True
    if lowered in ("false", "0", "no", "off"):
        return False
    raise EnvError(f"{name}={value!r}: expected true/false (or 1/0, yes/no, on/off)")


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise EnvError(f"{name}={value!r}: expected an integer") from None
    if minimum is not None and number < minimum:
        raise EnvError(f"{name}={value!r}: must be at least {minimum}")
    return number


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = envstr(name, default) or default
    if value not in choices:
        raise EnvError(f"{name}={value!r}: expected one of {', '.join(choices)}")
    return value


@dataclass(frozen=True)
class DatabaseURL:
    engine: str  # "sqlite" or "postgresql"
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""
    options: dict[str, str] | None = None


def parse_database_url(url: str) -> DatabaseURL:
    """Parse ``sqlite:///path/to.db`` or ``postgres://user:pw@host:5432/name``."""
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    if scheme == "sqlite":
        path = unquote(parsed.path)
        if url.startswith("sqlite:////"):
            path = "/" + path.lstrip("/")
        elif path.startswith("/"):
            path = path[1:]  # sqlite:///var/db.sqlite3 is relative
        if not path:
            raise EnvError(f"DATABASE_URL={url!r}: no database file named")
        return DatabaseURL(engine="sqlite", name=path)
    if scheme in ("postgres", "postgresql", "pgsql"):
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise EnvError(f"DATABASE_URL={url!r}: no database name")
        options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        return DatabaseURL(
            engine="postgresql",
            name=name,
            user=unquote(parsed.username or ""),
            password=unquote(parsed.password or ""),
            host=parsed.hostname or "",
            port=str(parsed.port or ""),
            options=options,
        )
    raise EnvError(f"DATABASE_URL={url!r}: scheme must be sqlite:// or postgres://")
