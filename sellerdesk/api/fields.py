from decimal import Decimal

from rest_framework import serializers

from sellerdesk.validation import BIGINT_MAX, DATETIME_RANGE_MESSAGE, storable_datetime


class LowerChoiceField(serializers.ChoiceField):
    """Enumerations are lower-case strings in the API ("shipped"), upper-case in the database."""

    def __init__(self, choices, **kwargs):
        self.db_choices = choices
        super().__init__(choices=[(value.lower(), label) for value, label in choices], **kwargs)

    def to_representation(self, value):
        return value.lower() if value else value

    def to_internal_value(self, data):
        return super().to_internal_value(data.lower() if isinstance(data, str) else data).upper()


# Any single amount a client may give (a price, a refund, shipping): far above any real one.
# Sums (a line of 100,000 units, an order's total) are checked against MAX_STORED_AMOUNT.
MAX_AMOUNT = Decimal("999999.99")
MAX_STORED_AMOUNT = Decimal("9999999999.99")  # numeric(12,2)


def iso_datetime(value, tz) -> str | None:
    """What serializers.DateTimeField gives (ISO 8601 in `tz`, the current timezone, "Z" for
    UTC), without its per-call machinery: for the lean lists built from `.values()` rows."""
    if value is None:
        return None
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def money_field(**kwargs):
    """Money in and out as a string with 2 decimals ("19.90"); more decimals are refused, and
    so is an amount over MAX_AMOUNT (the bound is on input only)."""
    kwargs.setdefault("max_value", MAX_AMOUNT)
    return serializers.DecimalField(max_digits=12, decimal_places=2, **kwargs)


def id_field(**kwargs):
    """An object id given by a client: a positive bigint (anything larger is a 400, not a
    PostgreSQL overflow)."""
    kwargs.setdefault("min_value", 1)
    kwargs.setdefault("max_value", BIGINT_MAX)
    return serializers.IntegerField(**kwargs)


class StorableDateTimeField(serializers.DateTimeField):
    """An input date-time refused (400) when PostgreSQL could not store it or Python could not
    move it to another time zone: offsets of 16 hours or more, years out of range."""

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        storable = storable_datetime(parsed)
        if storable is None:
            raise serializers.ValidationError(DATETIME_RANGE_MESSAGE, code="invalid")
        return storable
