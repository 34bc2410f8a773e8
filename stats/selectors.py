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
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Avg,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from incidents.models import Incident, IncidentState
from messaging.models import INCOMING_SIDES, DeadlineStatus, Message, Side, Thread
from messaging.selectors import AWAITING_REPLY, deadline_q
from orders.models import Order
from refunds.models import Refund
from sellerdesk.money import quantize
from sellerdesk.tenancy import ALL_SHOPS
from shops.models import Shop
from stats.aggregates import Median
from stats.periods import Period, period_bounds


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class PeriodNumbers:
    """The numbers of one period of one shop."""

    start: datetime
    end: datetime
    orders_shipped: int = 0
    # Waits for the shop that started in the period (see _awaiting_episodes): how they ended.
    messages_answered: int = 0
    reply_delay_average: timedelta | None = None
    reply_delay_median: timedelta | None = None
    answered_within_deadline: int = 0
    # Answered after the deadline, or still unanswered once it has passed.
    answered_after_deadline: int = 0
    # Incidents opened in the period, on how many orders; closed in it, and how fast.
    incidents_opened: int = 0
    orders_with_incident: int = 0
    incidents_closed: int = 0
    close_time_median: timedelta | None = None
    # Refunds that count (not REFUSED) created in the period.
    orders_refunded: int = 0
    refunds_count: int = 0
    refunded_amounts: dict[str, Decimal] = field(default_factory=dict)  # by currency

    @property
    def within_deadline_share(self) -> float | None:
        """Share of the waits answered within REPLY_DEADLINE_HOURS (None: nothing to judge)."""
        return _ratio(
            self.answered_within_deadline,
            self.answered_within_deadline + self.answered_after_deadline,
        )

    @property
    def incident_rate(self) -> float | None:
        """Orders with an incident opened in the period ÷ orders shipped in it."""
        return _ratio(self.orders_with_incident, self.orders_shipped)

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
    # Right now (no previous value): threads waiting for the shop, incidents not closed.
    threads_awaiting_reply: int = 0
    threads_overdue: int = 0
    incidents_open: int = 0  # not CLOSED: OPEN or RESOLVED (awaiting the operator)
    incidents_resolved: int = 0  # of which RESOLVED
    incidents_open_median_age: timedelta | None = None


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


# --- Messages: reply delay and the 48-hour deadline ---------------------------------------------


def _reply_deadline() -> timedelta:
    return timedelta(hours=settings.REPLY_DEADLINE_HOURS)


def _awaiting_episodes(tenant, now: datetime):
    """Customer/operator messages that started a wait for the shop, with the shop's reply.

    A wait ("episode") starts with the earliest unanswered incoming message: one whose previous
    message in the thread is the shop's (or that opens the thread). Its reply is the first shop
    message written after it, found by a correlated subquery on (thread, created_at) — the
    `Min(created_at)` of the thread's later shop messages, as ORDER BY ... LIMIT 1 on the index.
    Incoming messages written while the shop had not yet answered join the earlier wait.
    Helper expressions are aliases, not annotations, so they never enter a GROUP BY.
    """
    previous_author = (
        Message.objects.filter(thread=OuterRef("thread"))
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
        )
        .order_by("-created_at", "-pk")
        .values("author")[:1]
    )
    first_reply = (
        Message.objects.filter(
            thread=OuterRef("thread"),
            author=Side.SHOP,
            created_at__gt=OuterRef("created_at"),
            created_at__lte=now,
        )
        .order_by("created_at")
        .values("created_at")[:1]
    )
    return (
        Message.objects.for_shop(tenant)
        .filter(author__in=INCOMING_SIDES, created_at__lte=now)
        .alias(previous_author=Subquery(previous_author))
        .filter(Q(previous_author__isnull=True) | Q(previous_author=Side.SHOP))
        .alias(
            replied_at=Subquery(first_reply),
            reply_delay=ExpressionWrapper(
                F("replied_at") - F("created_at"), output_field=DurationField()
            ),
        )
    )


