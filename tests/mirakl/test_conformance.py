"""Conformance: every operation, called over HTTP on a live server as a shop's connector would,
answers what the published interface (tests/mirakl/spec/) says: 0 violations.

The server is pytest-django's live server on 127.0.0.1 with an ephemeral port (one per xdist
worker). Requests are validated too where openapi-core can read them (JSON and no body), so the
test also proves it calls the API as the spec describes.
"""

import json

import pytest
import requests
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

from messaging.attachments import minimal_pdf
from orders.models import OrderState
from tests.factories import OrderFactory
from tests.mirakl.conftest import build_world, raw_key
from tests.mirakl.spec import interface

pytestmark = pytest.mark.django_db(transaction=True)


class Connector:
    """A Mirakl connector: base URL `<server>/mirakl`, the key in Authorization, no scheme."""

    def __init__(self, base_url: str, key: str):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = key
        self.api = interface(base_url)
        self.violations: list[str] = []
        self.checked: set[str] = set()

    def call(
        self, operation: str, method: str, path: str, *, expect: int, check_request=True, **kwargs
    ):
        response = self.session.request(method, self.base_url + path, timeout=30, **kwargs)
        assert response.status_code == expect, (
            operation,
            response.status_code,
            response.text[:2000],
        )
        if check_request:
            try:
                self.api.validate_request(RequestsOpenAPIRequest(response.request))
            except Exception as error:
                self.violations.append(
                    f"{operation} request {method} {path}: {error!r} {error.__cause__!r}"
                )
        try:
            self.api.validate_response(
                RequestsOpenAPIRequest(response.request), RequestsOpenAPIResponse(response)
            )
        except Exception as error:
            self.violations.append(f"{operation} {method} {path}: {error!r} {error.__cause__!r}")
        self.checked.add(operation)
        return response


def multipart(part: str, payload: dict, *files) -> dict:
    return {
        "files": [
            (part, (None, json.dumps(payload), "application/json")),
            *[("files", (name, content, "application/pdf")) for name, content in files],
        ]
    }


OPERATIONS = {
    "A01", "A21", "M10", "M11", "M12", "M13", "M14", "OR11", "OR12", "OR21", "OR23", "OR24",
    "OR28", "OR29", "OR43", "OR64", "RE01", "RE02", "RE11", "RE12", "RE14",
}  # fmt: skip


