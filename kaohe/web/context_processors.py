"""Values every page of the shell needs (navigation, the user's person record)."""

from __future__ import annotations


def shell(request):
    person = getattr(getattr(request, "user", None), "person", None) if getattr(request, "user", None) and request.user.is_authenticated else None
    return {"current_person": person}
