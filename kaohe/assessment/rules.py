"""Permission rules of the assessment app (see kaohe.orgs.permissions).

Scope comes from the objects (``kaohe.orgs.scope``): a scheme, version, period,
submission, value or finding names its owner units. Write rules take their object and
refuse without one; an office manages what its own unit and the units below it own.

- schemes: everyone signed in reads the schemes in scope (the city's scheme is read by every
  unit it assesses); the office owning a scheme manages it (``obj``: a Scheme, a
  SchemeVersion, a Target, or the OrgUnit that will own a new scheme);
- periods: the office owning the period (periods are city-wide today: the top-level office);
- values: a submitter enters and reads the values its unit is responsible for (``obj``: a
  Submission, saved or not); the office managing the submission (its scheme's owner and the
  responsible unit) enters too and reviews; leaders read within scope;
- review, approval, reminders, lock: the office managing the submission or version;
- corrections: the office managing the value (``obj``: a DataValue, saved or not).
"""

from __future__ import annotations

from typing import Any

from kaohe.orgs.models import Person, Role
from kaohe.orgs.permissions import has_role, is_reader, is_visible, manages, rule


@rule("assessment.view_scheme")
def _view_scheme(person: Person | None, obj: Any = None) -> bool:
    """Read schemes; with ``obj`` (a Scheme or SchemeVersion): that one, if it is in scope."""
    if obj is None:
        return person is not None
    return is_visible(person, obj)


@rule("assessment.manage_scheme")
def _manage_scheme(person: Person | None, obj: Any = None) -> bool:
    return manages(person, obj)


@rule("assessment.manage_periods")
def _manage_periods(person: Person | None, period: Any = None) -> bool:
    return manages(person, period)


def _responsible_unit_id(obj: Any) -> int | None:
    return getattr(obj, "responsible_unit_id", None)


@rule("assessment.enter_values")
def _enter_values(person: Person | None, submission: Any = None) -> bool:
    """Enter values of ``submission`` (a responsible unit's data of one version and period)."""
    if person is None or submission is None:
        return False
    if has_role(person, Role.SUBMITTER):
        return _responsible_unit_id(submission) == person.unit_id and is_visible(person, submission)
    return manages(person, submission)


@rule("assessment.view_values")
def _view_values(person: Person | None, submission: Any = None) -> bool:
    """Read values: without ``obj`` the data pages (filtered); with a Submission, that one's grid."""
    if person is None:
        return False
    if submission is None:
        return is_reader(person) or has_role(person, Role.SUBMITTER)
    if has_role(person, Role.SUBMITTER):
        return _responsible_unit_id(submission) == person.unit_id and is_visible(person, submission)
    return is_reader(person) and is_visible(person, submission)


@rule("assessment.review")
def _review(person: Person | None, obj: Any = None) -> bool:
    """Review, approve, return, remind, lock: ``obj`` a Submission, SchemeVersion or QualityFinding."""
    return manages(person, obj)


@rule("assessment.correct")
def _correct(person: Person | None, value: Any = None) -> bool:
    """Correct a submitted or locked value (``obj``: the DataValue, saved or not)."""
    return manages(person, value)


@rule("assessment.use_api")
def _use_api(person: Person | None, obj: Any = None) -> bool:
    """Hold API tokens (what a call may then do is decided per object by the rules above)."""
    return has_role(person, Role.SUBMITTER, Role.OFFICE, Role.LEADER)
