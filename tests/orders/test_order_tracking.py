"""order_tracking_set: carrier and tracking number before (or after) the shipment, no state change."""

import pytest

from incidents.models import Incident
from orders import services
from orders.models import OrderEvent, OrderEventKind, OrderState
from sellerdesk.errors import DomainError, InvalidState
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_it_records_tracking_of_an_order_to_ship_without_shipping_it(shop, seller):
    order = OrderFactory(shop=shop, state=OrderState.SHIPPING)

    services.order_tracking_set(
        order=order, acting_user=seller, carrier="Correos", tracking_number="PQ1"
    )

    order.refresh_from_db()
    assert (order.state, order.carrier, order.tracking_number) == (
        OrderState.SHIPPING,
        "Correos",
        "PQ1",
    )
    event = OrderEvent.objects.filter(order=order).latest("id")
    assert (event.kind, event.actor, event.actor_side, event.params) == (
        OrderEventKind.TRACKING_UPDATED,
        seller,
        "shop",
        {"carrier": "Correos", "tracking_number": "PQ1"},
    )


def test_shipping_then_uses_the_recorded_tracking(shop, seller):
    order = OrderFactory(shop=shop, state=OrderState.SHIPPING)
    services.order_tracking_set(
        order=order, acting_user=seller, carrier="SEUR", tracking_number="S1"
    )

    services.order_ship(order=order, acting_user=seller, carrier="SEUR", tracking_number="S1")

    order.refresh_from_db()
    assert order.state == OrderState.SHIPPED and order.shipped_at is not None


def test_the_same_tracking_again_writes_nothing(shop, seller):
    order = OrderFactory(shop=shop, state=OrderState.SHIPPING)
    services.order_tracking_set(
        order=order, acting_user=seller, carrier="SEUR", tracking_number="S1"
    )
    events = OrderEvent.objects.filter(order=order).count()

    services.order_tracking_set(
        order=order, acting_user=seller, carrier="SEUR", tracking_number="S1"
    )

    assert OrderEvent.objects.filter(order=order).count() == events


def test_a_shipped_order_may_correct_its_tracking(shop, seller):
    order = OrderFactory.shipped(shop=shop)

    services.order_tracking_set(
        order=order, acting_user=seller, carrier="GLS", tracking_number="G2"
    )

    order.refresh_from_db()
    assert (order.state, order.tracking_number) == (OrderState.SHIPPED, "G2")


@pytest.mark.parametrize(
    "state",
    [OrderState.WAITING_ACCEPTANCE, OrderState.RECEIVED, OrderState.CANCELED, OrderState.REFUSED],
)
def test_it_refuses_tracking_in_other_states(shop, seller, state):
    order = OrderFactory(shop=shop, state=state)

    with pytest.raises(InvalidState) as error:
        services.order_tracking_set(
            order=order, acting_user=seller, carrier="SEUR", tracking_number="1"
        )

    assert error.value.code == "invalid_transition"
    order.refresh_from_db()
    assert order.carrier == ""


@pytest.mark.parametrize(("carrier", "tracking"), [("", "1"), ("SEUR", " ")])
def test_it_requires_carrier_and_tracking_number(shop, seller, carrier, tracking):
    order = OrderFactory(shop=shop, state=OrderState.SHIPPING)

    with pytest.raises(DomainError) as error:
        services.order_tracking_set(
            order=order, acting_user=seller, carrier=carrier, tracking_number=tracking
        )

    assert error.value.code == "required"


def test_a_frozen_order_still_gets_its_tracking(shop, seller, operator):
    from incidents.services import incident_open
    from messaging.reasons import reasons_seed_defaults

    reasons_seed_defaults()
    order = OrderFactory.shipped(shop=shop)
    incident_open(
        order=order,
        opened_by="CUSTOMER",
        reason="item_damaged",
        description="Rota.",
        acting_user=operator,
    )
    assert Incident.objects.filter(order=order).exists()

    services.order_tracking_set(
        order=order, acting_user=seller, carrier="MRW", tracking_number="M3"
    )

    order.refresh_from_db()
    assert order.tracking_number == "M3"
