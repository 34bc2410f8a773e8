"""The order-cycle job: set-based, skips frozen orders, idempotent."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from orders import services
from orders.models import OrderEvent, OrderEventKind, OrderState
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now()


def test_it_receives_orders_shipped_longer_ago_than_auto_receive_days(shop, now, settings):
    settings.AUTO_RECEIVE_DAYS = 15
    due = OrderFactory(shop=shop, state=OrderState.SHIPPED, shipped_at=now - timedelta(days=15))
    not_yet = OrderFactory(
        shop=shop, state=OrderState.SHIPPED, shipped_at=now - timedelta(days=14, hours=23)
    )

    result = services.orders_advance(now=now)

    due.refresh_from_db()
    not_yet.refresh_from_db()
    assert (due.state, due.received_at) == (OrderState.RECEIVED, now)
    assert not_yet.state == OrderState.SHIPPED
    assert result.received == 1
    assert (
        OrderEvent.objects.filter(
            order=due, kind=OrderEventKind.RECEIVED, actor_side="system"
        ).count()
        == 1
    )


def test_it_closes_orders_received_longer_ago_than_auto_close_days(shop, now, settings):
    settings.AUTO_CLOSE_DAYS = 30
    due = OrderFactory(
        shop=shop,
        state=OrderState.RECEIVED,
        shipped_at=now - timedelta(days=40),
        received_at=now - timedelta(days=30),
    )
    not_yet = OrderFactory(
        shop=shop,
        state=OrderState.RECEIVED,
        shipped_at=now - timedelta(days=40),
        received_at=now - timedelta(days=29),
    )

    result = services.orders_advance(now=now)

    due.refresh_from_db()
    not_yet.refresh_from_db()
    assert due.state == OrderState.CLOSED
    assert due.closed_at == now
    assert not_yet.state == OrderState.RECEIVED
    assert result.closed == 1


def test_an_order_received_by_this_run_is_not_closed_by_the_same_run(shop, now, settings):
    settings.AUTO_RECEIVE_DAYS, settings.AUTO_CLOSE_DAYS = 15, 30
    order = OrderFactory(shop=shop, state=OrderState.SHIPPED, shipped_at=now - timedelta(days=100))

    services.orders_advance(now=now)

    order.refresh_from_db()
    assert order.state == OrderState.RECEIVED


def test_it_is_idempotent(shop, now):
    OrderFactory(shop=shop, state=OrderState.SHIPPED, shipped_at=now - timedelta(days=60))
    first = services.orders_advance(now=now)
    events = OrderEvent.objects.count()

    second = services.orders_advance(now=now)

    assert first.received == 1
    assert (second.received, second.closed) == (0, 0)
    assert OrderEvent.objects.count() == events


def test_it_runs_a_constant_number_of_queries_whatever_the_number_of_orders(
    shop, now, django_assert_max_num_queries
):
    for _ in range(30):
        OrderFactory(shop=shop, state=OrderState.SHIPPED, shipped_at=now - timedelta(days=60))

    with django_assert_max_num_queries(12):
        result = services.orders_advance(now=now)

    assert result.received == 30


def test_it_skips_frozen_orders_and_counts_them(shop, now):
    from orders import freeze
    from orders.models import Order

    def freezer(order_ref):
        return Order.objects.filter(pk=order_ref, customer_name="FROZEN")

    freeze.register_freezer(freezer)
    try:
        frozen = OrderFactory(
            shop=shop,
            state=OrderState.SHIPPED,
            shipped_at=now - timedelta(days=60),
            customer_name="FROZEN",
        )
        free = OrderFactory(
            shop=shop, state=OrderState.SHIPPED, shipped_at=now - timedelta(days=60)
        )

        result = services.orders_advance(now=now)
    finally:
        freeze._freezers.remove(freezer)

    frozen.refresh_from_db()
    free.refresh_from_db()
    assert frozen.state == OrderState.SHIPPED
    assert free.state == OrderState.RECEIVED
    assert result.skipped_frozen == 1


def test_the_command_runs_the_job(shop, now, capsys):
    OrderFactory(shop=shop, state=OrderState.SHIPPED, shipped_at=now - timedelta(days=60))

    call_command("advance_orders")

    assert OrderEvent.objects.filter(kind=OrderEventKind.RECEIVED).count() == 1
