"""Money, numbers, dates and times for people: the one place they are turned into text.

Everything a reader sees (pages, emails, flash messages, API error `detail`s, the admin) goes
through these helpers or the `{% load formatting %}` filters built on them, so that a Spanish
reader sees "1.234,56 €" and "21 nov 2026, 15:04" and an English one "€1,234.56" and
"21 Nov 2026, 15:04", in the viewer's timezone (the shop's for sellers, the operator's own in the
admin), whoever wrote the data. CLDR data comes from Babel; nothing here hand-builds a format.

`locale` arguments take a Django language code ("es", "en") or a Babel locale ("es_ES");
unset, the active language (`translation.override`, the request's) is used. Times are shown in
the active timezone (`timezone.override`, the middleware's).
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language

# The regional variant each interface language is formatted in. English is the marketplace's
# second language for European shops: day-month-year and a 24-hour clock, not US formats.
LOCALES = {"es": "es_ES", "en": "en_GB"}

DATE_FORMATS = ("short", "medium", "long", "full")


def babel_locale(locale: str | None = None) -> Locale:
    """The Babel locale for a language code, a locale name, or the active language."""
    return _parsed_locale(locale or get_language() or settings.LANGUAGE_CODE)


@lru_cache(maxsize=32)
def _parsed_locale(name: str) -> Locale:
    # Cached: a page formats hundreds of values in one or two locales.
    if "_" not in name:  # a Django language code ("es", "en-gb"), not a Babel locale name
        name = LOCALES.get(name.split("-")[0].lower(), name.replace("-", "_"))
    try:
        return Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(LOCALES[settings.LANGUAGE_CODE])


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None


def format_money(amount, currency: str | None = None, locale: str | None = None) -> str:
    """An amount in its currency: "1.234,56 €" in Spanish, "€1,234.56" in English.

    `amount` may be a Decimal or its string ("19.90", as in notice parameters); anything that
    is not a number is returned as given, so a template never breaks on an empty value.
    """
    value = _decimal(amount)
    if value is None:
        return "" if amount is None else str(amount)
    return _money(str(value), currency or settings.DEFAULT_CURRENCY, babel_locale(locale))


@lru_cache(maxsize=4096)
def _money(value: str, currency: str, babel: Locale) -> str:
    # Memoised by the amount's text: a dashboard formats the same few amounts hundreds of times
    # (its charts' tables), and format_currency looks the currency's symbol and digits up each time.
    return babel_numbers.format_currency(Decimal(value), currency, locale=babel)


# Memoised Babel patterns: format_decimal(), format_date() and format_time() look the locale's
# pattern up and parse it on every call, which a statistics page or an inbox of 150 rows does
# hundreds of times with the same two or three patterns. The parsed pattern applied here gives
# the same text (tests compare with Babel's own functions).


@lru_cache(maxsize=64)
def _number_pattern(babel: Locale, decimals: int | None):
    if decimals is None:
        return babel_numbers.parse_pattern(babel.decimal_formats[None])
    return babel_numbers.parse_pattern("#,##0" + ("." + "0" * decimals if decimals else ""))


@lru_cache(maxsize=64)
def _datetime_patterns(babel: Locale, format: str):
    """(date pattern, short time pattern, the locale's way of joining them) for a length."""
    return (
        babel_dates.parse_pattern(babel.date_formats[format]),
        babel_dates.parse_pattern(babel.time_formats["short"]),
        babel_dates.get_datetime_format(format, locale=babel),
    )


def format_number(value, decimals: int | None = None, locale: str | None = None) -> str:
    """A number with the reader's separators ("1.234,5" / "1,234.5"), `decimals` fixed if given."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    babel = babel_locale(locale)
    return _number_pattern(babel, decimals).apply(
        number, babel, decimal_quantization=True, group_separator=True, numbering_system="latn"
    )


def format_percent(rate, decimals: int = 1, locale: str | None = None) -> str:
    """A share (0.125) as a percentage: "12,5 %" in Spanish, "12.5%" in English."""
    number = _decimal(rate)
    if number is None:
        return "" if rate is None else str(rate)
    babel = babel_locale(locale)
    # The locale's own pattern ("#,##0 %" in Spanish, "#,##0%" in English) with fixed decimals.
    pattern = babel_numbers.parse_pattern(babel.percent_formats[None].pattern)
    pattern.frac_prec = (decimals, decimals)
    return pattern.apply(number, babel)


def _local(value: datetime) -> datetime:
    # Aware datetimes are shown in the active timezone (the viewer's); a naive one is taken as
    # already local (only dates parsed from forms are naive).
    return timezone.localtime(value) if timezone.is_aware(value) else value


def format_datetime(value, format: str = "medium", locale: str | None = None) -> str:
    """A moment in the viewer's timezone and language: "21 nov 2026, 15:04" / "21 Nov 2026, 15:04".

    `format` is short, medium, long or full for the date part; the time is always hours and
    minutes (seconds are noise on a back office). Strings in ISO 8601 are accepted.
    """
    value = _parse(value)
    if not isinstance(value, datetime):
        return format_date(value, format, locale) if isinstance(value, date) else ""
    babel = babel_locale(locale)
    moment = _local(value)
    if format not in DATE_FORMATS:  # a pattern of the caller's own: Babel's functions
        date_text = babel_dates.format_date(moment, format=format, locale=babel)
        time_text = babel_dates.format_time(moment, format="short", locale=babel)
        return babel_dates.get_datetime_format(format, locale=babel).format(time_text, date_text)
    date_pattern, time_pattern, joined = _datetime_patterns(babel, format)
    # What format_date and format_time do with the patterns (a naive time is taken as UTC).
    day = moment.date()
    clock = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timetz()
    date_text = date_pattern.apply(day, babel)
    time_text = time_pattern.apply(clock, babel, reference_date=day)
    return joined.format(time_text, date_text)


def format_date(value, format: str = "medium", locale: str | None = None) -> str:
    """A day in the viewer's language ("21 nov 2026"); a moment is first put in the viewer's timezone."""
    value = _parse(value)
    if isinstance(value, datetime):
        value = _local(value).date()
    if not isinstance(value, date):
        return ""
    return _plain_date(value, format, babel_locale(locale))


@lru_cache(maxsize=4096)
def _plain_date(day: date, format: str, babel: Locale) -> str:
    # A day's text depends on nothing else: the charts of a 90-day dashboard name each day in
    # several tables and axes.
    return babel_dates.format_date(day, format=format, locale=babel)


def format_day_month(value, locale: str | None = None) -> str:
    """A day without its year, for chart axes: "21 nov" / "21 Nov"."""
    value = _parse(value)
    if isinstance(value, datetime):
        value = _local(value).date()
    if not isinstance(value, date):
        return ""
    return _day_month(value, babel_locale(locale))


@lru_cache(maxsize=4096)
def _day_month(day: date, babel: Locale) -> str:
    return babel_dates.format_skeleton("MMMd", day, locale=babel)


def format_time(value, locale: str | None = None) -> str:
    """The time of a moment in the viewer's timezone: "15:04"."""
    value = _parse(value)
    if not isinstance(value, datetime):
        return ""
    return babel_dates.format_time(_local(value), format="short", locale=babel_locale(locale))


def format_relative(value, now: datetime | None = None, locale: str | None = None) -> str:
    """How long ago or how soon: "hace 3 h" / "3 hr ago", "dentro de 40 min" / "in 40 min"."""
    value = _parse(value)
    if not isinstance(value, datetime):
        return ""
    delta = value - (now or timezone.now())
    return babel_dates.format_timedelta(
        delta, add_direction=True, format="short", threshold=1.5, locale=babel_locale(locale)
    )


def format_duration(value: timedelta, locale: str | None = None) -> str:
    """A length of time, rounded to its largest unit: "3 h", "2 d" / "2 days"."""
    if not isinstance(value, timedelta):
        return ""
    return babel_dates.format_timedelta(
        value, format="short", threshold=1.5, locale=babel_locale(locale)
    )


def _parse(value):
    if isinstance(value, str):
        return parse_datetime(value) or parse_date(value) or value
    return value
