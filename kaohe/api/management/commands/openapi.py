"""``kaohe openapi``: print the API's OpenAPI document; ``--write`` refreshes the committed snapshot
(docs/openapi.json), ``--check`` exits 1 when the snapshot is out of date."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from kaohe.api import openapi


class Command(BaseCommand):
    help = "Print the OpenAPI document; --write updates docs/openapi.json, --check compares with it."

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--write", action="store_true", help=f"write {openapi.SNAPSHOT.name} (the committed snapshot)")
        mode.add_argument("--check", action="store_true", help="exit 1 when the snapshot differs from the live document")

    def handle(self, *args, **options):
        text = openapi.render()
        problems = openapi.operation_problems()
        if options["write"]:
            openapi.SNAPSHOT.write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {openapi.SNAPSHOT} ({len(openapi.operations())} operations)")
        elif options["check"]:
            current = openapi.SNAPSHOT.read_text(encoding="utf-8") if openapi.SNAPSHOT.exists() else ""
            if current != text:
                raise CommandError(f"{openapi.SNAPSHOT} is out of date: run {openapi.REGENERATE} and commit it")
            self.stdout.write(f"{openapi.SNAPSHOT.name} is up to date")
        else:
            self.stdout.write(text, ending="")
        for p in problems:
            self.stderr.write(p)
        if problems and not options["write"]:
            raise CommandError(f"{len(problems)} operations lack an operationId or a 中文 / English summary")
