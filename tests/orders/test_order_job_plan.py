"""The order-cycle job reads only the due orders of its two states, through the partial indexes
`order_shipped_due` and `order_received_due` (checked with EXPLAIN on PostgreSQL)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders import services
from orders.models import Order, OrderState

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are PostgreSQL's"),
]


@pytest.fixture
def marketplace_orders(shop):
    """6,000 orders shaped like the marketplace's: most closed, a few percent shipped or
    received and mostly not due yet, then ANALYZE, so the planner chooses as it would at scale."""
    now = timezone.now()
    orders = []
    for index in range(6000):
        at = now - timedelta(hours=3 * index % 2000)
        state = OrderState.CLOSED
        if index % 25 == 0:
            state = OrderState.SHIPPED
        elif index % 13 == 0:
            state = OrderState.RECEIVED
        orders.append(
            Order(
                shop=shop,
                reference=f"P-{index}",
                state=state,
                customer_name="Ana",
                created_at=at,
                accepted_at=at,
                shipped_at=at,
                received_at=at if state != OrderState.SHIPPED else None,
                closed_at=at if state == OrderState.CLOSED else None,
            )
        )
    Order.objects.bulk_create(orders)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_order")


def test_the_job_reads_due_orders_through_its_partial_indexes(marketplace_orders):
    with CaptureQueriesContext(connection) as captured:
        services.orders_advance()

    reads = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith("SELECT") and 'FROM "orders_order"' in query["sql"]
    ]
    assert len(reads) == 4  # per state: the frozen ones counted, the others locked
    for sql in reads:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        index = "order_shipped_due" if '"shipped_at" <=' in sql else "order_received_due"
        assert index in plan, plan
        assert "Seq Scan on orders_order" not in plan, plan
