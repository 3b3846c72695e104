"""``kaohe verify``: recompute every stored scoring run from its stored inputs and check the publication chain.

Exit status 0 when everything matches, 1 when any run or publication does not
(each finding printed with the run id), so it can run from cron or CI.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Recompute every sealed scoring run with the engine and check hashes and the publication chain."

    def add_arguments(self, parser):
        parser.add_argument("--run", type=int, action="append", help="only this run id (repeatable)")
        parser.add_argument("--no-recompute", action="store_true", help="check hashes only, do not re-score")

    def handle(self, *args, **options):
        from kaohe.results.models import ScoringRun
        from kaohe.results.runs import (
            unsealed_publications,
            verify_chain,
            verify_publications,
            verify_records,
            verify_run,
            verify_sources,
        )

        runs = ScoringRun.objects.done().exclude(content_hash="").order_by("id")
        if options["run"]:
            runs = runs.filter(pk__in=options["run"])
        findings = []
        checked = 0
        for run in runs.iterator():
            checked += 1
            for f in verify_run(run, recompute=not options["no_recompute"]):
                findings.append(f)
                self.stdout.write(self.style.ERROR(f"run {run.pk} ({run.label}): {f.message}"))
        chain = verify_chain() + verify_publications() + verify_records() + verify_sources()
        for f in chain:
            findings.append(f)
            self.stdout.write(self.style.ERROR(f"run {f.run_id}: {f.message}" if f.run_id else f.message))
        from kaohe.audit import chain as audit_chain

        audit_chain.seal()
        problems, head = audit_chain.verify()
        for message in problems:
            findings.append(message)
            self.stdout.write(self.style.ERROR(message))
        if head is not None:
            self.stdout.write(f"audit log: {head.seq} entries sealed, head {head.chain or '-'}")
        unchecked = unsealed_publications()
        for message in unchecked:
            self.stdout.write(self.style.WARNING(f"注意：{message}"))
        if findings:
            raise CommandError(f"verify: {len(findings)} problem(s) in {checked} run(s)", returncode=1)
        note = f"; {len(unchecked)} publication(s) sealed before their words were: words not checked" if unchecked else ""
        self.stdout.write(self.style.SUCCESS(f"verify: {checked} run(s) recomputed, hashes and publication chain intact{note}"))
