"""Quality statistics, computed in the database.

Every number is an aggregate (COUNT/SUM/AVG, a median, conditional aggregation with
`FILTER (WHERE ...)`); no Python loop goes over rows. Each metric family is ONE query grouped
by shop that returns the current period and the previous one side by side, so a shop's
dashboard and the operator's overview of every shop run the same constant number of queries.

Periods are counted in each shop's timezone. For several shops (the operator's overview) the
rows are first narrowed to the widest range of all the shops' periods (an index range), and
each conditional aggregate then applies the exact bounds of the row's shop, per timezone.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from orders.models import Order
from refunds.models import Refund
from sellerdesk.money import quantize
from sellerdesk.tenancy import ALL_SHOPS
from shops.models import Shop
from stats.periods import Period, period_bounds


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class PeriodNumbers:
    """The numbers of one period of one shop."""

    start: datetime
    end: datetime
    orders_shipped: int = 0
    # Refunds that count (not REFUSED) created in the period.
    orders_refunded: int = 0
    refunds_count: int = 0
    refunded_amounts: dict[str, Decimal] = field(default_factory=dict)  # by currency

    @property
    def refund_rate(self) -> float | None:
        """Orders with a refund ÷ orders shipped in the period (None without shipments)."""
        return _ratio(self.orders_refunded, self.orders_shipped)


@dataclass
class QualityStats:
    """A shop's quality statistics for a period, with the previous period beside it."""

    shop: Shop
    period: Period
    current: PeriodNumbers
    previous: PeriodNumbers
    now: datetime = field(default_factory=timezone.now)


class _Scope:
    """The shops to compute for, and each one's period (shops share it per timezone)."""

    def __init__(self, shops: list[Shop], period: str, now: datetime, *, single: bool):
        self.shops = shops
        self.single = single
        self.now = now
        self.periods: dict[str, Period] = {}
        for shop in shops:
            if shop.timezone not in self.periods:
                self.periods[shop.timezone] = period_bounds(period=period, tz=shop.tzinfo, now=now)
        self.tenant = shops[0] if single else ALL_SHOPS

    def period_of(self, shop: Shop) -> Period:
        return self.periods[shop.timezone]

    @property
    def earliest(self) -> datetime:
        return min(period.previous_start for period in self.periods.values())

    @property
    def latest(self) -> datetime:
        return max(period.end for period in self.periods.values())

    def within(self, field_name: str, *, previous: bool = False, shop_path: str = "shop") -> Q:
        """Rows whose `field_name` falls in their shop's current (or previous) period."""
        condition = Q(pk__in=[])
        for tz_name, period in self.periods.items():
            start, end = (
                (period.previous_start, period.previous_end)
                if previous
                else (period.start, period.end)
            )
            bounds = Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})
            if not self.single and len(self.periods) > 1:
                bounds &= Q(**{f"{shop_path}__timezone": tz_name})
            condition |= bounds
        return condition

    def span(self, field_name: str) -> Q:
        """Both periods of every shop at once: the index range the query reads."""
        return Q(**{f"{field_name}__gte": self.earliest, f"{field_name}__lt": self.latest})


def _by_shop(rows) -> dict[int, dict]:
    return {row.pop("shop_id"): row for row in rows}


def _orders_shipped(scope: _Scope) -> dict[int, dict]:
    rows = (
        Order.objects.for_shop(scope.tenant)
        .filter(scope.span("shipped_at"))
        .values("shop_id")
        .order_by()
        .annotate(
            current=Count("pk", filter=scope.within("shipped_at")),
            previous=Count("pk", filter=scope.within("shipped_at", previous=True)),
        )
    )
    return _by_shop(rows)


# --- Refunds: rate and amount ------------------------------------------------------------------


def _refunds(scope: _Scope) -> dict[int, dict]:
    """Refunds that count (not REFUSED) created in the period: orders, number, amount.

    Grouped by shop and currency (amounts of different currencies never add up); an order
    has one currency, so its shop's refunded orders are the sum over its currencies.
    """
    aggregates = {}
    for prefix, previous in (("current", False), ("previous", True)):
        when = scope.within("created_at", previous=previous)
        aggregates.update(
            {
                f"{prefix}_orders": Count("order", distinct=True, filter=when),
                f"{prefix}_count": Count("pk", filter=when),
                f"{prefix}_amount": Sum("total_amount", filter=when),
            }
        )
    rows = (
        Refund.objects.for_shop(scope.tenant)
        .counting()
        .filter(scope.span("created_at"))
        .values("shop_id", "currency")
        .order_by()
        .annotate(**aggregates)
    )
    by_shop: dict[int, dict] = {}
    for row in rows:  # one row per shop and currency
        totals = by_shop.setdefault(
            row["shop_id"],
            {
                "current_orders": 0,
                "current_count": 0,
                "previous_orders": 0,
                "previous_count": 0,
                "current_amounts": {},
                "previous_amounts": {},
            },
        )
        for prefix in ("current", "previous"):
            totals[f"{prefix}_orders"] += row[f"{prefix}_orders"]
            totals[f"{prefix}_count"] += row[f"{prefix}_count"]
            if row[f"{prefix}_amount"] is not None and row[f"{prefix}_count"]:
                totals[f"{prefix}_amounts"][row["currency"]] = quantize(row[f"{prefix}_amount"])
    return by_shop


