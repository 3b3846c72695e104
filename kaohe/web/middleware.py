"""Language selection: Simplified Chinese unless the user chose English with the switch.

Django's LocaleMiddleware also follows the browser's Accept-Language header, so
an English-configured browser on a government intranet would get English pages
nobody asked for. kaohe is Chinese by default: only the language cookie set by
the 中文/English switch (``set_language``) changes it.

Use in ``settings.MIDDLEWARE`` instead of ``django.middleware.locale.LocaleMiddleware``.
"""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class UserFacingErrorsMiddleware:
    """Show the shell's 404 page for ``kaohe.lib.errors.NotFound`` even when DEBUG is on.

    With DEBUG on (the development default, and ``make demo``), Django answers
    every Http404 with its technical page. A ``NotFound`` carries a message
    written for the user ("没有代码为“X”的单位…"), so it gets the real page
    whatever the setting; a plain Http404 keeps Django's debugging page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not getattr(response, "streaming", False) and self._bare_405(request, response):
            # A bare 405 (``require_POST`` on a GET: a bookmarked or typed action URL) would be
            # the browser's own error page; say in the shell what the address is for. On an API
            # path it is JSON with a message, like every other API error.
            from kaohe.web.views.errors import method_not_allowed

            page = method_not_allowed(request, allowed=response.get("Allow", ""))
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        return response

    @staticmethod
    def _bare_405(request, response) -> bool:
        """An empty 405, or on an API path one that is not JSON (django-ninja answers a path
        without the method with a text "Method not allowed")."""
        from kaohe.web.views.errors import is_api

        if not response.content:
            return True
        return is_api(request) and not response.get("Content-Type", "").startswith("application/json")

    def process_exception(self, request, exception):
        from kaohe.lib.errors import NotFound
        from kaohe.web.views.errors import database_failure, database_unavailable, page_not_found

        if isinstance(exception, NotFound):
            return page_not_found(request, exception)
        failed = database_failure(exception)
        if failed is not None:  # the database connection failed mid-request: 503, try again (not "internal error")
            return database_unavailable(request, failed)
        return None


class SessionLifetimeMiddleware:
    """Idle expiry and a maximum lifetime for signed-in sessions.

    A session unused for ``KAOHE_SESSION_IDLE_MINUTES`` or older than ``KAOHE_SESSION_MAX_HOURS``
    since sign-in is ended (the next page asks to sign in again). While in use, the session's
    expiry (``SESSION_COOKIE_AGE`` = the idle limit) slides forward — written at most once a
    minute, not on every request.
    """

    TOUCH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time

        from django.contrib.auth import logout

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            session, now = request.session, int(time.time())
            started, seen = session.get("_kaohe_login_at"), session.get("_kaohe_seen")
            idle = settings.KAOHE_SESSION_IDLE_MINUTES * 60
            longest = settings.KAOHE_SESSION_MAX_HOURS * 3600
            if started is None:
                session["_kaohe_login_at"] = session["_kaohe_seen"] = now
            elif now - started > longest or (seen is not None and now - seen > idle):
                logout(request)
            elif seen is None or now - seen >= self.TOUCH_SECONDS:
                session["_kaohe_seen"] = now
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """``Content-Security-Policy`` on every response that has none (``KAOHE_CSP``; empty turns it off).

    Scripts only from kaohe itself — no inline script or ``on…=`` handler runs, so an injected
    ``<script>`` or attribute stays text even if escaping ever failed. Inline styles stay allowed
    (ECharts and the templates' layout use them); a view that serves user files sets a stricter
    policy of its own (kaohe.lib.files.download: ``sandbox``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.KAOHE_CSP
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class ServerTimingMiddleware:
    """``Server-Timing: app;dur=…, cpu;dur=…, db;dur=…;desc="N"`` on every response (``KAOHE_SERVER_TIMING``).

    The time this worker spent on the request (the middleware is first in the list, so the
    whole stack is inside), the CPU its thread used (what the code costs, whatever else the
    machine is busy with) and the time in its N database queries. Benchmarks read it so that the load
    generator's own CPU on a small machine does not count as the server's time; off by default
    (it tells a visitor how long the page took).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time

        from django.db import connection

        spent = [0.0, 0]

        def timed(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent[0] += time.perf_counter() - started
                spent[1] += 1

        started, cpu = time.perf_counter(), time.thread_time()
        with connection.execute_wrapper(timed):
            response = self.get_response(request)
        app, cpu = (time.perf_counter() - started) * 1000, (time.thread_time() - cpu) * 1000
        response["Server-Timing"] = f'app;dur={app:.1f}, cpu;dur={cpu:.1f}, db;dur={spent[0] * 1000:.1f};desc="{spent[1]}"'
        return response
