"""The incident API per api.md: seller list/detail/resolve, operator open/close/reopen/list."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incidents.models import Incident, IncidentState
from orders.models import OrderState
from tests.factories import OrderFactory
from tests.incidents.conftest import IncidentFactory

pytestmark = pytest.mark.django_db


# --- Seller ----------------------------------------------------------------------------------


def test_the_incident_detail_has_the_contract_fields(api, incident):
    body = api.get(f"/api/v1/incidents/{incident.pk}/").json()

    assert {
        "id", "order", "opened_by", "reason", "description", "state", "opened_at", "resolved_at",
        "closed_at", "waiting_since", "events",
    } <= set(body)  # fmt: skip
    assert body["order"] == {"id": incident.order_id, "reference": incident.order.reference}
    assert (body["state"], body["opened_by"], body["reason"]) == (
        "open",
        "customer",
        "item_damaged",
    )
    assert body["waiting_since"] is not None
    assert [event["kind"] for event in body["events"]] == ["opened"]
    assert body["events"][0]["actor_side"] == "customer"


def test_the_list_is_cursor_paginated_newest_first(api, shop):
    now = timezone.now()
    incidents = [
        IncidentFactory(order=OrderFactory.shipped(shop=shop), opened_at=now - timedelta(hours=h))
        for h in (3, 1, 2)
    ]

    body = api.get("/api/v1/incidents/?page_size=2").json()

    assert [row["id"] for row in body["results"]] == [incidents[1].pk, incidents[2].pk]
    assert body["next"] is not None
    rest = api.get(body["next"]).json()
    assert [row["id"] for row in rest["results"]] == [incidents[0].pk]


@pytest.fixture
def three(shop):
    now = timezone.now()
    first = IncidentFactory(
        order=OrderFactory.shipped(shop=shop, reference="NOR-1"),
        opened_at=now - timedelta(days=3),
    )
    second = IncidentFactory(
        order=OrderFactory.shipped(shop=shop, reference="NOR-2"),
        state=IncidentState.RESOLVED,
        opened_by="OPERATOR",
        opened_at=now - timedelta(days=2),
    )
    third = IncidentFactory(
        order=OrderFactory.shipped(shop=shop, reference="NOR-3"),
        state=IncidentState.CLOSED,
        opened_at=now - timedelta(hours=1),
    )
    return first, second, third


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=open", [0]),
        ("state=resolved", [1]),
        ("state=closed", [2]),
        ("opened_by=operator", [1]),
        ("opened_by=customer", [2, 0]),
        ("order=NOR-2", [1]),
        ("order={order_id}", [0]),
        ("opened_after={two_days_ago}", [2, 1]),
        ("opened_before={two_days_ago}", [0]),
    ],
)
def test_each_filter(api, three, query, expected):
    two_days_ago = (timezone.now() - timedelta(days=2, minutes=1)).isoformat().replace("+", "%2B")
    query = query.format(order_id=three[0].order_id, two_days_ago=two_days_ago)

    results = api.get(f"/api/v1/incidents/?{query}").json()["results"]

    assert [row["id"] for row in results] == [three[index].pk for index in expected]


def test_a_bad_filter_value_is_a_400_with_a_code(api):
    response = api.get("/api/v1/incidents/?state=lost")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_the_seller_marks_an_incident_resolved(api, incident, seller, thread_posts):
    response = api.post(
        f"/api/v1/incidents/{incident.pk}/resolve/",
        {"reason": "replacement_sent", "message": "Enviado otro ejemplar."},
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["resolution_reason"], body["waiting_since"]) == (
        "resolved",
        "replacement_sent",
        None,
    )
    assert body["events"][-1]["message"] == "Enviado otro ejemplar."
    assert thread_posts[0]["body"] == "Enviado otro ejemplar."
    assert thread_posts[0]["acting_user"] == seller


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"reason": "replacement_sent"}, {"message"}),
        ({"message": "Hecho."}, {"reason"}),
        ({"reason": "lost", "message": "Hecho."}, {"reason"}),
        ({"reason": "replacement_sent", "message": "   "}, {"message"}),
    ],
)
def test_resolving_without_a_reason_or_message_is_a_400_naming_the_field(
    api, incident, payload, fields, thread_posts
):
    response = api.post(f"/api/v1/incidents/{incident.pk}/resolve/", payload)

    assert response.status_code == 400
    assert set(response.json()["fields"]) == fields
    incident.refresh_from_db()
    assert incident.state == IncidentState.OPEN
    assert thread_posts == []


def test_resolving_a_resolved_incident_is_a_409(api, resolved_incident):
    response = api.post(
        f"/api/v1/incidents/{resolved_incident.pk}/resolve/",
        {"reason": "replacement_sent", "message": "Otra vez."},
    )

    assert (response.status_code, response.json()["code"]) == (409, "incident_not_open")


def test_the_seller_list_and_detail_cost_constant_queries(api, shop):
    def count(path):
        with CaptureQueriesContext(connection) as queries:
            assert api.get(path).status_code == 200
        return len(queries)

    first = IncidentFactory(order=OrderFactory.shipped(shop=shop))
    api.get("/api/v1/incidents/")  # the key's first use of the day is recorded once
    few_list, few_detail = count("/api/v1/incidents/"), count(f"/api/v1/incidents/{first.pk}/")
    for _ in range(5):
        IncidentFactory(order=OrderFactory.shipped(shop=shop))
    for _ in range(5):
        first.events.create(kind="reminded", actor_side="system")

    assert count("/api/v1/incidents/") == few_list
    assert count(f"/api/v1/incidents/{first.pk}/") == few_detail


def test_the_order_api_incidents_field_costs_constant_queries(api, shop):
    order = OrderFactory.shipped(shop=shop)
    IncidentFactory(order=order)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert api.get(f"/api/v1/orders/{order.pk}/").status_code == 200
        return len(queries)

    count()  # the key's first use is recorded once
    one = count()
    for _ in range(4):
        IncidentFactory(order=order, state=IncidentState.CLOSED)

    assert count() == one


# --- Operator --------------------------------------------------------------------------------


def test_the_operator_opens_an_incident_for_the_customer(operator_api, shipped_order):
    line = shipped_order.lines.first()

    response = operator_api.post(
        f"/api/v1/operator/orders/{shipped_order.pk}/incidents/",
        {
            "opened_by": "customer",
            "reason": "missing_parts",
            "description": "Falta el cargador.",
            "line": line.pk,
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["state"], body["opened_by"], body["line"], body["shop"]) == (
        "open",
        "customer",
        line.pk,
        shipped_order.shop.code,
    )
    assert Incident.objects.get(pk=body["id"]).order == shipped_order


def test_opening_on_an_order_not_shipped_is_a_409(operator_api, order):
    response = operator_api.post(
        f"/api/v1/operator/orders/{order.pk}/incidents/",
        {"opened_by": "operator", "reason": "other", "description": "x"},
    )

    assert (response.status_code, response.json()["code"]) == (409, "order_not_shipped")
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"opened_by": "shop", "reason": "other", "description": "x"}, "opened_by"),
        ({"opened_by": "customer", "reason": "bored", "description": "x"}, "reason"),
        ({"opened_by": "customer", "reason": "other"}, "description"),
    ],
)
def test_an_invalid_open_is_a_400_naming_the_field(operator_api, shipped_order, payload, field):
    response = operator_api.post(f"/api/v1/operator/orders/{shipped_order.pk}/incidents/", payload)

    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_a_line_of_another_order_is_a_400(operator_api, shipped_order, shop):
    other_line = OrderFactory.shipped(shop=shop).lines.first()

    response = operator_api.post(
        f"/api/v1/operator/orders/{shipped_order.pk}/incidents/",
        {"opened_by": "customer", "reason": "other", "description": "x", "line": other_line.pk},
    )

    assert (response.status_code, response.json()["code"]) == (400, "line_not_in_order")
    assert "line" in response.json()["fields"]


def test_the_operator_closes_a_resolved_incident(operator_api, resolved_incident):
    response = operator_api.post(
        f"/api/v1/operator/incidents/{resolved_incident.pk}/close/", {"message": "Conforme."}
    )

    assert response.status_code == 200
    assert (response.json()["state"], response.json()["events"][-1]["message"]) == (
        "closed",
        "Conforme.",
    )


def test_closing_an_open_incident_needs_a_reason(operator_api, incident):
    refused = operator_api.post(f"/api/v1/operator/incidents/{incident.pk}/close/", {})
    closed = operator_api.post(
        f"/api/v1/operator/incidents/{incident.pk}/close/", {"reason": "replacement_sent"}
    )

    assert (refused.status_code, refused.json()["code"]) == (409, "incident_not_resolved")
    assert "reason" in refused.json()["fields"]
    assert (closed.status_code, closed.json()["state"]) == (200, "closed")


def test_the_operator_reopens_a_resolved_incident_with_a_message(operator_api, resolved_incident):
    missing = operator_api.post(f"/api/v1/operator/incidents/{resolved_incident.pk}/reopen/", {})
    response = operator_api.post(
        f"/api/v1/operator/incidents/{resolved_incident.pk}/reopen/",
        {"message": "El cliente no lo ha recibido."},
    )

    assert (missing.status_code, set(missing.json()["fields"])) == (400, {"message"})
    assert response.status_code == 200
    assert response.json()["state"] == "open"
    assert response.json()["waiting_since"] is not None


@pytest.mark.parametrize(
    ("action", "payload", "code"),
    [
        ("close", {"reason": "replacement_sent"}, "incident_closed"),
        ("reopen", {"message": "No."}, "incident_closed"),
    ],
)
def test_acting_on_a_closed_incident_is_a_409(operator_api, shop, action, payload, code):
    incident = IncidentFactory(order=OrderFactory.shipped(shop=shop), state=IncidentState.CLOSED)

    response = operator_api.post(f"/api/v1/operator/incidents/{incident.pk}/{action}/", payload)

    assert (response.status_code, response.json()["code"]) == (409, code)


def test_reopening_an_open_incident_is_a_409(operator_api, incident):
    response = operator_api.post(
        f"/api/v1/operator/incidents/{incident.pk}/reopen/", {"message": "No."}
    )

    assert (response.status_code, response.json()["code"]) == (409, "incident_not_resolved")


def test_the_operator_lists_every_shop_and_filters_by_shop(operator_api, incident, other_incident):
    everyone = operator_api.get("/api/v1/operator/incidents/").json()["results"]
    only_sur = operator_api.get("/api/v1/operator/incidents/?shop=sur").json()["results"]

    assert {row["id"] for row in everyone} == {incident.pk, other_incident.pk}
    assert [row["id"] for row in only_sur] == [other_incident.pk]
    detail = operator_api.get(f"/api/v1/operator/incidents/{incident.pk}/").json()
    assert detail["shop"] == "norte"


def test_an_unknown_incident_or_order_is_a_404_for_the_operator(operator_api):
    assert operator_api.post("/api/v1/operator/incidents/999999/close/", {}).status_code == 404
    assert (
        operator_api.post(
            "/api/v1/operator/orders/999999/incidents/",
            {"opened_by": "customer", "reason": "other", "description": "x"},
        ).status_code
        == 404
    )


# --- A seller key on operator endpoints ------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        (
            "/api/v1/operator/orders/{order}/incidents/",
            {"opened_by": "customer", "reason": "other", "description": "x"},
        ),
        ("/api/v1/operator/incidents/{incident}/close/", {"reason": "replacement_sent"}),
        ("/api/v1/operator/incidents/{incident}/reopen/", {"message": "No."}),
    ],
)
def test_a_seller_key_cannot_open_close_or_reopen(api, resolved_incident, path, payload):
    before = (Incident.objects.count(), resolved_incident.events.count())

    response = api.post(
        path.format(order=resolved_incident.order_id, incident=resolved_incident.pk), payload
    )

    assert response.status_code == 403
    resolved_incident.refresh_from_db()
    assert resolved_incident.state == IncidentState.RESOLVED
    assert (Incident.objects.count(), resolved_incident.events.count()) == before


def test_a_seller_key_cannot_list_every_shops_incidents(api):
    assert api.get("/api/v1/operator/incidents/").status_code == 403


def test_the_order_cycle_still_refuses_receipt_of_a_frozen_order(operator_api, incident):
    response = operator_api.post(f"/api/v1/operator/orders/{incident.order_id}/receive/")

    assert response.json()["code"] == "order_frozen"
    incident.order.refresh_from_db()
    assert incident.order.state == OrderState.SHIPPED
