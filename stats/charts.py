"""Server-side SVG charts: no JavaScript library, no CDN, readable without any outside network.

Pure functions from numbers to markup. Each chart is a `<figure>` holding an `<svg role="img">`
with a `<title>` and `aria-label`, axes with ticks, a legend, a tooltip (`<title>`) on every
bar or point, and the same numbers as a table in a `<details>` below it, for screen readers,
for copying and for anyone who prefers numbers to shapes. Every text is escaped here; labels
come in already translated (gettext) from the caller.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from sellerdesk.formatting import format_date, format_day_month, format_number

WIDTH, HEIGHT = 720, 260
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56, 16, 36, 34
MAX_X_LABELS = 8
# Colour-blind-safe palette (Okabe–Ito), one colour per series in order.
PALETTE = ("#0072B2", "#E69F00", "#D55E00", "#009E73", "#CC79A7", "#56B4E9")

Number = int | float | Decimal


@dataclass(frozen=True)
class Series:
    """One named row of values, one per day (None: no value that day, a gap in a line)."""

    label: str
    values: Sequence[Number | None]


def _default_format(value: Number | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return format_number(value)
    return format_number(value, 2)


def nice_ticks(maximum: float, *, count: int = 5, integer: bool = False) -> list[float]:
    """Round tick values from 0 to at least `maximum` (steps of 1, 2 or 5 × 10ⁿ)."""
    if maximum <= 0 or not math.isfinite(maximum):
        return [0, 1]
    raw_step = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw_step)
    if integer:
        step = max(1, round(step))
    ticks, value = [], 0.0
    while True:
        ticks.append(round(value, 10))
        if value >= maximum:
            break
        value += step
    return [int(tick) for tick in ticks] if integer else ticks


class _Frame:
    """The plot area and the scales from (day index, value) to SVG coordinates."""

    def __init__(self, days: int, ticks: list[float]):
        self.days = days
        self.top = ticks[-1] or 1
        self.left, self.right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
        self.upper, self.lower = MARGIN_TOP, HEIGHT - MARGIN_BOTTOM
        self.band = (self.right - self.left) / max(days, 1)

    def x(self, index: float) -> float:
        """Centre of a day's band."""
        return self.left + self.band * (index + 0.5)

    def y(self, value: float) -> float:
        return self.lower - (self.lower - self.upper) * (float(value) / self.top)


def _f(number: float) -> str:
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _day_label(day: date) -> str:
    return format_day_month(day)


def _axes(frame: _Frame, ticks: list[float], days: Sequence[date], tick_format) -> list[str]:
    parts = ['<g class="chart-axes" font-size="11" fill="#667085">']
    for tick in ticks:
        y = _f(frame.y(tick))
        parts.append(
            f'<line x1="{frame.left}" x2="{frame.right}" y1="{y}" y2="{y}" '
            f'stroke="#e3e6ec" stroke-width="1"/>'
            f'<text x="{frame.left - 6}" y="{y}" text-anchor="end" dominant-baseline="middle">'
            f"{escape(tick_format(tick))}</text>"
        )
    parts.append(
        f'<line x1="{frame.left}" x2="{frame.left}" y1="{frame.upper}" y2="{frame.lower}" '
        f'stroke="#98a2b3"/>'
        f'<line x1="{frame.left}" x2="{frame.right}" y1="{frame.lower}" y2="{frame.lower}" '
        f'stroke="#98a2b3"/>'
    )
    step = max(1, math.ceil(len(days) / MAX_X_LABELS))
    # Label the most recent day and every `step` days back from it, so today is always named.
    for index in range(len(days) - 1, -1, -step):
        x = _f(frame.x(index))
        parts.append(
            f'<line x1="{x}" x2="{x}" y1="{frame.lower}" y2="{frame.lower + 4}" stroke="#98a2b3"/>'
            f'<text x="{x}" y="{frame.lower + 16}" text-anchor="middle">'
            f"{escape(_day_label(days[index]))}</text>"
        )
    parts.append("</g>")
    return parts


def _legend(series: Sequence[Series], *, line: bool) -> list[str]:
    parts = ['<g class="chart-legend" font-size="12" fill="#1d2433">']
    x = MARGIN_LEFT
    for index, item in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        if line:
            swatch = (
                f'<line x1="{x}" x2="{x + 14}" y1="14" y2="14" stroke="{colour}" stroke-width="3"/>'
            )
        else:
            swatch = f'<rect x="{x}" y="8" width="12" height="12" rx="2" fill="{colour}"/>'
        parts.append(
            f'<g class="legend-item">{swatch}<text x="{x + 18}" y="18">{escape(item.label)}</text></g>'
        )
        # Legend entries are laid out left to right, roughly as wide as their text.
        x += 40 + 7 * len(item.label)
    parts.append("</g>")
    return parts


def _data_table(
    caption: str, days: Sequence[date], series: Sequence[Series], value_format
) -> list[str]:
    head = "".join(f'<th scope="col" class="num">{escape(item.label)}</th>' for item in series)
    rows = []
    for index, day in enumerate(days):
        cells = "".join(
            f'<td class="num">{escape(value_format(item.values[index]))}</td>' for item in series
        )
        rows.append(
            f'<tr><th scope="row"><time datetime="{day.isoformat()}">'
            f"{escape(format_date(day, 'short'))}</time></th>{cells}</tr>"
        )
    # Outside the f-strings: gettext calls inside one are invisible to makemessages.
    show_numbers = _("Show the numbers")
    day_heading = _("Day")
    return [
        f'<details class="chart-data"><summary>{escape(show_numbers)}</summary>',
        f'<table class="table"><caption class="muted">{escape(caption)}</caption>',
        f'<thead><tr><th scope="col">{escape(day_heading)}</th>{head}</tr></thead>',
        f"<tbody>{''.join(rows)}</tbody></table></details>",
    ]


