"""The seller's home: what needs the shop now, most urgent first, each entry opening its list."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.models import OrderState
from tests.factories import OrderFactory
from tests.stats.conftest import incident, refund, shipped_order
from tests.stats.test_stats_messages import _thread

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"


def _awaiting(shop, subject, *, due_in: timedelta):
    now = timezone.now()
    thread = _thread(
        shop,
        reply_needed_since=now + due_in - timedelta(hours=48),
        reply_due_at=now + due_in,
        last_incoming_at=now + due_in - timedelta(hours=48),
    )
    thread.subject = subject
    thread.save(update_fields=["subject"])
    return thread


@pytest.fixture
def busy_shop(shop, other_shop):
    now = timezone.now()
    _awaiting(shop, "Dónde está mi pedido", due_in=-timedelta(hours=3))
    _awaiting(shop, "Factura, por favor", due_in=timedelta(hours=5))
    _awaiting(shop, "Gracias", due_in=timedelta(hours=40))  # on time: not on the home
    newer = shipped_order(shop, now - timedelta(days=3), reference="NOR-2")
    older = shipped_order(shop, now - timedelta(days=4), reference="NOR-1")
    incident(newer, now - timedelta(hours=2))
    incident(older, now - timedelta(hours=30))
    refund(older, "5.00", now - timedelta(days=1), state="REFUSED").__class__.objects.filter(
        state="REFUSED"
    ).update(decided_at=now - timedelta(days=1), refuse_reason="Ya reembolsado en tienda")
    OrderFactory(shop=shop, reference="NOR-ACC", state=OrderState.WAITING_ACCEPTANCE)
    OrderFactory(shop=shop, reference="NOR-SHIP", state=OrderState.SHIPPING)
    # Another shop's work never shows.
    _awaiting(other_shop, "Otra tienda", due_in=-timedelta(hours=1))
    OrderFactory(shop=other_shop, reference="SUR-ACC", state=OrderState.WAITING_ACCEPTANCE)
    return shop


def _entries(html: str) -> list[str]:
    return re.findall(r'data-todo="([a-z_]+)"', html)


def _entry(html: str, key: str) -> str:
    return re.search(rf'data-todo="{key}"(.*?)</section>', html, re.S).group(1)


def test_the_home_lists_the_work_most_urgent_first(seller_client, busy_shop):
    html = seller_client.get("/").content.decode()

    assert _entries(html) == [
        "threads_overdue",
        "threads_due_soon",
        "incidents_waiting",
        "refunds_refused",
        "orders_to_accept",
        "orders_to_ship",
    ]
    assert "Dónde está mi pedido" in _entry(html, "threads_overdue")
    assert "Factura, por favor" in _entry(html, "threads_due_soon")
    assert "Gracias" not in html and "Otra tienda" not in html and "SUR-ACC" not in html
    assert "Ya reembolsado en tienda" in _entry(html, "refunds_refused")


def test_incidents_waiting_longest_come_first(seller_client, busy_shop):
    entry = _entry(seller_client.get("/").content.decode(), "incidents_waiting")

    assert entry.index("NOR-1") < entry.index("NOR-2")


def test_each_entry_links_to_a_list_of_exactly_its_rows(seller_client, busy_shop):
    html = seller_client.get("/").content.decode()
    markers = {
        "threads_overdue": "data-thread=",
        "threads_due_soon": "data-thread=",
        "incidents_waiting": 'data-testid="incident-row"',
        "refunds_refused": 'data-testid="refund-row"',
        "orders_to_accept": 'data-testid="order-row"',
        "orders_to_ship": 'data-testid="order-row"',
    }
    for key, marker in markers.items():
        entry = _entry(html, key)
        count = int(re.search(r'data-testid="todo-count">(\d+)<', entry).group(1))
        url = re.search(r'<h2[^>]*><a href="([^"]+)"', entry).group(1).replace("&amp;", "&")
        listed = seller_client.get(url).content.decode()
        assert listed.count(marker) == count >= 1, key
        assert 'data-testid="active-filters"' in listed, key


def test_a_shop_with_nothing_to_do_is_told_so(seller_client, shop):
    html = seller_client.get("/").content.decode()

    assert 'data-testid="nothing-to-do"' in html and _entries(html) == []


def test_the_home_costs_the_same_queries_for_a_busy_shop(seller_client, shop):
    seller_client.get("/")
    with CaptureQueriesContext(connection) as quiet:
        seller_client.get("/")
    for number in range(8):
        _awaiting(shop, f"Pregunta {number}", due_in=-timedelta(hours=number + 1))
        OrderFactory(shop=shop, state=OrderState.SHIPPING)
    with CaptureQueriesContext(connection) as busy:
        seller_client.get("/")

    # Entries past SHOWN rows count the rest, one query each: the overdue threads, the orders to
    # accept (the threads' orders) and the orders to ship. More rows cost nothing more.
    assert len(busy) == len(quiet) + 3
    for number in range(8):
        _awaiting(shop, f"Otra {number}", due_in=-timedelta(hours=number + 20))
        OrderFactory(shop=shop, state=OrderState.SHIPPING)
    with CaptureQueriesContext(connection) as busier:
        seller_client.get("/")
    assert len(busier) == len(busy)


def test_an_operator_is_sent_to_the_admin(operator_client):
    response = operator_client.get("/")

    assert response.status_code == 302 and response.url.startswith("/admin/")
