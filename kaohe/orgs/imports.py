"""The one all-or-nothing helper for imports (Excel/CSV files read by ``kaohe.lib.tabular``).

It lives here, in the lowest Django layer, because it needs a database transaction; the reader
and the error type stay in ``kaohe.lib`` (Django-free, shared with the engine).

    errors = []                      # RowError, collected while checking every row
    ...
    return all_or_nothing(errors, lambda: save(parsed))

- any error collected → :class:`~kaohe.lib.tabular.TabularError` with all of them, nothing saved;
- otherwise ``save()`` runs in one transaction; a ``TabularError`` (or any exception) raised
  inside it rolls everything back — a row refused by the database leaves no partial import.

``rehearse(fn)`` runs ``fn`` in a transaction that is always rolled back: to collect the
problems that only saving finds (rules that read stored history) without saving anything.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db import transaction

from kaohe.lib.tabular import RowError, TabularError

T = TypeVar("T")


def all_or_nothing(errors: Sequence[RowError], save: Callable[[], T]) -> T:
    """Refuse the whole file if any row has an error; else save it in one transaction."""
    real = [e for e in errors if e.level == "error"]
    if real:
        raise TabularError(real)
    with transaction.atomic():
        return save()


def rehearse(fn: Callable[[], T]) -> T:
    """``fn()`` inside a transaction that is rolled back whatever happens (a dry run)."""
    with transaction.atomic():
        try:
            return fn()
        finally:
            transaction.set_rollback(True)
