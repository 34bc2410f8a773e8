"""The order page's refund summary builds the balance from the refunds it lists: the same
balance as `load_refundable` (what the writes use under the lock), in two queries fewer."""

import pytest

from refunds.calculations import load_refundable
from refunds.selectors import order_refund_summary
from refunds.services import refund_refuse
from tests.refunds.conftest import make_refund

pytestmark = pytest.mark.django_db


def test_the_summary_balance_equals_the_locked_computation(shipped_order, seller, operator):
    make_refund(shipped_order, seller, lines=[("SKU-1", 1, None)], shipping="2.00")
    refused = make_refund(shipped_order, seller, amount="3.00").refund
    refund_refuse(refund=refused, acting_user=operator, reason="No")
    make_refund(shipped_order, seller, amount="1.25")

    summary = order_refund_summary(order=shipped_order)

    assert summary.balance == load_refundable(shipped_order)
    assert summary.balance.shipping_refunded == 2
    assert len(summary.refunds) == 3
