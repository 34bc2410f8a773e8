"""The breach forecast across a weekend and a public holiday, in Madrid and in New York; the
deadline that stays wall-clock by default and counts open hours when the operator says so."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from hours import services
from hours.calendar import closures_between, forecast_for
from hours.selectors import shop_calendar
from hours.templatetags.hours_tags import forecast_text
from tests.factories import ShopFactory

pytestmark = pytest.mark.django_db

MADRID = ZoneInfo("Europe/Madrid")
NEW_YORK = ZoneInfo("America/New_York")
WEEKDAYS_9_TO_18 = [(day, time(9), time(18)) for day in range(5)]


@pytest.fixture
def madrid_shop(shop):
    services.business_hours_set(shop=shop, periods=WEEKDAYS_9_TO_18, country="ES", subdivision="MD")
    return shop


@pytest.fixture
def new_york_shop(db):
    shop = ShopFactory(code="nyc", name="Brooklyn Books", timezone="America/New_York")
    services.business_hours_set(
        shop=shop,
        periods=[(day, time(9), time(17)) for day in range(5)],
        country="US",
        subdivision="NY",
    )
    return shop


def local(tz, *args):
    return datetime(*args, tzinfo=tz)


def test_a_deadline_on_sunday_is_answered_before_friday_closing_in_madrid(madrid_shop):
    # Friday 4 December 2026, 14:00: the customer writes; 48 h later is Sunday 14:00.
    calendar = shop_calendar(shop=madrid_shop)
    now = local(MADRID, 2026, 12, 4, 14, 0)
    forecast = forecast_for(calendar, due_at=local(MADRID, 2026, 12, 6, 14, 0), now=now)

    assert forecast.due_while_closed
    assert forecast.answer_before == local(MADRID, 2026, 12, 4, 18, 0)
    # Monday 7 and Tuesday 8 December are public holidays in Madrid: open again Wednesday.
    assert forecast.reopens_at == local(MADRID, 2026, 12, 9, 9, 0)
    with translation.override("en"):
        assert forecast_text(forecast) == (
            "answer before Fri 18:00 — due Sun 14:00, while you are closed · you open again Wed 09:00"
        )
    with translation.override("es"):
        assert forecast_text(forecast) == (
            "responda antes del vie 18:00 — vence el dom 14:00, mientras está cerrado"
            " · vuelve a abrir el mié 09:00"
        )


def test_a_deadline_on_a_public_holiday_counts_as_closed(madrid_shop):
    calendar = shop_calendar(shop=madrid_shop)
    # Due Tuesday 8 December (Inmaculada) at 11:00: the last open moment is Friday 18:00.
    forecast = forecast_for(
        calendar, due_at=local(MADRID, 2026, 12, 8, 11, 0), now=local(MADRID, 2026, 12, 4, 10, 0)
    )
    assert forecast.due_while_closed
    assert forecast.answer_before == local(MADRID, 2026, 12, 4, 18, 0)


def test_a_deadline_while_open_needs_no_warning(madrid_shop):
    calendar = shop_calendar(shop=madrid_shop)
    forecast = forecast_for(
        calendar, due_at=local(MADRID, 2026, 12, 10, 11, 0), now=local(MADRID, 2026, 12, 9, 10, 0)
    )
    assert not forecast.due_while_closed
    assert forecast_text(forecast) == ""


def test_the_shops_own_closed_day_counts_as_closed(madrid_shop):
    services.closed_day_add(shop=madrid_shop, day=datetime(2026, 12, 10).date(), note="Inventario")
    calendar = shop_calendar(shop=madrid_shop)
    forecast = forecast_for(
        calendar, due_at=local(MADRID, 2026, 12, 10, 11, 0), now=local(MADRID, 2026, 12, 9, 10, 0)
    )
    assert forecast.due_while_closed
    assert forecast.answer_before == local(MADRID, 2026, 12, 9, 18, 0)


def test_new_york_counts_thanksgiving_and_its_own_timezone(new_york_shop):
    calendar = shop_calendar(shop=new_york_shop)
    # Tuesday 24 November 2026, 13:00 in New York; due Thursday 13:00, Thanksgiving.
    forecast = forecast_for(
        calendar,
        due_at=local(NEW_YORK, 2026, 11, 26, 13, 0),
        now=local(NEW_YORK, 2026, 11, 24, 13, 0),
    )
    assert forecast.due_while_closed
    # 17:00 in New York is 23:00 in Madrid: the server's zone would say otherwise.
    assert forecast.answer_before == datetime(2026, 11, 25, 22, 0, tzinfo=UTC)
    assert forecast.reopens_at == local(NEW_YORK, 2026, 11, 27, 9, 0)
    with translation.override("en"):
        assert forecast_text(forecast).startswith("answer before Wed 17:00 — due Thu 13:00")


def test_new_york_weekend_after_a_holiday(new_york_shop):
    calendar = shop_calendar(shop=new_york_shop)
    # Written on Thanksgiving at 10:00; due Saturday 10:00: answer before Friday 17:00.
    forecast = forecast_for(
        calendar,
        due_at=local(NEW_YORK, 2026, 11, 28, 10, 0),
        now=local(NEW_YORK, 2026, 11, 26, 10, 0),
    )
    assert forecast.answer_before == local(NEW_YORK, 2026, 11, 27, 17, 0)
    assert forecast.reopens_at == local(NEW_YORK, 2026, 11, 30, 9, 0)


def test_a_shop_without_hours_gets_no_forecast(shop):
    calendar = shop_calendar(shop=shop)
    assert not calendar.configured
    assert (
        forecast_for(
            calendar, due_at=local(MADRID, 2026, 12, 6, 14), now=local(MADRID, 2026, 12, 4, 14)
        )
        is None
    )


def test_closures_span_the_weekend_and_the_holidays(madrid_shop):
    calendar = shop_calendar(shop=madrid_shop)
    closures = closures_between(
        calendar, local(MADRID, 2026, 12, 4, 12, 0), local(MADRID, 2026, 12, 10, 0, 0)
    )
    assert (local(MADRID, 2026, 12, 4, 18, 0), local(MADRID, 2026, 12, 9, 9, 0)) in closures


def test_the_deadline_stays_wall_clock_by_default(madrid_shop, settings):
    assert settings.REPLY_DEADLINE_BUSINESS_HOURS is False
    since = local(MADRID, 2026, 12, 4, 14, 0)
    assert services.reply_due_at(shop_id=madrid_shop.pk, since=since) == local(
        MADRID, 2026, 12, 6, 14, 0
    )


def test_the_operator_setting_counts_open_hours_instead(madrid_shop, settings):
    settings.REPLY_DEADLINE_BUSINESS_HOURS = True
    since = local(MADRID, 2026, 12, 4, 14, 0)
    # Friday 4 h, (Mon 7 and Tue 8 are holidays) Wed 9, Thu 9, Fri 9, Mon 14 9 = 40 h, Tue 15 8 h.
    assert services.reply_due_at(shop_id=madrid_shop.pk, since=since) == local(
        MADRID, 2026, 12, 15, 17, 0
    )


def test_business_hours_in_new_york_count_in_new_york(new_york_shop, settings):
    settings.REPLY_DEADLINE_BUSINESS_HOURS = True
    settings.REPLY_DEADLINE_HOURS = 10
    since = local(NEW_YORK, 2026, 11, 25, 15, 0)  # Wednesday 15:00, 2 h before closing
    # Wed 2 h, Thanksgiving closed, Fri 8 h: due Friday 17:00 New York time.
    assert services.reply_due_at(shop_id=new_york_shop.pk, since=since) == local(
        NEW_YORK, 2026, 11, 27, 17, 0
    )


def test_an_unknown_region_is_refused_with_the_valid_ones(shop):
    from sellerdesk.errors import DomainError

    with pytest.raises(DomainError) as refused:
        services.business_hours_set(
            shop=shop, periods=WEEKDAYS_9_TO_18, country="ES", subdivision="XX"
        )
    assert "MD" in str(refused.value.fields["subdivision"][0])
