"""API authentication: Token keys, hashed, revocable; seller keys kept off operator endpoints."""

import pytest
from rest_framework.test import APIClient

from shops.models import ApiKey, hash_key
from shops.services import api_key_issue, api_key_revoke

pytestmark = pytest.mark.django_db


def test_no_key_is_a_401_with_a_code(order):
    response = APIClient().get("/api/v1/orders/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_bad_key_is_a_401(order):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")

    response = client.get("/api/v1/orders/")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_a_revoked_key_is_a_401(seller):
    api_key, raw = api_key_issue(user=seller)
    api_key_revoke(api_key=api_key)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")

    assert client.get("/api/v1/orders/").status_code == 401


def test_the_key_is_stored_hashed_only(seller):
    api_key, raw = api_key_issue(user=seller)

    stored = ApiKey.objects.get(pk=api_key.pk)
    assert stored.key_hash == hash_key(raw)
    assert raw not in {stored.key_hash, stored.prefix, stored.name}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/operator/orders/"),
        ("post", "/api/v1/operator/orders/"),
        ("post", "/api/v1/operator/orders/1/receive/"),
    ],
)
def test_a_seller_key_on_an_operator_endpoint_is_a_403(api, method, path):
    response = getattr(api, method)(path, {})

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_an_operator_key_on_a_seller_endpoint_is_a_403(operator_api):
    assert operator_api.get("/api/v1/orders/").status_code == 403


def test_the_session_works_for_the_api_too(seller_client, order):
    assert seller_client.get("/api/v1/orders/").status_code == 200
