"""Filters the notice templates use to turn parameters (data) into text in the reader's language,
at delivery time. Money and dates come from `{% load formatting %}`, as on every page."""

from django import template
from django.conf import settings
from django.utils.translation import get_language

register = template.Library()


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
