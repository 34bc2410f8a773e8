"""The memoised patterns give exactly what Babel's own functions give (the code they replace),
on random moments and numbers, in both languages."""

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from django.utils import timezone

from sellerdesk import formatting

ZONES = [UTC, ZoneInfo("Europe/Madrid"), ZoneInfo("America/New_York"), ZoneInfo("Asia/Tokyo")]


def _babel_datetime(value, format, locale):
    babel = formatting.babel_locale(locale)
    moment = timezone.localtime(value) if timezone.is_aware(value) else value
    date_text = babel_dates.format_date(moment, format=format, locale=babel)
    time_text = babel_dates.format_time(moment, format="short", locale=babel)
    return babel_dates.get_datetime_format(format, locale=babel).format(time_text, date_text)


@pytest.mark.parametrize("locale", ["es", "en"])
@pytest.mark.parametrize("format", formatting.DATE_FORMATS)
def test_datetimes_read_as_babel_writes_them(locale, format):
    draw = random.Random(f"{locale}-{format}")
    start = datetime(2020, 1, 1, tzinfo=UTC)
    for _ in range(300):
        value = start + timedelta(seconds=draw.randrange(0, 8 * 365 * 86400))
        zone = draw.choice(ZONES)
        if draw.random() < 0.2:
            value = value.replace(tzinfo=None)  # a naive one is taken as already local
        with timezone.override(zone):
            assert formatting.format_datetime(value, format, locale) == _babel_datetime(
                value, format, locale
            )


@pytest.mark.parametrize("locale", ["es", "en"])
@pytest.mark.parametrize("decimals", [None, 0, 1, 2, 3])
def test_numbers_read_as_babel_writes_them(locale, decimals):
    draw = random.Random(f"{locale}-{decimals}")
    babel = formatting.babel_locale(locale)
    for _ in range(300):
        number = Decimal(draw.randrange(-(10**9), 10**9)) / Decimal(10 ** draw.randrange(0, 6))
        if decimals is None:
            expected = babel_numbers.format_decimal(number, locale=babel)
        else:
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            expected = babel_numbers.format_decimal(
                number, format=pattern, locale=babel, decimal_quantization=True
            )
        assert formatting.format_number(number, decimals, locale) == expected
