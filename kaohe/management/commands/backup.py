"""``kaohe backup FILE``: the whole database to one file (pg_dump on PostgreSQL, the backup API on SQLite)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Back up the whole database to FILE (restore it with kaohe restore FILE)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options):
        from kaohe.lib.backup import BackupError, backup

        try:
            size = backup(connection, options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup: {options['file']} ({size:,} bytes, {connection.vendor})")
