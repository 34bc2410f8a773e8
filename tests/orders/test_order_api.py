"""The seller's order endpoints: shapes, filters, actions, errors."""

from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from orders.models import OrderState
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_the_order_detail_has_the_contract_fields(api, order):
    response = api.get(f"/api/v1/orders/{order.pk}/")

    assert response.status_code == 200
    body = response.json()
    for field in (
        "id", "reference", "state", "lines", "shipping_amount", "total_amount", "refunded_amount", "currency",
        "frozen", "allowed_actions", "refund_deadline", "messages_count", "unread_messages_count", "incidents",
        "refunds",
    ):  # fmt: skip
        assert field in body, field
    assert body["state"] == "waiting_acceptance"
    assert body["total_amount"] == "30.45"
    assert body["shipping_amount"] == "4.95"
    assert body["lines"][0] == {
        "id": order.lines.first().pk,
        "sku": "SKU-1",
        "title": "Libro",
        "quantity": 2,
        "unit_price": "10.00",
        "total_amount": "20.00",
        "refundable_quantity": 2,
        "refundable_amount": "20.00",
    }
    assert set(body["allowed_actions"]) == {"accept", "refuse", "cancel"}


def test_the_list_is_cursor_paginated_newest_first(api, shop):
    now = timezone.now()
    for days in range(5):
        OrderFactory(shop=shop, created_at=now - timedelta(days=days))

    first = api.get("/api/v1/orders/?page_size=2").json()
    second = api.get(first["next"]).json()

    assert set(first) == {"next", "previous", "results"}
    assert len(first["results"]) == 2
    created = [row["created_at"] for row in first["results"] + second["results"]]
    assert created == sorted(created, reverse=True)
    assert not {row["id"] for row in first["results"]} & {row["id"] for row in second["results"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=shipped", {"B"}),
        ("reference=A", {"A"}),
        ("customer=garc", {"A"}),
        ("customer=PÉREZ", {"B"}),
        ("created_after=2026-01-05T00:00:00Z", {"B"}),
        ("created_before=2026-01-05T00:00:00Z", {"A"}),
        ("shipped_after=2026-01-09T00:00:00Z", {"B"}),
        ("shipped_before=2026-01-09T00:00:00Z", set()),
        ("has_open_incident=false", {"A", "B"}),
    ],
)
def test_each_filter(api, shop, query, expected):
    from datetime import datetime

    OrderFactory(
        shop=shop,
        reference="A",
        customer_name="Ana García",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    OrderFactory(
        shop=shop,
        reference="B",
        customer_name="Luis Pérez",
        state=OrderState.SHIPPED,
        created_at=datetime(2026, 1, 8, tzinfo=UTC),
        shipped_at=datetime(2026, 1, 10, tzinfo=UTC),
    )

    response = api.get(f"/api/v1/orders/?{query}")

    assert response.status_code == 200
    assert {row["reference"] for row in response.json()["results"]} == expected


def test_a_bad_filter_value_is_a_400_with_a_code(api, order):
    response = api.get("/api/v1/orders/?created_after=yesterday")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "created_after" in response.json()["fields"]


def test_accept_then_ship_through_the_api(api, order):
    assert api.post(f"/api/v1/orders/{order.pk}/accept/").json()["state"] == "shipping"

    response = api.post(
        f"/api/v1/orders/{order.pk}/ship/", {"carrier": "Correos", "tracking_number": "PQ1"}
    )

    assert response.status_code == 200
    assert response.json()["state"] == "shipped"
    events = api.get(f"/api/v1/orders/{order.pk}/events/").json()["results"]
    assert [event["kind"] for event in events] == ["created", "accepted", "shipped"]


def test_a_refused_transition_is_a_409_with_a_code(api, order):
    response = api.post(
        f"/api/v1/orders/{order.pk}/ship/", {"carrier": "Correos", "tracking_number": "PQ1"}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert response.json()["detail"]


def test_ship_without_tracking_number_is_a_400_naming_the_field(api, shop):
    order = OrderFactory(shop=shop, state=OrderState.SHIPPING)

    response = api.post(f"/api/v1/orders/{order.pk}/ship/", {"carrier": "Correos"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "tracking_number" in response.json()["fields"]
    order.refresh_from_db()
    assert order.state == OrderState.SHIPPING


def test_refuse_needs_a_reason(api, order):
    response = api.post(f"/api/v1/orders/{order.pk}/refuse/", {})

    assert response.status_code == 400
    assert "reason" in response.json()["fields"]


def test_malformed_json_is_a_400_not_a_500(api, order):
    response = api.generic(
        "POST", f"/api/v1/orders/{order.pk}/refuse/", "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_the_operator_confirms_receipt(operator_api, shop):
    order = OrderFactory.shipped(shop=shop)

    response = operator_api.post(f"/api/v1/operator/orders/{order.pk}/receive/")

    assert response.status_code == 200
    assert response.json()["state"] == "received"


def test_the_openapi_schema_and_docs_are_published(client):
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert b"/api/v1/orders/{id}/" in schema.content
    assert docs.status_code == 200
