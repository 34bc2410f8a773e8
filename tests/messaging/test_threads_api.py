"""The thread, message and reason endpoints, seller and operator."""

from datetime import timedelta

import pytest
from django.utils import timezone

from messaging.models import Message, Side, Thread
from orders.models import OrderEvent, OrderEventKind
from tests.messaging.conftest import customer_thread, pdf_file, shop_thread

pytestmark = pytest.mark.django_db


def test_starting_a_conversation_with_the_customer_about_an_order(api, order):
    response = api.post(
        f"/api/v1/orders/{order.pk}/threads/",
        {"recipient": "customer", "reason": "invoice_request", "body": "Adjunto la factura."},
    )

    assert response.status_code == 201
    data = response.json()
    assert data["order"] == {"id": order.pk, "reference": order.reference}
    assert data["participants"] == ["customer"]
    assert data["reason"] == "invoice_request"
    assert data["deadline_status"] == "none" and data["unread"] is False
    assert data["messages"][0]["author"] == "shop" and data["messages"][0]["to"] == ["customer"]
    assert order.reference in data["subject"]


def test_a_thread_with_the_operator_without_an_order(api):
    response = api.post(
        "/api/v1/threads/",
        {"reason": "other", "subject": "Duda sobre comisiones", "body": "¿Cómo se calculan?"},
    )

    assert response.status_code == 201
    assert response.json()["order"] is None
    assert response.json()["participants"] == ["operator"]


