"""`{% load formatting %}`: the template side of `sellerdesk.formatting`, for every page and email.

    {{ order.total_amount|money:order.currency }}   1.234,56 € / €1,234.56
    {{ message.created_at|datetime }}               21 nov 2026, 15:04 (viewer's timezone)
    {{ order.created_at|datetime:"short" }}         21/11/26, 15:04
    {{ refund_deadline|date }}                      21 nov 2026
    {{ thread.last_message_at|relative }}           hace 3 h / 3 hr ago

`date` replaces Django's own filter in templates that load this library: a reader-facing
format (short, medium, long, full, or Django's *_FORMAT names) goes through Babel; a machine
format such as "c" or "Y-m-d" (for `<time datetime>`) is left to Django's filter.
"""

from django import template
from django.template.defaultfilters import date as django_date
from django.utils.timezone import template_localtime

from sellerdesk import formatting

register = template.Library()

# Django's named formats, still used by older templates, mapped to Babel's lengths.
_NAMED = {
    "SHORT_DATE_FORMAT": "short",
    "DATE_FORMAT": "medium",
    "SHORT_DATETIME_FORMAT": "short",
    "DATETIME_FORMAT": "medium",
}


def _length(arg) -> str | None:
    if not arg:
        return "medium"
    if arg in formatting.DATE_FORMATS:
        return arg
    return _NAMED.get(arg)


@register.filter
def money(amount, currency=None):
    return formatting.format_money(amount, currency)


@register.filter(name="datetime", expects_localtime=False)
def datetime_filter(value, arg=None):
    length = _length(arg)
    if length is None:
        return django_date(template_localtime(value), arg)
    return formatting.format_datetime(value, length)


@register.filter(name="date", expects_localtime=False)
def date_filter(value, arg=None):
    length = _length(arg)
    if length is None:
        return django_date(template_localtime(value), arg)
    return formatting.format_date(value, length)


@register.filter(name="time", expects_localtime=False)
def time_filter(value):
    return formatting.format_time(value)


@register.filter
def relative(value):
    return formatting.format_relative(value)


@register.filter
def duration(value):
    return formatting.format_duration(value)


@register.filter
def number(value, decimals=None):
    return formatting.format_number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def percent(rate, decimals=1):
    return formatting.format_percent(rate, int(decimals))


@register.simple_tag
def intl_locale():
    """The active locale as a BCP 47 tag ("es-ES", "en-GB"), for scripts' `Intl` formatters, so
    that what a script writes looks like what the server wrote."""
    locale = formatting.babel_locale()
    return "-".join(part for part in (locale.language, locale.territory) if part)
