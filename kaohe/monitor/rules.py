"""Who may read the economic monitor (registered with ``kaohe.orgs.permissions``).

Every signed-in member of the organisation opens the monitor's pages; what a page shows is
cut to the person's scope (the city sees every unit, a district its own, see
``services.visible_codes``), and a unit page out of scope is 404 (``get_visible_or_404``).
"""

from __future__ import annotations

from typing import Any

from kaohe.orgs.models import Person
from kaohe.orgs.permissions import is_reader, rule
from kaohe.orgs.scope import oversees


@rule("monitor.view")
def _view(person: Person | None, obj: Any = None) -> bool:
    return person is not None


@rule("monitor.bulletin")
def _bulletin(person: Person | None, owner: Any = None) -> bool:
    """The 经济运行分析 bulletin covers every unit: the owner's office and leaders (or above)."""
    return owner is not None and is_reader(person) and oversees(person, owner)
