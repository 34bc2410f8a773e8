"""How SellerDesk's model reads and acts through Mirakl's calls (docs/mirakl.md): pagination,
states, refunds, incidents, threads, reasons, languages, timezones, idempotency, notices."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incidents.models import IncidentState
from incidents.services import incident_open
from messaging.models import Message, Side, Thread
from orders.models import Order, OrderEvent, OrderEventKind, OrderState
from refunds.models import Refund, RefundState
from refunds.services import refund_confirm
from tests.factories import OrderFactory, SellerFactory, ShopFactory
from tests.mirakl.conftest import mirakl_client, pdf

pytestmark = pytest.mark.django_db


def orders_of(client, query=""):
    response = client.get(f"/mirakl/api/orders{query}")
    assert response.status_code == 200, response.content
    return response.json()


def lines_by_id(order_json):
    return {line["order_line_id"]: line for line in order_json["order_lines"]}


# --- Orders ------------------------------------------------------------------------------------


def test_orders_are_offset_paginated_oldest_first_with_the_total(mirakl, world):
    first = orders_of(mirakl, "?max=2")
    second = orders_of(mirakl, "?max=2&offset=2")
    newest_first = orders_of(mirakl, "?order=desc&max=100")

    assert first["total_count"] == 5
    references = [o["order_id"] for o in first["orders"] + second["orders"]]
    by_date = list(
        Order.objects.filter(shop=world.waiting.shop)
        .order_by("created_at", "id")
        .values_list("reference", flat=True)
    )
    assert references == by_date[:4]
    assert [o["order_id"] for o in newest_first["orders"]] == by_date[::-1]


def test_order_filters_select_what_they_say(mirakl, world):
    assert [o["order_id"] for o in orders_of(mirakl, "?has_incident=true")["orders"]] == [
        world.with_incident.reference
    ]
    shipped = orders_of(mirakl, "?order_state_codes=SHIPPED,RECEIVED&max=100")["orders"]
    assert {o["order_id"] for o in shipped} == {
        world.shipped.reference, world.with_incident.reference, world.received.reference,
    }  # fmt: skip
    since = (timezone.now() + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert orders_of(mirakl, f"?start_date={since}")["total_count"] == 0
    assert orders_of(mirakl, "?order_state_codes=STAGING")["total_count"] == 0


def test_an_order_reads_as_mirakl_lines_states_and_money(mirakl, world):
    order = orders_of(mirakl, f"?order_ids={world.shipped.reference}")["orders"][0]

    assert order["order_state"] == "SHIPPED"
    assert (order["price"], order["shipping_price"], order["total_price"]) == (25.5, 4.95, 30.45)
    assert order["has_customer_message"] is True and order["has_incident"] is False
    assert order["customer"]["firstname"] == "María"
    assert order["customer"]["lastname"] == "García López"
    assert order["created_date"].endswith("Z")
    first, second = order["order_lines"]
    assert first["shipping_price"] == 4.95 and second["shipping_price"] == 0
    # Refund 1: one unit of the first line and the shipping; refund 2: 2.00 on the second line.
    assert [(r["amount"], r["shipping_amount"], r["quantity"]) for r in first["refunds"]] == [
        (10.0, 4.95, 1)
    ]
    assert [(r["amount"], r["reason_code"], r["refund_state"]) for r in second["refunds"]] == [
        (2.0, "goodwill", "WAITING_REFUND")
    ]
    assert first["can_refund"] is True


def test_a_line_with_an_incident_in_progress_is_incident_open(mirakl, world, operator):
    order = orders_of(mirakl, f"?order_ids={world.with_incident.reference}")["orders"][0]
    states = {line["order_line_id"]: line["order_line_state"] for line in order["order_lines"]}
    incident_line = str(world.incident.order_line_id)
    assert states.pop(incident_line) == "INCIDENT_OPEN"
    assert set(states.values()) == {"SHIPPED"}

    # An incident on the whole order: every line.
    incident_open(
        order=world.shipped, opened_by="OPERATOR", reason="other", description="Revisar.",
        acting_user=operator,
    )  # fmt: skip
    order = orders_of(mirakl, f"?order_ids={world.shipped.reference}")["orders"][0]
    assert {line["order_line_state"] for line in order["order_lines"]} == {"INCIDENT_OPEN"}
    assert order["has_incident"] is True and order["can_cancel"] is False


def test_a_refused_refund_is_not_listed_and_a_paid_full_line_is_refunded(
    mirakl, world, operator, seller
):
    # The second line (1 × 5.50) gets its remaining 3.50, then both refunds are paid.
    second = world.shipped.lines.order_by("id")[1]
    response = mirakl.put(
        "/mirakl/api/orders/refund",
        {"refunds": [{"order_line_id": str(second.pk), "amount": 3.5, "shipping_amount": 0,
                      "reason_code": "goodwill"}]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    for refund in Refund.objects.filter(order=world.shipped, lines__order_line=second):
        refund_confirm(refund=refund, acting_user=operator)

    line = lines_by_id(orders_of(mirakl, f"?order_ids={world.shipped.reference}")["orders"][0])[
        str(second.pk)
    ]
    assert line["order_line_state"] == "REFUNDED" and line["can_refund"] is False
    assert {r["refund_state"] for r in line["refunds"]} == {"REFUNDED"}


def test_the_order_list_query_count_does_not_grow_with_orders(mirakl, world, shop):
    orders_of(mirakl)  # the key's first use of the minute records it: not part of the count
    with CaptureQueriesContext(connection) as few:
        orders_of(mirakl, "?max=100")
    for number in range(6):
        order = OrderFactory.shipped(shop=shop, reference=f"NOR-2{number:03d}")
        incident_open(
            order=order, opened_by="CUSTOMER", reason="item_damaged", description="Rota.",
            acting_user=None,
        )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        assert orders_of(mirakl, "?max=100")["total_count"] == 11
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Order cycle -------------------------------------------------------------------------------


def test_refusing_every_line_refuses_the_order_with_a_reason(mirakl, world, seller):
    body = {"order_lines": [{"id": str(pk), "accepted": False}
                            for pk in world.waiting.lines.values_list("pk", flat=True)]}  # fmt: skip
    response = mirakl.put(
        f"/mirakl/api/orders/{world.waiting.reference}/accept", body, format="json"
    )

    assert response.status_code == 204
    world.waiting.refresh_from_db()
    assert world.waiting.state == OrderState.REFUSED and world.waiting.state_reason
    event = OrderEvent.objects.filter(order=world.waiting).latest("id")
    assert (event.kind, event.actor) == (OrderEventKind.REFUSED, seller)
    order = orders_of(mirakl, f"?order_ids={world.waiting.reference}")["orders"][0]
    assert order["order_state"] == "REFUSED"
    assert order["order_state_reason_label"] == world.waiting.state_reason


def test_cancel_cancels_the_order_with_its_event(mirakl, world):
    response = mirakl.put(f"/mirakl/api/orders/{world.to_ship.reference}/cancel")

    assert response.status_code == 204
    world.to_ship.refresh_from_db()
    assert world.to_ship.state == OrderState.CANCELED
    assert OrderEvent.objects.filter(order=world.to_ship, kind=OrderEventKind.CANCELED).exists()


def test_a_frozen_order_is_not_moved(mirakl, world, operator):
    incident_open(
        order=world.received, opened_by="CUSTOMER", reason="item_damaged", description="Rota.",
        acting_user=operator,
    )  # fmt: skip
    # RECEIVED has no seller move at all; the frozen SHIPPING case: freeze is on shipped orders
    # only, so check the answer code of a refused move on the frozen order.
    response = mirakl.put(f"/mirakl/api/orders/{world.received.reference}/cancel")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "ORDER_INVALID_STATE"


# --- Refunds -----------------------------------------------------------------------------------


def test_entries_make_one_refund_per_order_and_reason_all_or_nothing(mirakl, world):
    received_first, received_second = world.received.lines.order_by("id")
    incident_line = world.with_incident.lines.order_by("id")[1]
    body = {"refunds": [
        {"order_line_id": str(received_first.pk), "amount": 20, "quantity": 2, "shipping_amount": 0, "reason_code": "goodwill"},
        {"order_line_id": str(received_second.pk), "amount": 1.25, "shipping_amount": 2, "reason_code": "goodwill"},
        {"order_line_id": str(incident_line.pk), "amount": 5.5, "quantity": 1, "shipping_amount": 0, "reason_code": "damaged_item"},
    ]}  # fmt: skip
    response = mirakl.put("/mirakl/api/orders/refund", body, format="json")

    assert response.status_code == 200, response.content
    rows = response.json()["refunds"]
    assert len({row["order_refund_id"] for row in rows}) == 2
    received_refund = Refund.objects.get(order=world.received)
    assert (received_refund.total_amount, received_refund.shipping_amount) == (
        Decimal("23.25"),
        Decimal("2.00"),
    )
    units = dict(received_refund.lines.values_list("order_line_id", "quantity"))
    assert units == {received_first.pk: 2, received_second.pk: 0}  # units kept when exact
    assert Refund.objects.get(order=world.with_incident).reason == "damaged_item"

    # One entry over what remains refuses the whole call: nothing more is written.
    count = Refund.objects.count()
    body["refunds"][0]["amount"] = 0.01
    response = mirakl.put("/mirakl/api/orders/refund", body, format="json")
    assert response.status_code == 400
    assert Refund.objects.count() == count


def test_a_refund_notifies_the_customer_and_writes_the_timeline(
    mirakl, world, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    line = world.received.lines.order_by("id").first()
    with django_capture_on_commit_callbacks(execute=True):
        response = mirakl.put(
        "/mirakl/api/orders/refund",
        {"refunds": [{"order_line_id": str(line.pk), "amount": 10, "shipping_amount": 0, "reason_code": "goodwill"}]},
        format="json",
    )  # fmt: skip

    assert response.status_code == 200
    # The outbox tells the customer and the shop, as a refund made through /api/v1/ does.
    assert sorted(message.to for message in mail.outbox) == sorted(
        [[world.received.customer_email], [world.received.shop.email]]
    )
    assert OrderEvent.objects.filter(
        order=world.received, kind=OrderEventKind.REFUND_CREATED
    ).exists()


def test_the_same_idempotency_key_replays_the_refund_and_creates_one(mirakl, world):
    line = world.received.lines.order_by("id").first()
    body = {"refunds": [{"order_line_id": str(line.pk), "amount": 10, "shipping_amount": 1.5, "reason_code": "goodwill"}]}  # fmt: skip
    first = mirakl.put("/mirakl/api/orders/refund", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = mirakl.put("/mirakl/api/orders/refund", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    other = mirakl.put(
        "/mirakl/api/orders/refund",
        {"refunds": [{**body["refunds"][0], "amount": 5}]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Refund.objects.filter(order=world.received).count() == 1
    assert other.status_code == 409
    assert other.json()["errors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"


# --- Incidents ---------------------------------------------------------------------------------


def test_resolving_tells_the_operator_in_the_order_thread(
    mirakl, world, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    path = (
        f"/mirakl/api/orders/{world.with_incident.reference}/lines/"
        f"{world.incident.order_line_id}/resolve_incident"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = mirakl.put(path, {"reason_code": "replacement_sent"}, format="json")

    assert response.status_code == 204
    world.incident.refresh_from_db()
    assert (world.incident.state, world.incident.resolution_reason) == (
        IncidentState.RESOLVED,
        "replacement_sent",
    )
    message = Message.objects.filter(thread__order=world.with_incident, to_operator=True).get()
    assert message.author == Side.SHOP and "Se envió un artículo de sustitución" in message.body
    assert mail.outbox, "the operator is notified"
    again = mirakl.put(path, {"reason_code": "replacement_sent"}, format="json")
    assert again.status_code == 409
    assert again.json()["errors"][0]["code"] == "INCIDENT_NOT_OPEN"


def test_a_message_sent_with_the_resolution_is_the_one_the_operator_reads(mirakl, world):
    path = (
        f"/mirakl/api/orders/{world.with_incident.reference}/lines/"
        f"{world.incident.order_line_id}/resolve_incident"
    )
    body = {"reason_code": "customer_satisfied", "message": "Hablamos con el cliente."}
    assert mirakl.put(path, body, format="json").status_code == 204
    assert Message.objects.get(thread__order=world.with_incident).body == "Hablamos con el cliente."


def test_an_incident_on_the_whole_order_is_resolved_from_any_line(mirakl, world, operator):
    incident = incident_open(
        order=world.shipped, opened_by="OPERATOR", reason="other", description="Revisar.",
        acting_user=operator,
    )  # fmt: skip
    line = world.shipped.lines.order_by("id")[1].pk
    response = mirakl.put(
        f"/mirakl/api/orders/{world.shipped.reference}/lines/{line}/resolve_incident",
        {"reason_code": "other"},
        format="json",
    )
    assert response.status_code == 204
    incident.refresh_from_db()
    assert incident.state == IncidentState.RESOLVED


# --- Threads -----------------------------------------------------------------------------------


def test_seek_pages_walk_every_thread_once_both_ways(mirakl, world, seller):
    for number in range(5):
        messaging_thread = Thread.objects.get(pk=world.operator_thread.pk)
        assert messaging_thread
        from messaging.services import thread_start

        thread_start(
            shop=world.waiting.shop, order=None, reason_code="other", subject=f"Duda {number}",
            body="¿Una pregunta?", to_customer=False, to_operator=True, acting_user=seller,
        )  # fmt: skip
    seen, token, pages = [], None, []
    while True:
        query = "?limit=2" + (f"&page_token={token}" if token else "")
        page = mirakl.get(f"/mirakl/api/inbox/threads{query}").json()
        pages.append(page)
        seen += [thread["id"] for thread in page["data"]]
        token = page.get("next_page_token")
        if not token:
            break
    expected = [str(pk) for pk in Thread.objects.filter(shop=world.waiting.shop)
                .order_by("-last_message_at", "-id").values_list("pk", flat=True)]  # fmt: skip
    assert seen == expected
    assert "previous_page_token" not in pages[0]
    back = mirakl.get(
        f"/mirakl/api/inbox/threads?limit=2&page_token={pages[-1]['previous_page_token']}"
    ).json()
    assert [thread["id"] for thread in back["data"]] == [t["id"] for t in pages[-2]["data"]]


def test_threads_filter_by_entity_and_update_date(mirakl, world):
    def ids(query):
        return {t["id"] for t in mirakl.get(f"/mirakl/api/inbox/threads{query}").json()["data"]}

    assert ids(f"?entity_type=MMP_ORDER&entity_id={world.shipped.reference}") == {
        str(world.customer_thread.pk)
    }
    assert ids("?entity_type=SELLER_OPERATOR") == {str(world.operator_thread.pk)}
    assert ids("?entity_type=MMP_OFFER") == set()
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert ids(f"?updated_since={later.replace('+00:00', 'Z')}") == set()


def test_a_thread_reads_with_mirakl_participants_topic_and_attachments(mirakl, world):
    thread = mirakl.get(f"/mirakl/api/inbox/threads/{world.customer_thread.pk}").json()

    assert thread["topic"] == {"type": "REASON_CODE", "value": "order_question"}
    assert thread["entities"] == [
        {"type": "MMP_ORDER", "id": world.shipped.reference, "label": world.shipped.reference}
    ]
    assert [p["type"] for p in thread["authorized_participants"]] == [
        "SHOP",
        "CUSTOMER",
        "OPERATOR",
    ]
    assert [p["type"] for p in thread["current_participants"]] == ["SHOP", "CUSTOMER"]
    assert thread["metadata"]["shop_reply_needed_since"].endswith("Z")
    (message,) = thread["messages"]
    assert message["from"]["type"] == "CUSTOMER_USER"
    assert message["attachments"] == [
        {"id": str(world.attachment.pk), "name": "pedido.pdf", "size": world.attachment.size}
    ]
    free_text = mirakl.get(f"/mirakl/api/inbox/threads/{world.operator_thread.pk}").json()
    assert free_text["topic"] == {"type": "FREE_TEXT", "value": "Duda sobre comisiones"}


def test_a_reply_clears_the_deadline_and_the_same_key_replays_it(mirakl, world):
    path = f"/mirakl/api/inbox/threads/{world.customer_thread.pk}/message"

    def send():
        return mirakl.post(
            path,
            {"message_input": json.dumps({"body": "Adjunta la factura.", "to": [{"type": "CUSTOMER"}]}),
             "files": [pdf()]},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="reply-1",
        )  # fmt: skip

    first, again = send(), send()

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert world.customer_thread.messages.count() == 2
    thread = mirakl.get(f"/mirakl/api/inbox/threads/{world.customer_thread.pk}").json()
    assert thread["metadata"]["shop_reply_needed_since"] is None
    assert thread["messages"][-1]["attachments"][0]["name"] == "factura.pdf"


def test_a_free_text_topic_starts_a_thread_under_the_other_reason(mirakl, world):
    response = mirakl.post(
        "/mirakl/api/inbox/threads",
        {"thread_input": json.dumps({"body": "¿Cuándo cobro?", "entity": {"type": "SELLER_OPERATOR"},
                                     "topic": {"type": "FREE_TEXT", "value": "Cobros"}})},
        format="multipart",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    thread = Thread.objects.get(pk=response.json()["thread_id"])
    assert (thread.reason.code, thread.subject, thread.order, thread.with_operator) == (
        "other",
        "Cobros",
        None,
        True,
    )
    assert str(thread.messages.get().pk) == response.json()["message_id"]


def test_the_thread_list_query_count_does_not_grow_with_threads(mirakl, world, seller):
    from messaging.services import thread_start

    mirakl.get("/mirakl/api/inbox/threads")  # the key's first use of the minute records it
    with CaptureQueriesContext(connection) as few:
        mirakl.get("/mirakl/api/inbox/threads?with_messages=true")
    for number in range(6):
        thread_start(
            shop=world.waiting.shop, order=world.received, reason_code="delivery",
            subject=f"Envío {number}", body="Ya salió.", to_customer=True, to_operator=False,
            acting_user=seller, attachments=[pdf()],
        )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        mirakl.get("/mirakl/api/inbox/threads?with_messages=true")
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Reasons, languages, timezones, statistics ---------------------------------------------


@pytest.mark.parametrize(
    ("locale", "label"),
    [("en_US", "Replacement sent"), ("es_ES", "Se envió un artículo de sustitución"),
     ("fr_FR", "Se envió un artículo de sustitución")],
)  # fmt: skip
def test_reason_labels_follow_the_locale(mirakl, world, locale, label):
    reasons = mirakl.get(f"/mirakl/api/reasons/INCIDENT_CLOSE?locale={locale}").json()["reasons"]
    assert reasons[0] == {"code": "replacement_sent", "label": label}


def test_reasons_without_locale_follow_the_request_language(mirakl, world):
    english = mirakl.get("/mirakl/api/reasons/incident_close", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["reasons"][0]["label"] == "Replacement sent"


def test_every_reason_type_is_listed_with_whether_the_shop_uses_it(mirakl, world):
    reasons = mirakl.get("/mirakl/api/reasons").json()
    types = {(r["type"], r["is_shop_right"]) for r in reasons["reasons"]}
    assert types == {
        ("INCIDENT_OPEN", False), ("INCIDENT_CLOSE", True), ("REFUND", True),
        ("ORDER_MESSAGING", True), ("MMP_SELLER_MESSAGING", True),
    }  # fmt: skip
    assert reasons["total_count"] == len(reasons["reasons"])


def test_dates_are_utc_whatever_the_shops_timezone(operator):
    shop = ShopFactory(code="mx", timezone="America/Mexico_City")
    seller = SellerFactory(username="mx", shop=shop)
    created = timezone.now().replace(microsecond=0) - timedelta(days=1)
    OrderFactory(shop=shop, reference="MX-1", created_at=created)
    order = orders_of(mirakl_client(seller))["orders"][0]
    assert order["created_date"] == created.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_statistics_per_period_in_the_shops_days(mirakl, world, shop):
    # Shipped 150 days ago: in the last six months and the last year, not in the last 3 months.
    OrderFactory.shipped(shop=shop, reference="NOR-OLD", days_ago=150)
    stats = mirakl.get(
        "/mirakl/api/account/statistics?periods=LAST_THREE_MONTHS,LAST_SIX_MONTHS,LAST_YEAR"
    ).json()
    counts = {item["period"]: item["value"] for item in stats["orders_count"]}
    assert counts["LAST_SIX_MONTHS"] == counts["LAST_YEAR"] == counts["LAST_THREE_MONTHS"] + 1
    rates = {item["period"]: item["value"] for item in stats["incident_rate"]}
    assert rates["LAST_THREE_MONTHS"] == pytest.approx(1 / counts["LAST_THREE_MONTHS"])


def test_throttling_answers_429_in_mirakl_shape(mirakl, world, monkeypatch):
    from django.core.cache.backends.locmem import LocMemCache
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "cache", LocMemCache("mirakl-throttle", {}))
    monkeypatch.setattr(UserRateThrottle, "get_rate", lambda self: "2/minute")
    statuses = [mirakl.get("/mirakl/api/reasons").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = mirakl.get("/mirakl/api/reasons")
    assert response.json()["status"] == 429 and response["Retry-After"]


def test_a_refund_paid_in_v1_reads_refunded_here(mirakl, world, operator_api):
    refund = Refund.objects.filter(order=world.shipped).order_by("id").first()
    assert operator_api.post(f"/api/v1/operator/refunds/{refund.pk}/confirm/").status_code == 200
    order = orders_of(mirakl, f"?order_ids={world.shipped.reference}")["orders"][0]
    states = {r["order_refund_id"]: r["refund_state"] for line in order["order_lines"] for r in line["refunds"]}  # fmt: skip
    assert states[str(refund.pk)] == "REFUNDED"
    assert Refund.objects.get(pk=refund.pk).state == RefundState.REFUNDED
