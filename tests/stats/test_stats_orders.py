"""Orders shipped in a period: the denominator of the incident and refund rates."""

from datetime import timedelta

import pytest

from stats.selectors import daily_series, shop_quality, shops_quality
from tests.factories import OrderFactory, ShopFactory
from tests.stats.conftest import local, shipped_order

pytestmark = pytest.mark.django_db


def test_it_counts_orders_shipped_in_the_period_and_in_the_previous_one(shop, now):
    shipped_order(shop, local(15))
    shipped_order(shop, local(20, 9))
    shipped_order(shop, local(10))

    stats = shop_quality(shop=shop, period="7d", now=now)

    assert stats.current.orders_shipped == 2
    assert stats.previous.orders_shipped == 1


def test_an_order_shipped_exactly_at_the_start_counts_and_one_at_the_end_does_not(shop, now, week):
    shipped_order(shop, week.start)
    shipped_order(shop, week.end)
    shipped_order(shop, week.start - timedelta(microseconds=1))

    stats = shop_quality(shop=shop, period="7d", now=now)

    assert stats.current.orders_shipped == 1
    # The one a microsecond before the start belongs to the previous period.
    assert stats.previous.orders_shipped == 1


def test_an_order_not_shipped_does_not_count(shop, now):
    OrderFactory(shop=shop, created_at=local(15))

    assert shop_quality(shop=shop, period="7d", now=now).current.orders_shipped == 0


def test_another_shops_orders_never_count(shop, other_shop, now):
    shipped_order(other_shop, local(15))

    assert shop_quality(shop=shop, period="7d", now=now).current.orders_shipped == 0


def test_the_period_is_counted_in_the_shops_timezone(now):
    # 23:30 UTC on 13 March is 00:30 on the 14th in Madrid (in), but still the 13th in Lima.
    madrid = ShopFactory(code="madrid", timezone="Europe/Madrid")
    lima = ShopFactory(code="lima", timezone="America/Lima")
    moment = local(14, 0, 30)
    shipped_order(madrid, moment)
    shipped_order(lima, moment)

    by_code = {stats.shop.code: stats for stats in shops_quality(period="7d", now=now)}

    assert by_code["madrid"].current.orders_shipped == 1
    assert by_code["lima"].current.orders_shipped == 0
    assert by_code["lima"].previous.orders_shipped == 1


def test_the_overview_has_every_shop_even_without_orders(shop, other_shop, now):
    shipped_order(shop, local(15))

    by_code = {stats.shop.code: stats for stats in shops_quality(period="30d", now=now)}

    assert by_code["norte"].current.orders_shipped == 1
    assert by_code["sur"].current.orders_shipped == 0


def test_the_daily_series_counts_each_local_day(shop, now, week):
    shipped_order(shop, local(14, 0, 0))
    shipped_order(shop, local(14, 23, 59))
    shipped_order(shop, local(20, 8))
    shipped_order(shop, local(13, 23, 59))  # the day before the period

    series = daily_series(shop=shop, period=week)

    assert series.days == week.day_list()
    assert series.orders_shipped == [2, 0, 0, 0, 0, 0, 1]
