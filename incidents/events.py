"""How incident steps read, in the reader's language: on the incident's history and on the order
timeline (registered with `orders.events` from IncidentsConfig.ready())."""

from django.utils.translation import gettext as _

from orders.events import label_in_reader_language, register_event_summary, with_text


def _automatic_text(params: dict) -> str:
    if params.get("full_refund_id") is not None:
        return _("Closed automatically: the order was fully refunded (refund #%(id)s).") % {
            "id": params["full_refund_id"]
        }
    if params.get("full_refund"):
        return _("Closed automatically: the order was fully refunded.")
    if params.get("reminded"):
        return _("The shop was reminded that this incident waits for it.")
    return ""


def incident_event_summary(event) -> str:
    """An incident history step: what a person wrote, or the automatic step's text."""
    return _automatic_text(event.params or {}) or event.message


def order_timeline_summary(params: dict) -> str:
    """An incident step on the order timeline: "Incident #5 — Damaged item: what was written"."""
    head = _("Incident #%(id)s") % {"id": params.get("incident_id", "?")}
    if params.get("reason_labels"):
        head = f"{head} — {label_in_reader_language(params['reason_labels'])}"
    return with_text(head, _automatic_text(params) or params.get("text", ""))


def register() -> None:
    from orders.models import OrderEventKind

    for kind in (
        OrderEventKind.INCIDENT_OPENED,
        OrderEventKind.INCIDENT_RESOLVED,
        OrderEventKind.INCIDENT_REOPENED,
        OrderEventKind.INCIDENT_CLOSED,
    ):
        register_event_summary(kind, order_timeline_summary)
