"""Input that PostgreSQL and Python can always hold: date-times, dates, integers, JSON depth.

Every filter and field that takes one of these from a client goes through here, so a value
that parses but cannot be stored or computed with (an offset of -22:45, year 0056 in a
negative offset, 9999-12-31 plus a day, `²` which `str.isdigit()` accepts and `int()` refuses,
a cursor beyond bigint) is refused as bad input, never a 500.
"""

import json
import re
from datetime import UTC, date, datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

# The range the product can store, convert to any time zone and add days to.
MIN_YEAR = 1900
MAX_YEAR = 9000
# PostgreSQL's timestamptz refuses UTC offsets of 16 hours or more; real ones stay within 14.
MAX_OFFSET_SECONDS = 15 * 3600 + 59 * 60
BIGINT_MAX = 2**63 - 1

DATETIME_RANGE_MESSAGE = _(
    "Give a date-time between the years %(min)d and %(max)d with a UTC offset under 16 hours."
) % {"min": MIN_YEAR, "max": MAX_YEAR}
DATE_RANGE_MESSAGE = _("Give a date between the years %(min)d and %(max)d.") % {
    "min": MIN_YEAR,
    "max": MAX_YEAR,
}


def storable_datetime(value: datetime) -> datetime | None:
    """The value in UTC if it can be stored and computed with, else None."""
    if value.tzinfo is not None:
        offset = value.utcoffset()
        if offset is not None and abs(offset.total_seconds()) > MAX_OFFSET_SECONDS:
            return None
        try:
            value = value.astimezone(UTC)
        except (OverflowError, ValueError):
            return None
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        return None
    return value


def storable_date(value: date) -> bool:
    return MIN_YEAR <= value.year <= MAX_YEAR


def parse_id(text) -> int | None:
    """An object id typed by a client: ASCII digits that fit a bigint, else None."""
    text = str(text).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= BIGINT_MAX else None


class StorableIsoDateTimeField(IsoDateTimeField):
    """django-filter's ISO 8601 date-time, refused outside what PostgreSQL stores."""

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None:
            return None
        storable = storable_datetime(parsed)
        if storable is None:
            raise forms.ValidationError(DATETIME_RANGE_MESSAGE, code="invalid")
        return storable


class StorableDateField(forms.DateField):
    """A calendar date that may safely be moved by a day either way."""

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is not None and not storable_date(parsed):
            raise forms.ValidationError(DATE_RANGE_MESSAGE, code="invalid")
        return parsed


_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def json_depth_exceeds(text: str, limit: int) -> bool:
    """Whether a JSON document nests deeper than `limit`, counted without parsing it (a
    recursive parser is what a deep body attacks). Brackets inside strings do not count."""
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return True
        elif token in "]}":
            depth -= 1
    return False


JSON_MAX_DEPTH = 32


def json_loads(text: str, **kwargs):
    """json.loads, refusing (ValueError) a document nested deeper than JSON_MAX_DEPTH levels
    before the recursive parser sees it."""
    if json_depth_exceeds(text, JSON_MAX_DEPTH):
        raise ValueError(f"the JSON is nested deeper than {JSON_MAX_DEPTH} levels")
    try:
        return json.loads(text, **kwargs)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None
