from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from messaging.reasons import reasons_seed_defaults
from refunds.calculations import LineRequest, RefundRequest
from refunds.services import refund_create
from tests.factories import OrderFactory


@pytest.fixture(autouse=True)
def reasons(db):
    """The operator's reason list (a transactional test elsewhere may have flushed the seeded
    rows): incidents and refunds read their reasons from it."""
    reasons_seed_defaults()


@pytest.fixture
def shipped_order(shop):
    """Shipped yesterday: SKU-1 2 × 10.00, SKU-2 1 × 5.50, shipping 4.95 (30.45 in all)."""
    return OrderFactory.shipped(shop=shop, reference="NOR-5001", days_ago=1)


@pytest.fixture
def other_shipped_order(other_shop):
    return OrderFactory.shipped(shop=other_shop, reference="SUR-5001", days_ago=1)


def lines_of(order):
    """{sku: line} of an order."""
    return {line.sku: line for line in order.lines.all()}


def make_refund(order, user, *, reason="goodwill", lines=(), amount=None, shipping=None, **kwargs):
    """Create a refund through the service; lines as (sku, quantity, amount) tuples."""
    by_sku = lines_of(order)
    request = RefundRequest(
        lines=[
            LineRequest(
                line_id=by_sku[sku].pk,
                quantity=quantity,
                amount=Decimal(line_amount) if line_amount is not None else None,
            )
            for sku, quantity, line_amount in lines
        ],
        amount=Decimal(amount) if amount is not None else None,
        shipping_amount=Decimal(shipping) if shipping is not None else None,
    )
    return refund_create(order=order, reason=reason, request=request, acting_user=user, **kwargs)


def shipped_on_local_day(shop, days_before_today: int) -> datetime:
    """Noon, shop time, `days_before_today` days before today in the shop's timezone."""
    tz = shop.tzinfo
    today = timezone.now().astimezone(tz).date()
    return datetime.combine(today - timedelta(days=days_before_today), time(12, 0), tzinfo=tz)
