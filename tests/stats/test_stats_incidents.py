"""Incident rate, incidents open now and their age, median time to close."""

from datetime import timedelta

import pytest

from stats.selectors import daily_series, shop_quality
from tests.stats.conftest import incident, local, shipped_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(shop, other_shop):
    """5 orders shipped this week, 2 with incidents (one of them twice); 2 orders last week."""
    this_week = [shipped_order(shop, local(14, 10 + day)) for day in range(5)]
    last_week = [shipped_order(shop, local(8)) for _ in range(2)]
    incident(this_week[0], local(15, 10), closed_at=local(15, 14))  # closed after 4 h
    incident(this_week[0], local(16, 10), closed_at=local(17, 10))  # 24 h
    incident(this_week[1], local(17, 10), closed_at=local(19, 22))  # 60 h
    incident(last_week[0], local(9, 10), closed_at=local(9, 12))  # last week: 2 h
    incident(shipped_order(other_shop, local(15)), local(15, 10))  # another shop's
    return this_week, last_week


def test_the_incident_rate_counts_orders_not_incidents(shop, now, history):
    stats = shop_quality(shop=shop, period="7d", now=now)

    assert stats.current.incidents_opened == 3
    assert stats.current.orders_with_incident == 2
    assert stats.current.orders_shipped == 5
    assert stats.current.incident_rate == pytest.approx(2 / 5)


def test_the_median_time_to_close_is_over_incidents_closed_in_the_period(shop, now, history):
    stats = shop_quality(shop=shop, period="7d", now=now)

    assert stats.current.incidents_closed == 3
    assert stats.current.close_time_median == timedelta(hours=24)


def test_the_previous_period_is_beside_it(shop, now, history):
    stats = shop_quality(shop=shop, period="7d", now=now)

    assert stats.previous.orders_with_incident == 1
    assert stats.previous.incident_rate == pytest.approx(1 / 2)
    assert stats.previous.close_time_median == timedelta(hours=2)


def test_an_incident_opened_before_the_period_and_closed_in_it_counts_as_closed_only(shop, now):
    order = shipped_order(shop, local(5))
    incident(order, local(10, 12), closed_at=local(15, 12))

    stats = shop_quality(shop=shop, period="7d", now=now)

    assert stats.current.incidents_opened == 0
    assert stats.current.incidents_closed == 1
    assert stats.current.close_time_median == timedelta(days=5)
    assert stats.previous.incidents_opened == 1


def test_open_incidents_are_every_one_not_closed_with_their_median_age(shop, other_shop, now):
    order = shipped_order(shop, local(10))
    incident(order, now - timedelta(hours=10))
    incident(order, now - timedelta(hours=30), resolved_at=now - timedelta(hours=1))
    incident(order, now - timedelta(hours=90))
    incident(order, now - timedelta(hours=5), closed_at=now - timedelta(hours=1))
    incident(shipped_order(other_shop, local(10)), now - timedelta(hours=1))

    stats = shop_quality(shop=shop, period="7d", now=now)

    assert stats.incidents_open == 3
    assert stats.incidents_resolved == 1
    assert stats.incidents_open_median_age == timedelta(hours=30)


def test_an_incident_opened_exactly_at_the_start_counts_and_at_the_end_does_not(shop, now, week):
    order = shipped_order(shop, local(15))
    incident(order, week.start, closed_at=week.start + timedelta(hours=1))
    incident(order, week.end, closed_at=week.end + timedelta(hours=1))

    stats = shop_quality(shop=shop, period="7d", now=now)

    assert stats.current.incidents_opened == 1
    assert stats.current.incidents_closed == 1


def test_the_daily_series_has_incidents_opened_and_closed_per_day(shop, week, history):
    series = daily_series(shop=shop, period=week)

    assert series.incidents_opened == [0, 1, 1, 1, 0, 0, 0]
    assert series.incidents_closed == [0, 1, 0, 1, 0, 1, 0]
