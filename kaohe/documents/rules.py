"""Who may do what with 公文 (see ``kaohe.orgs.permissions``).

- the register (报告): any member — the rows come from ``IssuedDocument.objects.visible_to``;
- read and download one document: it is visible (issued, in scope or published down to the reader);
- draft, edit a draft, issue, discard a draft: the office managing the issuing unit.
"""

from __future__ import annotations

from kaohe.orgs.permissions import is_visible, manages, rule


@rule("documents.list")
def _list(person, obj=None) -> bool:
    return person is not None


@rule("documents.view")
def _view(person, document) -> bool:
    return document is not None and is_visible(person, document)


@rule("documents.draft")
def _draft(person, obj) -> bool:
    """Write a draft for a unit (obj: the issuing OrgUnit or the draft itself)."""
    return obj is not None and manages(person, obj)


@rule("documents.issue")
def _issue(person, document) -> bool:
    return document is not None and not document.is_issued and manages(person, document)
