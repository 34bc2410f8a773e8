"""The seller's message pages: inbox, thread, reply, no reply needed, start a conversation."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from messaging.models import Message, Thread
from messaging.templatetags.messaging_tags import deadline_text
from tests.factories import OrderFactory
from tests.messaging.conftest import customer_thread, pdf_file, shop_thread

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def english(seller_client):
    seller_client.cookies["django_language"] = "en"
    return seller_client


def test_the_inbox_shows_unread_and_deadline_badges(english, order):
    customer_thread(order, hours_ago=45, subject="¿Y mi paquete?")

    page = english.get("/messages/").content.decode()

    assert 'data-testid="unread-badge"' in page
    assert 'data-deadline="due_soon"' in page
    assert "due in 2 h" in page or "due in 3 h" in page


def test_deadline_badges_read_due_in_and_overdue_by(order):
    thread = Thread(reply_due_at=timezone.now() + timedelta(hours=5, minutes=10))
    thread.deadline_status = "due_soon"
    late = Thread(reply_due_at=timezone.now() - timedelta(hours=3, minutes=5))
    late.deadline_status = "overdue"

    from django.utils import translation

    with translation.override("en"):
        assert deadline_text(thread) == "due in 5 h"
        assert deadline_text(late) == "overdue by 3 h"


def test_the_empty_inbox_says_where_messages_come_from(english):
    page = english.get("/messages/").content.decode()

    assert "No conversations yet" in page


def test_an_empty_filter_result_offers_to_show_all(english, order):
    customer_thread(order)

    page = english.get("/messages/?subject=nada-parecido").content.decode()

    assert "No conversation matches these filters" in page


def test_the_inbox_pages_by_position(seller_client, shop):
    orders = [OrderFactory(shop=shop) for _ in range(30)]
    for index, order in enumerate(orders):
        customer_thread(order, hours_ago=index)

    first = seller_client.get("/messages/?view=latest")
    second = seller_client.get(f"/messages/?view=latest&before={first.context['older']}")
    back = seller_client.get(f"/messages/?view=latest&after={second.context['newer']}")

    first_ids = [t.pk for t in first.context["threads"]]
    second_ids = [t.pk for t in second.context["threads"]]
    assert len(first_ids) == 25 and len(second_ids) == 5
    assert not set(first_ids) & set(second_ids)
    assert second.context["older"] is None
    assert [t.pk for t in back.context["threads"]] == first_ids


def test_the_thread_page_shows_the_conversation_and_attachments(english, order):
    thread = customer_thread(
        order, body="¿Tenéis la factura?", attachments=[pdf_file("pedido.pdf")]
    )

    page = english.get(f"/messages/{thread.pk}/").content.decode()

    assert "¿Tenéis la factura?" in page
    assert "pedido.pdf" in page and "/attachments/" in page
    assert 'class="msg from-customer is-new"' in page


def test_replying_from_the_page(seller_client, order):
    thread = customer_thread(order)

    response = seller_client.post(
        f"/messages/{thread.pk}/reply/",
        {"body": "Se la enviamos hoy.", "to_customer": "on", "attachments": [pdf_file()]},
    )

    assert response.status_code == 302
    reply = Message.objects.filter(thread=thread).latest("id")
    assert reply.body == "Se la enviamos hoy." and reply.attachments.count() == 1
    thread.refresh_from_db()
    assert thread.reply_needed_since is None


def test_a_reply_without_recipient_shows_the_error(english, order):
    thread = customer_thread(order)

    response = english.post(f"/messages/{thread.pk}/reply/", {"body": "Hola"})

    assert response.status_code == 400
    assert "Choose who receives the message." in response.content.decode()
    assert Message.objects.filter(thread=thread).count() == 1


def test_an_oversize_reply_file_shows_the_error_next_to_the_field(english, order, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    thread = customer_thread(order)

    response = english.post(
        f"/messages/{thread.pk}/reply/",
        {"body": "x", "to_customer": "on", "attachments": [SimpleUploadedFile("a.txt", b"x" * 20)]},
    )

    assert response.status_code == 400
    assert "a file may be at most" in response.content.decode()


def test_no_reply_needed_from_the_page(seller_client, order):
    thread = customer_thread(order)

    response = seller_client.post(
        f"/messages/{thread.pk}/no-reply-needed/", {"reason": "Solo da las gracias"}
    )

    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.reply_needed_since is None and thread.no_reply_needed_reason


def test_starting_a_conversation_from_the_order_page(seller_client, order):
    response = seller_client.post(
        f"/orders/{order.pk}/messages/new/",
        {
            "recipient": "operator",
            "reason": "delivery",
            "subject": "",
            "body": "El transportista no recoge.",
            "attachments": [pdf_file()],
        },
    )

    thread = Thread.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/messages/{thread.pk}/"
    assert thread.with_operator and not thread.with_customer and thread.order == order


def test_the_order_page_offers_to_start_a_conversation(english, order):
    page = english.get(f"/orders/{order.pk}/").content.decode()

    assert f'action="/orders/{order.pk}/messages/new/"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "No conversation about this order yet." in page


def test_writing_to_the_operator_without_an_order(seller_client, shop):
    response = seller_client.post(
        "/messages/new/", {"reason": "other", "subject": "Comisiones", "body": "¿Cómo se calculan?"}
    )

    assert response.status_code == 302
    assert Thread.objects.get().order is None


def test_an_operator_is_sent_to_the_admin(operator_client):
    assert operator_client.get("/messages/")["Location"] == "/admin/"


def test_messages_is_in_the_menu(english, seller):
    page = english.get("/messages/").content.decode()

    assert 'href="/messages/"' in page


def test_replying_to_a_thread_of_a_shop_thread_keeps_participants(seller_client, order, seller):
    thread = shop_thread(order, seller, to="operator")

    page = seller_client.get(f"/messages/{thread.pk}/").content.decode()

    assert 'name="to_operator"' in page and "checked" in page
