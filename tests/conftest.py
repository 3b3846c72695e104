"""Shared fixtures. Browser tests need ORM access from Playwright's sync loop."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
