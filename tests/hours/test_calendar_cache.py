"""The shop's calendar through the cache: the same calendar as the three queries, none of them on
the next read, and a fresh one as soon as the shop's hours, closed days, region or timezone
change (the services and the admin's saves alike)."""

from datetime import date, time

import pytest

from hours import services
from hours.models import OpeningPeriod
from hours.selectors import shop_calendar, shop_calendar_cached

pytestmark = pytest.mark.django_db

WEEKDAYS_9_TO_18 = [(day, time(9), time(18)) for day in range(5)]


def _same(left, right) -> bool:
    fields = ("tz", "weekly", "closed_days", "country", "subdivision")
    return all(getattr(left, name) == getattr(right, name) for name in fields)


def test_a_cached_calendar_is_the_calendar_and_costs_no_query(shop, django_assert_num_queries):
    services.business_hours_set(shop=shop, periods=WEEKDAYS_9_TO_18, country="ES", subdivision="MD")
    first = shop_calendar_cached(shop=shop)
    with django_assert_num_queries(0):
        again = shop_calendar_cached(shop=shop)
    assert _same(again, shop_calendar(shop=shop))
    assert _same(first, again)
    assert again.holiday_name(date(2026, 12, 8)) is not None  # Inmaculada Concepción


def test_changes_of_the_hours_are_seen_at_once(shop):
    services.business_hours_set(shop=shop, periods=WEEKDAYS_9_TO_18, country="ES")
    assert shop_calendar_cached(shop=shop).weekly[0] == [(time(9), time(18))]

    services.business_hours_set(shop=shop, periods=[(0, time(10), time(14))], country="PT")
    calendar = shop_calendar_cached(shop=shop)
    assert calendar.weekly == {0: [(time(10), time(14))]}
    assert calendar.country == "PT"

    day = services.closed_day_add(shop=shop, day=date.today(), note="Inventario")
    assert date.today() in shop_calendar_cached(shop=shop).closed_days
    services.closed_day_remove(shop=shop, pk=day.pk)
    assert date.today() not in shop_calendar_cached(shop=shop).closed_days

    # A save outside the services (the admin, a fixture) drops it too.
    OpeningPeriod.objects.create(shop=shop, weekday=2, opens=time(16), closes=time(19))
    assert shop_calendar_cached(shop=shop).weekly[2] == [(time(16), time(19))]


def test_a_new_timezone_builds_it_again(shop):
    services.business_hours_set(shop=shop, periods=WEEKDAYS_9_TO_18, country="ES")
    assert str(shop_calendar_cached(shop=shop).tz) == shop.timezone

    shop.timezone = "America/New_York"
    shop.save(update_fields=["timezone"])
    assert str(shop_calendar_cached(shop=shop).tz) == "America/New_York"
