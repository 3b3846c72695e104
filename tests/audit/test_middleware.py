"""Request id and client address as the audit writer records them."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from kaohe.audit.middleware import client_ip


@pytest.fixture
def rf():
    return RequestFactory()


def test_without_proxies_the_address_is_the_peer(rf, settings):
    settings.KAOHE_PROXY_HOPS = 0
    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_ip(request) == "192.0.2.1"


def test_behind_one_proxy_the_last_forwarded_address_is_the_client(rf, settings):
    settings.KAOHE_PROXY_HOPS = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_ip(request) == "203.0.113.9"


def test_a_missing_forwarded_header_falls_back_to_the_peer(rf, settings):
    settings.KAOHE_PROXY_HOPS = 2
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(request) == "10.0.0.2"


def test_garbage_is_not_recorded_as_an_address(rf, settings):
    settings.KAOHE_PROXY_HOPS = 1
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="not-an-ip")) is None


@pytest.mark.django_db
def test_a_proxys_request_id_is_kept_and_a_bad_one_replaced(client):
    assert client.get("/login/", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    replaced = client.get("/login/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert replaced != "<script>" and len(replaced) == 32
