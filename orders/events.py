"""Order timeline events as data, rendered in the reader's language when they are read.

An event stores its kind and parameters (ids, amounts with their currency, states, reason codes
with their labels in every language, the text a person wrote), never a sentence: a Spanish
seller and an English operator read the same row in their own language, with money and dates in
their own format. Rows written before events had parameters keep their old text, shown as it is.

`orders` knows only its own kinds; messaging, incidents and refunds register how their kinds
read from their AppConfig.ready() (orders imports none of them).
"""

from collections.abc import Callable

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

Summary = Callable[[dict], str]

_summaries: dict[str, Summary] = {}


def register_event_summary(kind: str, render: Summary) -> None:
    _summaries[kind] = render


def event_summary(event) -> str:
    """The event's details in the active language: from its parameters, else its old text."""
    render = _summaries.get(event.kind)
    if not event.params or render is None:
        return event.message
    return render(event.params)


def label_in_reader_language(labels) -> str:
    """A label stored in every language ({"es": ..., "en": ...}) → the active language's."""
    if not isinstance(labels, dict):
        return str(labels or "")
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    return (
        labels.get(language)
        or labels.get(settings.LANGUAGE_CODE)
        or next(iter(labels.values()), "")
    )


def with_text(summary: str, text: str) -> str:
    """A summary followed by what a person wrote (kept in their words)."""
    return f"{summary}: {text}" if summary and text else summary or text


# --- The order's own kinds -------------------------------------------------------------------


def _transition(params: dict) -> str:
    if "carrier" in params:  # shipped
        return _tracking(params)
    if "automatic_after_days" in params:  # the order-cycle job
        return _("Automatically after %(days)s days.") % {"days": params["automatic_after_days"]}
    # Refuse and cancel carry the seller's reason, in their words.
    return params.get("note", "")


def _tracking(params: dict) -> str:
    return _("%(carrier)s, tracking number %(tracking_number)s") % {
        "carrier": params.get("carrier", ""),
        "tracking_number": params.get("tracking_number", ""),
    }


def register_order_kinds() -> None:
    from orders.models import ACTION_EVENT, OrderEventKind

    for kind in ACTION_EVENT.values():
        register_event_summary(kind, _transition)
    register_event_summary(OrderEventKind.TRACKING_UPDATED, _tracking)
    register_event_summary(OrderEventKind.CREATED, _transition)