def test_an_unknown_reason_is_a_clear_error(api, order):
    response = api.post(
        f"/api/v1/orders/{order.pk}/threads/",
        {"recipient": "customer", "reason": "item_damaged", "body": "x"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "reason_invalid"
    assert Thread.objects.count() == 0


def test_replying_with_attachments_in_multipart(api, order):
    thread = customer_thread(order)

    response = api.post(
        f"/api/v1/threads/{thread.pk}/messages/",
        {"body": "Aquí la tiene", "to": ["customer", "operator"], "attachments": [pdf_file()]},
        format="multipart",
    )

    assert response.status_code == 201
    assert response.json()["to"] == ["customer", "operator"]
    assert response.json()["attachments"][0]["filename"] == "factura.pdf"
    thread.refresh_from_db()
    assert thread.with_operator is True  # the operator joined the conversation


def test_a_reply_goes_to_the_participants_by_default(api, order):
    thread = customer_thread(order)

    response = api.post(f"/api/v1/threads/{thread.pk}/messages/", {"body": "Sale hoy"})

    assert response.json()["to"] == ["customer"]


def test_the_customer_cannot_be_added_to_a_thread_without_an_order(api, seller, shop):
    from messaging import services

    thread = services.thread_start(
        shop=shop,
        order=None,
        reason_code="other",
        subject="Hola",
        body="x",
        to_customer=False,
        to_operator=True,
        acting_user=seller,
    )

    response = api.post(f"/api/v1/threads/{thread.pk}/messages/", {"body": "x", "to": ["customer"]})

    assert response.status_code == 400
    assert response.json()["code"] == "recipient_not_allowed"


def test_the_thread_detail_has_messages_attachments_and_deadline(api, order):
    thread = customer_thread(order, hours_ago=40, attachments=[pdf_file("foto.pdf")])

    data = api.get(f"/api/v1/threads/{thread.pk}/").json()

    assert data["deadline_status"] == "due_soon"
    assert data["reply_needed_since"] is not None and data["reply_due_at"] is not None
    assert data["messages"][0]["author"] == "customer"
    attachment = data["messages"][0]["attachments"][0]
    assert set(attachment) == {"id", "filename", "size", "content_type", "download_url"}
    assert attachment["download_url"].endswith(f"/api/v1/attachments/{attachment['id']}/download/")


def test_no_reply_needed_through_the_api(api, order):
    thread = customer_thread(order)

    response = api.post(
        f"/api/v1/threads/{thread.pk}/no-reply-needed/", {"reason": "Solo agradece"}
    )

    assert response.status_code == 200
    assert response.json()["deadline_status"] == "none"
    assert response.json()["no_reply_needed"]["reason"] == "Solo agradece"


def test_no_reply_needed_on_a_thread_awaiting_nothing_is_a_409(api, order, seller):
    thread = shop_thread(order, seller)

    response = api.post(f"/api/v1/threads/{thread.pk}/no-reply-needed/", {"reason": "x"})

    assert response.status_code == 409
    assert response.json()["code"] == "thread_not_awaiting_reply"


@pytest.mark.parametrize(
    ("language", "label"), [("en", "Invoice request"), ("es", "Solicitud de factura")]
)
def test_reasons_are_labelled_in_the_request_language(api, language, label):
    response = api.get("/api/v1/reasons/?kind=message", HTTP_ACCEPT_LANGUAGE=language)

    labels = {row["code"]: row["label"] for row in response.json()}
    assert labels["invoice_request"] == label


@pytest.mark.parametrize("kind", ["message", "incident_open", "incident_close", "refund"])
def test_every_kind_of_reason_is_seeded(api, kind):
    codes = {row["code"] for row in api.get(f"/api/v1/reasons/?kind={kind}").json()}

    assert "other" in codes and len(codes) >= 5


def test_an_inactive_reason_is_no_longer_offered(api):
    from messaging.models import Reason

    Reason.objects.filter(kind="message", code="delivery").update(active=False)

    codes = {row["code"] for row in api.get("/api/v1/reasons/").json()}
    assert "delivery" not in codes


def test_the_operator_opens_a_customer_thread_with_an_earlier_time(operator_api, order):
    sent_at = timezone.now() - timedelta(hours=47, minutes=59)

    response = operator_api.post(
        f"/api/v1/operator/orders/{order.pk}/threads/",
        {
            "author": "customer",
            "reason": "delivery",
            "body": "¿Dónde está?",
            "sent_at": sent_at.isoformat(),
        },
    )

    assert response.status_code == 201
    assert response.json()["deadline_status"] == "due_soon"
    assert response.json()["unread"] is True


def test_the_operator_posts_an_operator_message(operator_api, order, seller):
    thread = shop_thread(order, seller)

    response = operator_api.post(
        f"/api/v1/operator/threads/{thread.pk}/messages/",
        {"author": "operator", "body": "Revisad el envío, por favor."},
    )

    assert response.status_code == 201
    assert response.json()["author"] == "operator"
    thread.refresh_from_db()
    assert thread.with_operator and thread.reply_needed_since is not None


def test_sent_at_in_the_future_is_refused(operator_api, order):
    thread = customer_thread(order)

    response = operator_api.post(
        f"/api/v1/operator/threads/{thread.pk}/messages/",
        {
            "author": "customer",
            "body": "x",
            "sent_at": (timezone.now() + timedelta(days=1)).isoformat(),
        },
    )

    assert response.status_code == 400
    assert "sent_at" in response.json()["fields"]


def test_a_seller_key_on_operator_endpoints_is_a_403(api, order):
    assert api.get("/api/v1/operator/threads/").status_code == 403
    assert api.post(f"/api/v1/operator/orders/{order.pk}/threads/", {}).status_code == 403


def test_an_operator_on_seller_endpoints_is_a_403(operator_api):
    assert operator_api.get("/api/v1/threads/").status_code == 403


def test_every_message_on_an_order_writes_an_order_event(order, seller):
    thread = customer_thread(order, body="¿Cuándo llega?")
    from messaging import services

    services.message_post(
        thread=thread, body="Mañana", to_customer=True, to_operator=False, acting_user=seller
    )

    events = OrderEvent.objects.filter(order=order, kind=OrderEventKind.MESSAGE).order_by("id")
    assert [event.actor_side for event in events] == ["customer", "shop"]
    assert "¿Cuándo llega?" in events[0].summary and events[1].actor == seller


def test_operator_thread_post_from_shop_creates_then_reuses_the_operator_thread(order, seller):
    from messaging.services import operator_thread_post_from_shop

    first = operator_thread_post_from_shop(
        order=order, body="Resuelto: reenviado", acting_user=seller
    )
    second = operator_thread_post_from_shop(
        order=order, body="Adjunto seguimiento", acting_user=seller
    )

    assert first.thread_id == second.thread_id
    thread = Thread.objects.get(pk=first.thread_id)
    assert thread.with_operator and not thread.with_customer
    assert thread.subject == f"Order {order.reference}" or order.reference in thread.subject
    assert first.author == Side.SHOP and first.to_operator and not first.to_customer
    assert Message.objects.filter(thread=thread).count() == 2


def test_operator_thread_post_from_shop_uses_an_existing_operator_thread(order, seller):
    from messaging.services import operator_thread_post_from_shop

    existing = shop_thread(order, seller, to="operator")

    message = operator_thread_post_from_shop(order=order, body="Hecho", acting_user=seller)

    assert message.thread_id == existing.pk
