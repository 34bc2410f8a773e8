"""Refund rate and refunded amount: refunds that are not REFUSED, created in the period."""

from decimal import Decimal

import pytest

from stats.selectors import daily_series, shop_quality, shops_quality
from tests.stats.conftest import local, refund, shipped_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(shop, other_shop):
    """4 orders shipped this week, 2 the week before; refunds on some of them."""
    this_week = [shipped_order(shop, local(14 + day)) for day in range(4)]
    last_week = [shipped_order(shop, local(8 + day)) for day in range(2)]
    refund(this_week[0], "10.00", local(15))
    refund(this_week[0], "5.50", local(16), state="REFUNDED")  # same order: counted once
    refund(this_week[1], "7.25", local(17))
    refund(this_week[2], "99.00", local(18), state="REFUSED")  # refused: never counts
    refund(last_week[0], "20.00", local(9))
    other = shipped_order(other_shop, local(15))
    refund(other, "500.00", local(15))
    return this_week, last_week


def test_it_counts_refunded_orders_refunds_and_amount_without_refused_ones(shop, now, history):
    stats = shop_quality(shop=shop, period="7d", now=now)

    assert stats.current.orders_refunded == 2
    assert stats.current.refunds_count == 3
    assert stats.current.refunded_amounts == {"EUR": Decimal("22.75")}
    assert stats.current.refund_rate == pytest.approx(2 / 4)


def test_the_previous_period_is_beside_it(shop, now, history):
    stats = shop_quality(shop=shop, period="7d", now=now)

    assert stats.previous.orders_refunded == 1
    assert stats.previous.refunded_amounts == {"EUR": Decimal("20.00")}
    assert stats.previous.refund_rate == pytest.approx(1 / 2)


def test_a_refund_exactly_at_the_period_start_counts_and_at_the_end_does_not(shop, now, week):
    order = shipped_order(shop, local(15))
    refund(order, "1.00", week.start)
    refund(order, "2.00", week.end)

    stats = shop_quality(shop=shop, period="7d", now=now)

    assert stats.current.refunded_amounts == {"EUR": Decimal("1.00")}
    assert stats.previous.refunded_amounts == {}


def test_without_shipments_the_refund_rate_is_unknown_not_zero(shop, now):
    order = shipped_order(shop, local(1))
    refund(order, "3.00", local(15))

    stats = shop_quality(shop=shop, period="7d", now=now)

    assert stats.current.orders_shipped == 0
    assert stats.current.refund_rate is None


def test_amounts_in_different_currencies_are_kept_apart(shop, now):
    euros = shipped_order(shop, local(15))
    pounds = shipped_order(shop, local(15), currency="GBP")
    refund(euros, "4.00", local(16))
    refund(pounds, "6.00", local(16))

    stats = shop_quality(shop=shop, period="7d", now=now)

    assert stats.current.refunded_amounts == {"EUR": Decimal("4.00"), "GBP": Decimal("6.00")}
    assert stats.current.orders_refunded == 2


def test_the_overview_counts_each_shop_on_its_own(shop, other_shop, now, history):
    by_code = {stats.shop.code: stats for stats in shops_quality(period="7d", now=now)}

    assert by_code["norte"].current.refunded_amounts == {"EUR": Decimal("22.75")}
    assert by_code["sur"].current.refunded_amounts == {"EUR": Decimal("500.00")}


def test_the_daily_series_has_refunds_and_amounts_per_local_day(shop, now, week, history):
    series = daily_series(shop=shop, period=week)

    assert series.refunds_count == [0, 1, 1, 1, 0, 0, 0]
    assert series.refunded_amounts == {
        "EUR": [Decimal(x) for x in ("0.00", "10.00", "5.50", "7.25", "0.00", "0.00", "0.00")]
    }
