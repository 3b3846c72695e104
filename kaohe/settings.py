"""kaohe settings: one module, driven by environment variables.

Defaults give the embedded platform (SQLite under ./var/, DEBUG on, a
development secret generated once). ``KAOHE_ENV=production`` demands a real
secret, DEBUG off and the hosts named. See docs/deploy.md for every variable.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kaohe.lib.env import EnvError, envbool, envchoice, envint, envlist, envstr, parse_database_url
from kaohe.lib.workdays import DEFAULT_HOURS as DEFAULT_WORK_HOURS
from kaohe.lib.workdays import CalendarError, WorkHours

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
# ./var holds the SQLite database, the development secret, uploads and test output.
VAR_DIR = Path(envstr("KAOHE_VAR_DIR", str(Path.cwd() / "var"))).resolve()

KAOHE_ENV = envchoice("KAOHE_ENV", "development", ("development", "production", "test"))
PRODUCTION = KAOHE_ENV == "production"
DEBUG = envbool("KAOHE_DEBUG", not PRODUCTION)


def _secret_key() -> str:
    key = envstr("KAOHE_SECRET_KEY")
    if key:
        if PRODUCTION and len(key) < 32:
            raise ImproperlyConfigured("KAOHE_SECRET_KEY must be at least 32 characters in production")
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("KAOHE_SECRET_KEY is required when KAOHE_ENV=production")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = envlist("KAOHE_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("KAOHE_CSRF_TRUSTED_ORIGINS", [])
# Reverse proxies in front of kaohe (nginx, a load balancer): with N > 0 the client
# address for the audit log is taken from X-Forwarded-For (N hops from the right)
# and X-Forwarded-Proto tells Django the request came in over HTTPS.
KAOHE_PROXY_HOPS = envint("KAOHE_PROXY_HOPS", 0, minimum=0)
if KAOHE_PROXY_HOPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("KAOHE_DEBUG must be false when KAOHE_ENV=production")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("KAOHE_ALLOWED_HOSTS must name the served hosts in production")
    SESSION_COOKIE_SECURE = envbool("KAOHE_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "kaohe",
    "kaohe.orgs",
    "kaohe.audit",
    "kaohe.notifications",
    "kaohe.documents",
    "kaohe.assessment",
    "kaohe.results",
    "kaohe.projects",
    "kaohe.monitor",
    "kaohe.supervision",
    "kaohe.commitments",
    "kaohe.enterprise",
    "kaohe.attraction",
    "kaohe.reports",
    "kaohe.web",
    "kaohe.api",
    "ninja",  # Swagger UI for /api/docs from the pinned package's static files, never a CDN
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kaohe.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Chinese unless the user chose English with the switch (not the browser's header).
    "kaohe.web.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kaohe.web.middleware.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kaohe.audit.middleware.RequestContextMiddleware",
    "kaohe.web.middleware.UserFacingErrorsMiddleware",
]
# Server-Timing (app and database time of each request) for benchmarks; off by default.
KAOHE_SERVER_TIMING = envbool("KAOHE_SERVER_TIMING", False)
if KAOHE_SERVER_TIMING:
    MIDDLEWARE.insert(0, "kaohe.web.middleware.ServerTimingMiddleware")
CSRF_FAILURE_VIEW = "kaohe.web.views.errors.csrf_failure"

ROOT_URLCONF = "kaohe.urls"
WSGI_APPLICATION = "kaohe.wsgi.application"
ASGI_APPLICATION = "kaohe.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kaohe.web.context_processors.shell",
            ],
        },
    },
]


def _databases() -> dict:
    url = envstr("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kaohe.sqlite3'}"
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////") and os.path.isabs(url[len("sqlite:///"):]):
        url = "sqlite:////" + url[len("sqlite:///"):].lstrip("/")
    db = parse_database_url(url)
    if db.engine == "sqlite":
        Path(db.name).parent.mkdir(parents=True, exist_ok=True)
        return {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": db.name,
                # WAL lets readers run beside one writer; IMMEDIATE takes the write
                # lock at BEGIN so two writers queue instead of failing mid-way.
                "OPTIONS": {
                    "timeout": envint("KAOHE_SQLITE_TIMEOUT", 20, minimum=1),
                    "transaction_mode": "IMMEDIATE",
                    "init_command": (
                        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                        "PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;"
                    ),
                },
                "TEST": {"NAME": envstr("KAOHE_TEST_SQLITE_NAME")},
            }
        }
    return {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": db.name,
            "USER": db.user,
            "PASSWORD": db.password,
            "HOST": db.host,
            "PORT": db.port,
            "CONN_MAX_AGE": envint("KAOHE_DB_CONN_MAX_AGE", 60, minimum=0),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": dict(db.options or {}),
            "TEST": {"NAME": f"test_{db.name}"},
        }
    }


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# 登录保护 (kaohe.web.throttle): failures of one account / one address within the lock period lock it.
KAOHE_LOGIN_MAX_FAILURES = envint("KAOHE_LOGIN_MAX_FAILURES", 5, minimum=1)
KAOHE_LOGIN_MAX_ADDRESS_FAILURES = envint("KAOHE_LOGIN_MAX_ADDRESS_FAILURES", 30, minimum=1)
KAOHE_LOGIN_LOCK_MINUTES = envint("KAOHE_LOGIN_LOCK_MINUTES", 15, minimum=1)
# Sessions end after KAOHE_SESSION_IDLE_MINUTES without a request, and KAOHE_SESSION_MAX_HOURS
# after sign-in whatever happens (kaohe.web.middleware.SessionLifetimeMiddleware).
KAOHE_SESSION_IDLE_MINUTES = envint("KAOHE_SESSION_IDLE_MINUTES", 120, minimum=1)
KAOHE_SESSION_MAX_HOURS = envint("KAOHE_SESSION_MAX_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = KAOHE_SESSION_IDLE_MINUTES * 60
# Content-Security-Policy of every page (kaohe.web.middleware); KAOHE_CSP=off turns it off.
KAOHE_CSP_DEFAULT = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                     "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
                     "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
# Tests: Playwright's wait_for_function polls with eval, so the test default allows it (tests/browser/test_csp.py
# checks the production policy itself).
_csp = envstr("KAOHE_CSP", KAOHE_CSP_DEFAULT.replace("script-src 'self'", "script-src 'self' 'unsafe-eval'")
              if KAOHE_ENV == "test" else KAOHE_CSP_DEFAULT)
KAOHE_CSP = "" if _csp == "off" else _csp
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = envstr("KAOHE_TIME_ZONE", "Asia/Shanghai")
# 工作时间: the daily working hours every deadline counts in (kaohe/lib/workdays.py), e.g.
# "08:30-12:00,13:30-17:30"; the end of the last span is the default daily cut-off.
KAOHE_WORK_HOURS = envstr("KAOHE_WORK_HOURS", DEFAULT_WORK_HOURS)
try:
    WorkHours.parse(KAOHE_WORK_HOURS)
except CalendarError as exc:
    raise EnvError(f"KAOHE_WORK_HOURS={KAOHE_WORK_HOURS!r}: {exc}") from None
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("KAOHE_MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded evidence and appeal material: outside MEDIA_ROOT, handed out only by authorised views (kaohe.lib.files).
KAOHE_PRIVATE_ROOT = Path(envstr("KAOHE_PRIVATE_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": envstr("KAOHE_REDIS_URL")}
        if envstr("KAOHE_REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kaohe"}
    )
}
# Pages of sealed runs (boards, profiles) cached per run, language and visibility class
# (kaohe/results/views/sealed.py); false renders them on every request.
KAOHE_PAGE_CACHE = envbool("KAOHE_PAGE_CACHE", True)
# Several kaohe instances sharing one Redis keep apart by a key prefix.
CACHES["default"]["KEY_PREFIX"] = envstr("KAOHE_CACHE_PREFIX", "")

# Background work (long scoring runs, bulletins): Django's tasks framework with
# the database-backed worker (`kaohe db_worker`). Tests run tasks immediately.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if envbool("KAOHE_TASKS_IMMEDIATE", KAOHE_ENV == "test")
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# A scoring run computed on another host that has not reported progress for this long is taken as
# interrupted and marked failed (on the same host a dead process is seen at once): kaohe.results.recovery.
KAOHE_RUN_LEASE_MINUTES = envint("KAOHE_RUN_LEASE_MINUTES", 30, minimum=1)

DATA_UPLOAD_MAX_MEMORY_SIZE = envint("KAOHE_UPLOAD_MAX_BYTES", 50 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200_000
# The bulk value API reads its body itself (a million values is ~60 MB of JSON): its own bound.
API_MAX_BODY_BYTES = envint("KAOHE_API_MAX_BYTES", 128 * 1024 * 1024, minimum=1024)

# Notifications (站内通知) also go out by email. Development and the demo print them on the
# console; production sends through SMTP (KAOHE_EMAIL_HOST …). KAOHE_NOTIFY_EMAIL=false
# keeps them in the inbox only. Links in emails start with KAOHE_SITE_URL.
EMAIL_BACKEND = envstr(
    "KAOHE_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = envstr("KAOHE_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("KAOHE_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = envstr("KAOHE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = envstr("KAOHE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = envbool("KAOHE_EMAIL_TLS", False)
EMAIL_TIMEOUT = envint("KAOHE_EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = envstr("KAOHE_EMAIL_FROM", "kaohe@localhost")
EMAIL_SUBJECT_PREFIX = envstr("KAOHE_EMAIL_SUBJECT_PREFIX", "【考核】")
KAOHE_NOTIFY_EMAIL = envbool("KAOHE_NOTIFY_EMAIL", True)
KAOHE_SITE_URL = envstr("KAOHE_SITE_URL", "http://127.0.0.1:8000")
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# The SMS gateway for the public's one-time codes (公开承诺 实名验证): a dotted path to a
# ``send(phone, text)`` function; empty = the console backend (logged, kept in an outbox).
KAOHE_SMS_BACKEND = envstr("KAOHE_SMS_BACKEND", "")
if KAOHE_SMS_BACKEND and not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+", KAOHE_SMS_BACKEND):
    raise EnvError(f"KAOHE_SMS_BACKEND={KAOHE_SMS_BACKEND!r}: expected a dotted path to send(phone, text), e.g. myorg.sms.send")
# Module settings, each a dict laid over the module's defaults (kaohe/projects/config.py,
# kaohe/supervision/config.py, kaohe/commitments/config.py, kaohe/enterprise/config.py, kaohe/attraction/config.py);
# a deployment's local settings set them.
KAOHE_PROJECTS: dict = {}
KAOHE_SUPERVISION: dict = {}
KAOHE_COMMITMENTS: dict = {}
KAOHE_ENTERPRISE: dict = {}
KAOHE_ATTRACTION: dict = {}
# The city's name in the shell (default: the top unit's name); the home page of leaders and the office
# is the results cockpit unless KAOHE_HOME_COCKPIT=false.
KAOHE_CITY_NAME = envstr("KAOHE_CITY_NAME", "")
KAOHE_HOME_COCKPIT = envbool("KAOHE_HOME_COCKPIT", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envchoice("KAOHE_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))},
    "loggers": {"django.server": {"level": "WARNING"}},
}
