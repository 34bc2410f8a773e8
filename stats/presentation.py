"""What the dashboard and the overview show: tiles, formatted numbers and charts.

Pure functions from `QualityStats` / `DailySeries` to display values; no query here.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from messaging.filters import WAIT_ANSWERED, WAIT_JUDGED
from sellerdesk import formatting
from stats import charts
from stats.selectors import DailySeries, QualityStats

DASH = "—"


def hours(duration: timedelta | None) -> float | None:
    return None if duration is None else duration.total_seconds() / 3600


def format_hours(duration: timedelta | None) -> str:
    if duration is None:
        return DASH
    return _("%(hours)s h") % {"hours": formatting.format_number(hours(duration), 1)}


def format_rate(rate: float | None) -> str:
    if rate is None:
        return DASH
    return _("%(percent)s %%") % {"percent": formatting.format_number(rate * 100, 1)}


def format_count(value: int | None) -> str:
    return DASH if value is None else formatting.format_number(value)


def format_money(amounts: dict[str, Decimal]) -> str:
    if not amounts:
        return format_count(0)
    return " + ".join(
        formatting.format_money(amount, currency) for currency, amount in sorted(amounts.items())
    )


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: str
    url: str
    previous: str | None = None  # None: a number of "now", without a previous period
    trend: str = ""  # "up", "down", "flat" or "" (nothing to compare)
    # Whether the change is good news: True, False, or None (neutral, e.g. orders shipped).
    good: bool | None = None
    hint: str = ""

    @property
    def arrow(self) -> str:
        return {"up": "▲", "down": "▼", "flat": "▬"}.get(self.trend, "")

    @property
    def trend_label(self) -> str:
        return {
            "up": _("up from the previous period"),
            "down": _("down from the previous period"),
            "flat": _("same as the previous period"),
        }.get(self.trend, "")


def _trend(current, previous, *, lower_is_better: bool | None) -> tuple[str, bool | None]:
    if current is None or previous is None:
        return "", None
    current, previous = _sort_key(current), _sort_key(previous)
    if current == previous:
        return "flat", None
    trend = "up" if current > previous else "down"
    if lower_is_better is None:
        return trend, None
    return trend, (trend == "down") == lower_is_better


def _url(name: str, **query) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(query)}" if query else url


def _period_tile(key, label, stats, attribute, formatter, url, *, lower_is_better, hint=""):
    current = getattr(stats.current, attribute)
    previous = getattr(stats.previous, attribute)
    trend, good = _trend(current, previous, lower_is_better=lower_is_better)
    return Tile(
        key=key,
        label=label,
        value=formatter(current),
        previous=formatter(previous),
        trend=trend,
        good=good,
        url=url,
        hint=hint,
    )


def dashboard_tiles(stats: QualityStats) -> list[Tile]:
    period = stats.period
    shipped_filter = {
        "shipped_after": period.first_day.isoformat(),
        "shipped_before": period.last_day.isoformat(),
    }
    tiles = [
        _period_tile(
            "orders_shipped",
            _("Orders shipped"),
            stats,
            "orders_shipped",
            format_count,
            _url("order-list", **shipped_filter),
            lower_is_better=None,
        ),
    ]
    # The waits these tiles measure are those that started in the period: the delays measure
    # the answered ones, the share judges those answered or already late (ReplyWait's rules).
    waits_filter = {
        "wait_started_after": period.first_day.isoformat(),
        "wait_started_before": period.last_day.isoformat(),
    }
    answered_filter = {**waits_filter, "wait": WAIT_ANSWERED}
    judged_filter = {**waits_filter, "wait": WAIT_JUDGED}
    tiles += [
        _period_tile(
            "reply_delay_average",
            _("Average reply delay"),
            stats,
            "reply_delay_average",
            format_hours,
            _url("thread-list", **answered_filter),
            lower_is_better=True,
            hint=_("customer and operator messages"),
        ),
        _period_tile(
            "reply_delay_median",
            _("Median reply delay"),
            stats,
            "reply_delay_median",
            format_hours,
            _url("thread-list", **answered_filter),
            lower_is_better=True,
        ),
        _period_tile(
            "within_deadline_share",
            _("Answered within %(hours)d h") % {"hours": settings.REPLY_DEADLINE_HOURS},
            stats,
            "within_deadline_share",
            format_rate,
            _url("thread-list", **judged_filter),
            lower_is_better=False,
        ),
        Tile(
            key="threads_awaiting_reply",
            label=_("Awaiting your reply now"),
            value=format_count(stats.threads_awaiting_reply),
            url=_url("thread-list", deadline="awaiting_reply"),
        ),
        Tile(
            key="threads_overdue",
            label=_("Overdue now"),
            value=format_count(stats.threads_overdue),
            url=_url("thread-list", deadline="overdue"),
            good=False if stats.threads_overdue else None,
        ),
        _period_tile(
            "incident_rate",
            _("Incident rate"),
            stats,
            "incident_rate",
            format_rate,
            # The rate is over the orders shipped in the period: its list is those orders.
            _url("order-list", **shipped_filter, had_incident="true"),
            lower_is_better=True,
            hint=_("orders with an incident ÷ orders shipped"),
        ),
        Tile(
            key="incidents_open",
            label=_("Incidents open now"),
            value=format_count(stats.incidents_open),
            url=_url("incident-list", not_closed="true"),
            good=False if stats.incidents_open else None,
            hint=_("%(resolved)s resolved, awaiting the operator · median age %(age)s")
            % {
                "resolved": format_count(stats.incidents_resolved),
                "age": format_hours(stats.incidents_open_median_age),
            },
        ),
        _period_tile(
            "close_time_median",
            _("Median time to close an incident"),
            stats,
            "close_time_median",
            format_hours,
            _url(
                "incident-list",
                state="closed",
                closed_after=period.first_day.isoformat(),
                closed_before=period.last_day.isoformat(),
            ),
            lower_is_better=True,
        ),
    ]
    created_filter = {
        "created_after": period.first_day.isoformat(),
        "created_before": period.last_day.isoformat(),
        "not_refused": "true",
    }
    tiles += [
        _period_tile(
            "refund_rate",
            _("Refund rate"),
            stats,
            "refund_rate",
            format_rate,
            _url("order-list", **shipped_filter, refunded="true"),
            lower_is_better=True,
            hint=_("orders refunded ÷ orders shipped"),
        ),
        _period_tile(
            "refunded_amount",
            _("Refunded"),
            stats,
            "refunded_amounts",
            format_money,
            _url("refund-list", **created_filter),
            lower_is_better=True,
            hint=_("refused refunds do not count"),
        ),
    ]
    return tiles


def _money_format(currency: str):
    def display(value) -> str:
        if value is None:
            return DASH
        return formatting.format_money(value, currency)

    return display


def dashboard_charts(series: DailySeries) -> list:
    days = series.days
    rendered = [
        charts.bar_chart(
            chart_id="chart-orders-shipped",
            title=_("Orders shipped per day"),
            days=days,
            series=[charts.Series(_("Orders shipped"), series.orders_shipped)],
        ),
        charts.bar_chart(
            chart_id="chart-replies",
            title=_("Messages answered within and after %(hours)d h, by day received")
            % {"hours": settings.REPLY_DEADLINE_HOURS},
            days=days,
            series=[
                charts.Series(
                    _("Within %(hours)d h") % {"hours": settings.REPLY_DEADLINE_HOURS},
                    series.answered_within,
                ),
                charts.Series(
                    _("After %(hours)d h") % {"hours": settings.REPLY_DEADLINE_HOURS},
                    series.answered_after,
                ),
                charts.Series(
                    _("Not answered after %(hours)d h") % {"hours": settings.REPLY_DEADLINE_HOURS},
                    series.unanswered_after,
                ),
            ],
        ),
        charts.bar_chart(
            chart_id="chart-incidents",
            title=_("Incidents opened and closed per day"),
            days=days,
            stacked=False,
            series=[
                charts.Series(pgettext("incident", "Opened"), series.incidents_opened),
                charts.Series(pgettext("incident", "Closed"), series.incidents_closed),
            ],
        ),
        charts.bar_chart(
            chart_id="chart-refunds",
            title=_("Refunds per day"),
            days=days,
            series=[charts.Series(_("Refunds"), series.refunds_count)],
        ),
    ]
    for currency, amounts in series.refunded_amounts.items():
        rendered.append(
            charts.line_chart(
                chart_id=f"chart-refunded-{currency.lower()}",
                title=_("Refunded per day (%(currency)s)") % {"currency": currency},
                days=days,
                series=[charts.Series(_("Refunded"), amounts)],
                value_format=_money_format(currency),
                # The currency is in the title: the axis keeps short round numbers.
                tick_format=formatting.format_number,
            )
        )
    return rendered


# --- The operator's overview -------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A sortable column of the overview: its raw value (for sorting), display and alert."""

    key: str
    label: str
    value: object  # (QualityStats) -> raw value, None when there is nothing to measure
    display: object  # (raw value) -> str
    previous: object = None  # (QualityStats) -> raw value of the previous period
    # (raw value) -> True when the shop is past the operator's alert threshold
    alert: object = None


