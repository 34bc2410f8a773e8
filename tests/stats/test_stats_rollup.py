"""The per-day counters the services keep equal the computation from the facts, on random data.

Random histories go through the real services (ship, messages, "no reply needed", incidents
opened and closed, refunds created and refused) at random times; then the maintained `ShopDay`
rows must equal a rebuild from scratch, the waits the services wrote must equal a replay of the
messages, and the statistics must equal a direct count over the rows.
"""

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from incidents.models import Incident, IncidentState
from incidents.reasons import close_reason_choices, open_reason_choices
from incidents.services import incident_close, incident_open
from messaging.models import Message, Reason, ReasonKind, ReplyWait, Side, Thread
from messaging.services import message_import, message_post, thread_mark_no_reply_needed
from messaging.waits import waits_replayed
from orders.models import Order, OrderState
from orders.services import order_ship
from refunds.calculations import RefundRequest
from refunds.models import Refund
from refunds.reasons import reason_choices
from refunds.services import refund_create, refund_refuse
from shops.models import Shop
from stats.periods import period_bounds
from stats.rebuild import rollup_rows, rollup_stored
from stats.selectors import daily_series, shop_quality
from tests.factories import OperatorFactory, OrderFactory, ShopFactory
from tests.stats.conftest import at_time

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)


def _history(shop: Shop, rng: random.Random, operator) -> None:
    reason, _created = Reason.objects.get_or_create(
        kind=ReasonKind.MESSAGE, code="rollup", defaults={"label_es": "x", "label_en": "x"}
    )
    events = []
    for _ in range(12):
        shipped_at = NOW - timedelta(hours=rng.uniform(24, 24 * 40))
        events.append((shipped_at, "ship", OrderFactory(shop=shop, state=OrderState.SHIPPING)))
    events.sort(key=lambda event: event[0])
    for at, _kind, order in events:
        with at_time(at):
            order_ship(order=order, acting_user=None, carrier="SEUR", tracking_number="1")
    orders = list(Order.objects.filter(shop=shop))
    for order in orders:
        later = order.shipped_at + timedelta(hours=rng.uniform(1, 200))
        if later >= NOW:
            continue
        roll = rng.random()
        if roll < 0.4:
            with at_time(later):
                incident = incident_open(
                    order=order,
                    opened_by="CUSTOMER",
                    reason=open_reason_choices()[0][0],
                    description="Roto",
                )
            if rng.random() < 0.5 and later + timedelta(hours=5) < NOW:
                with at_time(later + timedelta(hours=rng.uniform(1, 5))):
                    incident_close(
                        incident=incident,
                        acting_user=operator,
                        reason=close_reason_choices()[0][0],
                        message="Cerrado",
                    )
        if rng.random() < 0.5:
            with at_time(later):
                created = refund_create(
                    order=order,
                    reason=reason_choices()[0][0],
                    request=RefundRequest(amount=Decimal("1.00")),
                    acting_user=None,
                ).refund
            if rng.random() < 0.4:
                with at_time(later + timedelta(minutes=30)):
                    refund_refuse(refund=created, acting_user=operator, reason="No")
        # A conversation: incoming messages, replies and "no reply needed" in random order.
        thread = Thread.objects.create(
            shop=shop, order=order, reason=reason, subject="?", with_customer=True
        )
        at = order.shipped_at
        for _step in range(rng.randint(1, 6)):
            at += timedelta(hours=rng.uniform(0.5, 60))
            if at >= NOW:
                break
            with at_time(at):
                action = rng.random()
                thread.refresh_from_db()
                if action < 0.55:
                    message_import(thread=thread, author=Side.CUSTOMER, body="?", acting_user=None)
                elif action < 0.85:
                    message_post(
                        thread=thread,
                        body="!",
                        to_customer=True,
                        to_operator=False,
                        acting_user=None,
                    )
                elif thread.reply_needed_since is not None:
                    thread_mark_no_reply_needed(thread=thread, reason="ok", acting_user=None)


@pytest.fixture
def shops():
    """Two shops in different timezones with a random history each (seeded: reproducible)."""
    operator = OperatorFactory()
    made = []
    for seed, tz in ((11, "Pacific/Auckland"), (12, "America/New_York")):
        shop = ShopFactory(timezone=tz)
        _history(shop, random.Random(seed), operator)
        made.append(shop)
    return made


def test_the_maintained_rows_equal_a_rebuild_from_the_facts(shops):
    ids = [shop.pk for shop in shops]

    assert rollup_stored(ids) == rollup_rows(ids)
    assert sum(row["orders_shipped"] for row in rollup_stored(ids).values()) == 24


