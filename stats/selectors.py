"""Quality statistics, read from the per-day counters the services keep (`stats.models.ShopDay`).

Counts, sums and the cohort rates add up `ShopDay` rows: a 90-day dashboard reads 180 days of
rows whatever the shop's size. What cannot be added up per day is read from narrow indexes of
the facts: the medians (answered waits, closed incidents) and what depends on the current time
(waits past due and unanswered are the threads awaiting a reply; incidents open now). Each
metric family is ONE query grouped by shop with the current and previous period side by side,
so a shop's dashboard and the operator's overview run the same constant number of queries.

A wait is a `messaging.models.ReplyWait`: the messaging services write one exactly where they
set and clear the thread's reply deadline, so the statistics follow the deadline's rule ("no
reply needed" ends a wait, a later incoming message starts a new one) and no other. The
incident and refund rates are over one cohort: the orders shipped in the period, and of those
how many had an incident, how many a refund that was not refused.

Periods are counted in each shop's timezone. For several shops (the operator's overview) the
rows are first narrowed to the widest range of all the shops' periods (an index range), and
each conditional aggregate then applies the exact bounds of the row's shop, per timezone.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from incidents.models import Incident, IncidentState
from messaging.models import DeadlineStatus, ReplyWait, Thread
from messaging.selectors import AWAITING_REPLY, deadline_q
from sellerdesk.money import quantize
from sellerdesk.tenancy import ALL_SHOPS
from shops.models import Shop
from stats.aggregates import Median
from stats.models import ShopDay
from stats.periods import Period, period_bounds


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class PeriodNumbers:
    """The numbers of one period of one shop."""

    start: datetime
    end: datetime
    orders_shipped: int = 0
    # Waits for the shop (ReplyWait) that started in the period: how they ended.
    messages_answered: int = 0
    reply_delay_average: timedelta | None = None
    reply_delay_median: timedelta | None = None
    answered_within_deadline: int = 0
    # Answered after the deadline, or still unanswered once it has passed.
    answered_after_deadline: int = 0
    # Incidents opened in the period; of the orders shipped in it, how many had an incident;
    # incidents closed in the period, and how fast.
    incidents_opened: int = 0
    orders_with_incident: int = 0
    incidents_closed: int = 0
    close_time_median: timedelta | None = None
    # Of the orders shipped in the period, how many had a refund that counts (not REFUSED);
    # refunds that count created in the period, and their amounts.
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
        """Of the orders shipped in the period, the share that had an incident (≤ 100 %)."""
        return _ratio(self.orders_with_incident, self.orders_shipped)

    @property
    def refund_rate(self) -> float | None:
        """Of the orders shipped in the period, the share with a refund that counts (None
        without shipments; never above 100 %)."""
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


def _days(scope: _Scope, *, previous: bool = False) -> Q:
    """`ShopDay` rows whose local day falls in their shop's current (or previous) period."""
    condition = Q(pk__in=[])
    for tz_name, period in scope.periods.items():
        if previous:
            bounds = Q(day__gte=period.previous_first_day, day__lt=period.first_day)
        else:
            bounds = Q(day__gte=period.first_day, day__lte=period.last_day)
        if not scope.single and len(scope.periods) > 1:
            bounds &= Q(shop__timezone=tz_name)
        condition |= bounds
    return condition


ROLLUP_SUMS = (
    "orders_shipped",
    "orders_with_incident",
    "orders_refunded",
    "waits_answered",
    "waits_answered_within",
    "reply_delay_microseconds",
    "incidents_opened",
    "incidents_closed",
    "refunds_count",
)


