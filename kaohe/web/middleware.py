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