def test_every_operation_answers_as_the_published_interface_says(
    live_server, shop, seller, operator
):
    world = build_world(shop, seller, operator)
    to_cancel = OrderFactory(shop=shop, reference="NOR-1006")
    connector = Connector(f"{live_server.url}/mirakl", raw_key(seller))
    call = connector.call

    call("A01", "GET", "/api/account", expect=200)
    call("A21", "GET", "/api/account/statistics", expect=200)
    call("A21", "GET", "/api/account/statistics?periods=LAST_MONTH,LAST_YEAR", expect=200)

    # Threads: lists (filters, seek pages), each thread, an attachment.
    first_page = call("M11", "GET", "/api/inbox/threads?limit=1", expect=200).json()
    assert len(first_page["data"]) == 1 and first_page["next_page_token"]
    second = call(
        "M11",
        "GET",
        f"/api/inbox/threads?limit=1&page_token={first_page['next_page_token']}",
        expect=200,
    ).json()
    assert second["data"][0]["id"] != first_page["data"][0]["id"] and second["previous_page_token"]
    call("M11", "GET", "/api/inbox/threads?with_messages=true", expect=200)
    call(
        "M11",
        "GET",
        f"/api/inbox/threads?entity_type=MMP_ORDER&entity_id={world.shipped.reference}",
        expect=200,
    )
    call(
        "M11",
        "GET",
        "/api/inbox/threads?entity_type=SELLER_OPERATOR&updated_since=2020-01-01T00:00:00Z",
        expect=200,
    )
    for thread in (world.customer_thread, world.operator_thread, world.answered_thread):
        call("M10", "GET", f"/api/inbox/threads/{thread.pk}", expect=200)
    call("M13", "GET", f"/api/inbox/threads/{world.attachment.pk}/download", expect=200)

    # Writing in threads (multipart with attachments).
    call(
        "M12",
        "POST",
        f"/api/inbox/threads/{world.customer_thread.pk}/message",
        expect=201,
        check_request=False,
        **multipart(
            "message_input",
            {"body": "Adjuntamos la factura.", "to": [{"type": "CUSTOMER"}]},
            ("factura.pdf", minimal_pdf("Factura")),
        ),
    )
    call(
        "M14",
        "POST",
        "/api/inbox/threads",
        expect=201,
        check_request=False,
        **multipart(
            "thread_input",
            {
                "body": "Una pregunta sobre pagos.",
                "entity": {"type": "SELLER_OPERATOR"},
                "topic": {"type": "FREE_TEXT", "value": "Pagos"},
            },
        ),
    )
    call(
        "OR43",
        "POST",
        f"/api/orders/{world.received.reference}/threads",
        expect=201,
        check_request=False,
        **multipart(
            "thread_input",
            {
                "body": "¿Le llegó bien el pedido?",
                "to": ["CUSTOMER", "OPERATOR"],
                "topic": {"type": "REASON_CODE", "value": "delivery"},
            },
            ("albaran.pdf", minimal_pdf("Albarán")),
        ),
    )

    # Orders: lists (filters, offset pages) and each order, before and after changes.
    call("OR11", "GET", "/api/orders", expect=200)
    call("OR11", "GET", "/api/orders?max=2&offset=2&order=desc", expect=200)
    call("OR11", "GET", "/api/orders?order_state_codes=SHIPPED&has_incident=true", expect=200)
    call(
        "OR11",
        "GET",
        f"/api/orders?order_ids={world.shipped.reference}&order_tax_mode=TAX_EXCLUDED",
        expect=200,
    )
    for order in (world.waiting, world.to_ship, world.shipped, world.with_incident, world.received):
        call("OR12", "GET", f"/api/orders/{order.reference}", expect=200)

    lines = [str(pk) for pk in world.waiting.lines.values_list("pk", flat=True)]
    call(
        "OR21",
        "PUT",
        f"/api/orders/{world.waiting.reference}/accept",
        expect=204,
        json={"order_lines": [{"id": line, "accepted": True} for line in lines]},
    )
    call(
        "OR23",
        "PUT",
        f"/api/orders/{world.to_ship.reference}/tracking",
        expect=204,
        json={"carrier_name": "Correos", "carrier_code": "CORREOS", "tracking_number": "PK123"},
    )
    call("OR24", "PUT", f"/api/orders/{world.to_ship.reference}/ship", expect=204)
    call("OR29", "PUT", f"/api/orders/{to_cancel.reference}/cancel", expect=204)
    received_line = world.received.lines.order_by("id").first()
    call(
        "OR28",
        "PUT",
        "/api/orders/refund",
        expect=200,
        json={
            "refunds": [
                {
                    "order_line_id": str(received_line.pk),
                    "amount": 10.0,
                    "shipping_amount": 1.5,
                    "quantity": 1,
                    "reason_code": "goodwill",
                }
            ]
        },
    )
    incident_line = world.incident.order_line_id
    call(
        "OR64",
        "PUT",
        f"/api/orders/{world.with_incident.reference}/lines/{incident_line}/resolve_incident",
        expect=204,
        json={"reason_code": "replacement_sent"},
    )
    call("OR11", "GET", "/api/orders?max=100", expect=200)
    for order in (world.waiting, world.to_ship, world.received, world.with_incident, to_cancel):
        call("OR12", "GET", f"/api/orders/{order.reference}", expect=200)

    # Reasons, in both languages.
    call("RE01", "GET", "/api/reasons", expect=200)
    call("RE01", "GET", "/api/reasons?locale=en_US", expect=200)
    for reason_type in ("INCIDENT_CLOSE", "REFUND", "ORDER_MESSAGING", "MESSAGING", "CANCELATION"):
        call("RE02", "GET", f"/api/reasons/{reason_type}", expect=200)
    call("RE11", "GET", "/api/reasons/incident_open", expect=200)
    call("RE12", "GET", "/api/reasons/incident_close?locale=es_ES", expect=200)
    call("RE14", "GET", "/api/reasons/messaging", expect=200)

    assert connector.checked == OPERATIONS
    assert not connector.violations, "\n".join(connector.violations)
    assert to_cancel.__class__.objects.get(pk=to_cancel.pk).state == OrderState.CANCELED
