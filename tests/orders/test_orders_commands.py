"""Order commands and tasks: advance_orders (command and Celery task) and load_demo."""

from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone, translation

from orders.models import Order, OrderState
from orders.tasks import advance_orders
from shops.models import Shop, User
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    stdout = StringIO()
    with translation.override("en"):
        call_command(*args, stdout=stdout)
    return stdout.getvalue()


@pytest.fixture
def due_orders(shop, settings):
    """One SHIPPED order due for auto receipt and one RECEIVED order due for closing."""
    settings.AUTO_RECEIVE_DAYS, settings.AUTO_CLOSE_DAYS = 15, 30
    now = timezone.now()
    shipped = OrderFactory(shop=shop, state=OrderState.SHIPPED, shipped_at=now - timedelta(days=16))
    received = OrderFactory(
        shop=shop,
        state=OrderState.RECEIVED,
        shipped_at=now - timedelta(days=40),
        received_at=now - timedelta(days=31),
    )
    return shipped, received


def test_advance_orders_moves_due_orders_and_prints_the_counts(due_orders):
    output = run("advance_orders")

    shipped, received = due_orders
    shipped.refresh_from_db()
    received.refresh_from_db()
    assert (shipped.state, received.state) == (OrderState.RECEIVED, OrderState.CLOSED)
    assert output.splitlines() == [
        "Received automatically: 1",
        "Closed automatically: 1",
        "Skipped because frozen: 0",
    ]


def test_advance_orders_again_finds_nothing_to_do(due_orders):
    run("advance_orders")

    output = run("advance_orders")

    assert "Received automatically: 0" in output
    assert "Closed automatically: 0" in output


def test_the_beat_task_runs_the_job_and_returns_the_counts(due_orders):
    assert advance_orders.name == "orders.tasks.advance_orders"

    assert advance_orders() == {"received": 1, "closed": 1, "skipped_frozen": 0}


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_load_demo_gives_both_shops_orders_in_every_state():
    output = run("load_demo")

    for code in ("norte", "sur"):
        shop = Shop.objects.get(code=code)
        states = set(Order.objects.filter(shop=shop).values_list("state", flat=True))
        assert states == set(OrderState.values), code
        assert all(order.lines.exists() for order in Order.objects.filter(shop=shop))
    for username in ("norte", "sur", "operador"):
        assert User.objects.get(username=username).check_password("demo1234")
        assert f"{username} / demo1234" in output
    assert User.objects.get(username="operador").is_staff


def test_load_demo_gives_shipped_orders_a_carrier_and_tracking_number():
    run("load_demo")

    shipped = Order.objects.filter(
        state__in=[OrderState.SHIPPED, OrderState.RECEIVED, OrderState.CLOSED]
    )
    assert shipped.exists()
    assert not shipped.filter(carrier="").exists()
    assert not shipped.filter(tracking_number="").exists()


def test_load_demo_twice_creates_nothing_new():
    run("load_demo")
    before = row_counts()

    run("load_demo")

    assert row_counts() == before


def test_the_demo_survives_the_order_cycle_job():
    """`make run` starts the job right after loading: every state must still be on screen."""
    run("load_demo")

    run("advance_orders")

    for code in ("norte", "sur"):
        states = set(Order.objects.filter(shop__code=code).values_list("state", flat=True))
        assert states == set(OrderState.values), code
