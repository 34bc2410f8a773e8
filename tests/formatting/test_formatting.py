"""Money, dates and times in the reader's language and timezone: one helper, one template library."""

import zoneinfo
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from sellerdesk.formatting import (
    format_date,
    format_datetime,
    format_money,
    format_number,
    format_percent,
    format_relative,
)

NBSP = "\xa0"
AUCKLAND = zoneinfo.ZoneInfo("Pacific/Auckland")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
# 21 November 2026, 23:30 UTC: already the 22nd in Auckland, still the 21st in New York and Madrid.
MOMENT = datetime(2026, 11, 21, 23, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))


def test_money_is_in_cldr_format_for_each_language():
    assert format_money(Decimal("1234.56"), "EUR", "es") == f"1.234,56{NBSP}€"
    assert format_money(Decimal("1234.56"), "EUR", "en") == "€1,234.56"
    assert format_money("13.94", "EUR", "es") == f"13,94{NBSP}€"
    assert format_money("13.94", "EUR", "en") == "€13.94"


def test_money_follows_the_active_language():
    with translation.override("es"):
        assert format_money(Decimal("13.94"), "EUR") == f"13,94{NBSP}€"
    with translation.override("en"):
        assert format_money(Decimal("13.94"), "EUR") == "€13.94"


def test_money_keeps_its_own_currency():
    assert format_money(Decimal("5"), "USD", "en") == "US$5.00"
    assert format_money(Decimal("5"), "GBP", "es") == f"5,00{NBSP}GBP"


def test_money_leaves_a_missing_amount_empty_and_text_untouched():
    assert format_money(None, "EUR", "es") == ""
    assert format_money("—", "EUR", "es") == "—"


def test_numbers_and_rates_use_the_language_separators():
    assert format_number(Decimal("1234.5"), 2, "es") == "1.234,50"
    assert format_number(Decimal("1234.5"), 2, "en") == "1,234.50"
    assert format_percent(0.125, 1, "es") == f"12,5{NBSP}%"
    assert format_percent(0.125, 1, "en") == "12.5%"


def test_datetime_is_shown_in_the_active_timezone():
    with timezone.override(AUCKLAND):
        assert format_datetime(MOMENT, locale="es") == "22 nov 2026, 12:30"
        assert format_datetime(MOMENT, locale="en") == "22 Nov 2026, 12:30"
    with timezone.override(NEW_YORK):
        assert format_datetime(MOMENT, locale="en") == "21 Nov 2026, 18:30"
        assert format_datetime(MOMENT, "short", locale="es") == "21/11/26, 18:30"


def test_date_of_a_moment_is_the_day_in_the_active_timezone():
    with timezone.override(AUCKLAND):
        assert format_date(MOMENT, locale="en") == "22 Nov 2026"
    with timezone.override(NEW_YORK):
        assert format_date(MOMENT, locale="en") == "21 Nov 2026"
    assert format_date(date(2026, 3, 1), "long", locale="es") == "1 de marzo de 2026"
    assert format_date("2026-03-01", "long", locale="en") == "1 March 2026"


def test_relative_times_read_naturally_in_each_language():
    now = MOMENT
    assert format_relative(now - timedelta(hours=3), now=now, locale="es") == "hace 3 h"
    assert format_relative(now - timedelta(hours=3), now=now, locale="en") == "3 hr ago"
    assert format_relative(now + timedelta(minutes=40), now=now, locale="es") == "dentro de 40 min"
    assert format_relative(now + timedelta(minutes=40), now=now, locale="en") == "in 40 min"


def render(source, **context):
    return Template("{% load formatting %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("es", f"1.234,56{NBSP}€ · 22 nov 2026, 12:30 · 22/11/26"),
        ("en", "€1,234.56 · 22 Nov 2026, 12:30 · 22/11/2026"),
    ],
)
def test_template_filters_format_in_the_reader_language_and_timezone(language, expected):
    with translation.override(language), timezone.override(AUCKLAND):
        text = render(
            '{{ amount|money:currency }} · {{ at|datetime }} · {{ at|date:"short" }}',
            amount=Decimal("1234.56"),
            currency="EUR",
            at=MOMENT,
        )
    assert text == expected


def test_template_date_keeps_machine_formats_for_attributes():
    with timezone.override(AUCKLAND):
        assert render('{{ at|date:"c" }}', at=MOMENT) == "2026-11-22T12:30:00+13:00"
        assert render('{{ at|date:"Y-m-d" }}', at=MOMENT) == "2026-11-22"


def test_template_relative_filter():
    with translation.override("es"):
        assert render("{{ at|relative }}", at=timezone.now() - timedelta(hours=3)) == "hace 3 h"
