"""The anonymous throttle counts per connecting address: a client cannot escape it by sending
its own X-Forwarded-For (DRF's default took that header, whole, as the client's identity). Only
with TRUST_PROXY_HEADERS does the address our proxy appended count."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

pytestmark = pytest.mark.django_db


def test_a_forged_forwarded_for_header_does_not_reset_the_count(monkeypatch, newsroom):
    cache.clear()
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    client = APIClient(REMOTE_ADDR="203.0.113.44")
    statuses = [
        client.get("/api/v1/claims/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    cache.clear()


def test_behind_a_trusted_proxy_the_address_it_appended_counts(monkeypatch, newsroom, settings):
    """With TRUST_PROXY_HEADERS (NUM_PROXIES=1) the last X-Forwarded-For entry, written by our
    proxy, is the client: what the client put before it changes nothing."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    cache.clear()
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    proxy = APIClient(REMOTE_ADDR="10.0.0.2")
    statuses = [
        proxy.get(
            "/api/v1/claims/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.60"
        ).status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    other = proxy.get("/api/v1/claims/", HTTP_X_FORWARDED_FOR="203.0.113.61")
    assert other.status_code == 200
    cache.clear()
