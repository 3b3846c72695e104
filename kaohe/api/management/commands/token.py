"""``kaohe token create USERNAME [--name NAME]``: issue an API token for an account (a statistics
bureau's or a city system's) and print it — once; only its hash is stored. ``kaohe token revoke PREFIX``."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.orgs.models import ApiToken


class Command(BaseCommand):
    help = "Issue (create USERNAME) or revoke (revoke PREFIX) a token of the JSON API."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="print a new token for USERNAME")
        create.add_argument("username")
        create.add_argument("--name", default="", help="what the token is for (shown on the API令牌 page)")
        revoke = sub.add_parser("revoke", help="revoke the token whose key starts with PREFIX (kh_…)")
        revoke.add_argument("prefix")

    def handle(self, *args, **options):
        if options["action"] == "create":
            return self._create(options["username"], options["name"])
        return self._revoke(options["prefix"])

    def _create(self, username: str, name: str) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no account named {username!r} (create it in the admin first)")
        if not user.is_active:
            raise CommandError(f"account {username!r} is inactive: a token for it would be refused")
        name = (name.strip() or "kaohe token create")[:100]
        token, key = ApiToken.issue(user, name)
        record(AuditAction.CREATE, token, after={"name": name, "prefix": token.prefix, "by": "kaohe token create"})
        self.stdout.write(key)

    def _revoke(self, prefix: str) -> None:
        tokens = list(ApiToken.objects.filter(prefix=prefix[:10], revoked=False))
        if len(tokens) != 1 or len(prefix) < 10:
            raise CommandError(f"no single active token starts with {prefix!r} (give at least 10 characters: kh_…)")
        token = tokens[0]
        token.revoked = True
        token.save(update_fields=["revoked"])
        record(AuditAction.UPDATE, token, before={"revoked": False}, after={"revoked": True})
        self.stdout.write(f"revoked {token.prefix}… of {token.user.get_username()}")
