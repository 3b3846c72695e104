"""The 建设中 (under construction) page navigation entries point at until their module lands."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from kaohe.web.navigation import module_by_key


@login_required
def coming_soon(request, key: str):
    module = module_by_key(key)
    if module is None:
        raise Http404(key)
    return render(request, "web/coming_soon.html", {"module": module, "nav_active": key})
