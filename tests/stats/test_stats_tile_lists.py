"""Tiles and lists agree: every dashboard tile links to a list of exactly what it counts.

Random histories (a few seeds) of a shop outside Madrid (New York: its days are not the
server's), with orders shipped around the period's edges, incidents and refunds in every state,
and one wait per conversation that is answered, ended by "no reply needed", late or on time.
For each tile, the number the statistics count equals the rows of the list its link opens.
"""

import random
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from incidents.models import Incident, IncidentOpenedBy, IncidentState
from messaging.models import Side
from orders.models import OrderState
from refunds.models import Refund, RefundState
from refunds.reasons import reason_choices
from stats.periods import period_bounds
from stats.selectors import shop_quality
from tests.factories import OrderFactory, SellerFactory, ShopFactory
from tests.stats.conftest import rebuilt
from tests.stats.test_stats_messages import _message, _no_reply_needed, _thread

pytestmark = pytest.mark.django_db

# What each tile counts, and how its list marks a row.
ORDER_ROW = 'data-testid="order-row"'
THREAD_ROW = "data-thread="
INCIDENT_ROW = 'data-testid="incident-row"'
REFUND_ROW = 'data-testid="refund-row"'
COUNTED = {
    "orders_shipped": (lambda s: s.current.orders_shipped, ORDER_ROW),
    "reply_delay_average": (lambda s: s.current.messages_answered, THREAD_ROW),
    "reply_delay_median": (lambda s: s.current.messages_answered, THREAD_ROW),
    "within_deadline_share": (
        lambda s: s.current.answered_within_deadline + s.current.answered_after_deadline,
        THREAD_ROW,
    ),
    "threads_awaiting_reply": (lambda s: s.threads_awaiting_reply, THREAD_ROW),
    "threads_overdue": (lambda s: s.threads_overdue, THREAD_ROW),
    "incident_rate": (lambda s: s.current.orders_with_incident, ORDER_ROW),
    "incidents_open": (lambda s: s.incidents_open, INCIDENT_ROW),
    "close_time_median": (lambda s: s.current.incidents_closed, INCIDENT_ROW),
    "refund_rate": (lambda s: s.current.orders_refunded, ORDER_ROW),
    "refunded_amount": (lambda s: s.current.refunds_count, REFUND_ROW),
}


@pytest.fixture
def new_york_client(client):
    shop = ShopFactory(code="nueva-york", name="Libros de Nueva York", timezone="America/New_York")
    client.force_login(SellerFactory(username="nyc", shop=shop))
    client.cookies["django_language"] = "en"
    return client, shop


def _random_history(shop, rng: random.Random):
    """A history around the 7-day period: times on the half hour (never a local midnight, so a
    fact is on one side of a period's edge whatever the clock says)."""
    now = timezone.now()
    period = period_bounds(period="7d", tz=shop.tzinfo, now=now)
    hours = int((now - period.previous_start) / timedelta(hours=1)) + 48

    def moment(after=None):
        start = period.previous_start - timedelta(hours=48) if after is None else after
        latest = now - timedelta(hours=1)
        if start >= latest:
            return None
        return min(start + timedelta(hours=rng.randint(0, hours), minutes=30), latest)

    for _ in range(rng.randint(4, 12)):
        shipped_at = moment()
        order = OrderFactory(
            shop=shop,
            state=OrderState.SHIPPED,
            created_at=shipped_at - timedelta(days=1),
            accepted_at=shipped_at,
            shipped_at=shipped_at,
        )
        for _ in range(rng.choice([0, 0, 1, 2])):
            opened_at = moment(after=shipped_at) or shipped_at
            state = rng.choice(IncidentState.values)
            ended_at = moment(after=opened_at) or opened_at
            Incident.objects.create(
                shop=shop,
                order=order,
                opened_by=IncidentOpenedBy.CUSTOMER,
                reason="damaged",
                description="Llegó roto.",
                state=state,
                opened_at=opened_at,
                waiting_since=opened_at if state == IncidentState.OPEN else None,
                resolved_at=ended_at if state != IncidentState.OPEN else None,
                closed_at=ended_at if state == IncidentState.CLOSED else None,
            )
        for _ in range(rng.choice([0, 0, 1, 2])):
            Refund.objects.create(
                order=order,
                shop=shop,
                state=rng.choice(RefundState.values),
                reason=reason_choices()[0][0],
                currency=order.currency,
                total_amount=Decimal("1.50"),
                created_at=moment(after=shipped_at) or shipped_at,
            )
    for _ in range(rng.randint(4, 12)):
        thread = _thread(shop)
        asked_at = moment()
        _message(thread, rng.choice([Side.CUSTOMER, Side.OPERATOR]), asked_at)
        ended_at = asked_at + timedelta(hours=rng.choice([2, 30, 60, 100]))
        if ended_at >= now:
            continue  # still waiting: on time, or late if asked over 48 h ago
        outcome = rng.choice(["answered", "no_reply_needed", "waiting"])
        if outcome == "answered":
            _message(thread, Side.SHOP, ended_at)
        elif outcome == "no_reply_needed":
            _no_reply_needed(thread, ended_at)
    rebuilt(shop)


