"""Pages of a sealed run, cached: the same for everyone who sees the same thing.

A sealed run never changes, so its board and profile pages are rendered once per run, page,
language and *visibility class* (everyone who sees all units shares one copy; a unit that sees
only its own rows before publication gets the copy of that set) and kept in the cache
(``settings.CACHES``: Redis when ``KAOHE_REDIS_URL`` is set, else each worker's memory).

What is cached is the page's own blocks (title, subtitle, actions, content …) rendered
*without a request*: no user, no CSRF token, no navigation or unread count. The shell around
them (``results/sealed_page.html`` → ``web/base.html``) is rendered for each request, for
whoever asks — the first visitor's name or token can never be served to the next.

What a sealed run's page shows beyond its own rows — the other runs of its family (the month
picker, the previous period's arrows, corrections), its flags and its publications — is in the
key as a fingerprint read in one query (``fingerprint``) on every request, so a new month, a correction, new
flags or a publication give a new key at once, in every worker, with nothing to invalidate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q, Subquery, Value
from django.shortcuts import render
from django.template import Context
from django.template.loader import get_template
from django.template.loader_tags import BlockNode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from kaohe.results.models import Flag, Publication, ScoringRun

PAGE_CACHE_SECONDS = 3600
BLOCKS = ("title", "page_title", "page_subtitle", "breadcrumbs", "page_actions", "extra_head", "content", "extra_js")


def _aggregate(queryset, expression) -> Subquery:
    """``expression`` over all of ``queryset`` as a scalar subquery (grouped by a constant: one row)."""
    return Subquery(queryset.order_by().annotate(_all=Value(1)).values("_all").annotate(v=expression).values("v"))


def fingerprint(run: ScoringRun) -> str:
    """What else a page of ``run`` shows, as a short string that changes when any of it does:
    the family's runs (count, newest id, last finish), this run's flags and publications (those
    of the run and of its corrections) — in one query, as scalar subqueries."""
    family = ScoringRun.objects.family(run)
    flags = Flag.objects.filter(run=run)
    pubs = Publication.objects.filter(Q(run=run) | Q(run__previous=run))
    row = ScoringRun.objects.filter(pk=run.pk).values_list(
        _aggregate(family, Count("id")), _aggregate(family, Max("id")), _aggregate(family, Max("finished_at")),
        _aggregate(flags, Count("id")), _aggregate(flags, Max("id")),
        _aggregate(pubs, Count("id")), _aggregate(pubs, Max("id"))).first()
    if row is None:  # the run was deleted meanwhile: a key no page was cached under
        return "gone"
    n, last, done, flag_n, flag_last, pub_n, pub_last = row
    done = done.timestamp() if done else 0
    return f"{n}.{last}.{done:.0f}.{flag_n}.{flag_last}.{pub_n}.{pub_last}"


def visibility_class(visible: set[str] | None) -> str:
    """``all``, or a digest of the unit codes a user sees (users seeing the same set share it)."""
    if visible is None:
        return "all"
    return hashlib.sha256("\n".join(sorted(visible)).encode()).hexdigest()[:20]


def page_key(run: ScoringRun, page: str, visible: set[str] | None, *parts: object) -> str | None:
    """The cache key of one page of ``run`` (None: the run is not sealed, never cache it)."""
    if not run.sealed or not settings.KAOHE_PAGE_CACHE:
        return None
    extra = hashlib.sha256(repr(parts).encode()).hexdigest()[:20]
    return (f"results:page:{page}:{run.pk}:{run.content_hash[:16]}:{fingerprint(run)}:"
            f"{get_language() or 'zh-hans'}:{visibility_class(visible)}:{extra}")


def render_blocks(template_name: str, context: dict, names: tuple[str, ...] = BLOCKS) -> dict[str, str]:
    """The template's blocks (``names``) rendered without a request (no user, no CSRF token)."""
    template = get_template(template_name).template
    blocks = {node.name: node for node in template.nodelist.get_nodes_by_type(BlockNode)}
    unknown = set(blocks) - set(names)
    if unknown:  # the shell would drop them: say so instead of serving half a page
        raise ValueError(f"{template_name}: blocks {sorted(unknown)} are not in {names}")
    ctx = Context(context, autoescape=True)
    out = {}
    with ctx.bind_template(template):
        for name in names:
            if name in blocks:
                out[name] = blocks[name].render(ctx)
    return out


def cached_blocks(key: str | None, template_name: str, build: Callable[[], dict], names: tuple[str, ...] = BLOCKS
                  ) -> dict[str, SafeString]:
    """The blocks ``names`` of ``template_name`` rendered from ``build()``'s context (without a
    request), from the cache under ``key`` when there (and kept there); ``key`` None renders
    them every time."""
    parts = cache.get(key) if key is not None else None
    if parts is None:
        parts = render_blocks(template_name, build(), names)
        if key is not None:
            cache.set(key, parts, PAGE_CACHE_SECONDS)
    return {name: mark_safe(html) for name, html in parts.items()}  # our templates, rendered above


def sealed_page(request, key: str | None, template_name: str, nav_active: str, build: Callable[[], dict]):
    """The page from the cache, or ``build()``'s context rendered (and cached when ``key``)."""
    if key is None:
        return render(request, template_name, build())
    return render(request, "results/sealed_page.html", {
        "nav_active": nav_active, "parts": cached_blocks(key, template_name, build),
    })
