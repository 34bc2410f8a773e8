"""The seller's API keys page: a key is shown once, works, and can be revoked by its owner only."""

import re

import pytest
from rest_framework.test import APIClient

from shops.models import ApiKey
from shops.services import api_key_issue

pytestmark = pytest.mark.django_db


def test_a_seller_issues_a_key_that_is_shown_once_and_works(seller_client, seller):
    response = seller_client.post("/settings/api-keys/", {"name": "ERP"})

    raw = re.search(r'data-testid="new-key">([^<]+)<', response.content.decode()).group(1)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get("/api/v1/orders/").status_code == 200
    assert raw not in seller_client.get("/settings/api-keys/").content.decode()


def test_a_key_needs_a_name(seller_client):
    response = seller_client.post("/settings/api-keys/", {"name": ""})

    assert 'class="error"' in response.content.decode()
    assert not ApiKey.objects.exists()


def test_a_seller_revokes_a_key(seller_client, seller):
    api_key, _raw = api_key_issue(user=seller, name="old")

    seller_client.post(f"/settings/api-keys/{api_key.pk}/revoke/")

    api_key.refresh_from_db()
    assert api_key.revoked_at is not None


def test_another_users_key_is_a_404_and_stays_active(seller_client, other_seller):
    api_key, _raw = api_key_issue(user=other_seller, name="theirs")

    response = seller_client.post(f"/settings/api-keys/{api_key.pk}/revoke/")

    assert response.status_code == 404
    api_key.refresh_from_db()
    assert api_key.revoked_at is None
    assert "theirs" not in seller_client.get("/settings/api-keys/").content.decode()
