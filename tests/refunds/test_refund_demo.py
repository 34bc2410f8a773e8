"""The demo data: refunds in every state, and orders at both ends of the refund window."""

import io

import pytest
from django.core.management import call_command

from orders.models import Order
from refunds.calculations import check_order_refundable
from refunds.models import Refund, RefundState
from sellerdesk.errors import DomainError

pytestmark = pytest.mark.django_db


def test_the_demo_has_refunds_in_every_state_and_both_window_orders_and_is_idempotent():
    call_command("load_demo", stdout=io.StringIO())
    counts = Refund.objects.count()
    call_command("load_demo", stdout=io.StringIO())

    from django.utils import timezone

    assert Refund.objects.count() == counts
    assert set(Refund.objects.values_list("state", flat=True)) == set(RefundState.values)
    near = Order.objects.get(reference="NORTE-W195")
    past = Order.objects.get(reference="NORTE-W210")
    check_order_refundable(near, now=timezone.now())
    with pytest.raises(DomainError):
        check_order_refundable(past, now=timezone.now())
