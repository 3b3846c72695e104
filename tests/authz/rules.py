"""How a route's access is declared for the authorisation matrix (tests/authz/test_matrix.py).

Each app declares its routes in ``tests/authz/declarations/<app>.py`` as ``ROUTES = {url name:
Route(...)}`` (pages, keyed by the URL name) and ``API = {"METHOD /api/path": Route(...)}``
(operations of the OpenAPI document). A ``Route`` says, per method, who gets what:

    Route(get=allow(SIGNED_IN))                                   # every signed-in role may open it
    Route(get=allow(A_SIDE, hidden=B_SIDE), kwargs={"pk": "project"})   # 乙区 is not told it exists (404),
                                                                  # everyone else signed in gets 403
    Route(get=allow(MANAGE, forbidden=SEE), post=allow(MANAGE, forbidden=SEE))  # the rest 404
    Route(get=PUBLIC_PAGE)                                        # anonymous visitors too

``kwargs`` names, for each URL kwarg, an attribute of the matrix world (tests/authz/world.py) whose
``pk`` (or the value itself for strings and numbers) is put in the URL. ``post=None`` (the default)
declares a page that changes nothing: a POST must then be refused (405) or answered like the GET.
``get=None`` declares an action that only takes POST: a GET must be 405.

Outcomes: ``ok`` is 2xx or 3xx — a redirect that is not to the login page — and, for a POST, also a
400/409/422 (the request reached the action and was judged on its content, not on who sent it);
``login`` is the login redirect of a page (401 on the API); 403 and 404 are exact. 5xx is never
expected. Anonymous visitors get ``login`` unless they are in the ``ok`` set.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The org_world roles, a user without any role, and a superuser.
ROLES = [
    "office", "leader", "submitter", "submitter_b",
    "office_a", "leader_a", "assessed_a", "district_submitter_a", "assessed_town_a",
    "office_b", "leader_b", "assessed_b", "district_submitter_b", "assessed_town_b",
    "norole", "superuser", "anonymous",
]
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
EVERYONE = frozenset(ROLES)
CITY = frozenset({"office", "leader", "submitter", "submitter_b"})
A = frozenset({"office_a", "leader_a", "assessed_a", "district_submitter_a"})
B = frozenset({"office_b", "leader_b", "assessed_b", "district_submitter_b"})
A_SIDE = CITY | A | {"assessed_town_a"}
B_SIDE = B | {"assessed_town_b"}
OFFICES = frozenset({"office", "office_a", "office_b"})
LEADERS = frozenset({"leader", "leader_a", "leader_b"})
ASSESSED = frozenset({"assessed_a", "assessed_b", "assessed_town_a", "assessed_town_b"})
SUBMITTERS = frozenset({"submitter", "submitter_b", "district_submitter_a", "district_submitter_b"})
WITH_ROLE = SIGNED_IN - {"norole", "superuser"}

OK, LOGIN = "ok", "login"


@dataclass(frozen=True)
class Access:
    """role → expected outcome (``ok``, ``login``, 403, 404, 405)."""

    outcomes: dict

    def __getitem__(self, role: str):
        return self.outcomes[role]


def allow(ok, *, hidden=None, forbidden=None, rest=None) -> Access:
    """``ok`` may; ``hidden`` get 404 and the rest 403 — or ``forbidden`` get 403 and the rest 404.
    ``rest`` sets the outcome of everyone not named explicitly (e.g. ``LOGIN`` for the admin)."""
    ok = frozenset(ok)
    if hidden is not None and forbidden is not None:
        raise ValueError("name either who is hidden (404) or who is forbidden (403), not both")
    if rest is None:
        rest = 404 if forbidden is not None else 403
    outcomes = {}
    for role in ROLES:
        if role in ok:
            outcomes[role] = OK
        elif hidden is not None and role in hidden:
            outcomes[role] = 404
        elif forbidden is not None and role in forbidden:
            outcomes[role] = 403
        elif role == "anonymous":
            outcomes[role] = LOGIN
        else:
            outcomes[role] = rest
    return Access(outcomes)


def only(outcome, *, anonymous=LOGIN) -> Access:
    """The same outcome for every signed-in role (anonymous: login, unless said otherwise)."""
    return Access({role: anonymous if role == "anonymous" else outcome for role in ROLES})


@dataclass(frozen=True)
class Route:
    get: Access | None = None
    post: Access | None = None
    #: URL kwarg → attribute of the matrix world (its pk, or the value for str/int attributes).
    kwargs: dict = field(default_factory=dict)
    #: Query string for the GET, form data (or JSON body on the API) for the POST.
    query: dict = field(default_factory=dict)
    data: dict | None = None
    #: Why this route is declared the way it is, when that is not obvious.
    note: str = ""


PUBLIC_PAGE = allow(EVERYONE)
