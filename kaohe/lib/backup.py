"""Whole-database backup and restore (``kaohe backup`` / ``kaohe restore``).

PostgreSQL through ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists`` (the server's
own tools: consistent snapshot, every table, sequence and constraint); SQLite through its online
backup API (a consistent copy page by page, also while kaohe runs). A backup holds the database only:
uploaded files (appeal and enterprise attachments, evidence) live under ``KAOHE_PRIVATE_ROOT`` and
``MEDIA_ROOT`` and are copied with the file system.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

#: The first bytes of each kind of backup file.
PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason in words."""


def _pg_env(settings_dict: dict) -> tuple[list[str], dict]:
    args = ["--host", str(settings_dict.get("HOST") or "127.0.0.1"), "--port", str(settings_dict.get("PORT") or 5432),
            "--username", str(settings_dict.get("USER") or "postgres")]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端工具（与服务器同一主版本）")
    return path


def backup(connection, target: Path) -> int:
    """Write the database behind ``connection`` to ``target``; returns its size in bytes."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    if connection.vendor == "postgresql":
        args, env = _pg_env(connection.settings_dict)
        command = [_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--file", str(partial),
                   connection.settings_dict["NAME"]]
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            raise BackupError(f"pg_dump 失败：{result.stderr.strip()}")
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        partial.unlink(missing_ok=True)
        destination = sqlite3.connect(partial)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
    else:
        raise BackupError(f"不支持的数据库：{connection.vendor}")
    os.replace(partial, target)  # a backup file is whole or absent
    return target.stat().st_size


def restore(connection, source: Path) -> None:
    """Replace the database behind ``connection`` by the backup in ``source``."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"备份文件不存在：{source}")
    head = source.open("rb").read(16)
    if connection.vendor == "postgresql":
        if not head.startswith(PG_MAGIC):
            raise BackupError(f"{source} 不是 PostgreSQL 备份（kaohe backup 在 PostgreSQL 上生成的文件）")
        connection.close()
        args, env = _pg_env(connection.settings_dict)
        command = [_tool("pg_restore"), *args, "--clean", "--if-exists", "--no-owner", "--single-transaction",
                   "--exit-on-error", "--dbname", connection.settings_dict["NAME"], str(source)]
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise BackupError(f"pg_restore 失败（数据库未改变）：{result.stderr.strip()}")
    elif connection.vendor == "sqlite":
        if not head.startswith(SQLITE_MAGIC):
            raise BackupError(f"{source} 不是 SQLite 备份（kaohe backup 在 SQLite 上生成的文件）")
        connection.ensure_connection()
        origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
    else:
        raise BackupError(f"不支持的数据库：{connection.vendor}")


def holds_data(connection) -> bool:
    """Whether the database already holds kaohe's tables with rows (a restore would replace them)."""
    tables = set(connection.introspection.table_names())
    if "orgs_orgunit" not in tables:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM orgs_orgunit LIMIT 1")
        return cursor.fetchone() is not None
