"""A client nobody here wrote: the published `mirakl-api-client` package (PyPI, pinned in
constraints.txt) drives a live server, and every effect is then checked through /api/v1/.

The package builds `https://<hostname>/api/...` URLs; its resources are pointed at the live
test server (plain HTTP on 127.0.0.1) by rewriting the scheme of their endpoints, which is all
the configuration a connector needs: base URL `<server>/mirakl` and the shop's key.
"""

import json

import pytest
import requests
from mirakl_api_client import MirakleClient

from messaging.attachments import minimal_pdf
from tests.mirakl.conftest import build_world, raw_key

pytestmark = pytest.mark.django_db(transaction=True)


def published_client(live_server, key) -> MirakleClient:
    host = live_server.url.removeprefix("http://")
    client = MirakleClient(f"{host}/mirakl", key)
    for pool in client.resources.values():
        pool._endpoint = pool._endpoint.replace("https://", "http://", 1)
    return client


class SellerDeskApi:
    """/api/v1/ of the same server, with the same key as `Token`."""

    def __init__(self, live_server, key):
        self.base = f"{live_server.url}/api/v1"
        self.headers = {"Authorization": f"Token {key}"}

    def get(self, path, **params):
        response = requests.get(self.base + path, headers=self.headers, params=params, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()

    def post(self, path, body):
        response = requests.post(self.base + path, headers=self.headers, json=body, timeout=30)
        assert response.status_code in (200, 201), response.text
        return response.json()


def test_a_published_mirakl_client_does_the_shops_customer_care(
    live_server, shop, seller, operator
):
    world = build_world(shop, seller, operator)
    key = raw_key(seller)
    client = published_client(live_server, key)
    v1 = SellerDeskApi(live_server, key)

    # List threads: the customer's question awaits a reply.
    listed = client.threads.fetch_list({"with_messages": "true"})
    assert listed.status_code == 200, listed.text
    threads = {item["id"]: item for item in listed.json()["data"]}
    awaiting = threads[str(world.customer_thread.pk)]
    assert awaiting["metadata"]["shop_reply_needed_since"] is not None

    # Reply with an attachment (multipart: message_input and files).
    reply = client.threads.message(str(world.customer_thread.pk)).create_item(
        {
            "message_input": json.dumps(
                {"body": "Le enviamos la factura.", "to": [{"type": "CUSTOMER"}]}
            )
        },
        files={"files": ("factura.pdf", minimal_pdf("Factura 1003"), "application/pdf")},
    )
    assert reply.status_code == 201, reply.text
    thread = v1.get(f"/threads/{world.customer_thread.pk}/")
    last = thread["messages"][-1]
    assert str(last["id"]) == reply.json()["message_id"]
    assert last["author"] == "shop" and last["to"] == ["customer"]
    assert [item["filename"] for item in last["attachments"]] == ["factura.pdf"]
    assert thread["deadline_status"] == "none" and thread["reply_needed_since"] is None

    # The client dropped its Content-Type header with that upload: every call below sends JSON
    # without one, as this client does in production.

    # Start a thread on an order, to the customer.
    started = client.orders.threads(world.received.reference).create_item(
        {
            "thread_input": {
                "body": "¿Le llegó todo bien?",
                "to": ["CUSTOMER"],
                "topic": {"type": "REASON_CODE", "value": "delivery"},
            }
        }
    )
    assert started.status_code == 201, started.text
    new_thread = v1.get(f"/threads/{started.json()['thread_id']}/")
    assert new_thread["order"]["reference"] == world.received.reference
    assert new_thread["reason"] == "delivery" and new_thread["participants"] == ["customer"]

    # Mark the incident on its line resolved.
    resolved = (
        client.orders.lines(world.with_incident.reference)
        .resolve_incident(str(world.incident.order_line_id))
        .update_create_item({"reason_code": "replacement_sent"})
    )
    assert resolved.status_code == 204, resolved.text
    incident = v1.get(f"/incidents/{world.incident.pk}/")
    assert incident["state"] == "resolved"
    operator_threads = v1.get(
        "/threads/", order=world.with_incident.reference, participant="operator"
    )
    assert operator_threads["results"], "the resolution message reaches the order's operator thread"

    # Refund a line: 1 unit of 10.00 and 1.50 of the shipping.
    line = world.received.lines.order_by("id").first()
    refunded = client.orders.refund.update_create_item(
        {
            "refunds": [
                {
                    "order_line_id": str(line.pk),
                    "amount": 10.0,
                    "quantity": 1,
                    "shipping_amount": 1.5,
                    "reason_code": "goodwill",
                }
            ]
        }
    )
    assert refunded.status_code == 200, refunded.text
    created = refunded.json()["refunds"]
    assert [(item["amount"], item["shipping_amount"], item["quantity"]) for item in created] == [
        (10.0, 1.5, 1)
    ]
    refunds = v1.get(f"/orders/{world.received.pk}/refunds/")["results"]
    assert [(r["id"], r["state"], r["total_amount"], r["shipping_amount"]) for r in refunds] == [
        (int(created[0]["order_refund_id"]), "pending", "11.50", "1.50")
    ]
    assert refunds[0]["lines"] == [
        {"line": line.pk, "sku": line.sku, "title": line.title, "quantity": 1, "amount": "10.00"}
    ]

    # Accept an order, give its tracking and ship it.
    lines = [str(pk) for pk in world.waiting.lines.values_list("pk", flat=True)]
    accepted = client.orders.accept(world.waiting.reference).update_create_item(
        {"order_lines": [{"id": pk, "accepted": True} for pk in lines]}
    )
    assert accepted.status_code == 204, accepted.text
    assert v1.get(f"/orders/{world.waiting.pk}/")["state"] == "shipping"
    tracked = client.orders.tracking(world.waiting.reference).update_create_item(
        {"carrier_code": "SEUR", "carrier_name": "SEUR", "tracking_number": "SE-0042"}
    )
    assert tracked.status_code == 204, tracked.text
    shipped = client.orders.ship(world.waiting.reference).update_create_item({})
    assert shipped.status_code == 204, shipped.text
    order = v1.get(f"/orders/{world.waiting.pk}/")
    assert (order["state"], order["carrier"], order["tracking_number"]) == (
        "shipped",
        "SEUR",
        "SE-0042",
    )
    kinds = [event["kind"] for event in v1.get(f"/orders/{world.waiting.pk}/events/")["results"]]
    assert kinds[-3:] == ["accepted", "tracking_updated", "shipped"]

    # List reasons: the same codes and labels as /api/v1/, in the asked locale.
    reasons = client.settings.reasons.fetch_item("INCIDENT_CLOSE?locale=en_US")
    assert reasons.status_code == 200, reasons.text
    by_v1 = requests.get(
        f"{v1.base}/reasons/",
        params={"kind": "incident_close"},
        headers={**v1.headers, "Accept-Language": "en"},
        timeout=30,
    ).json()
    assert [(r["code"], r["label"]) for r in reasons.json()["reasons"]] == [
        (r["code"], r["label"]) for r in by_v1
    ]

    # The other way round: what /api/v1/ does shows through Mirakl at once.
    v1.post(f"/threads/{world.operator_thread.pk}/no-reply-needed/", {"reason": "Ya resuelto."})
    detail = client.threads.fetch_item(str(world.operator_thread.pk)).json()
    assert detail["metadata"]["shop_reply_needed_since"] is None
    assert [entry["user_type"] for entry in detail["no_store_reply_needed"]] == ["SHOP"]
    listed = client.orders.fetch_list({"order_ids": world.waiting.reference}).json()
    assert listed["orders"][0]["order_state"] == "SHIPPED"
    assert listed["orders"][0]["shipping_tracking"] == "SE-0042"
