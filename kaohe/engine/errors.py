"""Errors and warnings of the scoring engine (no Django here)."""

from __future__ import annotations

from dataclasses import dataclass


class SchemeError(ValueError):
    """A scheme (考核方案) that cannot be used; ``.errors`` lists every problem found.

    Each message names the place, e.g.
    ``root.children[2].children[0].method: unknown method 'rnak' (did you mean 'rank_points'?)``.
    """

    def __init__(self, errors: list[str] | str):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
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
