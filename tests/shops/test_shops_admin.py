"""The operator's admin for shops, users and API keys."""

import pytest
from rest_framework.test import APIClient

from shops.models import ApiKey
from shops.services import api_key_issue
from tests.factories import SellerFactory

pytestmark = pytest.mark.django_db


def test_the_shop_list_shows_each_shop_with_its_user_count(operator_client, seller, other_shop):
    SellerFactory(shop=seller.shop)

    response = operator_client.get("/admin/shops/shop/")

    assert response.status_code == 200
    counts = {shop.code: shop.user_count for shop in response.context["cl"].result_list}
    assert counts == {"norte": 2, "sur": 0}


def test_the_user_pages_render(operator_client, seller):
    assert operator_client.get("/admin/shops/user/").status_code == 200
    assert operator_client.get(f"/admin/shops/user/{seller.pk}/change/").status_code == 200
    assert operator_client.get("/admin/shops/user/add/").status_code == 200


def test_the_issue_action_shows_a_working_key_once(operator_client, seller):
    response = operator_client.post(
        "/admin/shops/user/",
        {"action": "issue_api_key", "_selected_action": [seller.pk]},
        follow=True,
    )

    api_key = ApiKey.objects.get(user=seller)
    [message] = [m for m in response.context["messages"] if api_key.prefix in str(m)]
    assert message.level_tag == "warning"
    raw = next(word for word in str(message).split() if word.startswith(api_key.prefix))
    raw = raw.rstrip(".,;:")
    api = APIClient()
    assert api.get("/api/v1/orders/", HTTP_AUTHORIZATION=f"Token {raw}").status_code == 200


def test_the_key_list_never_shows_the_hash(operator_client, seller):
    api_key, _raw = api_key_issue(user=seller, name="ERP")

    listing = operator_client.get("/admin/shops/apikey/")
    page = operator_client.get(f"/admin/shops/apikey/{api_key.pk}/change/")

    assert listing.status_code == page.status_code == 200
    assert api_key.key_hash not in listing.content.decode()
    assert api_key.key_hash not in page.content.decode()


def test_keys_cannot_be_added_in_the_admin(operator_client):
    assert operator_client.get("/admin/shops/apikey/add/").status_code == 403


def test_the_revoke_action_revokes_the_selected_keys_only(operator_client, seller):
    revoked, raw = api_key_issue(user=seller, name="old")
    kept, kept_raw = api_key_issue(user=seller, name="current")

    response = operator_client.post(
        "/admin/shops/apikey/", {"action": "revoke_keys", "_selected_action": [revoked.pk]}
    )

    assert response.status_code == 302
    revoked.refresh_from_db()
    kept.refresh_from_db()
    assert revoked.revoked_at is not None
    assert kept.revoked_at is None
    api = APIClient()
    assert api.get("/api/v1/orders/", HTTP_AUTHORIZATION=f"Token {raw}").status_code == 401
    assert api.get("/api/v1/orders/", HTTP_AUTHORIZATION=f"Token {kept_raw}").status_code == 200
