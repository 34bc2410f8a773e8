"""Issue 11's counterexample: incident and refund rates are over one cohort, never above 100 %.

The cohort is the orders shipped in the period; of those, the ones that had an incident (at any
time) and the ones with a refund that is not refused.
"""

from datetime import timedelta

import pytest

from stats.selectors import shop_quality
from tests.stats.conftest import incident, local, refund, shipped_order

pytestmark = pytest.mark.django_db


def test_incidents_on_orders_shipped_before_the_period_do_not_raise_its_rate(shop, now):
    """1 order shipped this week; 3 incidents opened this week on orders of last month: the
    old rule said 300 %."""
    shipped_order(shop, local(15))
    for day in (1, 2, 3):
        incident(shipped_order(shop, local(day)), local(16))

    stats = shop_quality(shop=shop, period="7d", now=now)

    assert stats.current.orders_shipped == 1
    assert stats.current.incidents_opened == 3
    assert stats.current.orders_with_incident == 0
    assert stats.current.incident_rate == 0


def test_an_order_shipped_in_the_period_counts_its_incident_even_opened_later(shop, now):
    order = shipped_order(shop, local(8))  # the previous week
    incident(order, local(17))  # opened this week

    stats = shop_quality(shop=shop, period="7d", now=now)

    assert stats.previous.orders_with_incident == 1
    assert stats.previous.incident_rate == 1
    assert stats.current.orders_with_incident == 0


def test_refunds_on_older_orders_do_not_raise_the_period_s_refund_rate(shop, now):
    shipped_order(shop, local(15))
    shipped_order(shop, local(16))
    for day in (2, 3, 4):
        refund(shipped_order(shop, local(day)), "5.00", local(17))

    stats = shop_quality(shop=shop, period="7d", now=now)

    assert stats.current.refunds_count == 3
    assert stats.current.orders_refunded == 0
    assert stats.current.refund_rate == 0


def test_a_refused_refund_leaves_the_cohort_and_another_refund_keeps_the_order_in(shop, now):
    refused_only = shipped_order(shop, local(15))
    refund(refused_only, "5.00", local(16), state="REFUSED")
    both = shipped_order(shop, local(15))
    refund(both, "5.00", local(16), state="REFUSED")
    refund(both, "2.00", local(17) - timedelta(hours=1))

    stats = shop_quality(shop=shop, period="7d", now=now)

    assert stats.current.orders_refunded == 1
    assert stats.current.refund_rate == pytest.approx(1 / 2)