def test_the_waits_the_services_wrote_equal_a_replay_of_the_messages(shops):
    for thread in Thread.objects.filter(shop__in=shops):
        messages = list(
            Message.objects.filter(thread=thread)
            .order_by("created_at", "id")
            .values_list("author", "created_at", "received_at")
        )
        replayed = [
            (wait.started_at, wait.replied_at, wait.ended_at is None)
            for wait in waits_replayed(messages, thread.no_reply_needed_at)
        ]
        written = [
            (wait.started_at, wait.replied_at, wait.ended_at is None)
            for wait in ReplyWait.objects.filter(thread=thread).order_by("started_at")
        ]
        # Only the thread's last "no reply needed" is stored, so the replay can only be compared
        # where there was at most one.
        if thread.no_reply_needed_at is None or len(written) <= 1:
            assert written == replayed


def _direct(shop: Shop, period) -> dict:
    """The period's numbers counted straight from the rows, in Python."""

    def inside(at):
        return at is not None and period.start <= at < period.end

    shipped = [order for order in Order.objects.filter(shop=shop) if inside(order.shipped_at)]
    incident_orders = set(Incident.objects.filter(shop=shop).values_list("order_id", flat=True))
    refund_orders = set(
        Refund.objects.counting().filter(shop=shop).values_list("order_id", flat=True)
    )
    waits = [wait for wait in ReplyWait.objects.filter(shop=shop) if inside(wait.started_at)]
    answered = [wait for wait in waits if wait.replied_at is not None]
    refunds = [
        refund
        for refund in Refund.objects.counting().filter(shop=shop)
        if inside(refund.created_at)
    ]
    incidents = list(Incident.objects.filter(shop=shop))
    return {
        "orders_shipped": len(shipped),
        "orders_with_incident": sum(order.pk in incident_orders for order in shipped),
        "orders_refunded": sum(order.pk in refund_orders for order in shipped),
        "messages_answered": len(answered),
        "answered_within_deadline": sum(wait.replied_at <= wait.due_at for wait in answered),
        "answered_after_deadline": sum(wait.replied_at > wait.due_at for wait in answered)
        + sum(wait.ended_at is None and wait.due_at <= NOW for wait in waits),
        "reply_delay_total": sum(
            (wait.replied_at - wait.started_at for wait in answered), timedelta()
        ),
        "incidents_opened": sum(inside(incident.opened_at) for incident in incidents),
        "incidents_closed": sum(
            incident.state == IncidentState.CLOSED and inside(incident.closed_at)
            for incident in incidents
        ),
        "refunds_count": len(refunds),
        "refunded": sum((refund.total_amount for refund in refunds), Decimal("0.00")),
    }


@pytest.mark.parametrize("key", ["7d", "30d", "90d"])
def test_the_statistics_from_the_rollup_equal_a_direct_count(shops, key):
    for shop in shops:
        stats = shop_quality(shop=shop, period=key, now=NOW)
        for numbers, previous in ((stats.current, False), (stats.previous, True)):
            period = period_bounds(period=key, tz=shop.tzinfo, now=NOW)
            if previous:
                period = type(period)(
                    key=period.key,
                    days=period.days,
                    tz=period.tz,
                    first_day=period.previous_first_day,
                    start=period.previous_start,
                    end=period.start,
                    previous_start=period.previous_start,
                    now=NOW,
                )
            direct = _direct(shop, period)
            assert numbers.orders_shipped == direct["orders_shipped"]
            assert numbers.orders_with_incident == direct["orders_with_incident"]
            assert numbers.orders_refunded == direct["orders_refunded"]
            assert numbers.messages_answered == direct["messages_answered"]
            assert numbers.answered_within_deadline == direct["answered_within_deadline"]
            assert numbers.answered_after_deadline == direct["answered_after_deadline"]
            if direct["messages_answered"]:
                assert (
                    numbers.reply_delay_average
                    == direct["reply_delay_total"] / direct["messages_answered"]
                )
            assert numbers.incidents_opened == direct["incidents_opened"]
            assert numbers.incidents_closed == direct["incidents_closed"]
            assert numbers.refunds_count == direct["refunds_count"]
            assert sum(numbers.refunded_amounts.values(), Decimal("0.00")) == direct["refunded"]
            assert numbers.incident_rate is None or numbers.incident_rate <= 1
            assert numbers.refund_rate is None or numbers.refund_rate <= 1


def test_the_daily_series_adds_up_to_the_period(shops):
    for shop in shops:
        stats = shop_quality(shop=shop, period="30d", now=NOW)
        series = daily_series(shop=shop, period=stats.period)
        assert sum(series.orders_shipped) == stats.current.orders_shipped
        assert sum(series.answered_within) == stats.current.answered_within_deadline
        assert (
            sum(series.answered_after) + sum(series.unanswered_after)
            == stats.current.answered_after_deadline
        )
        assert sum(series.incidents_opened) == stats.current.incidents_opened
        assert sum(series.refunds_count) == stats.current.refunds_count