def _compute(scope: _Scope) -> list[QualityStats]:
    orders = _orders_shipped(scope)
    refunds = _refunds(scope)
    results = []
    for shop in scope.shops:
        period = scope.period_of(shop)
        current = PeriodNumbers(start=period.start, end=period.end)
        previous = PeriodNumbers(start=period.previous_start, end=period.previous_end)
        shipped = orders.get(shop.pk, {})
        current.orders_shipped = shipped.get("current", 0)
        previous.orders_shipped = shipped.get("previous", 0)
        refunded = refunds.get(shop.pk, {})
        for prefix, numbers in (("current", current), ("previous", previous)):
            numbers.orders_refunded = refunded.get(f"{prefix}_orders", 0)
            numbers.refunds_count = refunded.get(f"{prefix}_count", 0)
            numbers.refunded_amounts = refunded.get(f"{prefix}_amounts", {})
        results.append(
            QualityStats(
                shop=shop, period=period, current=current, previous=previous, now=scope.now
            )
        )
    return results


def shop_quality(*, shop: Shop, period: str, now: datetime | None = None) -> QualityStats:
    """The quality statistics of one shop for a period ("7d", "30d", "90d")."""
    scope = _Scope([shop], period, now or timezone.now(), single=True)
    return _compute(scope)[0]


def shops_quality(*, period: str, now: datetime | None = None) -> list[QualityStats]:
    """Every shop's quality statistics (the operator's overview), one grouped query per metric."""
    shops = list(Shop.objects.order_by("name", "pk"))
    if not shops:
        return []
    return _compute(_Scope(shops, period, now or timezone.now(), single=False))


@dataclass
class DailySeries:
    """Per-day values of a shop's period, aligned on `days` (local dates)."""

    days: list[date]
    orders_shipped: list[int]
    refunds_count: list[int]
    # Refunded amounts per day in each currency that has refunds in the period.
    refunded_amounts: dict[str, list[Decimal]]


def _per_day(queryset, field_name: str, tz, **aggregates) -> dict[date, dict]:
    rows = (
        queryset.annotate(day=TruncDate(field_name, tzinfo=tz))
        .values("day")
        .order_by("day")
        .annotate(**aggregates)
    )
    return {row.pop("day"): row for row in rows}


def daily_series(*, shop: Shop, period: Period) -> DailySeries:
    """The daily course of the period for the dashboard's charts (one query per chart)."""
    days = period.day_list()
    in_period = {"gte": period.start, "lt": period.end}
    shipped = _per_day(
        Order.objects.for_shop(shop).filter(
            shipped_at__gte=in_period["gte"], shipped_at__lt=in_period["lt"]
        ),
        "shipped_at",
        period.tz,
        count=Count("pk"),
    )
    refund_rows = (
        Refund.objects.for_shop(shop)
        .counting()
        .filter(created_at__gte=period.start, created_at__lt=period.end)
        .annotate(day=TruncDate("created_at", tzinfo=period.tz))
        .values("day", "currency")
        .order_by("day")
        .annotate(count=Count("pk"), amount=Sum("total_amount"))
    )
    refunds_count = dict.fromkeys(days, 0)
    refunded_amounts: dict[str, dict[date, Decimal]] = {}
    for row in refund_rows:
        refunds_count[row["day"]] += row["count"]
        by_day = refunded_amounts.setdefault(row["currency"], dict.fromkeys(days, Decimal("0.00")))
        by_day[row["day"]] = quantize(row["amount"])
    return DailySeries(
        days=days,
        orders_shipped=[shipped.get(day, {}).get("count", 0) for day in days],
        refunds_count=[refunds_count[day] for day in days],
        refunded_amounts={
            currency: [by_day[day] for day in days]
            for currency, by_day in sorted(refunded_amounts.items())
        },
    )
