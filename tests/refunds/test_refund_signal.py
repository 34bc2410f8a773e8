"""order_fully_refunded fires when, and only when, a refund leaves nothing refundable."""

import pytest

from refunds.services import refund_is_full
from refunds.signals import order_fully_refunded
from tests.refunds.conftest import make_refund

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    calls = []

    def receiver(sender, order, refund, acting_user, **kwargs):
        calls.append((order.pk, refund.pk, acting_user))

    order_fully_refunded.connect(receiver)
    yield calls
    order_fully_refunded.disconnect(receiver)


def test_a_partial_refund_does_not_send_it(seller, shipped_order, received):
    created = make_refund(shipped_order, seller, amount="25.50")

    assert received == []
    assert created.order_fully_refunded is False
    assert refund_is_full(shipped_order) is False


def test_the_refund_that_empties_the_order_sends_it_once(seller, shipped_order, received):
    make_refund(shipped_order, seller, amount="25.50")

    created = make_refund(shipped_order, seller, shipping="4.95")

    assert received == [(shipped_order.pk, created.refund.pk, seller)]
    assert created.order_fully_refunded is True
    assert refund_is_full(shipped_order) is True


def test_a_replay_of_the_full_refund_does_not_send_it_again(seller, shipped_order, received):
    make_refund(
        shipped_order,
        seller,
        amount="25.50",
        shipping="4.95",
        idempotency_key="k",
        request_hash="h",
    )

    replay = make_refund(
        shipped_order,
        seller,
        amount="25.50",
        shipping="4.95",
        idempotency_key="k",
        request_hash="h",
    )

    assert len(received) == 1
    assert replay.replayed is True


def test_a_receiver_failure_rolls_the_refund_back(seller, shipped_order):
    from refunds.models import Refund

    def failing(**kwargs):
        raise RuntimeError("incidents could not be closed")

    order_fully_refunded.connect(failing)
    try:
        with pytest.raises(RuntimeError):
            make_refund(shipped_order, seller, amount="25.50", shipping="4.95")
    finally:
        order_fully_refunded.disconnect(failing)

    assert not Refund.objects.exists()
