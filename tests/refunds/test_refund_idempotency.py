"""Idempotency-Key on POST /orders/{id}/refunds/: a replay answers the first refund, another
body with the same key is a 409."""

import pytest

from orders.models import OrderEvent, OrderEventKind
from refunds.models import Refund
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

BODY = {"reason": "goodwill", "amount": "5.00"}


def _post(api, order, body, key):
    return api.post(
        f"/api/v1/orders/{order.pk}/refunds/", body, format="json", HTTP_IDEMPOTENCY_KEY=key
    )


def test_a_replay_returns_the_first_refund_and_creates_nothing(api, shipped_order):
    first = _post(api, shipped_order, BODY, "key-1")

    replay = _post(api, shipped_order, BODY, "key-1")

    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert Refund.objects.count() == 1
    assert OrderEvent.objects.filter(kind=OrderEventKind.REFUND_CREATED).count() == 1


def test_the_same_key_with_another_body_is_a_409(api, shipped_order):
    _post(api, shipped_order, BODY, "key-1")

    response = _post(api, shipped_order, {**BODY, "amount": "6.00"}, "key-1")

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert Refund.objects.count() == 1


def test_the_same_key_on_another_order_is_a_409(api, shop, shipped_order):
    other = OrderFactory.shipped(shop=shop)
    _post(api, shipped_order, BODY, "key-1")

    response = _post(api, other, BODY, "key-1")

    assert response.status_code == 409
    assert not Refund.objects.filter(order=other).exists()


def test_different_keys_make_different_refunds(api, shipped_order):
    _post(api, shipped_order, BODY, "key-1")
    _post(api, shipped_order, BODY, "key-2")

    assert Refund.objects.count() == 2


def test_another_shop_may_use_the_same_key(api, other_seller, shipped_order, other_shipped_order):
    from tests.conftest import _api_client_for

    _post(api, shipped_order, BODY, "shared-key")
    response = _post(_api_client_for(other_seller), other_shipped_order, BODY, "shared-key")

    assert response.status_code == 201
    assert Refund.objects.count() == 2


def test_a_refused_request_does_not_use_up_its_key(api, shipped_order):
    refused = _post(api, shipped_order, {**BODY, "amount": "999.00"}, "key-1")

    accepted = _post(api, shipped_order, BODY, "key-1")

    assert refused.status_code == 400
    assert accepted.status_code == 201


def test_a_malformed_key_is_refused(api, shipped_order):
    response = _post(api, shipped_order, BODY, "x" * 256)

    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_invalid"
