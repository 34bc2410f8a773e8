"""The inbox API's lean list: the same JSON as ThreadListOutput, and indexes for every filter.

The list builds its rows from `.values()` (messaging.api.LeanThreadList); these tests hold it to
the serializer it replaced, field by field, in both languages, and check on PostgreSQL that each
filter's query can be served by an index in the list's order.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import override

from messaging import selectors, services
from messaging.api import ThreadListOutput
from messaging.filters import ThreadFilter
from messaging.models import Thread
from sellerdesk.tenancy import ALL_SHOPS
from tests.factories import OrderFactory
from tests.messaging.conftest import customer_thread, shop_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(shop, seller):
    """Threads in every state the list shows: awaiting (on time, overdue), answered, read and
    unread, marked "no reply needed", with the operator only and without an order."""
    order = OrderFactory(shop=shop, customer_name="Álvaro Núñez")
    customer_thread(order, hours_ago=3)
    customer_thread(order, hours_ago=60, subject="Llegó roto")
    answered = customer_thread(order, hours_ago=5)
    services.message_post(
        thread=answered, body="Enviado", to_customer=True, to_operator=False, acting_user=seller
    )
    marked = customer_thread(order, hours_ago=2)
    services.thread_mark_no_reply_needed(
        thread=marked, reason="Dio las gracias", acting_user=seller
    )
    shop_thread(order, seller, to="operator")
    services.thread_start(
        shop=shop,
        order=None,
        reason_code="other",
        subject="Comisiones",
        body="¿Cómo se calculan?",
        to_customer=False,
        to_operator=True,
        acting_user=seller,
    )
    return Thread.objects.filter(shop=shop)


def _serialized(shop):
    threads = selectors.thread_list(shop=shop)
    return [dict(ThreadListOutput(thread).data) for thread in threads]


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_lean_list_answers_exactly_what_the_serializer_did(api, shop, inbox, language):
    response = api.get("/api/v1/threads/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    with override(language):
        expected = _serialized(shop)
    assert response.json()["results"] == expected
    assert len(expected) == inbox.count() == 6


def test_the_operator_list_is_lean_too(operator_api, shop, inbox):
    response = operator_api.get(f"/api/v1/operator/threads/?shop={shop.code}")

    with override("es"):
        expected = _serialized(ALL_SHOPS)
    assert response.json()["results"] == expected


def test_keyset_pages_cover_the_list_once_without_counting(api, shop, inbox):
    seen, url = [], "/api/v1/threads/?page_size=2"
    with CaptureQueriesContext(connection) as captured:
        while url:
            body = api.get(url).json()
            seen += [row["id"] for row in body["results"]]
            url = body["next"]
    assert seen == list(selectors.thread_list(shop=shop).values_list("pk", flat=True))
    assert not [q for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]


# --- Every filter's query is served by an index in the list's order (PostgreSQL) ---------------

# The index each filter should use once the table has a marketplace's proportions.
FILTERS = {
    "": "thread_shop_last_msg",
    "unread=true": "thread_shop_unread",
    "reason=other": "thread_shop_reason_last",
    "participant=operator": "thread_shop_operator_last",
    "last_message_after=2025-01-01T00:00:00Z": "thread_shop_last_msg",
    "deadline=awaiting_reply": "thread_shop_reply_due",
    "deadline=overdue": "thread_shop_reply_due",
    "deadline=due_soon": "thread_shop_reply_due",
}


@pytest.fixture
def proportions(shop, other_shop):
    """4,000 threads shaped like the marketplace's (a few percent awaiting a reply or unread,
    one in seven with the operator, reasons spread), then ANALYZE: the planner chooses as it
    would at scale."""
    from messaging.models import Reason, ReasonKind

    reasons = list(Reason.objects.filter(kind=ReasonKind.MESSAGE))
    now = timezone.now()
    threads = []
    for index in range(4000):
        order = None
        awaiting = index % 25 == 0
        at = now - timedelta(minutes=7 * index)
        threads.append(
            Thread(
                shop=shop if index % 4 else other_shop,
                order=order,
                reason=reasons[index % len(reasons)],
                subject=f"Pregunta {index}",
                with_operator=True,
                with_customer=False,
                created_at=at,
                last_message_at=at,
                last_incoming_at=at,
                shop_last_read_at=at if index % 30 else at - timedelta(minutes=1),
                reply_needed_since=at if awaiting else None,
                reply_due_at=at + timedelta(hours=48) if awaiting else None,
            )
        )
    Thread.objects.bulk_create(threads)
    # One in seven with the operator: the others with the customer, about an order.
    order = OrderFactory(shop=shop)
    ids = list(Thread.objects.filter(shop=shop).order_by("pk").values_list("pk", flat=True))
    Thread.objects.filter(pk__in=[pk for n, pk in enumerate(ids) if n % 7]).update(
        with_operator=False, with_customer=True, order=order
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE messaging_thread")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are PostgreSQL's")
@pytest.mark.parametrize("query", list(FILTERS))
def test_each_filter_is_served_by_its_index(shop, proportions, query):
    from django.http import QueryDict

    queryset = ThreadFilter(QueryDict(query), queryset=selectors.thread_list(shop=shop)).qs
    sql, params = queryset.values("id")[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert FILTERS[query] in plan, plan
    assert "Seq Scan on messaging_thread" not in plan, plan
