"""The inbox (page and API), a thread and the order panel run a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from messaging import services
from tests.factories import OrderFactory
from tests.messaging.conftest import customer_thread, pdf_file, shop_thread

pytestmark = pytest.mark.django_db


def count(callable_):
    with CaptureQueriesContext(connection) as queries:
        response = callable_()
    assert response.status_code == 200
    return len(queries)


def fill(shop, seller, n):
    for index in range(n):
        order = OrderFactory(shop=shop)
        thread = customer_thread(order, hours_ago=index % 60, attachments=[pdf_file()])
        if index % 3 == 0:
            services.message_post(
                thread=thread, body="ok", to_customer=True, to_operator=True, acting_user=seller
            )


@pytest.mark.parametrize(
    "path", ["/messages/", "/api/v1/threads/", "/messages/?unread=true&deadline=awaiting_reply"]
)
def test_the_inbox_query_count_does_not_grow_with_rows(seller_client, shop, seller, path):
    fill(shop, seller, 2)
    seller_client.get(path)  # the shop's calendar is read once, then cached
    few = count(lambda: seller_client.get(path))
    fill(shop, seller, 20)

    assert count(lambda: seller_client.get(path)) == few
    assert few <= 10  # the ceiling, session, user and shop included


def test_the_api_query_count_does_not_grow_with_the_page_size(api, shop, seller):
    fill(shop, seller, 12)
    api.get("/api/v1/threads/")  # the key's first use of the day is recorded once

    small = count(lambda: api.get("/api/v1/threads/?page_size=2"))
    large = count(lambda: api.get("/api/v1/threads/?page_size=200"))

    assert small == large


@pytest.mark.parametrize("path", ["/messages/{id}/", "/api/v1/threads/{id}/"])
def test_a_thread_query_count_does_not_grow_with_messages(seller_client, order, seller, path):
    short = customer_thread(order)
    long = customer_thread(order)
    for _ in range(10):
        services.message_post(
            thread=long,
            body="x",
            to_customer=True,
            to_operator=False,
            acting_user=seller,
            attachments=[pdf_file()],
        )
    seller_client.get(path.format(id=short.pk))  # marks it read once
    seller_client.get(path.format(id=long.pk))

    few = count(lambda: seller_client.get(path.format(id=short.pk)))
    assert count(lambda: seller_client.get(path.format(id=long.pk))) == few
    assert few <= 10


@pytest.mark.parametrize("path", ["/orders/{id}/", "/api/v1/orders/{id}/"])
def test_the_order_panel_query_count_does_not_grow_with_threads(seller_client, shop, seller, path):
    quiet, busy = OrderFactory(shop=shop), OrderFactory(shop=shop)
    customer_thread(quiet)
    for _ in range(6):
        thread = customer_thread(busy)
        shop_thread(busy, seller)
        services.message_import(thread=thread, author="operator", body="?", acting_user=None)

    few = count(lambda: seller_client.get(path.format(id=quiet.pk)))
    assert count(lambda: seller_client.get(path.format(id=busy.pk))) == few
    assert few <= 10
