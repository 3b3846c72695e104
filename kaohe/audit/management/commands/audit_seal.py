"""``kaohe audit_seal``: add the committed audit entries to the hash chain (run it from cron, e.g. hourly)."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Seal the committed audit entries into the hash chain and print the head hash."

    def handle(self, *args, **options):
        from kaohe.audit import chain

        count = chain.seal()
        head = chain.AuditChainHead.objects.order_by("pk").first()
        self.stdout.write(f"audit_seal: {count} entries sealed; head {head.seq if head else 0} {head.chain if head else '-'}")
