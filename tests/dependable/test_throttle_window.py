"""The API throttle against the real Redis: one round trip a request, the limit kept, the window
resetting. The clock is the throttle's own (a fake one here), so no test waits for a minute."""

import uuid

import pytest
import redis.connection
from django.conf import settings as django_settings
from django.test import Client
from rest_framework.throttling import SimpleRateThrottle

from sellerdesk.api.throttling import AnonRateThrottle, UserRateThrottle
from shops.services import api_key_issue
from tests.factories import SellerFactory, ShopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_redis(settings):
    url = django_settings.REDIS_URL
    if not url:
        pytest.skip("REDIS_URL is not set")
    # A prefix of this test's own: the workers of a parallel run share the Redis db.
    settings.CACHES = {
        "default": {
            "BACKEND": "sellerdesk.cache.FailOpenRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"throttle-test-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture
def clock(monkeypatch):
    now = [1_800_000_000.0]  # the start of a minute
    for throttle in (UserRateThrottle, AnonRateThrottle):
        monkeypatch.setattr(throttle, "timer", staticmethod(lambda: now[0]))
    return now


@pytest.fixture
def rates(monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"user": "3/minute", "anon": "2/minute"}
    )


@pytest.fixture
def round_trips(monkeypatch):
    """Every write of commands to a Redis connection: a pipeline is one, a command one."""
    calls = []
    original = redis.connection.AbstractConnection.send_packed_command

    def counting(self, command, check_health=True):
        calls.append(command)
        return original(self, command, check_health)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counting)
    return calls


@pytest.fixture
def key_client(db):
    shop = ShopFactory(code="ventana")
    _key, raw = api_key_issue(user=SellerFactory(username="ventana", shop=shop), name="t")
    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {raw}"
    return client


def test_one_redis_round_trip_per_request(real_redis, rates, clock, key_client, round_trips):
    key_client.get("/api/v1/orders/")  # warm: connection set-up is not a request's cost
    round_trips.clear()

    for _ in range(2):
        assert key_client.get("/api/v1/orders/").status_code == 200

    assert len(round_trips) == 2


def test_the_limit_is_kept_and_the_window_resets(real_redis, rates, clock, key_client):
    codes = [key_client.get("/api/v1/orders/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]

    clock[0] += 59  # same window
    response = key_client.get("/api/v1/orders/")
    assert response.status_code == 429
    assert response["Retry-After"] == "1"

    clock[0] += 1  # the next minute
    codes = [key_client.get("/api/v1/orders/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_the_counter_expires_with_its_window(real_redis, rates, clock, key_client):
    from django.core.cache import cache

    key_client.get("/api/v1/orders/")
    client = cache._cache.get_client(write=True)
    keys = client.keys(f"{cache.key_prefix}*throttle_user_*")
    assert len(keys) == 1
    assert client.get(keys[0]) == b"1"
    assert 0 < client.ttl(keys[0]) <= 61


def test_anonymous_clients_have_their_own_limit(real_redis, rates, clock, rf):
    # Every API view needs a login (a 401 comes before the throttle), so the throttle is asked
    # directly: per address, 2 a minute.
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/api/v1/orders/", REMOTE_ADDR="203.0.113.7")
    request.user = AnonymousUser()
    allowed = [AnonRateThrottle().allow_request(request, None) for _ in range(3)]
    assert allowed == [True, True, False]


def test_with_redis_unreachable_the_throttle_allows(settings, rates, clock, key_client):
    settings.CACHES = {
        "default": {
            "BACKEND": "sellerdesk.cache.FailOpenRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    codes = [key_client.get("/api/v1/orders/").status_code for _ in range(5)]
    assert codes == [200] * 5
