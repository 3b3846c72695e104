"""Server-Timing (KAOHE_SERVER_TIMING): the worker's own time and its database time on each response."""

import re

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from kaohe.web.middleware import ServerTimingMiddleware


@pytest.mark.django_db
def test_the_header_names_the_request_time_and_counts_the_queries_it_made():
    def view(request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.execute("SELECT 2")
        return HttpResponse("ok")

    response = ServerTimingMiddleware(view)(RequestFactory().get("/"))
    match = re.fullmatch(r'app;dur=([0-9.]+), cpu;dur=([0-9.]+), db;dur=([0-9.]+);desc="(\d+)"', response["Server-Timing"])
    assert match is not None, response["Server-Timing"]
    app, cpu, db, queries = float(match[1]), float(match[2]), float(match[3]), int(match[4])
    assert queries == 2
    assert 0 <= db <= app and 0 <= cpu


def test_it_is_off_unless_asked_for(settings):
    assert "kaohe.web.middleware.ServerTimingMiddleware" not in settings.MIDDLEWARE
