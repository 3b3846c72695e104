"""The generation of the cached public pages: any change the public can see bumps it (after the
transaction commits), so the next visitor gets fresh content."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

GENERATION_KEY = "commitments:public:generation"


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)


def bump_public_cache() -> None:
    """Invalidate every cached public commitments page now and again once the current transaction
    commits (a visitor reading between the two would otherwise cache the old rows anew)."""
    _bump()
    transaction.on_commit(_bump)


def key(*parts) -> str:
    generation = cache.get(GENERATION_KEY) or 1
    return ":".join(["commitments:public", str(generation), *map(str, parts), get_language() or "zh-hans"])