def overview_columns() -> list[Column]:
    return [
        Column(
            "orders_shipped",
            _("Orders shipped"),
            lambda stats: stats.current.orders_shipped,
            format_count,
            previous=lambda stats: stats.previous.orders_shipped,
        ),
        Column(
            "reply_delay_average",
            _("Average reply delay"),
            lambda stats: stats.current.reply_delay_average,
            format_hours,
            previous=lambda stats: stats.previous.reply_delay_average,
            alert=lambda value: value > timedelta(hours=settings.STATS_ALERT_REPLY_HOURS),
        ),
        Column(
            "reply_delay_median",
            _("Median reply delay"),
            lambda stats: stats.current.reply_delay_median,
            format_hours,
            previous=lambda stats: stats.previous.reply_delay_median,
        ),
        Column(
            "within_deadline_share",
            _("Answered within %(hours)d h") % {"hours": settings.REPLY_DEADLINE_HOURS},
            lambda stats: stats.current.within_deadline_share,
            format_rate,
            previous=lambda stats: stats.previous.within_deadline_share,
        ),
        Column(
            "threads_awaiting_reply",
            _("Awaiting a reply now"),
            lambda stats: stats.threads_awaiting_reply,
            format_count,
        ),
        Column(
            "threads_overdue",
            _("Overdue now"),
            lambda stats: stats.threads_overdue,
            format_count,
            alert=lambda value: value >= settings.STATS_ALERT_OVERDUE,
        ),
        Column(
            "incident_rate",
            _("Incident rate"),
            lambda stats: stats.current.incident_rate,
            format_rate,
            previous=lambda stats: stats.previous.incident_rate,
            alert=lambda value: value > settings.STATS_ALERT_INCIDENT_RATE,
        ),
        Column(
            "incidents_open",
            _("Incidents open now"),
            lambda stats: stats.incidents_open,
            format_count,
        ),
        Column(
            "incidents_open_median_age",
            _("Median age of open incidents"),
            lambda stats: stats.incidents_open_median_age,
            format_hours,
        ),
        Column(
            "close_time_median",
            _("Median time to close"),
            lambda stats: stats.current.close_time_median,
            format_hours,
            previous=lambda stats: stats.previous.close_time_median,
        ),
        Column(
            "refund_rate",
            _("Refund rate"),
            lambda stats: stats.current.refund_rate,
            format_rate,
            previous=lambda stats: stats.previous.refund_rate,
        ),
        Column(
            "refunded_amount",
            _("Refunded"),
            lambda stats: stats.current.refunded_amounts,
            format_money,
            previous=lambda stats: stats.previous.refunded_amounts,
        ),
    ]


