"""Errors and warnings of the scoring engine (no Django here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SchemeProblem:
    """One problem of a scheme: where it is, what it is, and the facts of it.

    ``path`` is the place in the scheme's own words (``root.children[0].children[1].points``,
    ``""`` for the scheme as a whole), ``code`` a stable name for the kind of problem
    (``not_a_number``, ``required``, ``unknown_choice``, ``param_required``…), ``args`` its
    facts (the value found, the choices, a suggestion) and ``message`` the English sentence.
    A reader in another language (the platform's Chinese scheme editor) translates from
    ``code`` and ``args`` and places the message at ``path``; it never parses ``message``.
    """

    path: str
    code: str
    message: str
    args: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class SchemeError(ValueError):
    """A scheme (考核方案) that cannot be used; ``.errors`` lists every problem found.

    Each message names the place, e.g.
    ``root.children[2].children[0].method: unknown method 'rnak' (did you mean 'rank_points'?)``;
    ``.problems`` holds the same as :class:`SchemeProblem` (path, code, facts).
    """

    def __init__(self, errors: list[str] | list[SchemeProblem] | str):
        items = [errors] if isinstance(errors, str) else list(errors)
        self.problems = [e if isinstance(e, SchemeProblem) else SchemeProblem(path="", code="invalid", message=str(e))
                         for e in items]
        self.errors = [str(p) for p in self.problems]
        super().__init__("\n".join(self.errors))


class DataError(ValueError):
    """Bad input data (values, units, targets); ``.errors`` lists every problem found.

    Messages name file, line and field, e.g. ``values.csv line 18: unit 'X07' is not in units.csv``.
    """

    def __init__(self, errors: list[str] | str):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("\n".join(self.errors))


@dataclass(frozen=True)
class EngineWarning:
    """Something the scoring went through but a person should look at (a missing value, …)."""

    code: str
    message: str
    unit: str | None = None
    indicator: str | None = None


# The contract in docs/briefs calls it ``Warning``; exported under both names.
Warning = EngineWarning  # noqa: A001
