"""Permission rules of the audit app (see kaohe.orgs.permissions)."""

from __future__ import annotations

from typing import Any

from kaohe.orgs.models import Person
from kaohe.orgs.permissions import is_office, rule


@rule("audit.view")
def _view_audit(person: Person | None, obj: Any = None) -> bool:
    """The change log (and its export): the assessment office, for entries in its scope."""
    return is_office(person)