def _rollup(scope: _Scope) -> dict[int, dict]:
    """The period sums of the per-day counters: at most (2 × days × currencies) rows a shop."""
    first = min(period.previous_first_day for period in scope.periods.values())
    last = max(period.last_day for period in scope.periods.values())
    rows = ShopDay.objects.filter(day__gte=first, day__lte=last)
    if scope.single:
        rows = rows.filter(shop_id=scope.tenant.pk)
    aggregates = {}
    for prefix, previous in (("current", False), ("previous", True)):
        when = _days(scope, previous=previous)
        for name in (*ROLLUP_SUMS, "refunded_amount"):
            aggregates[f"{prefix}_{name}"] = Sum(name, filter=when)
    by_shop: dict[int, dict] = {}
    for row in rows.values("shop_id", "currency").order_by().annotate(**aggregates):
        totals = by_shop.setdefault(
            row["shop_id"],
            {
                **{
                    f"{prefix}_{name}": 0
                    for prefix in ("current", "previous")
                    for name in ROLLUP_SUMS
                },
                "current_amounts": {},
                "previous_amounts": {},
            },
        )
        for prefix in ("current", "previous"):
            for name in ROLLUP_SUMS:
                totals[f"{prefix}_{name}"] += row[f"{prefix}_{name}"] or 0
            if row["currency"] and row[f"{prefix}_refunds_count"]:
                totals[f"{prefix}_amounts"][row["currency"]] = quantize(
                    row[f"{prefix}_refunded_amount"] or 0
                )
    return by_shop


# --- Messages: reply delay and the 48-hour deadline ---------------------------------------------


def _reply_delay_medians(scope: _Scope) -> dict[int, dict]:
    """The median delay of the answered waits (`ReplyWait`) that started in each period.

    A median cannot be added up per day, so it reads the waits themselves: an index-only range
    of `reply_wait_shop_answered` (shop, started_at) with the reply time in the index.
    """
    delay = ExpressionWrapper(F("replied_at") - F("started_at"), output_field=DurationField())
    rows = (
        ReplyWait.objects.for_shop(scope.tenant)
        .answered()
        .filter(scope.span("started_at"))
        .values("shop_id")
        .order_by()
        .annotate(
            current=Median(delay, filter=scope.within("started_at")),
            previous=Median(delay, filter=scope.within("started_at", previous=True)),
        )
    )
    return _by_shop(rows)


