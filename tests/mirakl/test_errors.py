"""Bad input gets a 4xx in Mirakl's error shape (`status`, `message`, `errors[].code`), writes
nothing, and is never a 5xx; keys are Mirakl's (`<key>` or `Token <key>`), revocable."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from messaging.models import Message, Thread
from orders.models import OrderEvent
from refunds.models import Refund
from shops.models import ApiKey
from tests.mirakl.conftest import pdf, raw_key

pytestmark = pytest.mark.django_db


def line_of(order, index=0):
    return str(order.lines.order_by("id")[index].pk)


def all_lines(order, accepted=True):
    return [
        {"id": str(pk), "accepted": accepted} for pk in order.lines.values_list("pk", flat=True)
    ]


def refund(line, **fields):
    return {
        "refunds": [
            {
                "order_line_id": line,
                "amount": 1,
                "shipping_amount": 0,
                "reason_code": "goodwill",
                **fields,
            }
        ]
    }


# (method, path, body, status, code): `w` is the test's world.
CASES = [
    ("get", lambda w: "/api/account/statistics?periods=NEXT_YEAR", None, 400, "VALIDATION_ERROR"),
    ("get", lambda w: "/api/account/statistics?periods=ALL_SINCE_BEGINNING", None, 400, "PERIOD_NOT_SUPPORTED"),
    ("get", lambda w: "/api/account/statistics?channel_code=FR", None, 400, "CHANNELS_NOT_SUPPORTED"),
    ("get", lambda w: "/api/inbox/threads?limit=0", None, 400, "VALIDATION_ERROR"),
    ("get", lambda w: "/api/inbox/threads?limit=101", None, 400, "VALIDATION_ERROR"),
    ("get", lambda w: "/api/inbox/threads?page_token=garbage", None, 400, "VALIDATION_ERROR"),
    ("get", lambda w: "/api/inbox/threads?entity_id=NOR-1003", None, 400, "VALIDATION_ERROR"),
    ("get", lambda w: "/api/inbox/threads?entity_type=SOMETHING", None, 400, "VALIDATION_ERROR"),
    ("get", lambda w: "/api/inbox/threads?updated_since=yesterday", None, 400, "VALIDATION_ERROR"),
    ("get", lambda w: "/api/inbox/threads?with_messages=maybe", None, 400, "VALIDATION_ERROR"),
    ("get", lambda w: "/api/inbox/threads?channel_codes=FR", None, 400, "CHANNELS_NOT_SUPPORTED"),
    ("get", lambda w: "/api/inbox/threads/not-a-thread", None, 404, "NOT_FOUND"),
    ("get", lambda w: "/api/inbox/threads/99999999999999999999999", None, 404, "NOT_FOUND"),
    ("get", lambda w: "/api/inbox/threads/xyz/download", None, 404, "NOT_FOUND"),
    ("post", lambda w: f"/api/inbox/threads/{w.customer_thread.pk}/message", {}, 400, "VALIDATION_ERROR"),
    ("post", lambda w: f"/api/inbox/threads/{w.customer_thread.pk}/message", {"message_input": "{not json"}, 400, "VALIDATION_ERROR"),
    ("post", lambda w: f"/api/inbox/threads/{w.customer_thread.pk}/message", {"message_input": {"body": "ok", "to": [{"type": "CUSTOMER"}]}}, 400, "VALIDATION_ERROR"),
    ("post", lambda w: f"/api/inbox/threads/{w.customer_thread.pk}/message", {"message_input": {"body": "Hola.", "to": []}}, 400, "VALIDATION_ERROR"),
    ("post", lambda w: f"/api/inbox/threads/{w.customer_thread.pk}/message", {"message_input": {"body": "Hola.", "to": [{"type": "SHOP"}]}}, 400, "RECIPIENT_REQUIRED"),
    ("post", lambda w: f"/api/inbox/threads/{w.operator_thread.pk}/message", {"message_input": {"body": "Hola.", "to": [{"type": "CUSTOMER"}]}}, 400, "RECIPIENT_NOT_ALLOWED"),
    ("post", lambda w: f"/api/inbox/threads/{w.customer_thread.pk}/message", {"message_input": {"body": "Hola.", "to": [{"type": "CUSTOMER"}], "topic": {"type": "FREE_TEXT", "value": "Otro"}}}, 400, "TOPIC_CHANGE_NOT_SUPPORTED"),
    ("post", lambda w: f"/api/inbox/threads/{w.customer_thread.pk}/message", {"message_input": {"body": "x" * 10001, "to": [{"type": "CUSTOMER"}]}}, 400, "MESSAGE_TOO_LONG"),
    ("post", lambda w: "/api/inbox/threads", {"thread_input": {"body": "Hola.", "entity": {"type": "MMP_ORDER"}, "topic": {"type": "REASON_CODE", "value": "other"}}}, 400, "ENTITY_TYPE_NOT_SUPPORTED"),
    ("post", lambda w: "/api/inbox/threads", {"thread_input": {"body": "Hola.", "entity": {"type": "SELLER_OPERATOR"}, "topic": {"type": "REASON_CODE", "value": "no-such-reason"}}}, 400, "REASON_INVALID"),
    ("post", lambda w: f"/api/orders/{w.received.reference}/threads", {"thread_input": {"body": "Hola.", "to": ["NOBODY"], "topic": {"type": "REASON_CODE", "value": "delivery"}}}, 400, "VALIDATION_ERROR"),
    ("post", lambda w: "/api/orders/NO-SUCH-ORDER/threads", {"thread_input": {"body": "Hola.", "to": ["CUSTOMER"], "topic": {"type": "REASON_CODE", "value": "delivery"}}}, 404, "ORDER_NOT_FOUND"),
    ("get", lambda w: "/api/orders?max=0", None, 400, "VALIDATION_ERROR"),
    ("get", lambda w: "/api/orders?max=101", None, 400, "VALIDATION_ERROR"),
    ("get", lambda w: "/api/orders?offset=-1", None, 400, "VALIDATION_ERROR"),
    ("get", lambda w: "/api/orders?order_state_codes=LOST", None, 400, "VALIDATION_ERROR"),
    ("get", lambda w: "/api/orders?start_date=31/01/2025", None, 400, "VALIDATION_ERROR"),
    ("get", lambda w: "/api/orders?sort=price", None, 400, "VALIDATION_ERROR"),
    ("get", lambda w: "/api/orders?channel_codes=FR", None, 400, "CHANNELS_NOT_SUPPORTED"),
    ("get", lambda w: "/api/orders?payment_workflow=PAY_ON_DELIVERY", None, 400, "PAYMENT_FILTERS_NOT_SUPPORTED"),
    ("get", lambda w: "/api/orders?fulfillment_center_code=MAD", None, 400, "FULFILLMENT_NOT_SUPPORTED"),
    ("get", lambda w: "/api/orders/NO-SUCH-ORDER", None, 404, "ORDER_NOT_FOUND"),
    ("put", lambda w: f"/api/orders/{w.waiting.reference}/accept", {}, 400, "VALIDATION_ERROR"),
    ("put", lambda w: f"/api/orders/{w.waiting.reference}/accept", {"order_lines": [None]}, 400, "ORDER_LINE_NULL_ELEMENT"),
    ("put", lambda w: f"/api/orders/{w.waiting.reference}/accept", {"order_lines": [{"id": "1"}]}, 400, "VALIDATION_ERROR"),
    ("put", lambda w: f"/api/orders/{w.waiting.reference}/accept", lambda w: {"order_lines": [{"id": line_of(w.waiting), "accepted": True}]}, 400, "ORDER_LINE_ACCEPTANCE_DECISION_MISSING"),
    ("put", lambda w: f"/api/orders/{w.waiting.reference}/accept", lambda w: {"order_lines": [{"id": line_of(w.waiting), "accepted": True}] * 2}, 400, "ORDER_LINE_DUPLICATE_ID"),
    ("put", lambda w: f"/api/orders/{w.waiting.reference}/accept", {"order_lines": [{"id": "123456789", "accepted": True}]}, 404, "ORDER_LINE_NOT_FOUND"),
    ("put", lambda w: f"/api/orders/{w.waiting.reference}/accept", lambda w: {"order_lines": [{"id": line_of(w.waiting, 0), "accepted": True}, {"id": line_of(w.waiting, 1), "accepted": False}]}, 400, "ORDER_PARTIAL_ACCEPTANCE_DISABLED"),
    ("put", lambda w: f"/api/orders/{w.shipped.reference}/accept", lambda w: {"order_lines": all_lines(w.shipped)}, 409, "ORDER_INVALID_STATE"),
    ("put", lambda w: f"/api/orders/{w.to_ship.reference}/tracking", {"carrier_name": "SEUR"}, 400, "VALIDATION_ERROR"),
    ("put", lambda w: f"/api/orders/{w.waiting.reference}/tracking", {"carrier_name": "SEUR", "tracking_number": "1"}, 409, "ORDER_INVALID_STATE"),
    ("put", lambda w: f"/api/orders/{w.to_ship.reference}/ship", None, 400, "TRACKING_REQUIRED"),
    ("put", lambda w: f"/api/orders/{w.waiting.reference}/ship", None, 400, "TRACKING_REQUIRED"),
    ("put", lambda w: f"/api/orders/{w.shipped.reference}/cancel", None, 409, "ORDER_INVALID_STATE"),
    ("put", lambda w: "/api/orders/refund", {"refunds": []}, 400, "VALIDATION_ERROR"),
    ("put", lambda w: "/api/orders/refund", refund("123456789"), 404, "ORDER_LINE_NOT_FOUND"),
    ("put", lambda w: "/api/orders/refund", lambda w: refund(line_of(w.received), amount=1000), 400, "REFUND_EXCEEDS_REFUNDABLE"),
    ("put", lambda w: "/api/orders/refund", lambda w: refund(line_of(w.received), amount=0), 400, "REFUND_EMPTY"),
    ("put", lambda w: "/api/orders/refund", lambda w: refund(line_of(w.received), amount=-1), 400, "VALIDATION_ERROR"),
    ("put", lambda w: "/api/orders/refund", lambda w: refund(line_of(w.received), amount="1.234"), 400, "VALIDATION_ERROR"),
    ("put", lambda w: "/api/orders/refund", lambda w: refund(line_of(w.received), reason_code="nope"), 400, "VALIDATION_ERROR"),
    ("put", lambda w: "/api/orders/refund", lambda w: refund(line_of(w.received), taxes=[{"code": "VAT", "amount": 0.2}]), 400, "VALIDATION_ERROR"),
    ("put", lambda w: "/api/orders/refund", lambda w: refund(line_of(w.received), currency_iso_code="USD"), 400, "CURRENCY_MISMATCH"),
    ("put", lambda w: "/api/orders/refund", lambda w: refund(line_of(w.waiting)), 400, "ORDER_NOT_SHIPPED"),
    ("put", lambda w: f"/api/orders/{w.with_incident.reference}/lines/999999/resolve_incident", {"reason_code": "replacement_sent"}, 404, "ORDER_LINE_NOT_FOUND"),
    ("put", lambda w: f"/api/orders/{w.with_incident.reference}/lines/{w.incident.order_line_id}/resolve_incident", {}, 400, "VALIDATION_ERROR"),
    ("put", lambda w: f"/api/orders/{w.with_incident.reference}/lines/{w.incident.order_line_id}/resolve_incident", {"reason_code": "nope"}, 400, "VALIDATION_ERROR"),
    ("put", lambda w: f"/api/orders/{w.shipped.reference}/lines/{line_of(w.shipped)}/resolve_incident", lambda w: {"reason_code": "replacement_sent"}, 400, "INCIDENT_NOT_FOUND"),
    ("get", lambda w: "/api/reasons/SOMETHING", None, 400, "VALIDATION_ERROR"),
    ("get", lambda w: "/api/reasons?locale=!!", None, 400, "LOCALE_INVALID"),
    ("get", lambda w: "/api/nowhere", None, 404, "NOT_FOUND"),
    ("delete", lambda w: "/api/orders", None, 405, "METHOD_NOT_ALLOWED"),]  # fmt: skip


def _written(world):
    return (
        Message.objects.count(),
        Thread.objects.count(),
        Refund.objects.count(),
        OrderEvent.objects.count(),
        [(order.state, order.carrier) for order in type(world.waiting).objects.order_by("id")],
    )


def test_bad_input_gets_the_mirakl_error_and_writes_nothing(mirakl, world):
    # One world for every case (building it is the slow part): each case is refused, so each
    # finds the world as the previous one left it, and checks that it wrote nothing.
    for method, path, body, status, code in CASES:
        case = f"{method.upper()} {path(world)}"
        before = _written(world)
        body = body(world) if callable(body) else body
        response = getattr(mirakl, method)("/mirakl" + path(world), body, format="json")

        assert response.status_code == status, (case, response.content)
        payload = response.json()
        assert payload["status"] == status and payload["message"], case
        assert code in [error["code"] for error in payload["errors"]], (case, payload)
        assert _written(world) == before, case


def test_a_file_that_is_not_allowed_is_refused_and_nothing_is_written(mirakl, world):
    before = _written(world)
    response = mirakl.post(
        f"/mirakl/api/inbox/threads/{world.customer_thread.pk}/message",
        {
            "message_input": json.dumps({"body": "Adjunto.", "to": [{"type": "CUSTOMER"}]}),
            "files": [SimpleUploadedFile("factura.pdf", b"MZ\x90\x00 not a pdf")],
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "ATTACHMENT_TYPE_NOT_ALLOWED"
    assert _written(world) == before


JUNK = [b"[1, 2]", b'"text"', b"42", b"null", b"{" * 50, b"\xff\xfe", b'{"refunds": {"a": 1}}']


def test_junk_bodies_are_4xx_on_every_writing_operation(mirakl, world):
    writes = [
        ("post", f"/mirakl/api/inbox/threads/{world.customer_thread.pk}/message"),
        ("post", "/mirakl/api/inbox/threads"),
        ("post", f"/mirakl/api/orders/{world.received.reference}/threads"),
        ("put", f"/mirakl/api/orders/{world.waiting.reference}/accept"),
        ("put", f"/mirakl/api/orders/{world.to_ship.reference}/tracking"),
        ("put", "/mirakl/api/orders/refund"),
        ("put", f"/mirakl/api/orders/{world.with_incident.reference}/lines/{world.incident.order_line_id}/resolve_incident"),
    ]  # fmt: skip
    for method, path in writes:
        for junk in JUNK:
            for content_type in ("application/json", "text/plain", ""):
                response = mirakl.generic(method.upper(), path, junk, content_type=content_type)
                assert 400 <= response.status_code < 500, (path, junk, response.content)
                assert response.json()["status"] == response.status_code


def test_the_key_works_bare_or_as_token_and_fails_when_revoked(seller, world):
    key = raw_key(seller)
    client = APIClient()
    assert client.get("/mirakl/api/account").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=key)
    assert client.get("/mirakl/api/account").status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/mirakl/api/account").status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/mirakl/api/account").status_code == 401
    ApiKey.objects.update(revoked_at=timezone.now())
    client.credentials(HTTP_AUTHORIZATION=key)
    response = client.get("/mirakl/api/account")
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_an_attachment_is_a_download_of_the_stored_bytes(mirakl, world):
    response = mirakl.get(f"/mirakl/api/inbox/threads/{world.attachment.pk}/download")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == pdf().read()
