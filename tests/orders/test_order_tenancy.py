"""Another shop's order is a 404 on every seller page and endpoint, and never changes."""

import pytest

from orders.models import OrderState

pytestmark = pytest.mark.django_db

API_ENDPOINTS = [
    ("get", "/api/v1/orders/{id}/"),
    ("get", "/api/v1/orders/{id}/events/"),
    ("post", "/api/v1/orders/{id}/accept/"),
    ("post", "/api/v1/orders/{id}/refuse/"),
    ("post", "/api/v1/orders/{id}/cancel/"),
    ("post", "/api/v1/orders/{id}/ship/"),
]
PAGES = [
    ("get", "/orders/{id}/"),
    ("post", "/orders/{id}/accept/"),
    ("post", "/orders/{id}/refuse/"),
    ("post", "/orders/{id}/cancel/"),
    ("post", "/orders/{id}/ship/"),
]


@pytest.mark.parametrize(("method", "path"), API_ENDPOINTS)
def test_another_shops_order_is_a_404_in_the_api(api, other_order, method, path):
    response = getattr(api, method)(
        path.format(id=other_order.pk), {"reason": "x", "carrier": "c", "tracking_number": "t"}
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    other_order.refresh_from_db()
    assert other_order.state == OrderState.WAITING_ACCEPTANCE


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_another_shops_order_is_a_404_in_the_pages(seller_client, other_order, method, path):
    data = {
        "refuse-reason": "x",
        "cancel-reason": "x",
        "ship-carrier": "c",
        "ship-tracking_number": "t",
    }
    response = getattr(seller_client, method)(path.format(id=other_order.pk), data)

    assert response.status_code == 404
    other_order.refresh_from_db()
    assert other_order.state == OrderState.WAITING_ACCEPTANCE


def test_lists_show_only_the_shops_own_orders(api, seller_client, order, other_order):
    api_refs = {row["reference"] for row in api.get("/api/v1/orders/").json()["results"]}
    page = seller_client.get("/orders/").content.decode()

    assert api_refs == {order.reference}
    assert order.reference in page
    assert other_order.reference not in page


def test_a_filter_cannot_reach_another_shop(api, order, other_order):
    response = api.get(f"/api/v1/orders/?reference={other_order.reference}")

    assert response.json()["results"] == []
