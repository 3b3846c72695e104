"""``kaohe restore FILE``: replace the database by a ``kaohe backup`` file, then check it with ``kaohe verify``."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Replace the database by the backup in FILE (made by kaohe backup on the same kind of database)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--replace", action="store_true",
                            help="the database holds data: replace it (without this, restore refuses)")
        parser.add_argument("--no-verify", action="store_true", help="do not run kaohe verify afterwards")

    def handle(self, *args, **options):
        from kaohe.lib.backup import BackupError, holds_data, restore

        if holds_data(connection) and not options["replace"]:
            raise CommandError("数据库中已有数据；确认要用备份替换它们时请加 --replace")
        try:
            restore(connection, options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restore: {options['file']} restored ({connection.vendor})")
        if not options["no_verify"]:
            call_command("verify", "--no-recompute", stdout=self.stdout)