def _reply_outcomes(now: datetime) -> dict[str, Q]:
    """How a wait ended: answered within the deadline, after it, or not at all past it.

    A wait the shop closed with "no reply needed" (and no reply) is neither: it is left out.
    A wait younger than the deadline without a reply is still open: left out too.
    """
    deadline = _reply_deadline()
    answered = Q(replied_at__isnull=False)
    return {
        "answered": answered,
        "within": answered & Q(reply_delay__lte=deadline),
        "answered_late": answered & Q(reply_delay__gt=deadline),
        "unanswered_late": Q(replied_at__isnull=True, created_at__lte=now - deadline)
        & (
            Q(thread__no_reply_needed_at__isnull=True)
            | Q(thread__no_reply_needed_at__lt=F("created_at"))
        ),
    }


def _replies(scope: _Scope) -> dict[int, dict]:
    outcomes = _reply_outcomes(scope.now)
    aggregates = {}
    for prefix, previous in (("current", False), ("previous", True)):
        when = scope.within("created_at", previous=previous)
        aggregates.update(
            {
                f"{prefix}_answered": Count("pk", filter=when & outcomes["answered"]),
                f"{prefix}_delay_average": Avg("reply_delay", filter=when & outcomes["answered"]),
                f"{prefix}_delay_median": Median("reply_delay", filter=when & outcomes["answered"]),
                f"{prefix}_within": Count("pk", filter=when & outcomes["within"]),
                f"{prefix}_answered_late": Count("pk", filter=when & outcomes["answered_late"]),
                f"{prefix}_unanswered_late": Count("pk", filter=when & outcomes["unanswered_late"]),
            }
        )
    rows = (
        _awaiting_episodes(scope.tenant, scope.now)
        .filter(scope.span("created_at"))
        .values("shop_id")
        .order_by()
        .annotate(**aggregates)
    )
    return _by_shop(rows)


def _threads_now(scope: _Scope) -> dict[int, dict]:
    rows = (
        Thread.objects.for_shop(scope.tenant)
        .filter(deadline_q(AWAITING_REPLY, now=scope.now))
        .values("shop_id")
        .order_by()
        .annotate(
            awaiting=Count("pk"),
            overdue=Count("pk", filter=deadline_q(DeadlineStatus.OVERDUE, now=scope.now)),
        )
    )
    return _by_shop(rows)


# --- Incidents: rate, open now, time to close ---------------------------------------------------


def _incidents(scope: _Scope) -> dict[int, dict]:
    """Opened in the period (and on how many orders), closed in it and how long that took."""
    time_to_close = ExpressionWrapper(F("closed_at") - F("opened_at"), output_field=DurationField())
    aggregates = {}
    for prefix, previous in (("current", False), ("previous", True)):
        opened = scope.within("opened_at", previous=previous)
        closed = Q(state=IncidentState.CLOSED) & scope.within("closed_at", previous=previous)
        aggregates.update(
            {
                f"{prefix}_opened": Count("pk", filter=opened),
                f"{prefix}_orders": Count("order", distinct=True, filter=opened),
                f"{prefix}_closed": Count("pk", filter=closed),
                f"{prefix}_close_median": Median(time_to_close, filter=closed),
            }
        )
    rows = (
        Incident.objects.for_shop(scope.tenant)
        .filter(scope.span("opened_at") | scope.span("closed_at"))
        .values("shop_id")
        .order_by()
        .annotate(**aggregates)
    )
    return _by_shop(rows)


