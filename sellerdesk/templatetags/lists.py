"""What every list page shows above its rows: the filters in force, each removable on its own.

Read from the list's django-filter FilterSet, so a tile's link and the list it opens always
name the same filters, in the filter's own labels and the reader's language.
"""

from datetime import date

from django import forms, template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

register = template.Library()

# Query keys that move through a list rather than filter it.
NOT_FILTERS = {"page", "before", "after", "view"}


def _display(field: forms.Field, value) -> str:
    if isinstance(field, forms.NullBooleanField):
        return _("yes") if value else _("no")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    choices = getattr(field, "choices", None)
    if choices:
        for code, label in choices:
            if str(code) == str(value):
                return str(label)
    return str(value)


@register.inclusion_tag("includes/active_filters.html", takes_context=True)
def active_filters(context, filterset, clear_url: str):
    """Chips "Label: value ×" for the filters in the query string, and a link clearing them."""
    request = context["request"]
    form = filterset.form
    form.is_valid()  # the FilterSet has validated it already; this only fills cleaned_data
    cleaned = getattr(form, "cleaned_data", {})
    chips = []
    for name, field in form.fields.items():
        raw = request.GET.get(name, "")
        if name in NOT_FILTERS or raw in ("", None):
            continue
        value = cleaned.get(name, raw)
        if value in (None, ""):
            value = raw
        remaining = request.GET.copy()
        for key in (name, "page", "before", "after"):
            remaining.pop(key, None)
        chips.append(
            {
                "name": name,
                "label": field.label,
                "value": _display(field, value),
                "remove_query": remaining.urlencode(),
            }
        )
    return {"chips": chips, "clear_url": clear_url, "view": request.GET.get("view", "")}
