"""Another shop's objects are 404s on every operation, and naming another shop is a 404 too;
nothing of the other shop is ever changed or listed."""

import pytest

from incidents.models import IncidentState
from orders.models import OrderState
from refunds.models import Refund

pytestmark = pytest.mark.django_db


def _operations(w):
    """(operation, method, path, body) aimed at the objects of world `w`."""
    line = w.waiting.lines.order_by("id").first().pk
    thread = {
        "body": "Hola, buenos días.",
        "to": ["CUSTOMER"],
        "topic": {"type": "REASON_CODE", "value": "delivery"},
    }
    return [
        ("M10", "get", f"/api/inbox/threads/{w.customer_thread.pk}", None),
        ("M12", "post", f"/api/inbox/threads/{w.customer_thread.pk}/message",
         {"message_input": {"body": "Respuesta.", "to": [{"type": "CUSTOMER"}]}}),
        ("M13", "get", f"/api/inbox/threads/{w.attachment.pk}/download", None),
        ("OR12", "get", f"/api/orders/{w.shipped.reference}", None),
        ("OR21", "put", f"/api/orders/{w.waiting.reference}/accept",
         {"order_lines": [{"id": str(pk), "accepted": True} for pk in w.waiting.lines.values_list("pk", flat=True)]}),
        ("OR23", "put", f"/api/orders/{w.to_ship.reference}/tracking", {"carrier_name": "SEUR", "tracking_number": "1"}),
        ("OR24", "put", f"/api/orders/{w.to_ship.reference}/ship", {}),
        ("OR28", "put", "/api/orders/refund",
         {"refunds": [{"order_line_id": str(line), "amount": 1, "shipping_amount": 0, "reason_code": "goodwill"}]}),
        ("OR29", "put", f"/api/orders/{w.waiting.reference}/cancel", {}),
        ("OR43", "post", f"/api/orders/{w.received.reference}/threads", {"thread_input": thread}),
        ("OR64", "put", f"/api/orders/{w.with_incident.reference}/lines/{w.incident.order_line_id}/resolve_incident",
         {"reason_code": "replacement_sent"}),
    ]  # fmt: skip


WITHOUT_OBJECT = [
    ("A01", "get", "/api/account", None),
    ("A21", "get", "/api/account/statistics?periods=LAST_MONTH", None),
    ("M11", "get", "/api/inbox/threads", None),
    ("M14", "post", "/api/inbox/threads",
     {"thread_input": {"body": "Una duda.", "entity": {"type": "SELLER_OPERATOR"}, "topic": {"type": "REASON_CODE", "value": "other"}}}),
    ("OR11", "get", "/api/orders", None),
    ("RE01", "get", "/api/reasons", None),
    ("RE02", "get", "/api/reasons/REFUND", None),
    ("RE11", "get", "/api/reasons/incident_open", None),
    ("RE12", "get", "/api/reasons/incident_close", None),
    ("RE14", "get", "/api/reasons/messaging", None),
]  # fmt: skip


def _send(client, method, path, body):
    return getattr(client, method)("/mirakl" + path, body, format="json")


def _untouched(w):
    w.waiting.refresh_from_db()
    w.to_ship.refresh_from_db()
    w.incident.refresh_from_db()
    assert w.waiting.state == OrderState.WAITING_ACCEPTANCE
    assert w.to_ship.state == OrderState.SHIPPING and not w.to_ship.carrier
    assert w.incident.state == IncidentState.OPEN
    assert w.customer_thread.messages.count() == 1
    assert Refund.objects.filter(shop=w.waiting.shop).count() == 2


def test_another_shops_objects_are_404_on_every_operation(mirakl, world, other_world):
    for operation, method, path, body in _operations(other_world):
        response = _send(mirakl, method, path, body)
        assert response.status_code == 404, (operation, response.content)
        assert response.json()["status"] == 404
    _untouched(other_world)


def test_naming_another_shop_is_404_on_every_operation(mirakl, world, other_world):
    other = other_world.waiting.shop.pk
    for operation, method, path, body in [*_operations(world), *WITHOUT_OBJECT]:
        separator = "&" if "?" in path else "?"
        response = _send(mirakl, method, f"{path}{separator}shop_id={other}", body)
        assert response.status_code == 404, (operation, response.content)
    _untouched(other_world)


def test_an_operator_key_acts_for_the_shop_it_names_and_only_for_it(
    mirakl_operator, world, other_world
):
    shop = world.waiting.shop.pk
    missing = mirakl_operator.get("/mirakl/api/orders")
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["code"] == "SHOP_ID_REQUIRED"

    listed = mirakl_operator.get(f"/mirakl/api/orders?shop_id={shop}&max=100").json()
    assert {order["order_id"] for order in listed["orders"]} == {
        "NOR-1001", "NOR-1002", "NOR-1003", "NOR-1004", "NOR-1005",
    }  # fmt: skip
    # Another shop's order under this shop's id is not found.
    response = mirakl_operator.get(
        f"/mirakl/api/orders/{other_world.shipped.reference}?shop_id={shop}"
    )
    assert response.status_code == 404
    assert mirakl_operator.get("/mirakl/api/account?shop_id=999999").status_code == 404


def test_lists_show_only_the_callers_shop(mirakl, world, other_world):
    threads = mirakl.get("/mirakl/api/inbox/threads?limit=100").json()["data"]
    mine = {str(pk) for pk in world.waiting.shop.threads.values_list("pk", flat=True)}
    assert {thread["id"] for thread in threads} == mine
    orders = mirakl.get(f"/mirakl/api/orders?order_ids={other_world.shipped.reference}").json()
    assert orders == {"orders": [], "total_count": 0}
    assert mirakl.get("/mirakl/api/account").json()["shop_id"] == world.waiting.shop.pk
