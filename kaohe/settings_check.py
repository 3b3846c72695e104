"""Turn a bad environment value into a clear message instead of a traceback."""

from __future__ import annotations

import sys


def exit_on_bad_environment() -> None:
    from kaohe.lib.env import EnvError

    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 — forces the settings module to load
    except EnvError as exc:
        sys.stderr.write(f"kaohe: 配置错误 / configuration error: {exc}\n")
        sys.exit(2)
    except Exception as exc:  # ImproperlyConfigured from our production checks
        from django.core.exceptions import ImproperlyConfigured

        if isinstance(exc, ImproperlyConfigured):
            sys.stderr.write(f"kaohe: 配置错误 / configuration error: {exc}\n")
            sys.exit(2)
        raise