def _incidents_now(scope: _Scope) -> dict[int, dict]:
    age = ExpressionWrapper(
        Value(scope.now, output_field=DateTimeField()) - F("opened_at"),
        output_field=DurationField(),
    )
    rows = (
        Incident.objects.for_shop(scope.tenant)
        .exclude(state=IncidentState.CLOSED)
        .values("shop_id")
        .order_by()
        .annotate(
            open=Count("pk"),
            resolved=Count("pk", filter=Q(state=IncidentState.RESOLVED)),
            median_age=Median(age),
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
    replies = _replies(scope)
    threads = _threads_now(scope)
    incidents = _incidents(scope)
    incidents_now = _incidents_now(scope)
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
        replied = replies.get(shop.pk, {})
        incident = incidents.get(shop.pk, {})
        for prefix, numbers in (("current", current), ("previous", previous)):
            numbers.messages_answered = replied.get(f"{prefix}_answered", 0)
            numbers.reply_delay_average = replied.get(f"{prefix}_delay_average")
            numbers.reply_delay_median = replied.get(f"{prefix}_delay_median")
            numbers.answered_within_deadline = replied.get(f"{prefix}_within", 0)
            numbers.answered_after_deadline = replied.get(
                f"{prefix}_answered_late", 0
            ) + replied.get(f"{prefix}_unanswered_late", 0)
            numbers.incidents_opened = incident.get(f"{prefix}_opened", 0)
            numbers.orders_with_incident = incident.get(f"{prefix}_orders", 0)
            numbers.incidents_closed = incident.get(f"{prefix}_closed", 0)
            numbers.close_time_median = incident.get(f"{prefix}_close_median")
            numbers.orders_refunded = refunded.get(f"{prefix}_orders", 0)
            numbers.refunds_count = refunded.get(f"{prefix}_count", 0)
            numbers.refunded_amounts = refunded.get(f"{prefix}_amounts", {})
        waiting = threads.get(shop.pk, {})
        not_closed = incidents_now.get(shop.pk, {})
        results.append(
            QualityStats(
                shop=shop,
                period=period,
                current=current,
                previous=previous,
                now=scope.now,
                threads_awaiting_reply=waiting.get("awaiting", 0),
                threads_overdue=waiting.get("overdue", 0),
                incidents_open=not_closed.get("open", 0),
                incidents_resolved=not_closed.get("resolved", 0),
                incidents_open_median_age=not_closed.get("median_age"),
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
    # Waits for the shop by the day they started: answered within / after the deadline, or
    # unanswered past it.
    answered_within: list[int]
    answered_after: list[int]
    unanswered_after: list[int]
    incidents_opened: list[int]
    incidents_closed: list[int]
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


def _in(period: Period, field_name: str) -> Q:
    return Q(**{f"{field_name}__gte": period.start, f"{field_name}__lt": period.end})


def _column(rows: dict[date, dict], days: list[date], name: str) -> list[int]:
    return [rows.get(day, {}).get(name, 0) for day in days]


def daily_series(*, shop: Shop, period: Period) -> DailySeries:
    """The daily course of the period for the dashboard's charts (one query per chart)."""
    days = period.day_list()
    shipped = _per_day(
        Order.objects.for_shop(shop).filter(_in(period, "shipped_at")),
        "shipped_at",
        period.tz,
        count=Count("pk"),
    )
    outcomes = _reply_outcomes(period.now)
    replies = _per_day(
        _awaiting_episodes(shop, period.now).filter(_in(period, "created_at")),
        "created_at",
        period.tz,
        within=Count("pk", filter=outcomes["within"]),
        answered_late=Count("pk", filter=outcomes["answered_late"]),
        unanswered_late=Count("pk", filter=outcomes["unanswered_late"]),
    )
    incidents = Incident.objects.for_shop(shop)
    opened = _per_day(
        incidents.filter(_in(period, "opened_at")), "opened_at", period.tz, count=Count("pk")
    )
    closed = _per_day(
        incidents.filter(_in(period, "closed_at"), state=IncidentState.CLOSED),
        "closed_at",
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
        orders_shipped=_column(shipped, days, "count"),
        answered_within=_column(replies, days, "within"),
        answered_after=_column(replies, days, "answered_late"),
        unanswered_after=_column(replies, days, "unanswered_late"),
        incidents_opened=_column(opened, days, "count"),
        incidents_closed=_column(closed, days, "count"),
        refunds_count=[refunds_count[day] for day in days],
        refunded_amounts={
            currency: [by_day[day] for day in days]
            for currency, by_day in sorted(refunded_amounts.items())
        },
    )
