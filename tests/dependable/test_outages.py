"""Outages: the database, the broker and the cache (Redis) unreachable.

The Redis here is the test's own, started on a port of its own and stopped: the shared one is
never touched. The database outage points the connection at a closed port.
"""

import logging
import shutil
import socket
import subprocess
import time

import pytest
from django.db import connection
from django.test import Client

from shops.services import api_key_issue
from tests.factories import OperatorFactory, SellerFactory, ShopFactory

pytestmark = pytest.mark.django_db


def _free_port(start=18210, end=18260) -> int:
    for port in range(start, end):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in this engineer's range")


@pytest.fixture
def own_redis(tmp_path):
    """A Redis server of this test's own; yields (url, stop)."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)

    def stop():
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)

    yield f"redis://127.0.0.1:{port}/0", stop
    stop()


@pytest.fixture
def redis_cache(settings, own_redis):
    url, stop = own_redis
    settings.CACHES = {
        "default": {"BACKEND": "sellerdesk.cache.FailOpenRedisCache", "LOCATION": url}
    }
    return stop


def _key_client(user):
    _key, raw = api_key_issue(user=user, name="outage")
    client = Client(raise_request_exception=False)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {raw}"
    return client


@pytest.fixture
def seller_key_client(db):
    shop = ShopFactory(code="norte")
    return _key_client(SellerFactory(username="norte", shop=shop))


def test_with_redis_up_the_throttle_counts_in_it(settings, redis_cache, seller_key_client):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "2/minute", "anon": "2/minute"},
    }
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    api_settings.reload()
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        codes = [seller_key_client.get("/api/v1/orders/").status_code for _ in range(3)]
    finally:
        SimpleRateThrottle.THROTTLE_RATES = {"user": "1200/minute", "anon": "60/minute"}
    assert codes == [200, 200, 429]


def test_with_redis_stopped_the_api_answers_and_logs(redis_cache, seller_key_client, caplog):
    redis_cache()  # stop the test's Redis

    with caplog.at_level(logging.WARNING, logger="sellerdesk.cache"):
        import sellerdesk.cache

        sellerdesk.cache._last_logged = 0.0
        response = seller_key_client.get("/api/v1/orders/")

    assert response.status_code == 200
    assert any("failed open" in record.getMessage() for record in caplog.records)


def test_readyz_reports_each_dependency(redis_cache, client):
    response = client.get("/readyz/")
    assert response.status_code == 200
    assert response.json()["checks"]["cache"]["status"] == "ok"
    assert response.json()["checks"]["database"]["status"] == "ok"

    redis_cache()
    response = client.get("/readyz/")

    assert response.status_code == 200  # degraded, still serving
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"]["status"] == "unavailable"
    assert body["checks"]["database"]["status"] == "ok"


def test_healthz_is_cheap(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/healthz/").json() == {"status": "ok"}


@pytest.fixture
def database_down(own_redis):
    """The database unreachable: the connection is pointed at a closed port."""
    port = _free_port(18260, 18299)
    original = connection.settings_dict["PORT"], connection.settings_dict["HOST"]
    connection.close()
    connection.settings_dict["PORT"] = str(port)
    connection.settings_dict["HOST"] = "127.0.0.1"
    yield
    connection.close()
    connection.settings_dict["PORT"], connection.settings_dict["HOST"] = original


@pytest.mark.django_db(transaction=True)
def test_a_database_outage_is_a_503_in_the_error_shape(db, database_down):
    client = Client(raise_request_exception=False)

    response = client.get("/api/v1/orders/", HTTP_AUTHORIZATION="Token abc")

    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"
    assert response["Retry-After"]


@pytest.mark.django_db(transaction=True)
def test_a_database_outage_under_mirakl_keeps_miraklss_shape(db, database_down):
    client = Client(raise_request_exception=False)

    response = client.get("/mirakl/api/account", HTTP_AUTHORIZATION="abc")

    assert response.status_code == 503
    assert response.json()["status"] == 503


@pytest.mark.django_db(transaction=True)
def test_readyz_is_a_503_when_the_database_is_unreachable(db, database_down):
    client = Client(raise_request_exception=False)

    response = client.get("/readyz/")

    assert response.status_code == 503
    assert response.json()["checks"]["database"]["status"] == "unavailable"
    assert client.get("/healthz/").status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("language", "words"), [("es", "no está disponible"), ("en", "briefly unavailable")]
)
def test_a_page_during_a_database_outage_is_a_friendly_503(db, language, words):
    shop = ShopFactory(code="norte")
    seller = SellerFactory(username="norte", shop=shop)
    client = Client(raise_request_exception=False)
    client.force_login(seller)
    port = _free_port(18260, 18299)
    original = connection.settings_dict["PORT"], connection.settings_dict["HOST"]
    connection.close()
    connection.settings_dict["PORT"], connection.settings_dict["HOST"] = str(port), "127.0.0.1"
    try:
        response = client.get("/orders/", HTTP_ACCEPT_LANGUAGE=language)
    finally:
        connection.close()
        connection.settings_dict["PORT"], connection.settings_dict["HOST"] = original

    assert response.status_code == 503
    assert words in response.content.decode()


def test_a_bug_under_the_api_is_a_json_500(monkeypatch, seller_key_client):
    from orders import selectors

    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(selectors, "order_list", broken)

    response = seller_key_client.get("/api/v1/orders/")

    assert response.status_code == 500
    assert response.json()["code"] == "server_error"


@pytest.mark.parametrize(
    ("language", "words"), [("es", "Algo ha fallado"), ("en", "Something went wrong")]
)
def test_a_bug_on_a_page_is_a_friendly_500_in_the_readers_language(
    monkeypatch, db, language, words
):
    from orders import selectors

    shop = ShopFactory(code="norte")
    client = Client(raise_request_exception=False)
    client.force_login(SellerFactory(username="norte", shop=shop))
    monkeypatch.setattr(selectors, "order_list", lambda **kwargs: 1 / 0)

    response = client.get("/orders/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 500
    assert words in response.content.decode()


def test_an_operator_list_during_a_broker_outage_still_answers(db, settings):
    # The broker is only used after commit, and its failure leaves the notice to the sweep.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:18299/0"
    client = _key_client(OperatorFactory(username="operador"))
    assert client.get("/api/v1/operator/orders/").status_code == 200
