"""The order cycle: every transition allowed from its states only, each with its event."""

import pytest

from orders import services
from orders.freeze import register_freezer
from orders.models import OrderEvent, OrderState
from sellerdesk.errors import DomainError, InvalidState
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

ALL_STATES = list(OrderState.values)


def _act(action, order, user):
    kwargs = {
        "refuse": {"reason": "Sin stock"},
        "cancel": {"reason": "El cliente lo pidió"},
        "ship": {"carrier": "Correos", "tracking_number": "PQ123ES"},
    }.get(action, {})
    return getattr(services, f"order_{action}")(order=order, acting_user=user, **kwargs)


ALLOWED = {
    "accept": {OrderState.WAITING_ACCEPTANCE: OrderState.SHIPPING},
    "refuse": {OrderState.WAITING_ACCEPTANCE: OrderState.REFUSED},
    "cancel": {
        OrderState.WAITING_ACCEPTANCE: OrderState.CANCELED,
        OrderState.SHIPPING: OrderState.CANCELED,
    },
    "ship": {OrderState.SHIPPING: OrderState.SHIPPED},
    "receive": {OrderState.SHIPPED: OrderState.RECEIVED},
}


@pytest.mark.parametrize(
    ("action", "from_state", "to_state"),
    [
        (action, source, target)
        for action, moves in ALLOWED.items()
        for source, target in moves.items()
    ],
)
def test_it_allows_the_transition_and_records_an_event(action, from_state, to_state, shop, seller):
    order = OrderFactory(shop=shop, state=from_state)

    _act(action, order, seller)

    order.refresh_from_db()
    assert order.state == to_state
    event = OrderEvent.objects.filter(order=order).latest("id")
    assert (event.from_state, event.to_state, event.actor) == (from_state, to_state, seller)


@pytest.mark.parametrize(
    ("action", "from_state"),
    [
        (action, state)
        for action, moves in ALLOWED.items()
        for state in ALL_STATES
        if state not in moves
    ],
)
def test_it_refuses_the_transition_from_other_states_and_writes_nothing(
    action, from_state, shop, seller
):
    order = OrderFactory(shop=shop, state=from_state)
    events_before = OrderEvent.objects.filter(order=order).count()

    with pytest.raises(InvalidState) as refused:
        _act(action, order, seller)

    assert refused.value.code == "invalid_transition"
    order.refresh_from_db()
    assert order.state == from_state
    assert OrderEvent.objects.filter(order=order).count() == events_before


def test_shipping_records_carrier_tracking_and_date(shop, seller):
    order = OrderFactory(shop=shop, state=OrderState.SHIPPING)

    services.order_ship(order=order, acting_user=seller, carrier="SEUR", tracking_number="SE-99")

    order.refresh_from_db()
    assert (order.carrier, order.tracking_number) == ("SEUR", "SE-99")
    assert order.shipped_at is not None


@pytest.mark.parametrize(("carrier", "tracking"), [("", "X1"), ("SEUR", "  ")])
def test_shipping_needs_carrier_and_tracking_number(carrier, tracking, shop, seller):
    order = OrderFactory(shop=shop, state=OrderState.SHIPPING)

    with pytest.raises(DomainError) as refused:
        services.order_ship(
            order=order, acting_user=seller, carrier=carrier, tracking_number=tracking
        )

    assert refused.value.code == "required"
    order.refresh_from_db()
    assert order.state == OrderState.SHIPPING


def test_refusing_needs_a_reason(shop, seller):
    order = OrderFactory(shop=shop)

    with pytest.raises(DomainError):
        services.order_refuse(order=order, acting_user=seller, reason=" ")

    order.refresh_from_db()
    assert order.state == OrderState.WAITING_ACCEPTANCE


@pytest.fixture
def freeze_orders_named_frozen():
    """A test freezer: orders whose customer is 'FROZEN' are frozen (as an open incident would)."""
    from orders import freeze
    from orders.models import Order

    def freezer(order_ref):
        return Order.objects.filter(pk=order_ref, customer_name="FROZEN")

    register_freezer(freezer)
    yield
    freeze._freezers.remove(freezer)


@pytest.mark.parametrize(
    ("action", "from_state"),
    [(action, source) for action, moves in ALLOWED.items() for source in moves],
)
def test_a_frozen_order_refuses_every_transition(
    action, from_state, shop, seller, freeze_orders_named_frozen
):
    order = OrderFactory(shop=shop, state=from_state, customer_name="FROZEN")

    with pytest.raises(InvalidState) as refused:
        _act(action, order, seller)

    assert refused.value.code == "order_frozen"
    order.refresh_from_db()
    assert order.state == from_state
