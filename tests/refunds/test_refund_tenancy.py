"""Another shop's orders and refunds are a 404 on every refund page and endpoint, and never change."""

import pytest

from refunds.models import Refund, RefundState
from tests.refunds.conftest import make_refund

pytestmark = pytest.mark.django_db

BODY = {"reason": "goodwill", "amount": "1.00"}

API_ENDPOINTS = [
    ("get", "/api/v1/orders/{order}/refunds/"),
    ("post", "/api/v1/orders/{order}/refunds/"),
    ("post", "/api/v1/orders/{order}/refunds/preview/"),
    ("get", "/api/v1/refunds/{refund}/"),
]
PAGES = [
    ("get", "/orders/{order}/refunds/new/"),
    ("post", "/orders/{order}/refunds/new/"),
    ("get", "/refunds/{refund}/"),
]


@pytest.fixture
def foreign_refund(other_seller, other_shipped_order):
    return make_refund(other_shipped_order, other_seller, amount="1.00").refund


@pytest.mark.parametrize(("method", "path"), API_ENDPOINTS)
def test_another_shops_refunds_are_a_404_in_the_api(api, foreign_refund, method, path):
    url = path.format(order=foreign_refund.order_id, refund=foreign_refund.pk)

    response = getattr(api, method)(url, BODY, format="json")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert Refund.objects.count() == 1


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_another_shops_refunds_are_a_404_in_the_pages(seller_client, foreign_refund, method, path):
    url = path.format(order=foreign_refund.order_id, refund=foreign_refund.pk)

    response = getattr(seller_client, method)(url, BODY)

    assert response.status_code == 404
    assert Refund.objects.count() == 1
    assert Refund.objects.get().state == RefundState.PENDING


def test_lists_show_only_the_shops_own_refunds(
    api, seller_client, seller, shipped_order, foreign_refund
):
    own = make_refund(shipped_order, seller, amount="2.00").refund

    api_ids = {row["id"] for row in api.get("/api/v1/refunds/").json()["results"]}
    by_order = api.get(f"/api/v1/refunds/?order={foreign_refund.order_id}").json()["results"]
    page = seller_client.get("/refunds/").content.decode()

    assert api_ids == {own.pk}
    assert by_order == []
    assert f"/refunds/{own.pk}/" in page
    assert f"/refunds/{foreign_refund.pk}/" not in page


def test_a_seller_cannot_refund_a_line_of_another_shops_order(
    api, shipped_order, other_shipped_order
):
    foreign_line = other_shipped_order.lines.first()

    response = api.post(
        f"/api/v1/orders/{shipped_order.pk}/refunds/",
        {"reason": "goodwill", "lines": [{"line": foreign_line.pk, "quantity": 1}]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "unknown_line"
