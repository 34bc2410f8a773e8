"""Filters the notice templates use to turn parameters (data) into text in the reader's language
and the shop's timezone, at delivery time."""

from decimal import Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language

register = template.Library()


@register.filter
def money(amount, currency=""):
    """ "14.95" and "EUR" → "14,95 EUR" in Spanish, "14.95 EUR" in English."""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, TypeError):
        return amount
    text = formats.number_format(value, 2, use_l10n=True)
    return f"{text} {currency}".strip()


@register.filter
def when(value, format_name="DATETIME_FORMAT"):
    """An ISO 8601 time → a date and time in the reader's language and the active timezone."""
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        return value
    return formats.date_format(timezone.localtime(moment), format_name, use_l10n=True)


@register.filter
def label(labels):
    """A label given in every language ({"es": ..., "en": ...}) → the reader's."""
    if not isinstance(labels, dict):
        return labels or ""
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    return (
        labels.get(language)
        or labels.get(settings.LANGUAGE_CODE)
        or next(iter(labels.values()), "")
    )


@register.filter
def absolute(path):
    """A site path → the address to click in an email."""
    return settings.SITE_URL.rstrip("/") + str(path)
