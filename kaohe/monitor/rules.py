"""Who may read the economic monitor (registered with ``kaohe.orgs.permissions``).

Every signed-in member of the organisation opens the monitor's pages; what a page shows is
cut to the person's scope (the city sees every unit, a district its own, see
``services.visible_codes``), and a unit page out of scope is 404 (``get_visible_or_404``).
"""

from __future__ import annotations

from typing import Any

from kaohe.orgs.models import Person
from kaohe.orgs.permissions import rule


@rule("monitor.view")
def _view(person: Person | None, obj: Any = None) -> bool:
    return person is not None
