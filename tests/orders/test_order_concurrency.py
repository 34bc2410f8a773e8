"""Two people acting on one order at the same moment: the row lock lets exactly one win."""

import threading

import pytest
from django.db import connection

from orders import services
from orders.models import OrderEvent, OrderState
from sellerdesk.errors import InvalidState
from tests.factories import OrderFactory, SellerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _race(*actions):
    barrier = threading.Barrier(len(actions))
    outcomes = []

    def run(action):
        try:
            barrier.wait()
            action()
            outcomes.append("ok")
        except InvalidState as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_accept_and_cancel_at_the_same_moment_leave_one_consistent_state(shop):
    seller = SellerFactory(shop=shop)
    order = OrderFactory(shop=shop)

    outcomes = _race(
        lambda: services.order_accept(order=order, acting_user=seller),
        lambda: services.order_refuse(order=order, acting_user=seller, reason="Sin stock"),
    )

    assert outcomes == ["invalid_transition", "ok"]
    order.refresh_from_db()
    assert order.state in {OrderState.SHIPPING, OrderState.REFUSED}
    assert OrderEvent.objects.filter(order=order).exclude(kind="created").count() == 1


def test_two_ship_requests_at_once_ship_once(shop):
    seller = SellerFactory(shop=shop)
    order = OrderFactory(shop=shop, state=OrderState.SHIPPING)

    def ship():
        services.order_ship(order=order, acting_user=seller, carrier="SEUR", tracking_number="A1")

    outcomes = _race(ship, ship, ship, ship)

    assert outcomes == ["invalid_transition"] * 3 + ["ok"]
    assert OrderEvent.objects.filter(order=order, kind="shipped").count() == 1