@dataclass(frozen=True)
class OverviewCell:
    value: str
    previous: str | None
    alert: bool


@dataclass(frozen=True)
class OverviewRow:
    stats: QualityStats
    cells: list[OverviewCell]

    @property
    def alert(self) -> bool:
        return any(cell.alert for cell in self.cells)


def overview_rows(every_shop: list[QualityStats], *, ordering: str) -> list[OverviewRow]:
    """One row per shop, sorted on a column key ("-key": descending; empty values last)."""
    columns = overview_columns()
    by_key = {column.key: column for column in columns}
    descending = ordering.startswith("-")
    column = by_key.get(ordering.lstrip("-"))
    if column is None:
        ordered = sorted(every_shop, key=lambda stats: stats.shop.name.lower(), reverse=descending)
    else:
        measured = [stats for stats in every_shop if column.value(stats) is not None]
        unmeasured = [stats for stats in every_shop if column.value(stats) is None]
        ordered = sorted(measured, key=lambda stats: _sort_key(column.value(stats)))
        if descending:
            ordered.reverse()
        ordered += sorted(unmeasured, key=lambda stats: stats.shop.name.lower())
    rows = []
    for stats in ordered:
        cells = []
        for item in columns:
            raw = item.value(stats)
            cells.append(
                OverviewCell(
                    value=item.display(raw),
                    previous=item.display(item.previous(stats)) if item.previous else None,
                    alert=bool(item.alert and raw is not None and item.alert(raw)),
                )
            )
        rows.append(OverviewRow(stats=stats, cells=cells))
    return rows


def _sort_key(value):
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, dict):  # amounts per currency: the default currency's comes first
        return (value.get(settings.DEFAULT_CURRENCY, Decimal(0)), sum(value.values(), Decimal(0)))
    return value
