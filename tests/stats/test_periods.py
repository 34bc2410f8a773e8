from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from sellerdesk.errors import DomainError
from stats.periods import parse_period, period_bounds

MADRID = ZoneInfo("Europe/Madrid")


def test_a_period_runs_from_local_midnight_of_its_first_day_to_midnight_after_today():
    now = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)

    period = period_bounds(period="7d", tz=MADRID, now=now)

    assert period.start == datetime(2025, 3, 14, tzinfo=MADRID)
    assert period.end == datetime(2025, 3, 21, tzinfo=MADRID)
    assert period.previous_start == datetime(2025, 3, 7, tzinfo=MADRID)
    assert period.previous_end == period.start


def test_today_is_the_shops_today_not_utcs():
    # 23:30 UTC on the 20th is already the 21st in Madrid.
    now = datetime(2025, 3, 20, 23, 30, tzinfo=UTC)

    period = period_bounds(period="7d", tz="Europe/Madrid", now=now)

    assert period.last_day == date(2025, 3, 21)


def test_the_days_list_has_one_local_date_per_day_of_the_period():
    period = period_bounds(period="30d", tz=MADRID, now=datetime(2025, 3, 20, 12, tzinfo=UTC))

    days = period.day_list()

    assert len(days) == 30
    assert days[0] == date(2025, 2, 19)
    assert days[-1] == date(2025, 3, 20)


def test_a_period_across_a_dst_change_keeps_whole_local_days():
    # Spain moves to summer time on 30 March 2025: that day lasts 23 hours.
    period = period_bounds(period="7d", tz=MADRID, now=datetime(2025, 4, 2, 12, tzinfo=UTC))

    assert period.start.utcoffset() != period.end.utcoffset()
    elapsed = period.end.astimezone(UTC) - period.start.astimezone(UTC)
    assert elapsed.total_seconds() == 7 * 24 * 3600 - 3600
    assert period.start.astimezone(MADRID).hour == 0


@pytest.mark.parametrize("value", ["7d", "30d", "90d", "180d", "365d"])
def test_it_accepts_the_periods(value):
    assert parse_period(value) == value


def test_a_year_is_365_local_days_ending_today():
    now = datetime(2025, 6, 15, 10, tzinfo=UTC)
    period = period_bounds(period="365d", tz=MADRID, now=now)

    assert period.first_day.isoformat() == "2024-06-16"
    assert period.last_day.isoformat() == "2025-06-15"
    assert period.previous_first_day.isoformat() == "2023-06-17"


def test_a_missing_period_is_the_default():
    assert parse_period(None) == "30d"


@pytest.mark.parametrize("value", ["14d", "7", "", "90D"])
def test_it_refuses_other_periods_with_the_period_field_in_error(value):
    with pytest.raises(DomainError) as error:
        parse_period(value, default=None)

    assert error.value.code == "invalid"
    assert "period" in error.value.fields
