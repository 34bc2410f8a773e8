"""Unread: a customer or operator message arrived after the shop last opened the thread."""

from datetime import timedelta

import pytest
from django.utils import timezone

from messaging import selectors, services
from messaging.models import Thread
from tests.messaging.conftest import customer_thread, shop_thread

pytestmark = pytest.mark.django_db


def unread(thread) -> bool:
    return selectors.thread_list(shop=thread.shop).get(pk=thread.pk).unread


def test_a_new_customer_message_makes_the_thread_unread(order):
    assert unread(customer_thread(order)) is True


def test_the_shops_own_new_thread_is_not_unread(order, seller):
    assert unread(shop_thread(order, seller)) is False


def test_opening_the_thread_page_marks_it_read(seller_client, order):
    thread = customer_thread(order)

    seller_client.get(f"/messages/{thread.pk}/")

    assert unread(thread) is False


def test_reading_through_the_api_marks_it_read(api, order):
    thread = customer_thread(order)

    response = api.post(f"/api/v1/threads/{thread.pk}/read/")

    assert response.status_code == 200 and response.json()["unread"] is False
    assert unread(thread) is False


def test_reading_the_thread_in_the_api_does_not_mark_it_read(api, order):
    thread = customer_thread(order)

    api.get(f"/api/v1/threads/{thread.pk}/")

    assert unread(thread) is True


def test_a_message_after_reading_makes_it_unread_again(seller_client, order):
    thread = customer_thread(order)
    seller_client.get(f"/messages/{thread.pk}/")

    services.message_import(
        thread=thread, author="operator", body="¿Alguna novedad?", acting_user=None
    )

    assert unread(thread) is True


def test_an_imported_old_message_is_unread_when_it_arrives_after_the_shop_read(order, seller):
    thread = customer_thread(order, hours_ago=5)
    services.thread_mark_read(thread=thread, acting_user=seller)

    services.message_import(
        thread=thread,
        author="customer",
        body="Escrito hace días, llegado ahora",
        sent_at=timezone.now() - timedelta(days=3),
        acting_user=None,
    )

    assert unread(thread) is True


def test_replying_marks_the_thread_read(order, seller):
    thread = customer_thread(order)

    services.message_post(
        thread=thread, body="Hola", to_customer=True, to_operator=False, acting_user=seller
    )

    assert unread(thread) is False


def test_marking_read_twice_writes_once(order, seller):
    thread = customer_thread(order)

    assert services.thread_mark_read(thread=thread, acting_user=seller) is True
    assert services.thread_mark_read(thread=Thread.objects.get(pk=thread.pk)) is False


def test_the_order_counts_messages_and_unread_messages(api, order, seller):
    thread = customer_thread(order)
    services.message_import(thread=thread, author="customer", body="¿Y?", acting_user=None)
    shop_thread(order, seller)

    data = api.get(f"/api/v1/orders/{order.pk}/").json()

    assert data["messages_count"] == 3
    assert data["unread_messages_count"] == 2
    assert {item["id"]: item["unread"] for item in data["threads"]}[thread.pk] is True
    assert {item["deadline_status"] for item in data["threads"]} == {"ok", "none"}


def test_the_order_page_shows_the_counts_and_the_threads(seller_client, order):
    thread = customer_thread(order, subject="¿Cuándo llega?")

    page = seller_client.get(f"/orders/{order.pk}/").content.decode()

    assert 'data-testid="messages-panel"' in page
    assert f"/messages/{thread.pk}/" in page
    assert "¿Cuándo llega?" in page
