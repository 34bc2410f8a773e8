"""Mirakl's spellings: dates, identifiers, locales, participants."""

import re
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework import serializers

from mirakl.errors import MiraklError
from sellerdesk.validation import DATETIME_RANGE_MESSAGE, parse_id, storable_datetime


def mirakl_datetime(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with milliseconds and a Z, as Mirakl writes dates."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class MiraklDateTimeField(serializers.DateTimeField):
    """A date-time filter: ISO 8601; one without an offset is UTC (Mirakl's platform time)."""

    def to_internal_value(self, value):
        parsed = parse_datetime(str(value).strip()) if value not in (None, "") else None
        if parsed is None:
            raise serializers.ValidationError(
                _("Use an ISO 8601 date-time such as 2025-01-31T00:00:00Z.")
            )
        parsed = storable_datetime(parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))
        if parsed is None:
            raise serializers.ValidationError(DATETIME_RANGE_MESSAGE)
        return parsed


class CommaListField(serializers.CharField):
    """`a,b,c` (or the parameter repeated) as a list of non-empty strings."""

    def __init__(self, *, max_items: int = 100, **kwargs):
        self.max_items = max_items
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        items = []
        for value in data if isinstance(data, list) else [data]:
            text = super().to_internal_value(value)
            items += [item.strip() for item in text.split(",") if item.strip()]
        if len(items) > self.max_items:
            raise serializers.ValidationError(
                _("At most %(max)d values.") % {"max": self.max_items}
            )
        return items


def query_params(request) -> dict:
    """The query string with repeated parameters kept as lists, for the input serializers."""
    return {
        key: values if len(values) > 1 else values[0]
        for key, values in request.query_params.lists()
    }


LOCALE = re.compile(r"^(?P<language>[a-zA-Z]{2,3})(?:[_-][a-zA-Z]{2,4})?$")


def language_of_locale(locale: str | None) -> str | None:
    """The SellerDesk language of a Mirakl `locale` ("es_ES" → "es", "en_US" → "en"); another
    well-formed locale falls back to the platform's default language, as Mirakl does. None when
    no locale is asked (the request's language applies). Raises LOCALE_INVALID."""
    if locale is None:
        return None
    match = LOCALE.match(locale.strip())
    if match is None:
        raise MiraklError(
            _("“%(locale)s” is not a locale such as en_US or es_ES.") % {"locale": locale},
            code="LOCALE_INVALID",
            fields={"locale": [_("Use a locale such as en_US or es_ES.")]},
        )
    language = match["language"].lower()
    offered = {code for code, _label in settings.LANGUAGES}
    return language if language in offered else settings.LANGUAGE_CODE


def mirakl_locale(language: str) -> str:
    return {"es": "es_ES", "en": "en_GB"}.get(language, language)


def split_name(full_name: str) -> tuple[str, str]:
    """(firstname, lastname): Mirakl has two fields, SellerDesk one ("Ana García López")."""
    first, _space, rest = (full_name or "").strip().partition(" ")
    return (first, rest) if rest else ("", first)


def int_id(raw) -> int | None:
    """A SellerDesk id given as a Mirakl string id; None when it cannot be one (a 404)."""
    return parse_id(raw)


def json_numbers(value):
    """Decimals as JSON numbers (Mirakl's money), through any nesting of dicts and lists."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {key: json_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_numbers(item) for item in value]
    return value