def _unanswered_late(scope: _Scope) -> dict[int, dict]:
    """Waits still open past their due time, by the period they started in (a few rows: the
    open waits are the threads awaiting a reply)."""
    rows = (
        ReplyWait.objects.for_shop(scope.tenant)
        .unanswered_late(scope.now)
        .filter(scope.span("started_at"))
        .values("shop_id")
        .order_by()
        .annotate(
            # Counting an indexed column (not the id) keeps it an index-only scan.
            current=Count("started_at", filter=scope.within("started_at")),
            previous=Count("started_at", filter=scope.within("started_at", previous=True)),
        )
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
    """In one query (it used to be two, the dashboard's eleventh): the median time to close of
    the incidents closed in each period (their counts come from ShopDay), and the incidents not
    closed now: how many, how many resolved, their median age."""
    time_to_close = ExpressionWrapper(F("closed_at") - F("opened_at"), output_field=DurationField())
    age = ExpressionWrapper(
        Value(scope.now, output_field=DateTimeField()) - F("opened_at"),
        output_field=DurationField(),
    )
    closed = Q(state=IncidentState.CLOSED)
    rows = (
        Incident.objects.for_shop(scope.tenant)
        .filter((closed & scope.span("closed_at")) | ~closed)
        .values("shop_id")
        .order_by()
        .annotate(
            current=Median(time_to_close, filter=closed & scope.within("closed_at")),
            previous=Median(
                time_to_close, filter=closed & scope.within("closed_at", previous=True)
            ),
            open=Count("pk", filter=~closed),
            resolved=Count("pk", filter=Q(state=IncidentState.RESOLVED)),
            median_age=Median(age, filter=~closed),
        )
    )
    return _by_shop(rows)


def _compute(scope: _Scope) -> list[QualityStats]:
    rollup = _rollup(scope)
    medians = _reply_delay_medians(scope)
    late = _unanswered_late(scope)
    threads = _threads_now(scope)
    incidents = _incidents(scope)
    results = []
    for shop in scope.shops:
        period = scope.period_of(shop)
        current = PeriodNumbers(start=period.start, end=period.end)
        previous = PeriodNumbers(start=period.previous_start, end=period.previous_end)
        sums = rollup.get(shop.pk, {})
        for prefix, numbers in (("current", current), ("previous", previous)):
            answered = sums.get(f"{prefix}_waits_answered", 0)
            within = sums.get(f"{prefix}_waits_answered_within", 0)
            numbers.orders_shipped = sums.get(f"{prefix}_orders_shipped", 0)
            numbers.messages_answered = answered
            numbers.reply_delay_average = (
                timedelta(microseconds=sums[f"{prefix}_reply_delay_microseconds"] / answered)
                if answered
                else None
            )
            numbers.reply_delay_median = medians.get(shop.pk, {}).get(prefix)
            numbers.answered_within_deadline = within
            numbers.answered_after_deadline = (
                answered - within + late.get(shop.pk, {}).get(prefix, 0)
            )
            numbers.incidents_opened = sums.get(f"{prefix}_incidents_opened", 0)
            numbers.orders_with_incident = sums.get(f"{prefix}_orders_with_incident", 0)
            numbers.incidents_closed = sums.get(f"{prefix}_incidents_closed", 0)
            numbers.close_time_median = incidents.get(shop.pk, {}).get(prefix)
            numbers.orders_refunded = sums.get(f"{prefix}_orders_refunded", 0)
            numbers.refunds_count = sums.get(f"{prefix}_refunds_count", 0)
            numbers.refunded_amounts = sums.get(f"{prefix}_amounts", {})
        waiting = threads.get(shop.pk, {})
        not_closed = incidents.get(shop.pk, {})
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


def daily_series(*, shop: Shop, period: Period) -> DailySeries:
    """The daily course of the period for the dashboard's charts: the period's `ShopDay` rows,
    plus the waits still open past their due time (a few rows)."""
    days = period.day_list()
    by_day = {day: dict.fromkeys(ROLLUP_SUMS, 0) for day in days}
    refunded_amounts: dict[str, dict[date, Decimal]] = {}
    rows = ShopDay.objects.filter(shop=shop, day__gte=period.first_day, day__lte=period.last_day)
    for row in rows.values("day", "currency", "refunded_amount", *ROLLUP_SUMS):
        counters = by_day[row["day"]]
        for name in ROLLUP_SUMS:
            counters[name] += row[name]
        if row["currency"] and row["refunds_count"]:
            amounts = refunded_amounts.setdefault(
                row["currency"], dict.fromkeys(days, Decimal("0.00"))
            )
            amounts[row["day"]] = quantize(row["refunded_amount"])
    late = dict.fromkeys(days, 0)
    waiting = (
        ReplyWait.objects.for_shop(shop)
        .unanswered_late(period.now)
        .filter(started_at__gte=period.start, started_at__lt=period.end)
        .annotate(day=TruncDate("started_at", tzinfo=period.tz))
        .values("day")
        .order_by()
        .annotate(count=Count("started_at"))
    )
    for row in waiting:
        late[row["day"]] = row["count"]

    def column(name):
        return [by_day[day][name] for day in days]

    return DailySeries(
        days=days,
        orders_shipped=column("orders_shipped"),
        answered_within=column("waits_answered_within"),
        answered_after=[
            by_day[day]["waits_answered"] - by_day[day]["waits_answered_within"] for day in days
        ],
        unanswered_after=[late[day] for day in days],
        incidents_opened=column("incidents_opened"),
        incidents_closed=column("incidents_closed"),
        refunds_count=column("refunds_count"),
        refunded_amounts={
            currency: [amounts[day] for day in days]
            for currency, amounts in sorted(refunded_amounts.items())
        },
    )