def _tile_urls(html: str) -> dict[str, str]:
    return {
        key: url.replace("&amp;", "&")
        for url, key in re.findall(r'<a class="tile[^"]*" href="([^"]*)" data-tile="(\w+)">', html)
    }


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_each_tile_counts_exactly_the_rows_of_the_list_it_opens(new_york_client, seed):
    client, shop = new_york_client
    _random_history(shop, random.Random(seed))

    urls = _tile_urls(client.get("/dashboard/?period=7d").content.decode())
    stats = shop_quality(shop=shop, period="7d")

    assert set(urls) >= set(COUNTED)
    disagreeing = {}
    for key, (counted, row_marker) in COUNTED.items():
        listed = client.get(urls[key])
        assert listed.status_code == 200, urls[key]
        rows = listed.content.decode().count(row_marker)
        if rows != counted(stats):
            disagreeing[key] = (counted(stats), rows, urls[key])
    assert disagreeing == {}


def test_the_inbox_s_overdue_filter_and_the_late_waits_follow_one_rule(new_york_client):
    """An unanswered wait past due is overdue in the inbox and late in the statistics; ended by
    "no reply needed" it is neither."""
    client, shop = new_york_client
    now = timezone.now()
    late = _thread(shop)
    _message(late, Side.CUSTOMER, now - timedelta(hours=50))
    excused = _thread(shop)
    _message(excused, Side.CUSTOMER, now - timedelta(hours=50))
    _no_reply_needed(excused, now - timedelta(hours=1))
    rebuilt(shop)

    overdue = client.get("/messages/?deadline=overdue").content.decode()
    stats = shop_quality(shop=shop, period="7d")

    assert f'data-thread="{late.pk}"' in overdue
    assert f'data-thread="{excused.pk}"' not in overdue
    assert stats.threads_overdue == 1
    assert stats.current.answered_after_deadline == 1  # the late one, counted before a reply


@pytest.mark.parametrize(
    ("language", "chips"),
    [
        ("en", ["Had an incident:</span> <strong>yes", "Those waits:</span> <strong>Answered"]),
        (
            "es",
            ["Tuvo una incidencia:</span> <strong>sí", "Esas esperas:</span> <strong>Respondidas"],
        ),
    ],
)
def test_the_lists_a_tile_opens_say_their_filters(new_york_client, language, chips):
    client, _shop = new_york_client
    client.cookies["django_language"] = language

    orders = client.get("/orders/?had_incident=true").content.decode()
    threads = client.get(
        "/messages/?wait_started_after=2026-01-01&wait_started_before=2026-01-07&wait=answered"
    ).content.decode()

    assert chips[0] in orders
    assert chips[1] in threads
