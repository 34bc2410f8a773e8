"""The write paths the marketplace calls most, refund create and a reply, run a pinned number of
queries, whatever the number of lines refunded or of messages in the thread. A new query on
either path must be a decision: raise the pin in the same change, saying why."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import OrderFactory
from tests.messaging.conftest import customer_thread

pytestmark = pytest.mark.django_db

# Key authentication, the tenancy read, the reason (checked and labelled), the order locked
# with its shop, its balance (2) and lines, the refund, its lines, the day's statistics (2: the
# order's first refund also counts it in its shipping day's cohort), the timeline event, the
# webhook endpoints, the notices, the response (refund and lines), and the test's savepoint (2).
REFUND_CREATE_QUERIES = 18
# Key authentication, the thread, the order and the thread locked, the message, the reply wait,
# the day's statistics, the thread's state, the timeline event, the attachments of the
# response, and the test's savepoint (2).
REPLY_QUERIES = 12


def _queries(call):
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 201, response.content
    return len(captured)


def _warm(api):
    # The key's first use of the day records it, once: not part of what is pinned.
    api.get("/api/v1/refunds/")


@pytest.mark.parametrize("line_count", [1, 12])
def test_refund_create_runs_a_pinned_number_of_queries(api, shop, line_count):
    order = OrderFactory.shipped(
        shop=shop, lines=[(f"SKU-{i}", f"Artículo {i}", 3, "4.00") for i in range(line_count)]
    )
    lines = [{"line": line.pk, "quantity": 1} for line in order.lines.all()]
    _warm(api)
    body = {"reason": "goodwill", "lines": lines, "shipping_amount": "0.50"}

    count = _queries(lambda: api.post(f"/api/v1/orders/{order.pk}/refunds/", body, format="json"))

    assert count == REFUND_CREATE_QUERIES


@pytest.mark.parametrize("earlier_messages", [0, 6])
def test_a_reply_runs_a_pinned_number_of_queries(api, shop, earlier_messages):
    from messaging import services

    thread = customer_thread(OrderFactory(shop=shop), hours_ago=3)
    for _index in range(earlier_messages):
        services.message_import(thread=thread, author="customer", body="¿Y?", acting_user=None)
    _warm(api)
    body = {"body": "Gracias, lo revisamos hoy mismo.", "to": ["customer"]}

    count = _queries(
        lambda: api.post(f"/api/v1/threads/{thread.pk}/messages/", body, format="json")
    )

    assert count == REPLY_QUERIES
