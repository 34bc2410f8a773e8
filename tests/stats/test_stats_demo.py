from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from orders.models import Order
from shops.models import Shop
from stats.selectors import daily_series, shop_quality

pytestmark = pytest.mark.django_db


def test_the_demo_gives_each_shop_90_days_of_shipped_orders():
    call_command("load_demo", stdout=StringIO())

    for code in ("norte", "sur"):
        shop = Shop.objects.get(code=code)
        stats = shop_quality(shop=shop, period="90d")
        series = daily_series(shop=shop, period=stats.period)
        oldest = Order.objects.filter(shop=shop).order_by("shipped_at").first().shipped_at
        assert (timezone.now() - oldest).days >= 90
        # Most weeks of the period have shipments: the chart has a shape, not two spikes.
        weeks = [sum(series.orders_shipped[i : i + 7]) for i in range(0, 84, 7)]
        assert sum(1 for week in weeks if week > 0) >= 10
        assert stats.previous.orders_shipped > 0
        # Answered messages, incidents and refunds all through the 90 days, not only this week.
        assert sum(series.answered_within[:60]) >= 10
        assert sum(series.answered_after) + sum(series.unanswered_after) >= 1
        assert sum(series.incidents_opened[:80]) >= 3
        assert sum(series.incidents_closed[:80]) >= 3
        assert sum(series.refunds_count[:80]) >= 3
        assert stats.current.reply_delay_median is not None
        assert stats.current.close_time_median is not None


def test_the_history_is_not_created_twice():
    call_command("load_demo", stdout=StringIO())
    count = Order.objects.count()

    call_command("load_demo", stdout=StringIO())

    assert Order.objects.count() == count
