"""The operator's order import: valid orders in, every malformed one a clear 400 writing nothing."""

import copy
from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import Order, OrderEvent

pytestmark = pytest.mark.django_db

VALID = {
    "shop": "norte",
    "reference": "NOR-9001",
    "customer": {"name": "Lucía Fernández", "email": "lucia@example.com"},
    "currency": "EUR",
    "lines": [
        {"sku": "LIB-1", "title": "Cien años de soledad", "quantity": 2, "unit_price": "19.90"},
        {"sku": "LIB-2", "title": "La sombra del viento", "quantity": 1, "unit_price": "21.50"},
    ],
    "shipping_amount": "3.99",
}


def _body(**changes):
    body = copy.deepcopy(VALID)
    body.update(changes)
    return body


def test_it_imports_an_order_with_totals_and_an_event(operator_api, shop):
    response = operator_api.post("/api/v1/operator/orders/", VALID, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["reference"], body["state"], body["total_amount"]) == (
        "NOR-9001",
        "waiting_acceptance",
        "65.29",
    )
    order = Order.objects.get(reference="NOR-9001")
    assert order.shop == shop
    assert OrderEvent.objects.filter(order=order, kind="created").count() == 1


def test_it_imports_history_with_state_and_dates(operator_api, shop):
    shipped = timezone.now() - timedelta(days=10)
    body = _body(
        state="shipped",
        created_at=(shipped - timedelta(days=2)).isoformat(),
        shipped_at=shipped.isoformat(),
    )

    response = operator_api.post("/api/v1/operator/orders/", body, format="json")

    assert response.status_code == 201, response.json()
    order = Order.objects.get(reference="NOR-9001")
    assert order.state == "SHIPPED"
    assert order.shipped_at == shipped


FUTURE = (timezone.now() + timedelta(days=3)).isoformat()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_body(shop="nope"), "shop"),
        (_body(lines=[]), "lines"),
        (_body(shipping_amount="-1.00"), "shipping_amount"),
        (_body(shipping_amount="abc"), "shipping_amount"),
        (_body(shipping_amount="1.999"), "shipping_amount"),
        (_body(lines=[{"sku": "X", "title": "X", "quantity": 1, "unit_price": "-5"}]), "lines"),
        (_body(lines=[{"sku": "X", "title": "X", "quantity": 0, "unit_price": "5"}]), "lines"),
        (_body(lines=[{"sku": "X", "title": "X", "quantity": 1, "unit_price": "5,00"}]), "lines"),
        (_body(created_at=FUTURE), "created_at"),
        (_body(state="shipped", shipped_at=FUTURE), "shipped_at"),
        (_body(state="shipped"), "shipped_at"),
        (_body(currency="euros"), "currency"),
        (_body(customer={"email": "x@example.com"}), "customer"),
        (_body(state="teleported"), "state"),
    ],
)
def test_each_invalid_import_is_a_400_naming_the_field_and_writes_nothing(
    operator_api, shop, body, field
):
    response = operator_api.post("/api/v1/operator/orders/", body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["fields"]
    assert not Order.objects.exists()


def test_a_duplicate_reference_is_a_400_with_its_own_code(operator_api, shop):
    assert operator_api.post("/api/v1/operator/orders/", VALID, format="json").status_code == 201

    response = operator_api.post("/api/v1/operator/orders/", VALID, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "duplicate_reference"
    assert Order.objects.count() == 1


def test_the_same_reference_in_another_shop_is_fine(operator_api, shop, other_shop):
    operator_api.post("/api/v1/operator/orders/", VALID, format="json")

    response = operator_api.post("/api/v1/operator/orders/", _body(shop="sur"), format="json")

    assert response.status_code == 201


def test_the_operator_lists_every_shop_and_filters_by_shop(operator_api, order, other_order):
    everything = operator_api.get("/api/v1/operator/orders/").json()["results"]
    only_sur = operator_api.get("/api/v1/operator/orders/?shop=sur").json()["results"]

    assert {row["reference"] for row in everything} == {order.reference, other_order.reference}
    assert [row["reference"] for row in only_sur] == [other_order.reference]