def _check(days: Sequence[date], series: Sequence[Series]) -> None:
    for item in series:
        if len(item.values) != len(days):
            raise ValueError(
                f"Series {item.label!r} has {len(item.values)} values for {len(days)} days."
            )


def _figure(
    *,
    chart_id: str,
    title: str,
    description: str,
    body: list[str],
    days: Sequence[date],
    series: Sequence[Series],
    value_format,
    kind: str,
) -> SafeString:
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<figure class="chart chart-{kind}" id="{escape(chart_id)}" data-chart="{escape(chart_id)}">',
        f"<figcaption>{escape(title)}</figcaption>",
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" aria-labelledby="{escape(title_id)} {escape(desc_id)}" '
        f'preserveAspectRatio="xMidYMid meet" class="chart-svg" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(description)}</desc>',
        *body,
        "</svg>",
        *_data_table(title, days, series, value_format),
        "</figure>",
    ]
    return mark_safe("".join(parts))


def _description(days: Sequence[date], series: Sequence[Series], value_format) -> str:
    if not days:
        return _("No days to show.")
    totals = ", ".join(f"{item.label}: {value_format(_total(item.values))}" for item in series)
    return _("Daily values from %(first)s to %(last)s. Totals: %(totals)s.") % {
        "first": format_date(days[0], "short"),
        "last": format_date(days[-1], "short"),
        "totals": totals,
    }


def _total(values: Sequence[Number | None]) -> Number:
    present = [value for value in values if value is not None]
    return sum(present, type(present[0])(0)) if present else 0


def bar_chart(
    *,
    chart_id: str,
    title: str,
    days: Sequence[date],
    series: Sequence[Series],
    stacked: bool = True,
    value_format: Callable[[Number | None], str] = _default_format,
    tick_format: Callable[[Number], str] | None = None,
) -> SafeString:
    """Daily bars, one band per day: the series stacked (parts of a whole) or side by side."""
    _check(days, series)
    per_day = [[float(item.values[i] or 0) for item in series] for i in range(len(days))]
    highest = (
        max((sum(row) if stacked else max(row, default=0)) for row in per_day) if per_day else 0
    )
    integer = all(isinstance(v, int) for item in series for v in item.values if v is not None)
    ticks = nice_ticks(highest, integer=integer)
    frame = _Frame(len(days), ticks)
    body = _legend(series, line=False)
    body += _axes(frame, ticks, days, tick_format or value_format)
    body.append('<g class="chart-bars">')
    band_width = frame.band * 0.72
    for index, day in enumerate(days):
        base = 0.0
        for position, item in enumerate(series):
            value = per_day[index][position]
            if value <= 0:
                continue
            colour = PALETTE[position % len(PALETTE)]
            if stacked:
                width = band_width
                x = frame.x(index) - width / 2
                y_top, y_bottom = frame.y(base + value), frame.y(base)
                base += value
            else:
                width = band_width / len(series)
                x = frame.x(index) - band_width / 2 + width * position
                y_top, y_bottom = frame.y(value), frame.y(0)
            tooltip = f"{_day_label(day)}: {item.label} {value_format(item.values[index])}"
            body.append(
                f'<rect class="bar series-{position}" x="{_f(x)}" y="{_f(y_top)}" '
                f'width="{_f(max(width, 0.5))}" height="{_f(max(y_bottom - y_top, 0.5))}" '
                f'fill="{colour}"><title>{escape(tooltip)}</title></rect>'
            )
    body.append("</g>")
    return _figure(
        chart_id=chart_id,
        title=title,
        description=_description(days, series, value_format),
        body=body,
        days=days,
        series=series,
        value_format=value_format,
        kind="bar",
    )


def line_chart(
    *,
    chart_id: str,
    title: str,
    days: Sequence[date],
    series: Sequence[Series],
    value_format: Callable[[Number | None], str] = _default_format,
    tick_format: Callable[[Number], str] | None = None,
) -> SafeString:
    """Daily values as lines with a dot per day; a day without a value breaks the line."""
    _check(days, series)
    present = [float(v) for item in series for v in item.values if v is not None]
    integer = all(isinstance(v, int) for item in series for v in item.values if v is not None)
    ticks = nice_ticks(max(present, default=0), integer=integer)
    frame = _Frame(len(days), ticks)
    body = _legend(series, line=True)
    body += _axes(frame, ticks, days, tick_format or value_format)
    body.append('<g class="chart-lines" fill="none" stroke-width="2" stroke-linejoin="round">')
    for position, item in enumerate(series):
        colour = PALETTE[position % len(PALETTE)]
        runs, current = [], []
        for index, value in enumerate(item.values):
            if value is None:
                if current:
                    runs.append(current)
                current = []
                continue
            current.append(f"{_f(frame.x(index))},{_f(frame.y(value))}")
        if current:
            runs.append(current)
        for run in runs:
            body.append(
                f'<polyline class="line series-{position}" stroke="{colour}" points="{" ".join(run)}"/>'
            )
        for index, value in enumerate(item.values):
            if value is None:
                continue
            tooltip = f"{_day_label(days[index])}: {item.label} {value_format(value)}"
            body.append(
                f'<circle class="point series-{position}" cx="{_f(frame.x(index))}" '
                f'cy="{_f(frame.y(value))}" r="2.5" fill="{colour}">'
                f"<title>{escape(tooltip)}</title></circle>"
            )
    body.append("</g>")
    return _figure(
        chart_id=chart_id,
        title=title,
        description=_description(days, series, value_format),
        body=body,
        days=days,
        series=series,
        value_format=value_format,
        kind="line",
    )
