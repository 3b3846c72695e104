"""Bounded integers for the JSON API's paths, queries and bodies.

A plain ``int`` parameter accepts 2**64 or -1, which a database either refuses with an error
(SQLite: too large; PostgreSQL: out of range) or a slice refuses (negative offset): a 500 for a typo.
These types refuse such values as a 422 naming the field, before a handler runs."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

MAX_ID = 2**63 - 1  # BigAutoField

#: A row id (primary key) in a path or a body.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
#: A calendar year of an assessment.
Year = Annotated[int, Field(ge=1900, le=2200)]
#: A month, 1–12.
Month = Annotated[int, Field(ge=1, le=12)]
#: A page offset.
Offset = Annotated[int, Field(ge=0, le=10_000_000)]

