"""The 200-day window, counted in the shop's timezone: through the end of day 200, not day 201."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from refunds.calculations import check_order_refundable, refund_deadline
from sellerdesk.errors import DomainError
from tests.factories import OrderFactory, ShopFactory

pytestmark = pytest.mark.django_db

MADRID = ZoneInfo("Europe/Madrid")
AUCKLAND = ZoneInfo("Pacific/Auckland")


def _order(shop, shipped_at):
    order = OrderFactory.shipped(shop=shop)
    order.shipped_at = shipped_at
    return order


def _refused_code(order, now):
    try:
        check_order_refundable(order, now=now)
    except DomainError as error:
        return error.code
    return None


def test_the_deadline_is_200_days_after_the_shipping_day_in_the_shop_timezone(shop):
    # 00:30 in Madrid on 1 March is still 28 February in UTC.
    order = _order(shop, datetime(2026, 3, 1, 0, 30, tzinfo=MADRID))

    assert refund_deadline(order).isoformat() == "2026-09-17"


def test_the_last_minute_of_day_200_in_madrid_is_allowed(shop):
    order = _order(shop, datetime(2026, 3, 1, 0, 30, tzinfo=MADRID))

    assert _refused_code(order, datetime(2026, 9, 17, 23, 59, 59, tzinfo=MADRID)) is None


def test_day_201_in_madrid_is_refused(shop):
    order = _order(shop, datetime(2026, 3, 1, 0, 30, tzinfo=MADRID))

    assert _refused_code(order, datetime(2026, 9, 18, 0, 0, 1, tzinfo=MADRID)) == (
        "refund_window_expired"
    )


def test_a_shop_in_another_timezone_counts_its_own_days():
    shop = ShopFactory(code="kiwi", timezone="Pacific/Auckland")
    # 23:30 on 1 March in Auckland is the same morning in UTC and in Madrid.
    order = _order(shop, datetime(2026, 3, 1, 23, 30, tzinfo=AUCKLAND))

    last_minute = datetime(2026, 9, 17, 23, 59, tzinfo=AUCKLAND)
    # Just after midnight in Auckland: still 17 September in UTC and in Madrid.
    day_201 = datetime(2026, 9, 18, 0, 0, 30, tzinfo=AUCKLAND)

    assert refund_deadline(order).isoformat() == "2026-09-17"
    assert _refused_code(order, last_minute) is None
    assert day_201.astimezone(MADRID).date().isoformat() == "2026-09-17"
    assert _refused_code(order, day_201) == "refund_window_expired"


def test_the_window_follows_the_setting(shop, settings):
    settings.REFUND_WINDOW_DAYS = 30
    order = _order(shop, datetime(2026, 3, 1, 12, 0, tzinfo=MADRID))

    assert refund_deadline(order).isoformat() == "2026-03-31"
