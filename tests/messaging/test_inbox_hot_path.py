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


# Every filter the list has, for the comparisons below.
EVERY_FILTER = [
    "",
    "unread=true",
    "unread=false",
    "reason=other",
    "participant=operator",
    "participant=customer",
    "customer=nunez",
    "subject=roto",
    "last_message_after=2025-01-01T00:00:00Z",
    "deadline=awaiting_reply",
    "deadline=overdue",
    "deadline=due_soon",
    "deadline=ok",
    "deadline=none",
    "deadline=while_closed",
]


@pytest.mark.parametrize("query", EVERY_FILTER)
def test_every_filter_answers_what_the_serializer_did(api, shop, inbox, query):
    from django.http import QueryDict

    response = api.get(f"/api/v1/threads/?{query}")

    assert response.status_code == 200
    filtered = ThreadFilter(QueryDict(query), queryset=selectors.thread_list(shop=shop)).qs
    with override("es"):
        expected = [dict(ThreadListOutput(thread).data) for thread in filtered]
    assert response.json()["results"] == expected


@pytest.mark.parametrize("query", ["", "deadline=overdue", "reason=other"])
def test_queries_per_request_do_not_grow_with_the_page(api, shop, inbox, query):
    """A page of 2 and a page of 6 threads cost the same queries."""
    api.get("/api/v1/threads/")  # the key's last use and the shop's calendar, once
    counts = []
    for size in (2, 6):
        with CaptureQueriesContext(connection) as captured:
            assert api.get(f"/api/v1/threads/?page_size={size}&{query}").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- Every filter's query is served by an index in the list's order (PostgreSQL) ---------------

# The index each filter walks in the list's order (last_message_at, then id): the page is the
# index's first entries, no Sort. An index without the tiebreak id made PostgreSQL sort every
# thread of the filter (joined) for it.
FILTERS = {
    "": "thread_shop_last_msg",
    "unread=true": "thread_shop_unread",
    "reason=other": "thread_shop_reason_last_id",
    "participant=operator": "thread_shop_operator_last_id",
    # Six threads in seven are with the customer: walking the inbox's own index is as good.
    "participant=customer": ("thread_shop_customer_last_id", "thread_shop_last_msg"),
    "last_message_after=2025-01-01T00:00:00Z": "thread_shop_last_msg",
    "deadline=awaiting_reply": "thread_shop_awaiting_last",
}
# The deadline ranges (not the list's order): the page's ids from the index on reply_due_at that
# includes (last_message_at, id), then only the page's rows by primary key.
RANGES = ["deadline=overdue", "deadline=due_soon", "deadline=ok"]


def _plans(api, query) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert api.get(f"/api/v1/threads/?{query}").status_code == 200
    plans = []
    for executed in captured.captured_queries:
        if "messaging_thread" not in executed["sql"] or "shops_apikey" in executed["sql"]:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {executed['sql']}")
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


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
def test_each_filter_is_served_by_its_index_in_the_list_order(api, shop, proportions, query):
    (plan,) = _plans(api, query)
    expected = FILTERS[query] if isinstance(FILTERS[query], tuple) else (FILTERS[query],)
    assert any(index in plan for index in expected), plan
    # Neither Sort nor Incremental Sort of the threads: the index's order is the list's.
    assert "Sort Key: messaging_thread" not in plan, plan
    assert "Seq Scan on messaging_thread" not in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are PostgreSQL's")
@pytest.mark.parametrize("query", RANGES)
def test_each_deadline_range_picks_its_page_from_the_due_index(api, shop, proportions, query):
    ids, rows = _plans(api, query)
    # At the marketplace's size the one including the order's columns (index-only); on these
    # few thousand rows the planner may take the job's index of awaited deadlines instead.
    assert any(name in ids for name in ("thread_shop_reply_due_incl", "thread_awaiting_due")), ids
    assert "Join" not in ids and "Nested Loop" not in ids, ids  # the threads' table alone
    assert "= ANY" in rows and "Seq Scan on messaging_thread" not in rows, rows  # by id
