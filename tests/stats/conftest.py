"""A fixed clock and helpers to build a shop's history at known times."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from orders.models import OrderState
from stats.periods import period_bounds
from tests.factories import OrderFactory

MADRID = ZoneInfo("Europe/Madrid")
# Thursday 20 March 2025, 12:00 UTC (13:00 in Madrid): the 7-day period is 14–20 March.
NOW = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def week():
    """The 7-day period at NOW in Madrid: [14 Mar 00:00, 21 Mar 00:00), previous from 7 Mar."""
    return period_bounds(period="7d", tz=MADRID, now=NOW)


def local(day: int, hour: int = 12, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=MADRID)


def at_time(when: datetime):
    """The services stamp `timezone.now()`: run them at a known past time."""
    return mock.patch("django.utils.timezone.now", return_value=when)


def rebuilt(shop):
    """Rows written straight into the tables (not through the services) reach the per-day
    statistics as `manage.py stats_rollup_rebuild` would bring them."""
    from stats.rebuild import rollup_rebuild

    rollup_rebuild([shop.pk])


def shipped_order(shop, shipped_at: datetime, **kwargs):
    kwargs.setdefault("created_at", shipped_at - timedelta(days=1))
    order = OrderFactory(
        shop=shop, state=OrderState.SHIPPED, accepted_at=shipped_at, shipped_at=shipped_at, **kwargs
    )
    rebuilt(shop)
    return order


def refund(order, total: str, created_at: datetime, *, state: str = "PENDING"):
    """A refund as the refunds app stores it, at a known time (the services stamp `now`)."""
    from refunds.models import Refund
    from refunds.reasons import reason_choices

    created = Refund.objects.create(
        order=order,
        shop=order.shop,
        state=state,
        reason=reason_choices()[0][0],
        currency=order.currency,
        total_amount=Decimal(total),
        created_at=created_at,
    )
    rebuilt(order.shop)
    return created


def incident(order, opened_at: datetime, *, closed_at=None, resolved_at=None):
    """An incident of the order as the incidents app stores it, at known times."""
    from incidents.models import Incident, IncidentOpenedBy, IncidentState

    if closed_at is not None:
        state, waiting_since = IncidentState.CLOSED, None
    elif resolved_at is not None:
        state, waiting_since = IncidentState.RESOLVED, None
    else:
        state, waiting_since = IncidentState.OPEN, opened_at
    created = Incident.objects.create(
        shop=order.shop,
        order=order,
        opened_by=IncidentOpenedBy.CUSTOMER,
        reason="damaged",
        description="Llegó roto.",
        state=state,
        opened_at=opened_at,
        waiting_since=waiting_since,
        resolved_at=resolved_at or (closed_at if closed_at else None),
        closed_at=closed_at,
    )
    rebuilt(order.shop)
    return created
