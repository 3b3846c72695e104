"""Who may do what with public commitments (see ``kaohe.orgs.permissions``).

- see a campaign: its office and leaders, and every unit below it (they claim in it);
- see an item: the campaign's office and leaders, the item's unit and the units above it;
- claim, edit, submit, report progress, answer a comment: the unit's own people (assessed users
  and submitters of that unit — not a submitter's whole scope), or an office managing the item;
- import a progress table: an office over some of the campaign's units, or a unit holding an item
  in it (each row then as reporting progress on its item);
- approve, return, publish, close (销号), score (评诺), moderate comments: the office managing
  the campaign (a district office does not approve the city's campaign);
- the public (no login) reads published items only, on the public pages (no rule: the queryset
  is restricted to public statuses there).
"""

from __future__ import annotations

from typing import Any

from kaohe.orgs.models import OrgUnit, Role
from kaohe.orgs.permissions import has_role, is_office, is_visible, manages, rule, subtree_ids
from kaohe.orgs.scope import oversees


def _of_unit(person, unit_id: int | None) -> bool:
    return unit_id is not None and has_role(person, Role.ASSESSED, Role.SUBMITTER) and person.unit_id == unit_id


@rule("commitments.list")
def _list(person, obj=None) -> bool:
    """The lists: any member of the organisation (rows from ``visible_to``)."""
    return person is not None


@rule("commitments.view_campaign")
def _view_campaign(person, campaign) -> bool:
    return campaign is not None and is_visible(person, campaign)


@rule("commitments.manage_campaign")
def _manage_campaign(person, campaign) -> bool:
    """Create and change campaigns, approve, publish, close, score, moderate."""
    return campaign is not None and is_office(person) and manages(person, campaign)


@rule("commitments.claim")
def _claim(person, unit: OrgUnit | None) -> bool:
    """Claim for ``unit``: its own people, or an office managing it."""
    if unit is None or person is None:
        return False
    return _of_unit(person, unit.pk) or (is_office(person) and manages(person, unit))


@rule("commitments.view")
def _view(person, item) -> bool:
    return item is not None and is_visible(person, item)


@rule("commitments.act")
def _act(person, item) -> bool:
    """Edit, submit, report progress: the item's unit, or an office managing the item."""
    if item is None or person is None or not is_visible(person, item):
        return False
    return _of_unit(person, item.unit_id) or (is_office(person) and manages(person, item))


@rule("commitments.import_progress")
def _import_progress(person, campaign) -> bool:
    """Import a campaign's progress table: an office over some of its units (the office managing
    the campaign, or one below its organiser), or the people of a unit holding an item in it. Each
    row is then checked as ``commitments.act`` on its item (all or nothing)."""
    if campaign is None or person is None or not is_visible(person, campaign):
        return False
    if is_office(person):
        return manages(person, campaign) or person.unit_id in subtree_ids(campaign.owner_unit_id)
    return has_role(person, Role.ASSESSED, Role.SUBMITTER) and campaign.commitments.filter(unit_id=person.unit_id).exists()


@rule("commitments.approve")
def _approve(person, item) -> bool:
    return item is not None and is_office(person) and manages(person, item.campaign)


@rule("commitments.answer")
def _answer(person, comment: Any) -> bool:
    if comment is None:
        return False
    return _act(person, comment.commitment)


@rule("commitments.moderate")
def _moderate(person, campaign) -> bool:
    return _manage_campaign(person, campaign)


@rule("commitments.notice")
def _notice(person, campaign) -> bool:
    """承诺事项进展公示 (.docx): the office and leaders over the campaign's organiser."""
    return campaign is not None and oversees(person, campaign)
