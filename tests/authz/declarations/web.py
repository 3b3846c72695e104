# ruff: noqa: F405, E501 — declarations read as one line per route; names come from tests.authz.rules
"""Access of the shell's routes (sign-in, password, home, language, API tokens)."""

from tests.authz.rules import *  # noqa: F403

KWARGS: dict = {}
ROUTES = {
    "api_tokens": Route(get=allow({'office', 'leader', 'submitter', 'submitter_b', 'office_a', 'leader_a', 'district_submitter_a', 'office_b', 'leader_b', 'district_submitter_b', 'superuser'}, forbidden={'assessed_a', 'assessed_town_a', 'assessed_b', 'assessed_town_b', 'norole'})),
    "home": Route(get=allow(SIGNED_IN)),
    "login": Route(get=allow(EVERYONE)),
    "logout": Route(post=only(LOGIN)),
    "password_change": Route(get=allow(SIGNED_IN)),
    "set_language": Route(get=allow(EVERYONE)),
}
