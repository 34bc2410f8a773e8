"""Smoke test of `manage.py seed_scale` at a few hundred rows: what it writes keeps every rule
the services keep, a second run changes nothing, and it never runs on the test database."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Sum

from bench.seed import Sizes, seed
from messaging.models import Message, ReplyWait, Thread
from messaging.waits import waits_replayed
from orders.models import Order, OrderLine
from refunds.models import RefundLine
from stats.rebuild import rollup_rows, rollup_stored
from stats.selectors import shop_quality
from tests.factories import ShopFactory

pytestmark = pytest.mark.django_db

SMALL = Sizes(
    shops=20, orders=300, threads=250, messages=700, incidents=30, refunds=40, big_orders=100
)


@pytest.fixture
def seeded():
    assert seed(SMALL, log=lambda line: None) is True
    return SMALL


def test_it_refuses_the_test_database():
    with pytest.raises(CommandError, match="test database"):
        call_command("seed_scale", "--shops", "3", "--orders", "10")


def test_it_refuses_a_database_with_shops_it_did_not_create():
    ShopFactory(code="norte")
    with pytest.raises(ValueError, match="did not create"):
        seed(SMALL, log=lambda line: None)


def test_it_writes_the_sizes_asked_with_one_big_shop(seeded):
    assert Order.objects.count() == SMALL.orders
    assert Thread.objects.count() == SMALL.threads
    assert Message.objects.count() == SMALL.messages
    assert Order.objects.filter(shop_id=1).count() == SMALL.big_orders
    biggest = Order.objects.values("shop_id").annotate(n=Count("pk")).order_by("-n").first()
    assert biggest["shop_id"] == 1


def test_totals_add_up_and_refunds_never_exceed_what_was_paid(seeded):
    sums = dict(
        OrderLine.objects.values("order_id")
        .annotate(s=Sum("total_amount"))
        .values_list("order_id", "s")
    )
    for order in Order.objects.all():
        assert order.items_amount == sums[order.pk]
        assert order.total_amount == order.items_amount + order.shipping_amount
    for line in RefundLine.objects.select_related("order_line", "refund"):
        assert Decimal("0") < line.amount <= line.order_line.total_amount
        assert line.refund.total_amount == line.amount
    assert not Order.objects.filter(shipped_at__lt=F("created_at")).exists()


def test_threads_awaiting_a_reply_are_exactly_the_open_waits(seeded):
    awaiting = Thread.objects.filter(reply_needed_since__isnull=False)
    assert awaiting.exists()
    open_waits = {
        wait.thread_id: wait.started_at for wait in ReplyWait.objects.filter(ended_at__isnull=True)
    }
    assert open_waits == dict(awaiting.values_list("pk", "reply_needed_since"))


def test_the_waits_are_the_ones_the_messages_give(seeded):
    for thread in Thread.objects.all():
        messages = list(
            Message.objects.filter(thread=thread)
            .order_by("created_at", "id")
            .values_list("author", "created_at", "received_at")
        )
        replayed = [
            (wait.started_at, wait.replied_at, wait.ended_at)
            for wait in waits_replayed(messages, thread.no_reply_needed_at)
        ]
        written = [
            (wait.started_at, wait.replied_at, wait.ended_at)
            for wait in ReplyWait.objects.filter(thread=thread).order_by("started_at")
        ]
        assert written == replayed


def test_the_per_day_statistics_match_the_rows_and_serve_the_big_shop(seeded):
    assert rollup_stored() == rollup_rows()
    stats = shop_quality(shop=Order.objects.get(pk=1).shop, period="90d")
    assert stats.current.orders_shipped > 0
    assert stats.current.incident_rate is None or stats.current.incident_rate <= 1


def test_a_second_run_with_the_same_sizes_changes_nothing(seeded):
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id), count(*) FROM messaging_message")
        before = cursor.fetchone()
    assert seed(SMALL, log=lambda line: None) is False
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id), count(*) FROM messaging_message")
        assert cursor.fetchone() == before
